import XCTest
@testable import Machine

/// Taking exceptions (AArch64.TakeException), ERET, HVC/SMC routing, the
/// exception-loop guard.
final class ExceptionTests: XCTestCase {
    let vbar = TestMachine.vbar

    func testVectorOffsetsForCurrentELAndLowerEL() {
        let m = TestMachine()
        let cpu = m.cpu
        // Current EL with SP0.
        cpu.spSel = 0
        cpu.takeException(to: 1, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x000)
        // Current EL with SPx (the previous exception left SPSel = 1).
        cpu.takeException(to: 1, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x200)
        // IRQ/FIQ/SError entries within the group.
        cpu.takeException(to: 1, kind: .irq, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x280)
        cpu.takeException(to: 1, kind: .fiq, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x300)
        cpu.takeException(to: 1, kind: .serror, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x380)
        // Lower EL (AArch64).
        cpu.setEL(0)
        cpu.spSel = 0
        cpu.takeException(to: 1, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x400)
        cpu.setEL(0)
        cpu.takeException(to: 1, kind: .irq, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x480)
        // VBAR bits 10:0 are ignored.
        cpu.setSysreg(SysRegTable.vbar[1], vbar | 0x7FF)
        cpu.setEL(1)
        cpu.takeException(to: 1, syndrome: 0, returnAddress: 0x1000)
        XCTAssertEqual(cpu.pc, vbar + 0x200)
    }

    func testTakenExceptionRecordsStateAndMasksInterrupts() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.setEL(0)
        cpu.spSel = 0
        cpu.nzcv = 0x9000_0000
        cpu.daif = 0x100          // A masked
        cpu.pstateMisc = 0x0030_1800   // IL (20), SS (21), SSBS (12), BTYPE = 2 (11:10)
        m.exclusiveSize = 8
        cpu.setSysreg(SysRegTable.far[1], 0xFA)
        let esr = CPU.syndrome(.svc, iss: 0x42)
        XCTAssertEqual(esr, 0x5600_0042)
        cpu.takeException(to: 1, syndrome: esr, returnAddress: 0x4000_1004)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.spSel, 1)
        XCTAssertEqual(cpu.daif, 0x3C0, "DAIF all masked")
        let expectedSPSR: UInt64 = 0x9000_0000 | 0x100 | 0x0030_1800   // IL, SS, SSBS, BTYPE=2; M = EL0t
        XCTAssertEqual(cpu.sysreg(SysRegTable.spsr[1]), expectedSPSR, "SPSR: NZCV, DAIF, IL, SS, SSBS, BTYPE, M")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_1004)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x5600_0042)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0xFA, "FAR unchanged when no fault address is given")
        XCTAssertEqual(cpu.pstateMisc & 0x0030_0C00, 0, "IL, SS and BTYPE cleared")
        XCTAssertEqual(cpu.pstateMisc & (1 << 12), 1 << 12, "SSBS kept")
        XCTAssertEqual(cpu.nzcv, 0x9000_0000, "NZCV unchanged")
        XCTAssertEqual(m.exclusiveSize, 0, "exclusive monitor cleared")
        XCTAssertTrue(cpu.exceptionTaken)

        // From EL1h: SPSR.M = 0b0101; a fault address goes to FAR.
        cpu.nzcv = 0
        cpu.takeException(to: 1, syndrome: CPU.syndrome(.dataAbortSame, iss: 0x10), returnAddress: 0x4000_2000,
                          faultAddress: 0xDEAD_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.spsr[1]), 0x1000 | 0x3C5, "SSBS, DAIF, M = EL1h")
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0xDEAD_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9600_0010)

        // An IRQ leaves ESR alone.
        cpu.takeException(to: 1, kind: .irq, syndrome: 0x1234, returnAddress: 0x4000_3000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9600_0010)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_3000)
    }

    func testRaiseHelpersChooseClassReturnAddressAndTarget() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(0)
        cpu.raiseSVC(imm16: 7, at: 0x1000)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.pc, vbar + 0x400)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x5600_0007)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x1004, "SVC returns after itself")

        cpu.raiseBRK(imm16: 3, at: 0x2000)
        XCTAssertEqual(cpu.pc, vbar + 0x200)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0xF200_0003)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x2000, "BRK returns to itself")

        cpu.raiseUndefined(at: 0x3000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x3000)

        cpu.raisePCAlignment(pc: 0x4002)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x8A00_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0x4002)

        cpu.setEL(0)
        cpu.raiseDataAbort(status: .syncExternal, va: 0x7000, isWrite: true, at: 0x5000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9200_0050, "lower-EL data abort, WnR, DFSC 0x10")
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0x7000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x5000)

        cpu.raiseInstructionAbort(status: .syncExternal, va: 0x6000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x8600_0010, "same-EL instruction abort")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x6000)

        // HCR_EL2.TGE routes EL0's exceptions to EL2.
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 27)
        cpu.setEL(0)
        XCTAssertEqual(cpu.syncTargetEL, 2)
        cpu.raiseSVC(imm16: 1, at: 0x1000)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.pc, vbar + 0x1_0000 + 0x400)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]), 0x5600_0001)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[2]), 0x1004)
    }

    func testExceptionReturn() {
        let m = TestMachine()
        let cpu = m.cpu
        // ERET to EL0t with flags and DAIF from SPSR.
        cpu.setSysreg(SysRegTable.spsr[1], 0x6000_0000 | 0x80)
        cpu.setSysreg(SysRegTable.elr[1], 0x4000_0100)
        m.exclusiveSize = 4
        cpu.exceptionReturn()
        XCTAssertEqual(cpu.el, 0)
        XCTAssertEqual(cpu.spSel, 0)
        XCTAssertEqual(cpu.pc, 0x4000_0100)
        XCTAssertEqual(cpu.nzcv, 0x6000_0000)
        XCTAssertEqual(cpu.daif, 0x80)
        XCTAssertEqual(cpu.pstateMisc & (1 << 20), 0)
        XCTAssertEqual(m.exclusiveSize, 0)
        XCTAssertTrue(cpu.exceptionTaken)

        // ERET to EL1h.
        cpu.setEL(1)
        cpu.setSysreg(SysRegTable.spsr[1], 0x3C5)
        cpu.setSysreg(SysRegTable.elr[1], 0x4000_0200)
        cpu.exceptionReturn()
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.spSel, 1)
        XCTAssertEqual(cpu.pc, 0x4000_0200)
        XCTAssertEqual(cpu.daif, 0x3C0)
    }

    func testIllegalExceptionReturnSetsIL() {
        // To EL2 without EL2, to AArch32 (M[4]), with M[1] set, to EL0 with SPSel=1:
        // all illegal. EL and SPSel stay; IL is set; the PC still becomes ELR.
        for spsr: UInt64 in [0x8 | 1, 0x10, 0x2 | 0x4, 0x1, 0xC | 1] {
            let m = TestMachine()
            let cpu = m.cpu
            cpu.spSel = 0
            cpu.setSysreg(SysRegTable.spsr[1], spsr | 0x8000_0000)
            cpu.setSysreg(SysRegTable.elr[1], 0x4000_0300)
            cpu.exceptionReturn()
            XCTAssertEqual(cpu.el, 1, "SPSR \(String(spsr, radix: 16))")
            XCTAssertEqual(cpu.spSel, 0, "SPSR \(String(spsr, radix: 16))")
            XCTAssertEqual(cpu.pstateMisc & (1 << 20), 1 << 20, "PSTATE.IL for SPSR \(String(spsr, radix: 16))")
            XCTAssertEqual(cpu.pc, 0x4000_0300)
            XCTAssertEqual(cpu.nzcv, 0x8000_0000)
        }
        // With EL2 implemented, EL1 -> EL2 is still illegal (a higher EL).
        let m = TestMachine(config: TestMachine.config(el2: true))
        m.cpu.setEL(1)
        m.cpu.setSysreg(SysRegTable.spsr[1], 0x9)
        m.cpu.exceptionReturn()
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertNotEqual(m.cpu.pstateMisc & (1 << 20), 0)
        // EL2 -> EL1 with HCR_EL2.TGE set is illegal.
        m.cpu.setEL(2)
        m.cpu.pstateMisc = 0
        m.cpu.setSysreg(SysRegTable.hcrEL2, 1 << 27)
        m.cpu.setSysreg(SysRegTable.spsr[2], 0x5)
        m.cpu.exceptionReturn()
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertNotEqual(m.cpu.pstateMisc & (1 << 20), 0)
        // A later exception clears IL again.
        m.cpu.takeException(to: 2, syndrome: 0, returnAddress: 0)
        XCTAssertEqual(m.cpu.pstateMisc & (1 << 20), 0)
    }

    func testObserverSeesTakenAndReturned() {
        let m = TestMachine()
        var events: [ExceptionEvent] = []
        m.system.exceptionObserver = { _, e in events.append(e) }
        m.cpu.setEL(0)
        m.cpu.spSel = 0
        m.cpu.daif = 0
        m.cpu.raiseSVC(imm16: 2, at: 0x1000)
        m.cpu.exceptionReturn()
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events[0], ExceptionEvent(kind: .taken(.sync), fromEL: 0, toEL: 1, esr: 0x5600_0002,
                                                 elr: 0x1004, far: nil, spsr: 0, pc: vbar + 0x400))
        XCTAssertEqual(events[1].kind, .returned(illegal: false))
        XCTAssertEqual(events[1].toEL, 0)
        XCTAssertEqual(events[1].pc, 0x1004)
    }

    // MARK: HVC / SMC

    func testHVCAndSMCAreUndefinedWithoutEL2EL3OrFirmware() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.raiseHVC(imm16: 1, at: 0x1000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x1000, "UNDEFINED returns to the instruction")
        XCTAssertEqual(cpu.el, 1)
        cpu.raiseSMC(imm16: 1, at: 0x2000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x2000)
    }

    func testFirmwareConduit() {
        let m = TestMachine()
        let cpu = m.cpu
        let hvc = FakeFirmware(conduit: .hvc)
        m.system.firmware = hvc
        cpu.setX(0, 0x8400_0000)
        cpu.pc = 0x1000
        cpu.exceptionTaken = false
        cpu.raiseHVC(imm16: 0, at: 0x1000)
        XCTAssertEqual(hvc.calls, 1)
        XCTAssertEqual(cpu.x(0), 0xF1F1_0000 | 0x8400_0000)
        XCTAssertFalse(cpu.exceptionTaken, "a firmware call returns to the next instruction")
        XCTAssertEqual(cpu.pc, 0x1000)
        // The other instruction is still UNDEFINED.
        cpu.raiseSMC(imm16: 0, at: 0x1004)
        XCTAssertEqual(hvc.calls, 1)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        // HVC at EL0 is UNDEFINED even with the conduit.
        cpu.setEL(0)
        cpu.raiseHVC(imm16: 0, at: 0x1008)
        XCTAssertEqual(hvc.calls, 1)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.pc, vbar + 0x400)

        let smc = FakeFirmware(conduit: .smc)
        m.system.firmware = smc
        cpu.exceptionTaken = false
        cpu.raiseSMC(imm16: 0, at: 0x1000)
        XCTAssertEqual(smc.calls, 1)
        XCTAssertFalse(cpu.exceptionTaken)
    }

    func testHVCAndSMCWithEL2AndEL3() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.scrEL3, 1 << 8 | 1)   // HCE, NS (EL2 enabled)
        cpu.setEL(1)
        cpu.raiseHVC(imm16: 0x11, at: 0x1000)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.pc, vbar + 0x1_0000 + 0x400)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]), 0x5A00_0011)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[2]), 0x1004)
        cpu.setEL(1)
        cpu.raiseSMC(imm16: 0x22, at: 0x2000)
        XCTAssertEqual(cpu.el, 3)
        XCTAssertEqual(cpu.pc, vbar + 0x2_0000 + 0x400)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[3]), 0x5E00_0022)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[3]), 0x2004)
        // HCR_EL2.TSC traps SMC from EL1 to EL2, returning to the SMC itself.
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 19)
        cpu.setEL(1)
        cpu.raiseSMC(imm16: 0x33, at: 0x3000)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]), 0x5E00_0033)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[2]), 0x3000)
        // SCR_EL3.HCE = 0: HVC UNDEFINED. SCR_EL3.SMD = 1: SMC UNDEFINED.
        cpu.setSysreg(SysRegTable.hcrEL2, 0)
        cpu.setSysreg(SysRegTable.scrEL3, 1 << 7)
        cpu.setEL(1)
        cpu.raiseHVC(imm16: 0, at: 0x4000)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        cpu.raiseSMC(imm16: 0, at: 0x5000)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x5000)
        // EL0: both UNDEFINED.
        cpu.setSysreg(SysRegTable.scrEL3, 1 << 8)
        cpu.setEL(0)
        cpu.raiseHVC(imm16: 0, at: 0x6000)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
    }

    // MARK: The exception-loop guard

    func testExceptionLoopIsFatal() {
        let m = TestMachine()
        let cpu = m.cpu
        // A fault raised by the first instruction of its own vector.
        cpu.raiseUndefined(at: 0x1000)
        XCTAssertNil(m.system.fatalMessage, "an ordinary exception is not a loop")
        XCTAssertNil(m.system.exitStatus)
        cpu.raiseUndefined(at: vbar + 0x200)
        XCTAssertEqual(m.system.exitStatus, 1)
        let msg = m.system.fatalMessage ?? ""
        XCTAssertTrue(msg.contains("exception loop"), msg)
        XCTAssertTrue(msg.contains("EL1"), msg)
        XCTAssertTrue(msg.contains("0x40080200"), msg)
        XCTAssertEqual(cpu.exitRequest, 1, "the CPU is asked to leave its block")
    }

    func testExceptionLoopAfterRunningOffMemoryNamesTheAddress() {
        let m = TestMachine()
        let cpu = m.cpu
        // Vectors at an address where nothing is mapped: the fetch of the
        // vector itself aborts to the same vector.
        cpu.setSysreg(SysRegTable.vbar[1], 0x2000_0000)
        XCTAssertNil(cpu.translateCode(va: 0x2000_0200))
        let msg = m.system.fatalMessage ?? ""
        XCTAssertTrue(msg.contains("exception loop"), msg)
        XCTAssertTrue(msg.contains("outside RAM/ROM at 0x20000200"), msg)
        XCTAssertEqual(m.system.lastFetchOutsideMemory, 0x2000_0200)
    }
}
