import Foundation
import XCTest
import Machine
import Engine
import Board
@testable import Debug

/// Several debug front ends on one machine: every one takes its input, the
/// first that resumes decides, the others are told.
final class DebugHandlerSetTests: XCTestCase {
    final class Front: SharedDebugHandler {
        var queueDoorbell: Doorbell?
        var stopReason: DebugStopReason?
        /// What serveQueued answers, call after call (nil past the end).
        var answers: [DebugResume?] = []
        var began: [DebugStopReason] = []
        var served = 0
        var attentions = 0
        var resumedBy: [DebugResume] = []

        func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
            attentions += 1
            return stopReason
        }
        func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume { .continue }
        func beginStop(cpu: CPU, reason: DebugStopReason) -> DebugResume? {
            began.append(reason)
            return nil
        }
        func serveQueued(cpu: CPU) -> DebugResume? {
            served += 1
            return served <= answers.count ? answers[served - 1] : nil
        }
        func resumedByOther(_ how: DebugResume) { resumedBy.append(how) }
    }

    func testFirstResumeDecidesAndTheOthersAreTold() throws {
        let vm = try VirtMachine(options: VirtOptions())
        let control = DebugControl(system: vm.system)
        let set = DebugHandlerSet()
        let gdb = Front(), qmp = Front()
        set.add(gdb)
        set.add(qmp)
        XCTAssertEqual(set.count, 2)
        XCTAssertNotNil(gdb.queueDoorbell)
        XCTAssertTrue(gdb.queueDoorbell === qmp.queueDoorbell, "one doorbell for every queue")

        // Running: each takes its input; the first stop asked for counts.
        qmp.stopReason = .interrupt
        XCTAssertEqual(set.attention(cpu: vm.cpu, control: control), .interrupt)
        XCTAssertEqual([gdb.attentions, qmp.attentions], [1, 1])

        // Stopped: both are told, QMP's cont (second pass) resumes, gdb hears of it.
        gdb.answers = [nil, nil]
        qmp.answers = [nil, .continue]
        // The first pass finds nothing: the set waits for the doorbell.
        let bell = try XCTUnwrap(qmp.queueDoorbell)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { bell.ring() }
        XCTAssertEqual(set.stopped(cpu: vm.cpu, reason: .breakpoint, control: control), .continue)
        XCTAssertEqual(gdb.began, [.breakpoint])
        XCTAssertEqual(qmp.began, [.breakpoint])
        XCTAssertEqual(gdb.resumedBy, [.continue])
        XCTAssertEqual(qmp.resumedBy, [])

        // gdb's kill ends the run for QMP too.
        gdb.served = 0
        gdb.answers = [.kill]
        XCTAssertEqual(set.stopped(cpu: vm.cpu, reason: .interrupt, control: control), .kill)
        XCTAssertEqual(qmp.resumedBy, [.kill])
    }
}
