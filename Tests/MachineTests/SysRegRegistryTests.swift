import XCTest
@testable import Machine

/// `SysRegRegistry`: the rows a device adds at machine build time
/// (`System.addSystemRegisters`, as the GIC's CPU interface does) and the
/// fixed slots of `NamedSysReg`.
final class SysRegRegistryTests: XCTestCase {
    /// A device's state the registers' closures reach (a stand-in for a GIC CPU interface).
    final class FakeInterface: @unchecked Sendable {
        var acknowledged: [Int] = []
        var priorityMask: UInt64 = 0
    }

    func testDeviceRegistersReachTheirClosures() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        let dev = FakeInterface()
        // ICC_PMR_EL1 (S3_0_C4_C6_0): storage with a reset value and a write mask;
        // ICC_IAR1_EL1 (S3_0_C12_C12_0): read-only, computed with a side effect;
        // ICC_EOIR1_EL1 (S3_0_C12_C12_1): write-only, computed.
        let pmr = SysRegDef("ICC_PMR_EL1", 3, 0, 4, 6, 0, el: 1, reset: 0xF0)
            .writing { cpu, slot, v in cpu.setSysreg(slot, v & 0xFF) }
        let iar = SysRegDef.special("ICC_IAR1_EL1", 3, 0, 12, 12, 0, el: 1, read: { cpu in
            dev.acknowledged.append(cpu.index)
            return 27
        })
        let eoir = SysRegDef.special("ICC_EOIR1_EL1", 3, 0, 12, 12, 1, el: 1, read: { _ in nil }, write: { _, v in
            dev.priorityMask = v
            return true
        })
        let slots = m.system.addSystemRegisters([pmr, iar, eoir])
        XCTAssertEqual(slots.map(\.slot), [SysRegTable.all.count, SysRegTable.all.count + 1, SysRegTable.all.count + 2])
        XCTAssertEqual(cpu.sysreg(slots[0]), 0xF0, "reset value on a CPU that existed before")
        XCTAssertEqual(cpu.readSysReg(key: pmr.key), 0xF0)
        XCTAssertTrue(cpu.writeSysReg(key: pmr.key, value: 0x1FF))
        XCTAssertEqual(cpu.readSysReg(key: pmr.key), 0xFF)
        XCTAssertEqual(cpu.readSysReg(key: iar.key), 27)
        XCTAssertEqual(dev.acknowledged, [cpu.index])
        XCTAssertFalse(cpu.writeSysReg(key: iar.key, value: 1), "no write closure: read-only")
        XCTAssertNil(cpu.readSysReg(key: eoir.key))
        XCTAssertTrue(cpu.writeSysReg(key: eoir.key, value: 42))
        XCTAssertEqual(dev.priorityMask, 42)
        // The table's rules apply: below the register's EL it is UNDEFINED.
        cpu.setEL(0)
        XCTAssertNil(cpu.readSysReg(key: pmr.key))
        XCTAssertEqual(dev.acknowledged.count, 1)
        XCTAssertEqual(cpu.sysRegs.name(forKey: iar.key), "ICC_IAR1_EL1")
        // A CPU added afterwards starts from the reset value too.
        let second = m.system.addCPU(config: TestMachine.config(el2: true, el3: true))
        XCTAssertEqual(second.sysreg(slots[0]), 0xF0)
    }

    func testAccessRulesOfDeviceRegisters() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        // Trapped to EL3 from below (as ICC_SRE_EL3.Enable = 0 would do).
        let r = SysRegDef("ICC_SRE_EL1", 3, 0, 12, 12, 5, el: 1).checked { cpu, _ in
            cpu.el < 3 ? .trap(toEL: 3) : .allowed
        }
        m.system.addSystemRegisters([r])
        cpu.setEL(1)
        XCTAssertNil(cpu.readSysReg(key: r.key))
        cpu.faultPC = 0x4000_1000
        XCTAssertTrue(cpu.takeSysRegTrap(key: r.key, rt: 3, read: true))
        XCTAssertEqual(cpu.el, 3)
    }

    func testNamedSlotsHoldTheirRegisters() {
        for n in NamedSysReg.allCases {
            XCTAssertEqual(SysRegTable.all[n.slot.slot].name, n.name)
            XCTAssertEqual(SysRegTable.slot(n.name), n.slot)
        }
        for t in GenericTimerID.allCases {
            XCTAssertTrue(SysRegTable.all[t.ctlSlot.slot].name.hasSuffix(t.registerSuffix))
            XCTAssertEqual(SysRegTable.all[t.ctlSlot.slot].name, t.registerPrefix + "CTL" + t.registerSuffix)
            XCTAssertEqual(SysRegTable.all[t.cvalSlot.slot].name, t.registerPrefix + "CVAL" + t.registerSuffix)
        }
        for el in 0...3 {
            let e = max(el, 1)
            XCTAssertEqual(SysRegTable.all[MMURegs.tcr[el].slot].name, "TCR_EL\(e)")
            XCTAssertEqual(SysRegTable.all[MMURegs.ttbr0[el].slot].name, "TTBR0_EL\(e)")
            XCTAssertEqual(SysRegTable.all[MMURegs.mair[el].slot].name, "MAIR_EL\(e)")
        }
    }
}

/// `CPU.readSysReg`'s fast path (`SysRegRegistry.fastRead`): for every
/// register, at every EL, with trap controls off and on, it answers exactly
/// as the general path (`readSysRegChecked`) or leaves the read to it.
final class SysRegFastReadTests: XCTestCase {
    func testFastPathAgreesWithTheGeneralPath() {
        var vhe = TestMachine.config(el2: true, el3: true)
        vhe.hasVHE = true
        var fastAnswered = 0
        for config in [TestMachine.config(), TestMachine.config(el2: true, el3: true), vhe] {
            let m = TestMachine(config: config)
            let cpu = m.cpu
            // Trap controls clear, then (nearly) all set: HCR_EL2 without E2H
            // and TGE (E2H sends every read to the general path), MDCR_EL2,
            // CPTR_EL2, SCTLR_EL1 with UMA and UCT clear (EL0's DAIF and CTR_EL0 trap).
            for traps in [false, true] {
                cpu.setSysreg(SysRegTable.hcrEL2, traps ? ~(HCRBits.e2h | (1 << 27)) : 0)
                cpu.setSysreg(NamedSysReg.MDCR_EL2.slot, traps ? ~0 : 0)
                cpu.setSysreg(NamedSysReg.CPTR_EL2.slot, traps ? 0x0000_0000_0030_3FFF : 0)
                cpu.setSysreg(SysRegTable.sctlr[1], traps ? 0 : 0xFFFF_FFFF)
                for el in 0...cpu.highestEL {
                    cpu.setEL(el)
                    for spSel: UInt64 in [0, 1] {
                        cpu.spSel = spSel
                        for (i, def) in cpu.sysRegs.definitions.enumerated() {
                            let first = cpu.readSysRegChecked(key: def.key)
                            guard first == cpu.readSysRegChecked(key: def.key) else { continue }   // a counter
                            XCTAssertEqual(cpu.readSysReg(key: def.key), first, "\(def.name) at EL\(el)")
                            if let fast = cpu.sysRegs.fastRead(key: def.key, cpu: cpu, el: el) {
                                fastAnswered += 1
                                XCTAssertEqual(fast, first, "\(def.name) (slot \(i)) at EL\(el), traps \(traps)")
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(fastAnswered, 100, "the fast path answers the plain registers")
        // The registers a kernel reads most take it at EL1 (no VHE).
        let m = TestMachine()
        m.cpu.setEL(1)
        m.cpu.spSel = 1
        for name in ["SP_EL0", "TPIDR_EL1", "DAIF", "NZCV", "DCZID_EL0"] {
            XCTAssertNotNil(m.cpu.sysRegs.fastRead(key: m.cpu.sysRegs.definitions[SysRegTable.slot(name).slot].key,
                                                   cpu: m.cpu, el: 1), name)
        }
    }

    /// Under FEAT_VHE with E2H = 1 (`fastReadVHE`): for every encoding
    /// (the *_EL12/*_EL02 aliases too), at every EL, with TGE clear and set
    /// and trap controls off and on, the fast path answers as the general
    /// path does (which resolves the redirects) or leaves it the read.
    func testVHEFastPathAgreesWithTheGeneralPath() {
        var vhe = TestMachine.config(el2: true, el3: true)
        vhe.hasVHE = true
        let m = TestMachine(config: vhe)
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns | 1 << 10)   // Non-secure, EL2 AArch64: EL2 enabled
        var fastAnswered = 0, redirectedFast = 0
        for tge in [false, true] {
            for traps in [false, true] {
                let hcr = (traps ? ~(HCRBits.tge | (1 << 27)) : 0) | HCRBits.e2h | (tge ? HCRBits.tge : 0)
                cpu.setSysreg(SysRegTable.hcrEL2, hcr)
                cpu.setSysreg(NamedSysReg.MDCR_EL2.slot, traps ? ~0 : 0)
                cpu.setSysreg(NamedSysReg.CPTR_EL2.slot, traps ? 0x0000_0000_0030_3FFF : 0)
                cpu.setSysreg(SysRegTable.sctlr[1], traps ? 0 : 0xFFFF_FFFF)
                cpu.setSysreg(SysRegTable.sctlr[2], traps ? 0 : 0xFFFF_FFFF)
                for el in 0...cpu.highestEL {
                    cpu.setEL(el)
                    cpu.spSel = 1
                    for def in cpu.sysRegs.definitions {
                        let first = cpu.readSysRegChecked(key: def.key)
                        guard first == cpu.readSysRegChecked(key: def.key) else { continue }   // a counter
                        XCTAssertEqual(cpu.readSysReg(key: def.key), first, "\(def.name) at EL\(el)")
                        if let fast = cpu.sysRegs.fastReadVHE(key: def.key, cpu: cpu, el: el) {
                            fastAnswered += 1
                            if el == 2 && cpu.resolveSysReg(key: def.key)?.def.name != def.name { redirectedFast += 1 }
                            XCTAssertEqual(fast, first, "\(def.name) at EL\(el), TGE \(tge), traps \(traps)")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(fastAnswered, 100)
        XCTAssertGreaterThan(redirectedFast, 20, "EL1 encodings and aliases at EL2 take the fast path")
        // What a VHE host kernel reads most at EL2 reaches its EL2 register fast.
        cpu.setSysreg(SysRegTable.hcrEL2, HCRBits.e2h | HCRBits.tge)
        cpu.setEL(2)
        for (name, target) in [("ESR_EL1", "ESR_EL2"), ("ELR_EL1", "ELR_EL2"), ("SPSR_EL1", "SPSR_EL2"), ("FAR_EL1", "FAR_EL2")] {
            let key = cpu.sysRegs.definitions[SysRegTable.slot(name).slot].key
            cpu.setSysreg(SysRegTable.slot(target), 0x1234)
            cpu.setSysreg(SysRegTable.slot(name), 0x5678)
            XCTAssertEqual(cpu.sysRegs.fastReadVHE(key: key, cpu: cpu, el: 2), .some(0x1234), name)
            XCTAssertEqual(cpu.readSysReg(key: VHERegisters.aliasKey(of: key)), 0x5678, name + "2")
        }
    }

    /// `SysRegTraps.reachable(at:)` names every class `trapTarget` can take
    /// at an EL: with every control set, a class outside it never traps.
    func testReachableTrapClassesAgreeWithTrapTarget() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns | 1 << 10)   // EL2 enabled
        cpu.setSysreg(SysRegTable.hcrEL2, ~(HCRBits.e2h | HCRBits.tge))
        cpu.setSysreg(NamedSysReg.MDCR_EL2.slot, ~0)
        cpu.setSysreg(NamedSysReg.MDCR_EL3.slot, ~0)
        cpu.setSysreg(NamedSysReg.CPTR_EL2.slot, ~0)
        cpu.setSysreg(NamedSysReg.CPTR_EL3.slot, ~0)
        for el in 0...3 {
            cpu.setEL(el)
            for bit in 0..<32 {
                let c = SysRegTraps(rawValue: 1 << UInt32(bit))
                if cpu.trapTarget(c, read: true) != nil || cpu.trapTarget(c, read: false) != nil {
                    XCTAssertTrue(SysRegTraps.reachable(at: el).contains(c), "class bit \(bit) at EL\(el)")
                }
            }
        }
    }
}
