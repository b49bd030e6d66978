import XCTest
import Glibc
@testable import Machine

/// Interrupt routing and masking (Arm ARM D1.3), delivery between blocks,
/// the check flag, WFI/WFE and the event register (Interrupts.swift, InterruptRouting.swift, InterruptService.swift).
final class InterruptTests: XCTestCase {
    typealias C = InterruptRouting.Controls
    let vbar = TestMachine.vbar
    let I: UInt64 = 1 << 7, F: UInt64 = 1 << 6, A: UInt64 = 1 << 8
    let scrNS: UInt64 = 1 << 0, scrIRQ: UInt64 = 1 << 1, scrFIQ: UInt64 = 1 << 2, scrEA: UInt64 = 1 << 3
    let scrEEL2: UInt64 = 1 << 18
    let imo: UInt64 = 1 << 4, fmo: UInt64 = 1 << 3, amo: UInt64 = 1 << 5, tge: UInt64 = 1 << 27, e2h: UInt64 = 1 << 34
    let vi: UInt64 = 1 << 7, vf: UInt64 = 1 << 6, vse: UInt64 = 1 << 8

    // MARK: Routing and masking (pure)

    func testEL1OnlyRoutingAndMasking() {
        for line in InterruptLine.allCases {
            for el in 0...1 {
                let c = C(el: el)
                XCTAssertEqual(InterruptRouting.targetEL(line, c), 1)
                XCTAssertTrue(InterruptRouting.isTaken(line, target: 1, C(el: el, daif: 0)))
                XCTAssertFalse(InterruptRouting.isTaken(line, target: 1, C(el: el, daif: line.daifBit)),
                               "\(line) masked by its own PSTATE bit at EL\(el)")
                let others = (I | F | A) & ~line.daifBit
                XCTAssertTrue(InterruptRouting.isTaken(line, target: 1, C(el: el, daif: others)),
                              "\(line) not masked by the other bits")
            }
        }
    }

    func testEL2Routing() {
        // HCR_EL2.IMO/FMO/AMO route each line to EL2 separately.
        let pairs: [(InterruptLine, UInt64)] = [(.irq, imo), (.fiq, fmo), (.serror, amo)]
        for (line, bit) in pairs {
            for other in [imo, fmo, amo] where other != bit {
                XCTAssertEqual(InterruptRouting.targetEL(line, C(el: 1, hasEL2: true, hcr: other)), 1)
            }
            let c1 = C(el: 1, hasEL2: true, hcr: bit, daif: 0x3C0)
            XCTAssertEqual(InterruptRouting.targetEL(line, c1), 2)
            XCTAssertTrue(InterruptRouting.isTaken(line, target: 2, c1), "to a higher EL: PSTATE at EL1 does not mask")
            let c0 = C(el: 0, hasEL2: true, hcr: bit, daif: 0x3C0)
            XCTAssertTrue(InterruptRouting.isTaken(line, target: 2, c0))
            XCTAssertFalse(InterruptRouting.isTaken(line, target: 2, C(el: 2, hasEL2: true, hcr: bit, daif: 0x3C0)))
            XCTAssertTrue(InterruptRouting.isTaken(line, target: 2, C(el: 2, hasEL2: true, hcr: bit, daif: 0)))
        }
        // TGE routes all three to EL2.
        for line in InterruptLine.allCases {
            XCTAssertEqual(InterruptRouting.targetEL(line, C(el: 0, hasEL2: true, hcr: tge)), 2)
        }
        // Not routed to EL2: at EL2 an interrupt for EL1 is never taken.
        XCTAssertFalse(InterruptRouting.isTaken(.irq, target: 1, C(el: 2, hasEL2: true, daif: 0)))
        // {E2H, TGE} = {1, 1}: EL0's PSTATE.I masks an interrupt for EL2.
        XCTAssertFalse(InterruptRouting.isTaken(.irq, target: 2, C(el: 0, hasEL2: true, hcr: tge | e2h, daif: I)))
        XCTAssertTrue(InterruptRouting.isTaken(.irq, target: 2, C(el: 0, hasEL2: true, hcr: tge | e2h, daif: 0)))
        // HCR_EL2 is ignored when EL2 is not implemented.
        XCTAssertEqual(InterruptRouting.targetEL(.irq, C(el: 1, hasEL2: false, hcr: imo)), 1)
    }

    func testEL3Routing() {
        let pairs: [(InterruptLine, UInt64)] = [(.irq, scrIRQ), (.fiq, scrFIQ), (.serror, scrEA)]
        for (line, bit) in pairs {
            for el in 0...2 {
                let c = C(el: el, hasEL2: true, hasEL3: true, scr: bit | scrNS, hcr: line.hcrRouteBit, daif: 0x3C0)
                XCTAssertEqual(InterruptRouting.targetEL(line, c), 3, "SCR_EL3 wins over HCR_EL2")
                XCTAssertTrue(InterruptRouting.isTaken(line, target: 3, c), "EL\(el) PSTATE does not mask EL3's")
            }
            XCTAssertFalse(InterruptRouting.isTaken(line, target: 3, C(el: 3, hasEL3: true, scr: bit, daif: line.daifBit)),
                           "routed to EL3 from EL3: masked by PSTATE")
            XCTAssertTrue(InterruptRouting.isTaken(line, target: 3, C(el: 3, hasEL3: true, scr: bit, daif: 0)))
            // Not routed to EL3: never taken at EL3.
            let c3 = C(el: 3, hasEL3: true, scr: 0, daif: 0)
            let t = InterruptRouting.targetEL(line, c3)
            XCTAssertEqual(t, 1)
            XCTAssertFalse(InterruptRouting.isTaken(line, target: t, c3))
        }
        // EL2 disabled in Secure state (SCR_EL3.NS = 0, EEL2 = 0): HCR_EL2 has no effect.
        XCTAssertEqual(InterruptRouting.targetEL(.irq, C(el: 1, hasEL2: true, hasEL3: true, scr: 0, hcr: imo)), 1)
        // SCR_EL3.EEL2 is RES0 without FEAT_SEL2 (not implemented): Secure state has no EL2.
        XCTAssertEqual(InterruptRouting.targetEL(.irq, C(el: 1, hasEL2: true, hasEL3: true, scr: scrEEL2, hcr: imo)), 1)
        XCTAssertEqual(InterruptRouting.targetEL(.irq, C(el: 1, hasEL2: true, hasEL3: true, scr: scrNS, hcr: imo)), 2)
    }

    func testVirtualInterrupts() {
        let c = C(el: 1, hasEL2: true, hcr: imo | vi)
        XCTAssertTrue(InterruptRouting.virtualPending(.irq, c))
        XCTAssertFalse(InterruptRouting.virtualPending(.fiq, c))
        XCTAssertFalse(InterruptRouting.virtualPending(.irq, C(el: 1, hasEL2: true, hcr: vi)), "needs IMO")
        XCTAssertFalse(InterruptRouting.virtualPending(.irq, C(el: 1, hasEL2: true, hcr: imo | vi | tge)), "not with TGE")
        XCTAssertFalse(InterruptRouting.virtualPending(.irq, C(el: 2, hasEL2: true, hcr: imo | vi)), "not at EL2")
        XCTAssertTrue(InterruptRouting.virtualPending(.fiq, C(el: 0, hasEL2: true, hcr: fmo | vf)))
        XCTAssertTrue(InterruptRouting.virtualPending(.serror, C(el: 0, hasEL2: true, hcr: amo | vse)))
        // Selected (to EL1) only while PSTATE does not mask it.
        XCTAssertNil(InterruptRouting.select(lines: 0, C(el: 1, hasEL2: true, hcr: imo | vi, daif: I)))
        let s = InterruptRouting.select(lines: 0, C(el: 1, hasEL2: true, hcr: imo | vi, daif: F))
        XCTAssertEqual(s?.line, .irq)
        XCTAssertEqual(s?.target, 1)
        XCTAssertEqual(s?.virtual, true)
    }

    func testSelectionOrder() {
        let all: UInt64 = 0b111
        XCTAssertEqual(InterruptRouting.select(lines: all, C(el: 1))?.line, .fiq)
        XCTAssertEqual(InterruptRouting.select(lines: all, C(el: 1, daif: F))?.line, .irq)
        XCTAssertEqual(InterruptRouting.select(lines: all, C(el: 1, daif: F | I))?.line, .serror)
        XCTAssertNil(InterruptRouting.select(lines: all, C(el: 1, daif: F | I | A)))
        // A physical IRQ for EL2 goes first even with a virtual one pending.
        let s = InterruptRouting.select(lines: 1, C(el: 1, hasEL2: true, hcr: imo | vi, daif: 0x3C0))
        XCTAssertEqual(s?.target, 2)
        XCTAssertEqual(s?.virtual, false)
    }

    // MARK: Delivery

    func testIRQTakenAtCurrentELWithSPx() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.pc = 0x4000_1234
        cpu.daif = 0x340          // D, A, F masked; I clear
        cpu.nzcv = 0x6000_0000
        cpu.setSysreg(SysRegTable.esr[1], 0xE5E5)
        XCTAssertFalse(cpu.interruptCheckRequested)
        cpu.raiseInterrupt(.irq)
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertEqual(cpu.exitRequest, 1, "running code must come back to the dispatcher")
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x280)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_1234, "ELR = the next instruction")
        XCTAssertEqual(cpu.sysreg(SysRegTable.spsr[1]), 0x6000_0000 | 0x340 | 0x5)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0xE5E5, "ESR is not written for IRQ")
        XCTAssertEqual(cpu.daif, 0x3C0)
        XCTAssertFalse(cpu.exceptionTaken, "the dispatcher starts the next block cleanly")
        // Still asserted (level), now masked: nothing more.
        XCTAssertFalse(cpu.serviceInterrupts())
        XCTAssertFalse(cpu.interruptCheckRequested)
    }

    func testVectorsPerKindAndOrigin() {
        let m = TestMachine()
        let cpu = m.cpu
        // SP0 at EL1.
        cpu.spSel = 0
        cpu.daif = 0
        cpu.raiseInterrupt(.fiq)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x100)
        cpu.lowerInterrupt(.fiq)
        // From EL0: the lower-EL group.
        cpu.setEL(0)
        cpu.spSel = 0
        cpu.daif = 0
        cpu.raiseInterrupt(.irq)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x480)
        XCTAssertEqual(cpu.el, 1)
        cpu.lowerInterrupt(.irq)
        // SError: ESR = EC 0x2F, IL 1.
        cpu.daif = 0
        cpu.raiseInterrupt(.serror)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x380)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0xBE00_0000)
    }

    func testMaskedUntilDAIFClears() {
        let m = TestMachine()
        let cpu = m.cpu
        XCTAssertEqual(cpu.daif, 0x3C0, "reset masks everything")
        cpu.pc = 0x4000_0000
        cpu.raiseInterrupt(.irq)
        XCTAssertFalse(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, 0x4000_0000)
        XCTAssertFalse(cpu.interruptCheckRequested, "masked: no more checks until something changes")
        // MSR DAIF (register) clearing I asks for a check.
        let daifKey = SysRegTable.all[SysRegTable.slot("DAIF").slot].key
        XCTAssertTrue(cpu.writeSysReg(key: daifKey, value: 0x340))
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x280)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0000)
    }

    func testERETUnmaskingTakesThePendingInterrupt() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.raiseInterrupt(.irq)
        XCTAssertFalse(cpu.serviceInterrupts())
        cpu.setSysreg(SysRegTable.spsr[1], 0x4)      // EL1t, DAIF clear
        cpu.setSysreg(SysRegTable.elr[1], 0x4000_2000)
        cpu.exceptionReturn()
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x080, "EL1 with SP0")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_2000)
    }

    func testSourcesShareALine() {
        let m = TestMachine()
        let cpu = m.cpu
        let s1 = InterruptState.firstDeviceSource, s2 = s1 + 1
        cpu.raiseInterrupt(.irq, source: s1)
        cpu.raiseInterrupt(.irq, source: s2)
        cpu.lowerInterrupt(.irq, source: s1)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        cpu.lowerInterrupt(.irq, source: s2)
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq))
        cpu.daif = 0
        XCTAssertFalse(cpu.serviceInterrupts())
    }

    func testRaisedFromAnotherThread() {
        let m = TestMachine()
        let cpu = m.cpu
        let box = Unmanaged.passRetained(cpu)
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let c = Unmanaged<CPU>.fromOpaque(arg!).takeRetainedValue()
            c.raiseInterrupt(.irq)
            return nil
        }, box.toOpaque())
        pthread_join(tid, nil)
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertEqual(cpu.exitRequest, 1)
        cpu.daif = 0
        XCTAssertTrue(cpu.serviceInterrupts())
    }

    func testRoutedToEL2AndEL3() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.scrEL3, scrNS)
        cpu.setSysreg(SysRegTable.hcrEL2, imo)
        cpu.setEL(1)
        cpu.daif = 0x3C0
        cpu.pc = 0x4000_0040
        cpu.raiseInterrupt(.irq)
        XCTAssertTrue(cpu.serviceInterrupts(), "for EL2: not masked by EL1's PSTATE.I")
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.pc, vbar + 0x1_0000 + 0x480)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[2]), 0x4000_0040)
        cpu.lowerInterrupt(.irq)
        // FIQ to EL3 from EL2 with F masked.
        cpu.setSysreg(SysRegTable.scrEL3, scrNS | scrFIQ)
        cpu.raiseInterrupt(.fiq)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.el, 3)
        XCTAssertEqual(cpu.pc, vbar + 0x2_0000 + 0x500)
        // At EL3 with F masked: pending, not taken.
        XCTAssertFalse(cpu.serviceInterrupts())
    }

    func testRoutingRegisterWriteAsksForACheck() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(1)
        cpu.daif = 0x3C0
        cpu.raiseInterrupt(.irq)
        XCTAssertFalse(cpu.serviceInterrupts())
        cpu.setEL(2)
        let hcrKey = SysRegTable.all[SysRegTable.hcrEL2.slot].key
        XCTAssertTrue(cpu.writeSysReg(key: hcrKey, value: imo))
        cpu.setEL(1)
        XCTAssertTrue(cpu.interruptCheckRequested)
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.el, 2)
    }

    func testVirtualIRQAndSError() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(1)
        cpu.daif = 0x3C0
        cpu.setSysreg(SysRegTable.hcrEL2, imo | vi | amo | vse)
        XCTAssertFalse(cpu.serviceInterrupts(), "virtual interrupts are masked by EL1's PSTATE")
        cpu.daif = 0x2C0    // D, I, F masked, A clear: the virtual SError
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.pc, vbar + 0x380)
        XCTAssertEqual(cpu.sysreg(SysRegTable.hcrEL2) & vse, 0, "taking the virtual SError clears HCR_EL2.VSE")
        cpu.daif = 0x0
        XCTAssertTrue(cpu.serviceInterrupts())
        XCTAssertEqual(cpu.pc, vbar + 0x280, "the virtual IRQ")
        XCTAssertNotEqual(cpu.sysreg(SysRegTable.hcrEL2) & vi, 0, "VI stays until EL2 clears it")
    }

    // MARK: WFI / WFE

    func testWFIReturnsAtOnceWithAPendingMaskedInterrupt() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.raiseInterrupt(.irq)
        let t0 = HostClock.nanoseconds()
        cpu.executeWFI(at: 0x4000_0000)
        XCTAssertLessThan(HostClock.nanoseconds() - t0, 50_000_000)
        XCTAssertNil(m.system.exitStatus)
        XCTAssertFalse(cpu.exceptionTaken)
    }

    func testWFIWithNothingToWakeEndsTheRun() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.faultPC = 0x4000_0010
        cpu.executeWFI(at: 0x4000_0010)
        XCTAssertEqual(m.system.exitStatus, 1)
        XCTAssertEqual(m.system.fatalMessage?.hasPrefix("guest is waiting in WFI with nothing that can wake it"), true)
    }

    func testWFIWaitsForAWakeSource() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.interrupts.addWakeSource()
        let box = Unmanaged.passRetained(cpu)
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let c = Unmanaged<CPU>.fromOpaque(arg!).takeRetainedValue()
            usleep(20_000)
            c.raiseInterrupt(.irq)
            return nil
        }, box.toOpaque())
        let t0 = HostClock.nanoseconds()
        cpu.executeWFI(at: 0x4000_0000)
        let waited = HostClock.nanoseconds() - t0
        pthread_join(tid, nil)
        XCTAssertNil(m.system.exitStatus)
        XCTAssertGreaterThanOrEqual(waited, 15_000_000, "slept until the device raised its line")
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
    }

    func testWFxTraps() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.scrEL3, scrNS)
        // EL0 with SCTLR_EL1.nTWI = 0 (its reset value): trapped to EL1.
        cpu.setEL(0)
        cpu.spSel = 0
        cpu.executeWFI(at: 0x4000_0100)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.pc, vbar + 0x400)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0600_0000 | 0x1E0_0000, "EC 1, IL, CV, COND 0xE, TI 0")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0100, "preferred return: the WFI")
        cpu.setEL(0)
        cpu.executeWFE(at: 0x4000_0104)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0600_0000 | 0x1E0_0001, "TI 1: WFE")
        // EL1 with HCR_EL2.TWI: to EL2.
        cpu.setEL(1)
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 13)
        cpu.executeWFI(at: 0x4000_0200)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]) >> 26, 0x01)
        // EL2 with SCR_EL3.TWE: WFE to EL3.
        cpu.setSysreg(SysRegTable.scrEL3, scrNS | 1 << 13)
        cpu.interrupts.eventRegister = false
        cpu.executeWFE(at: 0x4000_0300)
        XCTAssertEqual(cpu.el, 3)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[3]), 0x0600_0000 | 0x1E0_0001)
        // No trap when the WFI would not wait.
        cpu.setEL(1)
        cpu.raiseInterrupt(.irq)
        let pc = cpu.pc
        cpu.executeWFI(at: 0x4000_0400)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.pc, pc)
    }

    func testEventRegister() {
        let m = TestMachine()
        let cpu = m.cpu
        XCTAssertFalse(cpu.interrupts.eventRegister)
        cpu.sendEvent()
        XCTAssertTrue(cpu.interrupts.eventRegister)
        cpu.executeWFE(at: 0x4000_0000)
        XCTAssertFalse(cpu.interrupts.eventRegister, "WFE consumed it")
        XCTAssertNil(m.system.exitStatus)
        // Exception return sets it.
        cpu.setSysreg(SysRegTable.spsr[1], 0x3C5)
        cpu.exceptionReturn()
        XCTAssertTrue(cpu.interrupts.eventRegister)
        cpu.executeWFE(at: 0x4000_0000)
        XCTAssertNil(m.system.exitStatus)
        // Nothing left: WFE with nothing to wake it ends the run too.
        cpu.executeWFE(at: 0x4000_0000)
        XCTAssertEqual(m.system.exitStatus, 1)
        XCTAssertEqual(m.system.fatalMessage?.hasPrefix("guest is waiting in WFE"), true)
    }
}

/// A host thread (the console reader at end of input, the gdb reader) may post
/// an event or kick the CPU while the machine is being torn down: after
/// `shutdown` neither touches the state block.
final class InterruptShutdownTests: XCTestCase {
    func testHostEventsAfterShutdownLeaveTheStateBlockAlone() {
        let m = TestMachine()
        let interrupts = m.cpu.interrupts
        let state = m.cpu.state
        state.storeBytes(of: 0, toByteOffset: StateLayout.exitRequest, as: UInt64.self)
        state.storeBytes(of: 0, toByteOffset: StateLayout.interruptCheck, as: UInt64.self)
        interrupts.shutdown()
        for _ in 0..<1000 {
            interrupts.postHostEvent()
            interrupts.kick()
        }
        XCTAssertEqual(state.load(fromByteOffset: StateLayout.exitRequest, as: UInt64.self), 0)
        XCTAssertEqual(state.load(fromByteOffset: StateLayout.interruptCheck, as: UInt64.self), 0)
    }
}

/// Another CPU does a sleeping CPU's TLB maintenance while holding it asleep
/// (`Interrupts.whileAsleep`, CrossCPUWork.swift): only while the thread waits
/// in `sleep`, and the thread does not return from it meanwhile.
final class InterruptWhileAsleepTests: XCTestCase {
    func testWhileAsleepRunsOnlyWhileTheThreadSleeps() {
        let m = TestMachine()
        let interrupts = m.cpu.interrupts
        m.cpu.exitRequest = 0
        var ran = false
        XCTAssertFalse(interrupts.whileAsleep { ran = true }, "no thread sleeps")
        XCTAssertFalse(ran)
        let box = Unmanaged.passRetained(m.cpu)
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let c = Unmanaged<CPU>.fromOpaque(arg!).takeRetainedValue()
            c.interrupts.sleep(until: HostClock.nanoseconds() &+ 5_000_000_000)
            c.exitRequest = 2   // woken: written after `sleep` returned
            return nil
        }, box.toOpaque())
        // Until the thread is in its sleep.
        let deadline = HostClock.nanoseconds() &+ 5_000_000_000
        var held = false
        while !held && HostClock.nanoseconds() < deadline {
            held = interrupts.whileAsleep {
                // The sleeper stays asleep while this runs, even when kicked.
                m.cpu.state.storeBytes(of: 1, toByteOffset: StateLayout.exitRequest, as: UInt64.self)
                usleep(20_000)
                ran = m.cpu.exitRequest == 1
            }
            if !held { usleep(1_000) }
        }
        XCTAssertTrue(held, "the thread never slept")
        XCTAssertTrue(ran, "the sleeper returned while held")
        interrupts.kick()
        pthread_join(tid, nil)
        XCTAssertEqual(m.cpu.exitRequest, 2)
        XCTAssertFalse(interrupts.whileAsleep {}, "the thread left its sleep")
    }
}
