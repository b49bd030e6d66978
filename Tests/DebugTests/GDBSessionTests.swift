import Foundation
import XCTest
import Machine
import Engine
import Board
@testable import Debug

/// A small program at RAM + 0x80000, and a machine to run it.
enum DebugProgram {
    static let base: UInt64 = 0x4008_0000
    static let data: UInt64 = 0x4030_0000
    /// x2 = data; x3 = 5; x3 += 1; [x2] = x3; x4 = [x2]; x4 += 1;
    /// semihosting SYS_EXIT (x1 -> block at data + 0x100); b .
    static let words: [UInt32] = [
        0xD2A8_0602,   // +0x00 mov x2, #0x40300000
        0xD280_00A3,   // +0x04 mov x3, #5
        0x9100_0463,   // +0x08 add x3, x3, #1
        0xF900_0043,   // +0x0c str x3, [x2]
        0xF940_0044,   // +0x10 ldr x4, [x2]
        0x9100_0484,   // +0x14 add x4, x4, #1
        0x5280_0300,   // +0x18 mov w0, #0x18
        0xD2A8_0601,   // +0x1c mov x1, #0x40300000
        0xF280_2001,   // +0x20 movk x1, #0x100
        0xD45E_0000,   // +0x24 hlt #0xf000
        0x1400_0000,   // +0x28 b .
    ]
    static let spin = base + 0x28

    static func machine() throws -> VirtMachine {
        var o = VirtOptions()
        o.semihosting = true
        let vm = try VirtMachine(options: o)
        let bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> UInt32(8 * $0)) } }
        XCTAssertTrue(bytes.withUnsafeBytes { vm.memory.writePhysical(pa: base, bytes: $0) })
        // ADP_Stopped_ApplicationExit, status 0.
        let block: [UInt8] = [0x26, 0x00, 0x02, 0x00, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        XCTAssertTrue(block.withUnsafeBytes { vm.memory.writePhysical(pa: data + 0x100, bytes: $0) })
        vm.cpu.pc = base
        return vm
    }
}

/// Packets answered by `GDBSession` on a stopped machine (no sockets).
final class GDBSessionTests: XCTestCase {
    var vm: VirtMachine!
    var control: DebugControl!
    var session: GDBSession!

    override func setUpWithError() throws {
        vm = try DebugProgram.machine()
        control = DebugControl(system: vm.system)
        session = GDBSession(cpu: vm.cpu, control: control)
    }

    func ask(_ s: String) -> String {
        let out = session.handle(Array(s.utf8))
        return out.replies.joined(separator: "|")
    }

    func testQueries() {
        let sup = ask("qSupported:multiprocess+;swbreak+;hwbreak+")
        for f in ["PacketSize=4000", "qXfer:features:read+", "swbreak+", "hwbreak+", "vContSupported+"] {
            XCTAssertTrue(sup.contains(f), f)
        }
        XCTAssertEqual(ask("qAttached"), "1")
        XCTAssertTrue(sup.hasSuffix(";multiprocess+"), "offered: thread ids are pPID.TID, as QEMU's")
        XCTAssertEqual(ask("qC"), "QCp01.01")
        XCTAssertEqual(ask("qfThreadInfo"), "mp01.01")
        XCTAssertEqual(ask("qsThreadInfo"), "l")
        XCTAssertEqual(ask("Hg0"), "OK")
        XCTAssertEqual(ask("vCont?"), "vCont;c;C;s;S")
        XCTAssertEqual(ask("vMustReplyEmpty"), "")
        XCTAssertEqual(ask("qTStatus"), "", "unsupported packets get an empty reply")
        XCTAssertEqual(ask("QStartNoAckMode"), "OK")
        XCTAssertTrue(session.noAck)
    }

    func testStopReplies() {
        XCTAssertTrue(ask("?").hasPrefix("T05"))
        XCTAssertTrue(ask("?").contains("20:0000084000000000;"), "the PC is expedited")
        XCTAssertTrue(session.stopReply(.interrupt).hasPrefix("T02"))
        XCTAssertTrue(session.stopReply(.breakpoint).hasSuffix("thread:01;swbreak:;"))
        _ = ask("Z1,40080000,4")
        XCTAssertTrue(session.stopReply(.breakpoint).hasSuffix("hwbreak:;"))
        let w = Watchpoint(address: 0x4030_0000, length: 8, kind: .write)
        XCTAssertTrue(session.stopReply(.watchpoint(w, address: 0x4030_0000)).hasSuffix("watch:40300000;"))
        XCTAssertTrue(session.stopReply(.watchpoint(Watchpoint(address: 8, length: 8, kind: .read), address: 8)).hasSuffix("rwatch:8;"))
        XCTAssertTrue(session.stopReply(.watchpoint(Watchpoint(address: 8, length: 8, kind: .access), address: 9)).hasSuffix("awatch:9;"))
        XCTAssertEqual(GDBSession.exitReply(status: 0), "W00")
        XCTAssertEqual(GDBSession.exitReply(status: 3), "W03")
    }

    func testTargetDescription() {
        var xml = ""
        while true {
            let r = ask("qXfer:features:read:target.xml:\(String(xml.utf8.count, radix: 16)),100")
            xml += r.dropFirst()
            if r.hasPrefix("l") { break }
            XCTAssertTrue(r.hasPrefix("m"))
        }
        XCTAssertEqual(xml, GDBRegisters.targetXML)
        XCTAssertTrue(xml.contains("<feature name=\"org.gnu.gdb.aarch64.core\">"))
        for name in ["x0", "x30", "sp", "pc", "cpsr", "CurrentEL", "SCR_EL3", "HCR_EL2", "SCTLR_EL1", "SCTLR_EL2",
                     "SCTLR_EL3", "TTBR0_EL1", "TTBR1_EL1", "ESR_EL1", "ESR_EL2", "ESR_EL3", "FAR_EL1", "FAR_EL2",
                     "FAR_EL3", "ELR_EL1", "ELR_EL2", "ELR_EL3"] {
            XCTAssertTrue(xml.contains("<reg name=\"\(name)\""), name)
        }
        // The FP/SIMD feature: gdb's standard names and numbers (v0 = 34 ... fpcr = 67).
        XCTAssertTrue(xml.contains("<feature name=\"org.gnu.gdb.aarch64.fpu\">"))
        XCTAssertTrue(xml.contains("<reg name=\"v0\" bitsize=\"128\" type=\"aarch64v\" regnum=\"34\"/>"))
        XCTAssertTrue(xml.contains("<reg name=\"v31\" bitsize=\"128\" type=\"aarch64v\" regnum=\"65\"/>"))
        XCTAssertTrue(xml.contains("<reg name=\"fpsr\" bitsize=\"32\" regnum=\"66\"/>"))
        XCTAssertTrue(xml.contains("<reg name=\"fpcr\" bitsize=\"32\" regnum=\"67\"/>"))
        XCTAssertEqual(ask("qXfer:features:read:other.xml:0,100"), "E00")
    }

    func testRegisters() {
        vm.cpu.setX(3, 0x1122_3344_5566_7788)
        XCTAssertEqual(ask("p3"), "8877665544332211")
        XCTAssertEqual(ask("p20"), "0000084000000000")
        XCTAssertEqual(ask("P1=efcdab8967452301"), "OK")
        XCTAssertEqual(vm.cpu.x(1), 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(ask("P1f=0000104000000000"), "OK")
        XCTAssertEqual(vm.cpu.sp, 0x4010_0000)
        // cpsr: NZCV and EL.
        XCTAssertEqual(ask("P21=c5030060"), "OK")
        XCTAssertEqual(vm.cpu.nzcv, 0x6000_0000)
        XCTAssertEqual(ask("p21"), "c5030060")
        // System registers, straight from their slots.
        let el = GDBRegisters.number(named: "CurrentEL")!
        XCTAssertEqual(ask("p" + String(el, radix: 16)), GDBPacket.littleEndianHex(4, bytes: 8))
        let sctlr = GDBRegisters.number(named: "SCTLR_EL1")!
        XCTAssertEqual(ask("P\(String(sctlr, radix: 16))=" + GDBPacket.littleEndianHex(0x30D0_0801, bytes: 8)), "OK")
        XCTAssertEqual(vm.cpu.sysreg(SysRegTable.slot("SCTLR_EL1")), 0x30D0_0801)
        vm.cpu.setSysreg(SysRegTable.slot("SCTLR_EL1"), 0x30D0_0800)
        XCTAssertEqual(ask("p999"), "E01")
        // V registers are 16 bytes, little-endian; fpsr and fpcr 4 bytes each.
        vm.cpu.setVreg(1, lo: 0x0706_0504_0302_0100, hi: 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(ask("p23"), "000102030405060708090a0b0c0d0e0f")
        XCTAssertEqual(ask("P41=" + "ffeeddccbbaa99887766554433221100"), "OK")
        XCTAssertEqual(vm.cpu.vreg(31).lo, 0x8899_AABB_CCDD_EEFF)
        XCTAssertEqual(vm.cpu.vreg(31).hi, 0x0011_2233_4455_6677)
        XCTAssertEqual(ask("P43=00004003"), "OK")
        XCTAssertEqual(vm.cpu.fpcr, 0x0340_0000)
        XCTAssertEqual(ask("p43"), "00004003")
        vm.cpu.fpsr = 0x9F
        XCTAssertEqual(ask("p42"), "9f000000")
        // g holds every register in order; G writes them back.
        let g = ask("g")
        XCTAssertEqual(g.count, GDBRegisters.all.reduce(0) { $0 + $1.bits / 4 })
        XCTAssertEqual(String(g.dropFirst(3 * 16).prefix(16)), "8877665544332211")
        vm.cpu.setX(3, 0)
        XCTAssertEqual(ask("G" + g), "OK")
        XCTAssertEqual(vm.cpu.x(3), 0x1122_3344_5566_7788)
    }

    func testMemory() {
        XCTAssertEqual(ask("m40080000,8"), "0206a8d2a30080d2")
        XCTAssertEqual(ask("M40300000,4:deadbeef"), "OK")
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4030_0000, count: 4), [0xDE, 0xAD, 0xBE, 0xEF])
        // X: binary data (the parser has already unescaped it).
        let x = Array("X40300004,3:".utf8) + [0x24, 0x23, 0x7D]
        XCTAssertEqual(session.handle(x).replies, ["OK"])
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4030_0004, count: 3), [0x24, 0x23, 0x7D])
        XCTAssertEqual(ask("X40300000,0:"), "OK", "the probe gdb sends first")
        XCTAssertEqual(ask("m8000000000,4"), "E14", "nothing there")
        // A read running off the end of RAM returns what could be read.
        let end = VirtMachine.Map.ramBase + vm.ram.size
        XCTAssertEqual(ask("m\(String(end - 2, radix: 16)),4"), "0000")
        XCTAssertEqual(ask("M40300000,4:de"), "E01", "length and data disagree")
    }

    func testBreakpointsAndWatchpoints() {
        XCTAssertEqual(ask("Z0,40080008,4"), "OK")
        XCTAssertEqual(ask("Z1,4008000c,4"), "OK")
        XCTAssertEqual(control.breakpoints, [0x4008_0008, 0x4008_000C])
        XCTAssertEqual(ask("z0,40080008,4"), "OK")
        XCTAssertEqual(control.breakpoints, [0x4008_000C])
        XCTAssertNil(vm.system.debugWatch)
        XCTAssertEqual(ask("Z2,40300000,8"), "OK")
        XCTAssertEqual(ask("Z3,40300008,4"), "OK")
        XCTAssertEqual(control.watchpoints, [Watchpoint(address: 0x4030_0000, length: 8, kind: .write),
                                             Watchpoint(address: 0x4030_0008, length: 4, kind: .read)])
        XCTAssertEqual(ask("z2,40300000,8"), "OK")
        XCTAssertEqual(control.watchpoints.count, 1)
        XCTAssertEqual(ask("Z9,0,0"), "", "unknown type: unsupported")
        // Detach drops everything and lets the CPU run.
        let d = session.handle(Array("D".utf8))
        XCTAssertEqual(d, GDBSession.Outcome(replies: ["OK"], resume: .continue, detached: true))
        XCTAssertTrue(control.breakpoints.isEmpty)
        XCTAssertNil(vm.system.debugWatch, "no watchpoints: the slow paths are back to one compare")
    }

    func testResumePackets() {
        XCTAssertEqual(session.handle(Array("c".utf8)).resume, .continue)
        XCTAssertEqual(session.handle(Array("s".utf8)).resume, .step)
        XCTAssertEqual(session.handle(Array("vCont;s:1;c".utf8)).resume, .step)
        XCTAssertEqual(session.handle(Array("vCont;c".utf8)).resume, .continue)
        XCTAssertEqual(session.handle(Array("vCont;s:2;c".utf8)).resume, .continue, "thread 2 does not exist")
        XCTAssertEqual(session.handle(Array("S05;40080010".utf8)).resume, .step)
        XCTAssertEqual(vm.cpu.pc, 0x4008_0010, "resume at an address")
        XCTAssertEqual(session.handle(Array("c40080004".utf8)).resume, .continue)
        XCTAssertEqual(vm.cpu.pc, 0x4008_0004)
        XCTAssertEqual(session.handle(Array("k".utf8)).resume, .kill)
    }

    /// Each CPU is a thread: the list, extra info, selection and per-thread resumes.
    func testThreads() throws {
        var o = VirtOptions()
        o.cpuCount = 3
        let vm = try VirtMachine(options: o)
        let cpus = vm.system.cpus
        for (i, c) in cpus.enumerated() { c.pc = 0x4008_0000 + UInt64(i) * 0x100 }
        let control = DebugControl(system: vm.system)
        let session = GDBSession(cpu: cpus[0], control: control)
        func ask(_ s: String) -> String { session.handle(Array(s.utf8)).replies.joined(separator: "|") }
        func resume(_ s: String) -> DebugResume? { session.handle(Array(s.utf8)).resume }
        XCTAssertEqual([ask("qfThreadInfo"), ask("qsThreadInfo"), ask("qsThreadInfo"), ask("qsThreadInfo")],
                       ["m01", "m02", "m03", "l"])
        XCTAssertEqual(String(decoding: GDBPacket.bytes(fromHex: ask("qThreadExtraInfo,1")[...])!, as: UTF8.self), "CPU#0 [running]")
        XCTAssertEqual(String(decoding: GDBPacket.bytes(fromHex: ask("qThreadExtraInfo,3")[...])!, as: UTF8.self), "CPU#2 [halted ]",
                       "a secondary CPU is off until PSCI CPU_ON")
        XCTAssertEqual(ask("qThreadExtraInfo,4"), "E22")
        XCTAssertEqual([ask("T3"), ask("T4"), ask("T0"), ask("T-1")], ["OK", "E22", "OK", "OK"])
        // Registers of the Hg thread.
        XCTAssertEqual(ask("Hg2"), "OK")
        XCTAssertEqual(ask("p20"), GDBPacket.littleEndianHex(0x4008_0100, bytes: 8))
        XCTAssertEqual(ask("qC"), "QC02")
        XCTAssertEqual(ask("Hg9"), "E22")
        XCTAssertEqual(ask("Hg0"), "OK")
        XCTAssertEqual(ask("p20"), GDBPacket.littleEndianHex(0x4008_0000, bytes: 8), "any thread: the first")
        // A stop selects the CPU that stopped.
        session.stopped(on: cpus[2])
        XCTAssertEqual(ask("p20"), GDBPacket.littleEndianHex(0x4008_0200, bytes: 8))
        XCTAssertTrue(session.stopReply(.breakpoint).contains("thread:03;"))
        XCTAssertTrue(session.stopReply(.breakpoint).hasPrefix("T0520:" + GDBPacket.littleEndianHex(0x4008_0200, bytes: 8)))
        // Resumes: the stopped CPU steps (others run), one CPU steps alone, some continue.
        XCTAssertEqual(resume("s"), .step)
        XCTAssertEqual(resume("vCont;s:3;c"), .step)
        XCTAssertEqual(resume("vCont;s:1;c"), .threads(step: [0], held: []))
        XCTAssertEqual(resume("vCont;s:1"), .threads(step: [0], held: [1, 2]))
        XCTAssertEqual(resume("vCont;c:2"), .threads(step: [], held: [0, 2]))
        XCTAssertEqual(resume("vCont;c:-1"), .continue)
        XCTAssertEqual(resume("vCont;s:9"), nil, "no such thread: nothing resumes")
        XCTAssertEqual(ask("vCont;s:9"), "E01")
        XCTAssertEqual(ask("Hc2"), "OK")
        XCTAssertEqual(resume("s40080010"), .threads(step: [1], held: []))
        XCTAssertEqual(cpus[1].pc, 0x4008_0010, "the Hc thread resumes at the address")
        // multiprocess ids once gdb offers them.
        XCTAssertTrue(ask("qSupported:multiprocess+;swbreak+").hasSuffix(";multiprocess+"))
        XCTAssertEqual(ask("qfThreadInfo"), "mp01.01")
        XCTAssertEqual(ask("Hgp1.2"), "OK")
        XCTAssertEqual(ask("qC"), "QCp01.02")
        XCTAssertEqual(resume("vCont;s:p1.2;c:p1.-1"), .threads(step: [1], held: []))
        XCTAssertEqual(ask("Hgp2.1"), "E22", "one process")
    }

    func testMonitor() {
        func monitor(_ command: String) -> String {
            let out = session.handle(Array(("qRcmd," + GDBPacket.hex(command)).utf8))
            XCTAssertEqual(out.replies.last, "OK")
            return out.replies.dropLast().map { String(decoding: GDBPacket.bytes(fromHex: $0.dropFirst())!, as: UTF8.self) }.joined()
        }
        XCTAssertEqual(monitor("info mec"), "MEC model: off/no tags yet\n")
        XCTAssertTrue(monitor("info registers").hasPrefix(" PC=0000000040080000 X00="))
        XCTAssertEqual(monitor("xp /4x 0x40080000"), "0000000040080000: 0xd2a80602 0xd28000a3 0x91000463 0xf9000043\n")
        XCTAssertEqual(monitor("xp /6xw 0x40080000"),
                       "0000000040080000: 0xd2a80602 0xd28000a3 0x91000463 0xf9000043\n0000000040080010: 0xf9400044 0x91000484\n")
        XCTAssertEqual(monitor("xp /2xg 0x40080000"), "0000000040080000: 0xd28000a3d2a80602 0xf900004391000463\n")
        XCTAssertEqual(monitor("xp /2xb 0x40080000"), "0000000040080000: 0x02 0x06\n")
        XCTAssertEqual(monitor("xp /1d 0x40080000"), "0000000040080000: -760740350\n")
        XCTAssertTrue(monitor("xp /4x 0x8000000000").contains("cannot read"))
        XCTAssertTrue(monitor("bogus").hasPrefix("unknown command"))
        XCTAssertTrue(monitor("help").contains("xp /FMT ADDR"))
    }
}

/// A debugger that answers each stop from a script, recording what it saw.
final class ScriptedDebugger: DebugHandler {
    struct Stop: Equatable {
        var reason: DebugStopReason
        var pc: UInt64
    }
    var stops: [Stop] = []
    /// Called at each stop (with its index); returns how to resume.
    var script: (Int, CPU, DebugControl) -> DebugResume
    var attentionReason: DebugStopReason? = nil

    init(script: @escaping (Int, CPU, DebugControl) -> DebugResume) {
        self.script = script
    }

    func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? { attentionReason }

    func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        stops.append(Stop(reason: reason, pc: cpu.pc))
        return script(stops.count - 1, cpu, control)
    }
}

/// DebugControl in the dispatcher, under both engines: breakpoints, steps,
/// watchpoints (reported before the accessing instruction), Ctrl-C out of a chained loop, kill.
final class DebugControlTests: XCTestCase {
    func run(_ engine: EngineKind, _ script: @escaping (Int, CPU, DebugControl) -> DebugResume,
             setUp: (VirtMachine, DebugControl) -> Void = { _, _ in }) throws -> (VirtMachine, ScriptedDebugger, Int32) {
        let vm = try DebugProgram.machine()
        var options = EngineOptions()
        options.kind = engine
        let dispatcher = try Dispatcher(system: vm.system, options: options)
        let control = DebugControl(system: vm.system)
        let debugger = ScriptedDebugger(script: script)
        control.handler = debugger
        control.stopBeforeFirstInstruction()
        dispatcher.debug = control
        setUp(vm, control)
        let status = dispatcher.run()
        return (vm, debugger, status)
    }

    func testBreakpointsStepsWatchpoints() throws {
        for engine in EngineKind.allCases {
            let base = DebugProgram.base, data = DebugProgram.data
            var seen: [String] = []
            let (vm, debugger, status) = try run(engine) { i, cpu, control in
                switch i {
                case 0:   // -S: before the first instruction
                    control.insertBreakpoint(base + 0x08)
                    control.insertWatchpoint(Watchpoint(address: data, length: 8, kind: .write))
                    return .continue
                case 1:   // at the breakpoint: x3 = 5, the add not yet run
                    seen.append("x3=\(cpu.x(3))")
                    return .step
                case 2:   // one step later
                    seen.append("x3=\(cpu.x(3))")
                    return .continue
                case 3:   // before the watched store: memory still holds the old value
                    seen.append("mem=\(cpu.readVirtual(data, count: 1)![0])")
                    // The write watchpoint stays: continuing performs the store
                    // without stopping again at it.
                    control.insertWatchpoint(Watchpoint(address: data + 4, length: 4, kind: .read))
                    return .continue
                case 4:   // before the load that reads the watched bytes
                    seen.append("x4=\(cpu.x(4)) mem=\(cpu.readVirtual(data, count: 1)![0])")
                    control.removeAll()
                    return .continue
                default:
                    XCTFail("unexpected stop \(i)")
                    return .kill
                }
            }
            let w = Watchpoint(address: data, length: 8, kind: .write)
            let r = Watchpoint(address: data + 4, length: 4, kind: .read)
            XCTAssertEqual(debugger.stops, [
                .init(reason: .initial, pc: base),
                .init(reason: .breakpoint, pc: base + 0x08),
                .init(reason: .step, pc: base + 0x0C),
                .init(reason: .watchpoint(w, address: data), pc: base + 0x0C),
                .init(reason: .watchpoint(r, address: data + 4), pc: base + 0x10),
            ], "\(engine)")
            XCTAssertEqual(seen, ["x3=5", "x3=6", "mem=0", "x4=0 mem=6"], "\(engine)")
            XCTAssertEqual(status, 0, "\(engine): the program runs to its semihosting exit")
            XCTAssertEqual(vm.system.exitStatus, 0)
            XCTAssertNil(vm.system.debugWatch)
        }
    }

    func testStepEveryInstruction() throws {
        for engine in EngineKind.allCases {
            var pcs: [UInt64] = []
            let (_, _, status) = try run(engine) { i, cpu, _ in
                pcs.append(cpu.pc)
                return .step
            }
            XCTAssertEqual(status, 0)
            XCTAssertEqual(pcs, (0..<10).map { DebugProgram.base + UInt64(4 * $0) }, "\(engine): one stop per instruction up to the exit")
        }
    }

    func testInterruptLeavesAChainedLoop() throws {
        for engine in EngineKind.allCases {
            var control: DebugControl?
            var debuggerRef: ScriptedDebugger?
            let (vm, debugger, status) = try run(engine, { i, cpu, c in
                switch i {
                case 0:
                    cpu.pc = DebugProgram.spin   // b .
                    // Ctrl-C from another thread while the loop spins.
                    let ctl = c
                    debuggerRef?.attentionReason = .interrupt
                    Thread.detachNewThread {
                        Thread.sleep(forTimeInterval: 0.2)
                        ctl.requestAttention()
                        // The dispatcher may clear the exit request between blocks: repeat while not taken.
                        while ctl.attentionPending {
                            Thread.sleep(forTimeInterval: 0.01)
                            ctl.requestAttention()
                        }
                    }
                    return .continue
                default:
                    return .kill
                }
            }, setUp: { _, c in control = c; debuggerRef = c.handler as? ScriptedDebugger })
            XCTAssertEqual(debugger.stops.map(\.reason), [.initial, .interrupt], "\(engine)")
            XCTAssertEqual(debugger.stops.last?.pc, DebugProgram.spin)
            XCTAssertEqual(status, 0, "kill: exit status 0")
            XCTAssertEqual(vm.system.exitStatus, 0)
            XCTAssertGreaterThan(vm.cpu.instructionCount, 100, "\(engine): the loop ran")
            _ = control
        }
    }
}
