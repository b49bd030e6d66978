import XCTest
@testable import Machine

/// FEAT_MEC: the MECID selection rules (one test per row of the Arm ARM's
/// D8.12 tables), and the registers' encodings and access rules. The shadow
/// tag store's tests: MECTagStoreTests.swift.
final class MECSelectionTests: XCTestCase {
    let regs = MECRegisterValues(p0: 0x10, a0: 0x11, p1: 0x12, a1: 0x13, vmecidP: 0x20, vmecidA: 0x21, rlA3: 0x30)

    func sel(_ regime: MECRegime, _ pas: PASpace, emec: Bool = true, amec: Bool = false,
             _ t: MECTranslationInfo = MECTranslationInfo()) -> MECSelection {
        MECSelection.select(MECSelectionInput(regime: regime, paSpace: pas, translation: t, emec: emec, amec: amec, registers: regs))
    }
    func s1(amec: Bool = false, upper: Bool = false) -> MECTranslationInfo {
        MECTranslationInfo(paSpace: .realm, stage1: true, descriptorAMEC: amec, upperRange: upper)
    }

    func testOutsideTheRealmPASpaceTheMECIDIsZero() {
        for regime in [MECRegime.el3, .el2, .el20, .el10] {
            for pas in [PASpace.secure, .nonSecure, .root] {
                XCTAssertEqual(sel(regime, pas), .mecid(0), "\(regime) \(pas) MMU off")
                XCTAssertEqual(sel(regime, pas, amec: true, s1(amec: true)), .mecid(0), "\(regime) \(pas) AMEC")
            }
        }
        // Realm EL1&0 stage 2 output to the Non-secure PA space (NS = 1 in the descriptor).
        XCTAssertEqual(sel(.el10, .nonSecure, MECTranslationInfo(stage1: true, stage2: true, stage2AMEC: true)), .mecid(0))
    }

    func testWithEMECClearTheMECIDIsZero() {
        for regime in [MECRegime.el3, .el2, .el20, .el10] {
            XCTAssertEqual(sel(regime, .realm, emec: false), .mecid(0))
            XCTAssertEqual(sel(regime, .realm, emec: false, amec: true, s1(amec: true, upper: true)), .mecid(0))
        }
        // No AMEC fault either (S1AMECFault needs EMEC = 1).
        XCTAssertEqual(sel(.el2, .realm, emec: false, amec: false, s1(amec: true)), .mecid(0))
        XCTAssertEqual(sel(.el10, .realm, emec: false, MECTranslationInfo(stage2: true, stage2AMEC: true)), .mecid(0))
    }

    func testEL3() {
        // Realm PA space through a stage 1 descriptor {NSE, NS} = {1, 1}: MECID_RL_A_EL3.
        XCTAssertEqual(sel(.el3, .realm, s1()), .mecid(0x30))
        XCTAssertEqual(sel(.el3, .realm, s1(amec: true)), .mecid(0x30))
        // MMU off: S1DisabledOutputMECID gives the default MECID for EL3.
        XCTAssertEqual(sel(.el3, .realm), .mecid(0))
    }

    func testEL2AndEL20WithTheMMUOffUseMECID_P0() {
        XCTAssertEqual(sel(.el2, .realm), .mecid(0x10))
        XCTAssertEqual(sel(.el20, .realm), .mecid(0x10))
        XCTAssertEqual(sel(.el20, .realm, amec: true), .mecid(0x10))
    }

    func testEL2TTBR0ByDescriptorAMEC() {
        XCTAssertEqual(sel(.el2, .realm, amec: true, s1(amec: false)), .mecid(0x10))   // P0
        XCTAssertEqual(sel(.el2, .realm, amec: true, s1(amec: true)), .mecid(0x11))    // A0
        XCTAssertEqual(sel(.el2, .realm, amec: false, s1(amec: false)), .mecid(0x10))  // AMEC0 = 0, descriptor 0: valid
        XCTAssertEqual(sel(.el20, .realm, amec: true, s1(amec: false)), .mecid(0x10))
        XCTAssertEqual(sel(.el20, .realm, amec: true, s1(amec: true)), .mecid(0x11))
    }

    func testEL20TTBR1ByDescriptorAMEC() {
        XCTAssertEqual(sel(.el20, .realm, amec: true, s1(amec: false, upper: true)), .mecid(0x12))   // P1
        XCTAssertEqual(sel(.el20, .realm, amec: true, s1(amec: true, upper: true)), .mecid(0x13))    // A1
        XCTAssertEqual(sel(.el20, .realm, amec: false, s1(amec: false, upper: true)), .mecid(0x12))
    }

    func testAMECFaultWhenAlternateMECIDsAreDisabled() {
        // TCR2_EL2.AMEC0/1 = 0 and a descriptor with AMEC = 1: Translation fault.
        XCTAssertEqual(sel(.el2, .realm, amec: false, s1(amec: true)), .amecFault)
        XCTAssertEqual(sel(.el20, .realm, amec: false, s1(amec: true, upper: true)), .amecFault)
        // Only for EL2/EL2&0, Realm PA space, EMEC = 1.
        XCTAssertEqual(sel(.el3, .realm, amec: false, s1(amec: true)), .mecid(0x30))
        XCTAssertEqual(sel(.el10, .realm, amec: false, s1(amec: true)), .mecid(0x20))
        XCTAssertEqual(sel(.el2, .nonSecure, amec: false, s1(amec: true)), .mecid(0))
    }

    func testEL10WithoutStage2UsesVMECID_P() {
        XCTAssertEqual(sel(.el10, .realm), .mecid(0x20))              // MMU off
        XCTAssertEqual(sel(.el10, .realm, s1()), .mecid(0x20))        // stage 1 on
        XCTAssertEqual(sel(.el10, .realm, s1(amec: true)), .mecid(0x20))   // AMEC is RES0 at EL1&0 stage 1
    }

    func testEL10WithStage2ByTheStage2DescriptorAMEC() {
        XCTAssertEqual(sel(.el10, .realm, MECTranslationInfo(stage1: true, stage2: true, stage2AMEC: false)), .mecid(0x20))
        XCTAssertEqual(sel(.el10, .realm, MECTranslationInfo(stage1: true, stage2: true, stage2AMEC: true)), .mecid(0x21))
        XCTAssertEqual(sel(.el10, .realm, MECTranslationInfo(stage1: false, stage2: true, stage2AMEC: true)), .mecid(0x21))
    }

    func testTranslationTableWalks() {
        func w(_ r: MECRegime, _ ss: SecurityState, emec: Bool = true, a1: Bool = false) -> UInt16 {
            MECSelection.walkMECID(regime: r, securityState: ss, emec: emec, a1: a1, registers: regs)
        }
        XCTAssertEqual(w(.el2, .realm), 0x10)
        XCTAssertEqual(w(.el20, .realm, a1: false), 0x12)   // TCR_EL2.A1 = 0: MECID_P1_EL2
        XCTAssertEqual(w(.el20, .realm, a1: true), 0x10)    // A1 = 1: MECID_P0_EL2
        XCTAssertEqual(w(.el10, .realm), 0x20)
        XCTAssertEqual(w(.el2, .realm, emec: false), 0)
        XCTAssertEqual(w(.el2, .nonSecure), 0)
        XCTAssertEqual(w(.el10, .secure), 0)
        XCTAssertEqual(w(.el3, .root), 0)
    }
}

/// A CPU with EL2, EL3, RME and MEC, and the tag store on.
final class MECMachine {
    let m: TestMachine
    var cpu: CPU { m.cpu }
    let tags: MECTagStore
    static let scrRealm = SCRBits.ns | SCRBits.nse | SCRBits.mecEn | SCRBits.sctlr2En | SCRBits.tcr2En | SCRBits.rw | SCRBits.hce

    init(tags enable: Bool = true, mec: Bool = true) {
        var c = TestMachine.config(el2: true, el3: true)
        c.hasRME = mec
        c.hasMEC = mec
        m = TestMachine(config: c)
        tags = m.system.enableMECTags()
        if !enable {
            m.memory.mecTags = nil
            cpu.mecState = nil
        }
        cpu.faultPC = 0x4000_0000
    }

    func reg(_ name: String) -> SysRegSlot { SysRegTable.slot(name) }
    func set(_ name: String, _ v: UInt64) { cpu.setSysreg(reg(name), v) }
    func get(_ name: String) -> UInt64 { cpu.sysreg(reg(name)) }
    func key(_ name: String) -> UInt32 { SysRegTable.all[reg(name).slot].key }

    /// Realm EL2, MMU off, EMEC = 1, MECID_P0_EL2 = `p0`: every access uses `p0`.
    func realmEL2(p0: UInt16) {
        set("SCR_EL3", MECMachine.scrRealm)
        set("SCTLR2_EL2", MECRegisters.emec)
        set("MECID_P0_EL2", UInt64(p0))
        cpu.setEL(2)
        cpu.flushTLB()
    }

    /// Switches MECID_P0_EL2 the way the guest does (MSR at EL2).
    func useMECID(_ p0: UInt16) {
        XCTAssertTrue(cpu.writeSysReg(key: key("MECID_P0_EL2"), value: UInt64(p0)))
    }

    func load(_ pa: UInt64, _ size: Int = 8) -> UInt64 {
        let v = cpu.loadSlow(va: pa, size: size, mmuIndex: cpu.el)
        XCTAssertFalse(cpu.exceptionTaken)
        return v
    }
    func store(_ pa: UInt64, _ v: UInt64, _ size: Int = 8) {
        cpu.storeSlow(va: pa, size: size, value: v, mmuIndex: cpu.el)
        XCTAssertFalse(cpu.exceptionTaken)
    }
    func raw(_ pa: UInt64) -> UInt64 {
        m.memory.hostPointer(pa: pa, length: 8)!.loadUnaligned(as: UInt64.self)
    }
}

final class MECRegisterTests: XCTestCase {
    func testEncodingsAndIDRegisters() {
        let mm = MECMachine()
        // op0:op1:CRn:CRm:op2 as LLVM encodes them (`.arch armv9.4-a+mec`).
        let expected: [(String, UInt32, UInt32, UInt32, UInt32, UInt32)] = [
            ("MECIDR_EL2", 3, 4, 10, 8, 7), ("MECID_P0_EL2", 3, 4, 10, 8, 0), ("MECID_A0_EL2", 3, 4, 10, 8, 1),
            ("MECID_P1_EL2", 3, 4, 10, 8, 2), ("MECID_A1_EL2", 3, 4, 10, 8, 3), ("VMECID_P_EL2", 3, 4, 10, 9, 0),
            ("VMECID_A_EL2", 3, 4, 10, 9, 1), ("MECID_RL_A_EL3", 3, 6, 10, 10, 1), ("SCTLR2_EL1", 3, 0, 1, 0, 3),
            ("SCTLR2_EL2", 3, 4, 1, 0, 3), ("SCTLR2_EL3", 3, 6, 1, 0, 3), ("TCR2_EL1", 3, 0, 2, 0, 3),
            ("TCR2_EL2", 3, 4, 2, 0, 3),
        ]
        for (n, op0, op1, crn, crm, op2) in expected {
            XCTAssertEqual(mm.key(n), sysRegKey(op0: op0, op1: op1, crn: crn, crm: crm, op2: op2), n)
        }
        let cpu = mm.cpu
        cpu.setEL(1)
        XCTAssertEqual(cpu.readSysReg(key: mm.key("ID_AA64MMFR3_EL1")), 0x1000_0011)   // MEC, SCTLRX, TCRX
        XCTAssertEqual((cpu.readSysReg(key: mm.key("ID_AA64PFR0_EL1"))! >> 52) & 0xF, 1)  // RME
        let plain = TestMachine(config: TestMachine.config(el2: true, el3: true))
        plain.cpu.setEL(1)
        XCTAssertEqual(plain.cpu.readSysReg(key: mm.key("ID_AA64MMFR3_EL1")), 0)
        XCTAssertEqual((plain.cpu.readSysReg(key: mm.key("ID_AA64PFR0_EL1"))! >> 52) & 0xF, 0)
        // Without FEAT_MEC every register of the feature is UNDEFINED, even at EL3.
        plain.cpu.setEL(3)
        for (n, _, _, _, _, _) in expected {
            XCTAssertNil(plain.cpu.readSysReg(key: mm.key(n)), n)
            XCTAssertFalse(plain.cpu.takeSysRegTrap(key: mm.key(n), rt: 0, read: true))
        }
    }

    func testMECIDRegistersAccessRules() {
        let mm = MECMachine()
        let cpu = mm.cpu
        let el2Regs = ["MECID_P0_EL2", "MECID_A0_EL2", "MECID_P1_EL2", "MECID_A1_EL2", "VMECID_P_EL2", "VMECID_A_EL2"]
        // EL3: always, 16 bits.
        for n in el2Regs + ["MECID_RL_A_EL3"] {
            XCTAssertTrue(cpu.writeSysReg(key: mm.key(n), value: 0xFFFF_1234_5678), n)
            XCTAssertEqual(cpu.readSysReg(key: mm.key(n)), 0x5678, n)
        }
        // EL0/EL1: UNDEFINED, not trapped.
        for e in [0, 1] {
            cpu.setEL(e)
            for n in el2Regs + ["MECID_RL_A_EL3", "MECIDR_EL2"] {
                XCTAssertNil(cpu.readSysReg(key: mm.key(n)), "\(n) EL\(e)")
                XCTAssertFalse(cpu.takeSysRegTrap(key: mm.key(n), rt: 0, read: true))
            }
        }
        // EL2 in Non-secure state: UNDEFINED; MECIDR_EL2 readable.
        cpu.setEL(2)
        mm.set("SCR_EL3", SCRBits.ns | SCRBits.mecEn)
        for n in el2Regs + ["MECID_RL_A_EL3"] {
            XCTAssertNil(cpu.readSysReg(key: mm.key(n)), n)
            XCTAssertFalse(cpu.takeSysRegTrap(key: mm.key(n), rt: 0, read: true))
        }
        XCTAssertEqual(cpu.readSysReg(key: mm.key("MECIDR_EL2")), 15)
        XCTAssertFalse(cpu.writeSysReg(key: mm.key("MECIDR_EL2"), value: 0))
        // Realm EL2 with MECEn = 1: accessible; MECID_RL_A_EL3 still UNDEFINED.
        mm.set("SCR_EL3", MECMachine.scrRealm)
        XCTAssertEqual(cpu.securityState, .realm)
        for n in el2Regs { XCTAssertEqual(cpu.readSysReg(key: mm.key(n)), 0x5678, n) }
        XCTAssertNil(cpu.readSysReg(key: mm.key("MECID_RL_A_EL3")))
        XCTAssertEqual(cpu.mecRegisterValues.p0, 0x5678)
        // MECEn = 0: trapped to EL3 with EC 0x18; the registers count as 0.
        mm.set("SCR_EL3", MECMachine.scrRealm & ~SCRBits.mecEn)
        XCTAssertEqual(cpu.mecRegisterValues, MECRegisterValues(rlA3: 0x5678))
        XCTAssertNil(cpu.readSysReg(key: mm.key("VMECID_A_EL2")))
        cpu.faultPC = 0x4000_1234
        XCTAssertTrue(cpu.takeSysRegTrap(key: mm.key("VMECID_A_EL2"), rt: 7, read: true))
        XCTAssertEqual(cpu.el, 3)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[3]), 0x4000_1234)
        let esr = cpu.sysreg(SysRegTable.esr[3])
        XCTAssertEqual(esr.ec, 0x18)
        XCTAssertEqual(esr.il, 1)
        // Op0 3, Op2 1, Op1 4, CRn 10, Rt 7, CRm 9, read.
        XCTAssertEqual(esr.iss, 3 << 20 | 1 << 17 | 4 << 14 | 10 << 10 | 7 << 5 | 9 << 1 | 1)
        cpu.setEL(2)
        XCTAssertFalse(cpu.writeSysReg(key: mm.key("MECID_P0_EL2"), value: 1))
        XCTAssertTrue(cpu.takeSysRegTrap(key: mm.key("MECID_P0_EL2"), rt: 2, read: false))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[3]).iss & 1, 0)
        XCTAssertEqual((cpu.sysreg(SysRegTable.esr[3]).iss >> 5) & 31, 2)
        XCTAssertEqual(mm.get("MECID_P0_EL2"), 0x5678, "a trapped write changes nothing")
    }

    func testSCTLR2AndTCR2() {
        let mm = MECMachine()
        let cpu = mm.cpu
        // EL3: SCTLR2_EL3 and the EL2 registers; only the MEC fields are kept.
        XCTAssertTrue(cpu.writeSysReg(key: mm.key("SCTLR2_EL3"), value: ~0))
        XCTAssertEqual(mm.get("SCTLR2_EL3"), MECRegisters.emec)
        XCTAssertTrue(cpu.writeSysReg(key: mm.key("TCR2_EL2"), value: ~0))
        XCTAssertEqual(mm.get("TCR2_EL2"), 0x3000)
        XCTAssertTrue(cpu.writeSysReg(key: mm.key("SCTLR2_EL2"), value: 2))
        // EL2 with SCTLR2En/TCR2En = 0: trapped to EL3.
        cpu.setEL(2)
        mm.set("SCR_EL3", SCRBits.ns)
        for n in ["SCTLR2_EL2", "TCR2_EL2", "SCTLR2_EL1", "TCR2_EL1"] {
            XCTAssertNil(cpu.readSysReg(key: mm.key(n)), n)
            XCTAssertTrue(cpu.takeSysRegTrap(key: mm.key(n), rt: 1, read: true), n)
            XCTAssertEqual(cpu.el, 3)
            cpu.setEL(2)
        }
        XCTAssertNil(cpu.readSysReg(key: mm.key("SCTLR2_EL3")))
        XCTAssertFalse(cpu.takeSysRegTrap(key: mm.key("SCTLR2_EL3"), rt: 1, read: true))
        // Enabled: accessible (in any Security state).
        mm.set("SCR_EL3", SCRBits.ns | SCRBits.sctlr2En | SCRBits.tcr2En)
        XCTAssertEqual(cpu.readSysReg(key: mm.key("SCTLR2_EL2")), 2)
        XCTAssertEqual(cpu.readSysReg(key: mm.key("TCR2_EL2")), 0x3000)
        cpu.setEL(1)
        XCTAssertNotNil(cpu.readSysReg(key: mm.key("SCTLR2_EL1")))
        XCTAssertNil(cpu.readSysReg(key: mm.key("SCTLR2_EL2")))
        // EMEC gating: SCTLR2_EL2.EMEC counts only while SCTLR2En = 1.
        XCTAssertTrue(cpu.mecEMEC(.el2))
        mm.set("SCR_EL3", SCRBits.ns)
        XCTAssertFalse(cpu.mecEMEC(.el2))
        XCTAssertTrue(cpu.mecEMEC(.el3))
    }

    func testDCCIPAE() {
        let mm = MECMachine()
        let cpu = mm.cpu
        XCTAssertTrue(cpu.mecCacheMaintenance(op2: 0))          // EL3
        XCTAssertFalse(cpu.mecCacheMaintenance(op2: 7))         // CIGDPAE: no FEAT_MTE
        cpu.setEL(2)
        mm.set("SCR_EL3", MECMachine.scrRealm)
        XCTAssertTrue(cpu.mecCacheMaintenance(op2: 0))          // Realm EL2
        mm.set("SCR_EL3", SCRBits.ns)
        XCTAssertFalse(cpu.mecCacheMaintenance(op2: 0))         // Non-secure EL2
        cpu.setEL(1)
        mm.set("SCR_EL3", MECMachine.scrRealm)
        XCTAssertFalse(cpu.mecCacheMaintenance(op2: 0))         // EL1
        let plain = TestMachine(config: TestMachine.config(el2: true, el3: true))
        XCTAssertFalse(plain.cpu.mecCacheMaintenance(op2: 0))   // no FEAT_MEC
    }

    func testSecurityStates() {
        let mm = MECMachine()
        let cpu = mm.cpu
        XCTAssertEqual(cpu.securityState, .root)          // EL3 with RME
        mm.set("SCR_EL3", 0)
        XCTAssertEqual(cpu.securityState(el: 1), .secure)
        mm.set("SCR_EL3", SCRBits.ns)
        XCTAssertEqual(cpu.securityState(el: 2), .nonSecure)
        mm.set("SCR_EL3", SCRBits.ns | SCRBits.nse)
        XCTAssertEqual(cpu.securityState(el: 0), .realm)
        XCTAssertEqual(cpu.securityState(el: 3), .root)
        XCTAssertEqual(TestMachine(config: TestMachine.config(el2: true, el3: true)).cpu.securityState, .secure)
        XCTAssertEqual(TestMachine().cpu.securityState, .nonSecure)
    }

    func testAccessMECIDFromTheRegisters() {
        let mm = MECMachine()
        let cpu = mm.cpu
        mm.set("MECID_P0_EL2", 3)
        mm.set("VMECID_P_EL2", 4)
        mm.set("MECID_RL_A_EL3", 5)
        mm.set("SCR_EL3", MECMachine.scrRealm)
        let off = MECTranslationInfo()
        func t(_ info: MECTranslationInfo) -> Translation {
            // The walker's output PA space with the MMU off: the Security state's.
            var t = Translation(pa: 0, paSpace: info.paSpace ?? cpu.securityState(el: 2).paSpace, device: false, attributes: 0,
                                shareability: 0, nonSecure: true, level: 3, readable: true, writable: true, executable: true)
            t.mec = info
            return t
        }
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 2), 0, "EMEC clear")
        mm.set("SCTLR2_EL2", MECRegisters.emec)
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 2), 3)
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 1), 4)
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 0), 4)
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 3), 0, "EL3 with the MMU off: Root PA space")
        mm.set("SCTLR2_EL3", MECRegisters.emec)
        XCTAssertEqual(cpu.accessMECID(t(MECTranslationInfo(paSpace: .realm, stage1: true)), accessEL: 3), 5)
        // AMEC: TCR2_EL2.AMEC0 with an AMEC descriptor selects MECID_A0_EL2.
        mm.set("MECID_A0_EL2", 6)
        mm.set("TCR2_EL2", MECRegisters.amec0)
        XCTAssertEqual(cpu.accessMECID(t(MECTranslationInfo(paSpace: .realm, stage1: true, descriptorAMEC: true)), accessEL: 2), 6)
        let leaf = cpu.mecStage1Leaf(descriptor: 1 << 63 | 0x403, upperRange: false, accessEL: 2, paSpace: .realm)
        XCTAssertFalse(leaf.amecFault)
        mm.set("TCR2_EL2", 0)
        XCTAssertTrue(cpu.mecStage1Leaf(descriptor: 1 << 63 | 0x403, upperRange: false, accessEL: 2, paSpace: .realm).amecFault)
        XCTAssertFalse(cpu.mecStage1Leaf(descriptor: 0x403, upperRange: false, accessEL: 2, paSpace: .realm).amecFault)
        // Walks.
        XCTAssertEqual(cpu.walkMECID(accessEL: 2), 3)
        XCTAssertEqual(cpu.walkMECID(accessEL: 1), 4)
        XCTAssertEqual(cpu.walkMECID(accessEL: 3), 0)
        // Non-secure state: 0 everywhere.
        mm.set("SCR_EL3", SCRBits.ns | SCRBits.sctlr2En)
        XCTAssertEqual(cpu.accessMECID(t(off), accessEL: 2), 0)
        XCTAssertEqual(cpu.walkMECID(accessEL: 1), 0)
    }
}
