import XCTest
import Glibc
@testable import Machine

/// The generic timer (GenericTimer.swift): CTL/CVAL/TVAL, the output on the
/// IRQ input, the host alarm, WFI until a deadline, CNTVOFF_EL2, the access
/// controls of CNTKCTL_EL1/CNTHCTL_EL2, the EL2 and secure timers, the event stream.
final class TimerTests: XCTestCase {
    let ms: UInt64 = 62_500   // ticks per millisecond

    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }
    private func read(_ cpu: CPU, _ name: String) -> UInt64? { cpu.readSysReg(key: key(name)) }
    @discardableResult
    private func write(_ cpu: CPU, _ name: String, _ v: UInt64) -> Bool { cpu.writeSysReg(key: key(name), value: v) }

    func testCounterConversionsAreExactInverses() {
        let m = TestMachine()
        let cpu = m.cpu
        for count: UInt64 in [0, 1, 15, 16, 62_500_000, 123_456_789_012, 1 << 40] {
            let ns = cpu.hostNanos(forCount: count) - cpu.counterEpochNanos
            let freq = SysRegTable.counterFrequency
            // The first nanosecond at which floor(ns * freq / 1e9) reaches count.
            XCTAssertEqual(UInt64(1_000_000_000).dividingFullWidth(ns.multipliedFullWidth(by: freq)).quotient, count)
            if ns > 0 {
                XCTAssertEqual(UInt64(1_000_000_000).dividingFullWidth((ns - 1).multipliedFullWidth(by: freq)).quotient,
                               count - 1)
            }
        }
        XCTAssertEqual(cpu.hostNanos(forCount: .max), .max, "beyond the host clock: never")
    }

    /// One system counter for every CPU (Arm ARM D11.1.2): a CPU added later
    /// does not count from its own creation. Counters that disagreed made
    /// Linux's clocksource go backwards between CPUs and program an idle CPU's
    /// timer for the far future (RCU stalls with -smp 2).
    func testEveryCPUReadsTheSameSystemCounter() {
        let m = TestMachine()
        usleep(20_000)
        let second = m.system.addCPU(config: CPUConfig())
        XCTAssertEqual(second.counterEpochNanos, m.cpu.counterEpochNanos)
        let a = m.cpu.physicalCount
        let b = second.physicalCount
        let c = m.cpu.physicalCount
        XCTAssertLessThanOrEqual(a, b, "CPU 1's count is not behind CPU 0's")
        XCTAssertLessThanOrEqual(b, c)
        XCTAssertLessThan(c - a, 10 * ms, "read back to back: within a few ms, not the 20 ms between the CPUs' creation")
    }

    func testControlCompareAndTimerValue() {
        let m = TestMachine()
        let cpu = m.cpu
        for (t, p) in [(GenericTimerID.physical, "CNTP_"), (.virtual, "CNTV_")] {
            XCTAssertEqual(read(cpu, p + "CTL_EL0"), 0, "\(t) resets disabled")
            XCTAssertTrue(write(cpu, p + "CVAL_EL0", 0))
            XCTAssertEqual(read(cpu, p + "CTL_EL0"), 0, "ISTATUS reads 0 while disabled")
            XCTAssertTrue(write(cpu, p + "CTL_EL0", 0xFF))
            XCTAssertEqual(read(cpu, p + "CTL_EL0"), 7, "ENABLE, IMASK kept; ISTATUS computed")
            XCTAssertTrue(write(cpu, p + "CVAL_EL0", .max))
            XCTAssertEqual(read(cpu, p + "CTL_EL0"), 3)
            XCTAssertEqual(read(cpu, p + "CVAL_EL0"), .max)
            // TVAL = (CVAL - count)[31:0]; writing it sets CVAL = count + SignExtend(TVAL).
            XCTAssertTrue(write(cpu, p + "TVAL_EL0", 1000 * ms))
            let count = t == .physical ? cpu.physicalCount : cpu.virtualCount
            let cval = read(cpu, p + "CVAL_EL0")!
            XCTAssertGreaterThan(cval, count)
            XCTAssertLessThanOrEqual(cval, count + 1000 * ms)
            let tval = read(cpu, p + "TVAL_EL0")!
            XCTAssertEqual(tval >> 32, 0)
            XCTAssertLessThanOrEqual(tval, 1000 * ms)
            XCTAssertGreaterThan(tval, 900 * ms)
            XCTAssertTrue(write(cpu, p + "TVAL_EL0", 0xFFFF_FFFF))   // -1
            XCTAssertLessThan(read(cpu, p + "CVAL_EL0")!, t == .physical ? cpu.physicalCount : cpu.virtualCount)
            XCTAssertEqual(read(cpu, p + "CTL_EL0"), 7)
            XCTAssertGreaterThanOrEqual(read(cpu, p + "TVAL_EL0")!, 0x8000_0000, "negative")
            write(cpu, p + "CTL_EL0", 0)
        }
    }

    func testOutputDrivesTheIRQLine() {
        let m = TestMachine()
        let cpu = m.cpu
        write(cpu, "CNTP_CVAL_EL0", 0)
        write(cpu, "CNTP_CTL_EL0", 3)                        // met, masked by IMASK
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        write(cpu, "CNTP_CTL_EL0", 1)                        // met, unmasked
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        XCTAssertTrue(cpu.interruptCheckRequested)
        write(cpu, "CNTV_CVAL_EL0", 0)
        write(cpu, "CNTV_CTL_EL0", 1)
        write(cpu, "CNTP_CTL_EL0", 0)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq), "the virtual timer still drives it")
        write(cpu, "CNTV_CVAL_EL0", .max)
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq), "a CVAL write re-evaluates the output")
        // Delivered as an IRQ at the current EL.
        write(cpu, "CNTV_CVAL_EL0", 0)
        cpu.daif = 0
        cpu.pc = 0x4000_0800
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, TestMachine.vbar + 0x280)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0800)
    }

    func testHostAlarmRequestsACheckAtTheDeadline() {
        let m = TestMachine()
        let cpu = m.cpu
        // Far enough ahead that a loaded machine cannot reach it before the
        // "nothing yet" checks (2 ms was flaky with other builds running).
        write(cpu, "CNTP_TVAL_EL0", 300 * ms)
        write(cpu, "CNTP_CTL_EL0", 1)
        let cval = read(cpu, "CNTP_CVAL_EL0")!
        cpu.exitRequest = 0
        XCTAssertFalse(cpu.interruptCheckRequested)
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        let t0 = HostClock.nanoseconds()
        while !cpu.interruptCheckRequested && HostClock.nanoseconds() - t0 < 2_000_000_000 { usleep(100) }
        XCTAssertTrue(cpu.interruptCheckRequested, "the alarm thread asked for a check")
        XCTAssertEqual(cpu.exitRequest, 1)
        XCTAssertGreaterThanOrEqual(cpu.physicalCount, cval, "not before the deadline")
        XCTAssertFalse(cpu.serviceInterrupts(), "PSTATE.I is set")
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
    }

    func testLineFollowsISTATUSWithoutWaitingForTheAlarm() {
        let m = TestMachine()
        let cpu = m.cpu
        write(cpu, "CNTP_TVAL_EL0", 1)
        write(cpu, "CNTP_CTL_EL0", 1)
        let t0 = HostClock.nanoseconds()
        while HostClock.nanoseconds() - t0 < 200 {}
        // ISTATUS is computed from the clock; the line must not lag behind it
        // (a guest that saw ISTATUS and then unmasked I expects the IRQ at once).
        XCTAssertEqual(read(cpu, "CNTP_CTL_EL0"), 5)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        // The same when the unmasking comes first.
        write(cpu, "CNTV_TVAL_EL0", 1)
        write(cpu, "CNTV_CTL_EL0", 1)
        write(cpu, "CNTP_CTL_EL0", 0)
        let t1 = HostClock.nanoseconds()
        while HostClock.nanoseconds() - t1 < 200 {}
        cpu.exitRequest = 0
        cpu.daif = 0
        cpu.interruptControlsChanged()
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertTrue(cpu.serviceInterrupts())
    }

    func testWFISleepsUntilTheDeadline() {
        let m = TestMachine()
        let cpu = m.cpu
        let setAt = HostClock.nanoseconds()
        write(cpu, "CNTV_TVAL_EL0", 20 * ms)
        write(cpu, "CNTV_CTL_EL0", 1)
        let cval = read(cpu, "CNTV_CVAL_EL0")!
        var usage0 = rusage(), usage1 = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage0)
        let t0 = HostClock.nanoseconds()
        cpu.executeWFI(at: 0x4000_0000)
        let waited = HostClock.nanoseconds() - t0
        getrusage(RUSAGE_SELF.rawValue, &usage1)
        XCTAssertNil(m.system.exitStatus)
        XCTAssertGreaterThanOrEqual(cpu.virtualCount, cval)
        // Not before the deadline, counted from when the timer was set (on a
        // loaded machine much of the 20 ms may pass before the WFI starts).
        XCTAssertGreaterThanOrEqual(HostClock.nanoseconds() - setAt, 19_000_000)
        XCTAssertLessThan(waited, 1_000_000_000)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        XCTAssertTrue(cpu.interruptCheckRequested, "the dispatcher takes the interrupt after the WFI")
        let cpuMicros = (usage1.ru_utime.tv_sec - usage0.ru_utime.tv_sec) * 1_000_000
            + (usage1.ru_utime.tv_usec - usage0.ru_utime.tv_usec)
        XCTAssertLessThan(cpuMicros, 10_000, "the host thread idles while the guest waits")
    }

    func testIMaskedOrDisabledTimerCannotWakeWFI() {
        let m = TestMachine()
        let cpu = m.cpu
        write(cpu, "CNTP_TVAL_EL0", 1 * ms)
        write(cpu, "CNTP_CTL_EL0", 3)         // IMASK: its output never rises
        cpu.executeWFI(at: 0x4000_0000)
        XCTAssertEqual(m.system.exitStatus, 1)
        XCTAssertNotNil(m.system.fatalMessage)
    }

    func testVirtualOffset() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(2)
        let phys = cpu.physicalCount
        XCTAssertTrue(write(cpu, "CNTVOFF_EL2", phys &- 1_000_000))
        cpu.setEL(1)
        let v = cpu.virtualCount
        XCTAssertGreaterThanOrEqual(v, 1_000_000)
        XCTAssertLessThan(v, 1_000_000 + 1000 * ms)
        write(cpu, "CNTV_CVAL_EL0", 500_000)
        write(cpu, "CNTV_CTL_EL0", 1)
        XCTAssertEqual(read(cpu, "CNTV_CTL_EL0"), 5, "compared with the offset count")
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        write(cpu, "CNTV_CVAL_EL0", 1_000_000 + 10_000 * ms)
        XCTAssertEqual(read(cpu, "CNTV_CTL_EL0"), 1)
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        // A CNTVOFF_EL2 write re-evaluates the virtual timer.
        cpu.setEL(2)
        XCTAssertTrue(write(cpu, "CNTVOFF_EL2", cpu.physicalCount &- 20_000_000 * ms))   // virtual count ~ 20000 s
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        // The physical timer ignores the offset.
        write(cpu, "CNTP_CVAL_EL0", 1_000_000 + 10_000 * ms)
        write(cpu, "CNTP_CTL_EL0", 1)
        XCTAssertEqual(read(cpu, "CNTP_CTL_EL0"), cpu.physicalCount >= 1_000_000 + 10_000 * ms ? 5 : 1)
    }

    func testEL2AndSecureTimers() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        let scrNS: UInt64 = 1, scrST: UInt64 = 1 << 11
        cpu.setSysreg(SysRegTable.scrEL3, scrNS)
        // EL2 physical timer: EL2 and EL3 only.
        cpu.setEL(1)
        XCTAssertNil(read(cpu, "CNTHP_CTL_EL2"))
        cpu.setEL(2)
        XCTAssertTrue(write(cpu, "CNTHP_CVAL_EL2", 0))
        XCTAssertTrue(write(cpu, "CNTHP_CTL_EL2", 1))
        XCTAssertEqual(read(cpu, "CNTHP_CTL_EL2"), 5)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        write(cpu, "CNTHP_CTL_EL2", 0)
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        // Secure timer: UNDEFINED at EL2 and at Non-secure EL1.
        XCTAssertNil(read(cpu, "CNTPS_CTL_EL1"))
        cpu.setEL(1)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.securePhysical)), .undefined)
        // Secure EL1: trapped to EL3 unless SCR_EL3.ST.
        cpu.setSysreg(SysRegTable.scrEL3, 0)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.securePhysical)), .trap(toEL: 3))
        XCTAssertNil(read(cpu, "CNTPS_CTL_EL1"))
        cpu.setSysreg(SysRegTable.scrEL3, scrST)
        XCTAssertEqual(read(cpu, "CNTPS_CTL_EL1"), 0)
        cpu.setEL(3)
        XCTAssertTrue(write(cpu, "CNTPS_TVAL_EL1", 0xFFFF_FFFF))
        XCTAssertTrue(write(cpu, "CNTPS_CTL_EL1", 1))
        XCTAssertEqual(read(cpu, "CNTPS_CTL_EL1"), 5)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        // Without EL2/EL3 those timers do not exist.
        let small = TestMachine()
        XCTAssertNil(read(small.cpu, "CNTHP_CTL_EL2"))
        XCTAssertNil(read(small.cpu, "CNTPS_CTL_EL1"))
    }

    func testEL0AccessControls() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(0)
        // CNTKCTL_EL1 resets to 0: everything trapped to EL1.
        for a: GenericTimerRegs.Access in [.frequency, .physicalCount, .virtualCount, .timer(.physical), .timer(.virtual)] {
            XCTAssertEqual(cpu.counterTimerAccess(a), .trap(toEL: 1), "\(a)")
        }
        XCTAssertNil(read(cpu, "CNTP_CTL_EL0"))
        let cntkctl = SysRegTable.slot("CNTKCTL_EL1")
        cpu.setSysreg(cntkctl, 1)          // EL0PCTEN
        XCTAssertEqual(cpu.counterTimerAccess(.physicalCount), .allowed)
        XCTAssertEqual(cpu.counterTimerAccess(.frequency), .allowed)
        XCTAssertEqual(cpu.counterTimerAccess(.virtualCount), .trap(toEL: 1))
        cpu.setSysreg(cntkctl, 2)          // EL0VCTEN
        XCTAssertEqual(cpu.counterTimerAccess(.virtualCount), .allowed)
        XCTAssertEqual(cpu.counterTimerAccess(.frequency), .allowed)
        XCTAssertEqual(cpu.counterTimerAccess(.physicalCount), .trap(toEL: 1))
        cpu.setSysreg(cntkctl, 1 << 8)     // EL0VTEN
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.virtual)), .allowed)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.physical)), .trap(toEL: 1))
        cpu.setSysreg(cntkctl, 1 << 9)     // EL0PTEN
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.physical)), .allowed)
        XCTAssertEqual(read(cpu, "CNTP_CTL_EL0"), 0)
        // With HCR_EL2.TGE, EL0 traps go to EL2.
        cpu.setSysreg(cntkctl, 0)
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 27)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.virtual)), .trap(toEL: 2))
        cpu.setSysreg(SysRegTable.hcrEL2, 0)
        // CNTHCTL_EL2 (resets to 3): EL1PCTEN for CNTPCT, EL1PCEN for CNTP_*, at EL0 and EL1.
        let cnthctl = SysRegTable.slot("CNTHCTL_EL2")
        XCTAssertEqual(cpu.sysreg(cnthctl), 3)
        cpu.setEL(1)
        XCTAssertEqual(cpu.counterTimerAccess(.physicalCount), .allowed)
        cpu.setSysreg(cnthctl, 2)
        XCTAssertEqual(cpu.counterTimerAccess(.physicalCount), .trap(toEL: 2))
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.physical)), .allowed)
        cpu.setSysreg(cnthctl, 1)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.physical)), .trap(toEL: 2))
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.virtual)), .allowed, "no EL2 control of the virtual timer")
        XCTAssertEqual(cpu.counterTimerAccess(.virtualCount), .allowed)
        cpu.setEL(0)
        cpu.setSysreg(cntkctl, 1 | 1 << 9)
        XCTAssertEqual(cpu.counterTimerAccess(.timer(.physical)), .trap(toEL: 2))
        cpu.setEL(2)
        XCTAssertEqual(cpu.counterTimerAccess(.physicalCount), .allowed)
        // Without EL2, CNTHCTL_EL2 plays no part.
        let small = TestMachine()
        XCTAssertEqual(small.cpu.counterTimerAccess(.timer(.physical)), .allowed)
    }

    func testEventStream() {
        // EVNTI = 3, EVNTDIR = 0: bit 3 rising, every 16 counts at 8, 24, 40...
        let rising: UInt64 = 3 << 4 | 1 << 2
        XCTAssertEqual(CPU.streamEdge(after: 0, control: rising), 8)
        XCTAssertEqual(CPU.streamEdge(after: 7, control: rising), 8)
        XCTAssertEqual(CPU.streamEdge(after: 8, control: rising), 24)
        XCTAssertEqual(CPU.streamEdge(after: 23, control: rising), 24)
        // EVNTDIR = 1: bit 3 falling, at 16, 32...
        let falling = rising | 1 << 3
        XCTAssertEqual(CPU.streamEdge(after: 0, control: falling), 16)
        XCTAssertEqual(CPU.streamEdge(after: 16, control: falling), 32)
        // EVNTI = 15: bit 15, every 65536 counts.
        XCTAssertEqual(CPU.streamEdge(after: 1, control: 15 << 4 | 1 << 2), 32768)

        // A WFE with the stream on (bit 12: every 4096 counts, ~66 us) returns.
        let m = TestMachine()
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.slot("CNTKCTL_EL1"), 12 << 4 | 1 << 2)
        let t0 = HostClock.nanoseconds()
        cpu.executeWFE(at: 0x4000_0000)
        XCTAssertNil(m.system.exitStatus)
        XCTAssertLessThan(HostClock.nanoseconds() - t0, 100_000_000)
        // WFI does not wake on events: with nothing else it ends the run.
        cpu.executeWFI(at: 0x4000_0000)
        XCTAssertEqual(m.system.exitStatus, 1)
    }

    func testResetDisarms() {
        let m = TestMachine()
        let cpu = m.cpu
        write(cpu, "CNTP_CVAL_EL0", 0)
        write(cpu, "CNTP_CTL_EL0", 1)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        cpu.reset()
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        XCTAssertEqual(read(cpu, "CNTP_CTL_EL0"), 0)
    }
}
