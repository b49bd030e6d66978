/// FEAT_MEC, FEAT_SCTLR2 and FEAT_TCR2 system registers: encodings, access
/// rules and write side effects (Arm ARM D24.2: MECIDR_EL2, MECID_P0_EL2,
/// MECID_A0_EL2, MECID_P1_EL2, MECID_A1_EL2, VMECID_P_EL2, VMECID_A_EL2,
/// MECID_RL_A_EL3, SCTLR2_ELx, TCR2_ELx). They join `SysRegTable.all`
/// through `MECRegisters.definitions`.
///
/// Access rules (the pseudocode of each register's MRS/MSR):
/// - every register is UNDEFINED unless the CPU has the feature;
/// - MECIDR_EL2 is read-only, readable at EL2 (any Security state) and EL3;
/// - MECID_{P0,A0,P1,A1}_EL2 and VMECID_{P,A}_EL2: UNDEFINED at EL0/EL1 and at
///   EL2 outside Realm state; at EL2 with SCR_EL3.MECEn = 0 trapped to EL3
///   (EC 0x18); EL3 always;
/// - MECID_RL_A_EL3: EL3 only;
/// - SCTLR2_EL1/EL2 (TCR2_EL1/EL2) below EL3: trapped to EL3 when
///   SCR_EL3.SCTLR2En (TCR2En) is 0; SCTLR2_EL3: EL3 only. (HCRX_EL2 does
///   not exist here, so nothing traps SCTLR2_EL1/TCR2_EL1 to EL2.)
///
/// Writes to a MECID register or to an EMEC/AMEC control flush only the TLBs
/// of the MMU indices whose MECID (or translation) could change.

/// The outcome of the access checks of a system register.
public enum SysRegAccess: Sendable, Equatable {
    case allowed
    case undefined
    /// Trapped to a higher EL, reported with EC 0x18 (`CPU.takeSysRegTrap`).
    case trap(toEL: Int)
}

public enum MECRegisters {
    /// SCTLR2_ELx.EMEC (bit 1): enables memory encryption contexts.
    public static let emec: UInt64 = 1 << 1
    /// TCR2_EL2.AMEC0 (bit 12) / AMEC1 (bit 13): alternate MECIDs allowed in
    /// TTBR0 / TTBR1 descriptors.
    public static let amec0: UInt64 = 1 << 12
    public static let amec1: UInt64 = 1 << 13
    /// MECIDR_EL2.MECIDWidthm1 = 15: 16-bit MECIDs.
    public static let mecidWidth = 16
    public static let mecidMask: UInt64 = 0xFFFF
    /// ID_AA64MMFR3_EL1: MEC (bits 31:28), SCTLRX (7:4), TCRX (3:0).
    public static let mmfr3WithMEC: UInt64 = 1 << 28 | 1 << 4 | 1
    /// ID_AA64PFR0_EL1.RME (bits 55:52) = 1: FEAT_RME (RMEv1).
    public static let pfr0RME: UInt64 = 1 << 52

    /// The registers, in the order they are appended to `SysRegTable.all`.
    static let definitions: [SysRegDef] = [
        def("MECIDR_EL2", 3, 4, 10, 8, 7, el: 2, .readOnly, reset: UInt64(mecidWidth - 1), rule: mecIDR),
        def("MECID_P0_EL2", 3, 4, 10, 8, 0, el: 2, rule: el2MECID, write: writeMECID(indices: el2Indices)),
        def("MECID_A0_EL2", 3, 4, 10, 8, 1, el: 2, rule: el2MECID, write: writeMECID(indices: el2Indices)),
        def("MECID_P1_EL2", 3, 4, 10, 8, 2, el: 2, rule: el2MECID, write: writeMECID(indices: el2Indices)),
        def("MECID_A1_EL2", 3, 4, 10, 8, 3, el: 2, rule: el2MECID, write: writeMECID(indices: el2Indices)),
        def("VMECID_P_EL2", 3, 4, 10, 9, 0, el: 2, rule: el2MECID, write: writeMECID(indices: el10Indices)),
        def("VMECID_A_EL2", 3, 4, 10, 9, 1, el: 2, rule: el2MECID, write: writeMECID(indices: el10Indices)),
        def("MECID_RL_A_EL3", 3, 6, 10, 10, 1, el: 3, rule: el3MECID, write: writeMECID(indices: { _ in CPU.mmuIndexesEL3 })),
        // SCTLR2_ELx / TCR2_ELx: only the MEC fields are implemented (the
        // others belong to features Armature does not have: RES0).
        def("SCTLR2_EL1", 3, 0, 1, 0, 3, el: 1, rule: enabledBy(SCRBits.sctlr2En),
            write: writeControl(mask: 0, indices: { _ in 0 })),
        def("SCTLR2_EL2", 3, 4, 1, 0, 3, el: 2, rule: enabledBy(SCRBits.sctlr2En),
            write: writeControl(mask: emec, indices: { c in CPU.mmuIndexesEL10 | el2Indices(c) })),
        def("SCTLR2_EL3", 3, 6, 1, 0, 3, el: 3, rule: el3MECID,
            write: writeControl(mask: emec, indices: { _ in CPU.mmuIndexesEL3 })),
        def("TCR2_EL1", 3, 0, 2, 0, 3, el: 1, rule: enabledBy(SCRBits.tcr2En),
            write: writeControl(mask: 0, indices: { _ in 0 })),
        def("TCR2_EL2", 3, 4, 2, 0, 3, el: 2, rule: enabledBy(SCRBits.tcr2En),
            write: writeControl(mask: amec0 | amec1, indices: el2Indices)),
    ]

    static var mecidrEL2: SysRegSlot { NamedSysReg.MECIDR_EL2.slot }
    static var mecidP0: SysRegSlot { NamedSysReg.MECID_P0_EL2.slot }
    static var mecidA0: SysRegSlot { NamedSysReg.MECID_A0_EL2.slot }
    static var mecidP1: SysRegSlot { NamedSysReg.MECID_P1_EL2.slot }
    static var mecidA1: SysRegSlot { NamedSysReg.MECID_A1_EL2.slot }
    static var vmecidP: SysRegSlot { NamedSysReg.VMECID_P_EL2.slot }
    static var vmecidA: SysRegSlot { NamedSysReg.VMECID_A_EL2.slot }
    static var mecidRLA3: SysRegSlot { NamedSysReg.MECID_RL_A_EL3.slot }
    static var sctlr2EL2: SysRegSlot { NamedSysReg.SCTLR2_EL2.slot }
    static var sctlr2EL3: SysRegSlot { NamedSysReg.SCTLR2_EL3.slot }
    static var tcr2EL2: SysRegSlot { NamedSysReg.TCR2_EL2.slot }

    private static func def(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
                            el: Int, _ kind: SysRegDef.Kind = .storage, reset: UInt64 = 0,
                            rule: @escaping @Sendable (CPU, Bool) -> SysRegAccess,
                            write: (@Sendable (CPU, SysRegSlot, UInt64) -> Void)? = nil) -> SysRegDef {
        var d = SysRegDef(name, op0, op1, crn, crm, op2, el: el, kind, reset: reset)
        d.accessCheck = rule
        d.onWrite = write
        return d
    }

    // MARK: Access rules

    /// MECIDR_EL2: EL2 and EL3, no trap.
    private static let mecIDR: @Sendable (CPU, Bool) -> SysRegAccess = { cpu, _ in
        cpu.config.hasMEC ? .allowed : .undefined
    }

    /// The EL2 MECID registers.
    private static let el2MECID: @Sendable (CPU, Bool) -> SysRegAccess = { cpu, _ in
        guard cpu.config.hasMEC else { return .undefined }
        switch cpu.el {
        case 3: return .allowed
        case 2:
            if cpu.securityState != .realm { return .undefined }
            if cpu.config.hasEL3 && cpu.sysreg(SysRegTable.scrEL3) & SCRBits.mecEn == 0 { return .trap(toEL: 3) }
            return .allowed
        default: return .undefined
        }
    }

    /// EL3-only registers of the feature (MECID_RL_A_EL3, SCTLR2_EL3).
    private static let el3MECID: @Sendable (CPU, Bool) -> SysRegAccess = { cpu, _ in
        cpu.config.hasMEC && cpu.el == 3 ? .allowed : .undefined
    }

    /// SCTLR2_EL1/EL2, TCR2_EL1/EL2: trapped to EL3 below EL3 when SCR_EL3's enable is 0.
    private static func enabledBy(_ scrBit: UInt64) -> @Sendable (CPU, Bool) -> SysRegAccess {
        { cpu, _ in
            guard cpu.config.hasMEC else { return .undefined }
            if cpu.el < 3 && cpu.config.hasEL3 && cpu.sysreg(SysRegTable.scrEL3) & scrBit == 0 { return .trap(toEL: 3) }
            return .allowed
        }
    }

    // MARK: Writes

    /// The MMU indices of the EL2 (or EL2&0) regime.
    /// The MMU indices (as a mask) of the EL2 (or EL2&0) regime, and of EL1&0.
    @Sendable static func el2Indices(_ cpu: CPU) -> UInt32 { cpu.hcrE2H ? CPU.mmuIndexesEL20 : CPU.mmuIndexesEL2 }
    @Sendable static func el10Indices(_ cpu: CPU) -> UInt32 { CPU.mmuIndexesEL10 }

    /// A MECID register: 16 bits; a change flushes the TLBs of the indices
    /// that may use it when tags are kept (the MECIDs are not part of any
    /// translation otherwise).
    private static func writeMECID(indices: @escaping @Sendable (CPU) -> UInt32) -> @Sendable (CPU, SysRegSlot, UInt64) -> Void {
        { cpu, slot, value in
            let v = value & mecidMask
            let old = cpu.sysreg(slot)
            cpu.setSysreg(slot, v)
            if v != old { cpu.system.log(.mec, "mec: MECID change: \(SysRegTable.all[slot.slot].name) = \(v) (was \(old)) at EL\(cpu.el)") }
            if v != old, let st = cpu.mecState {
                st.store.noteRegisterWrite(cpu: cpu)
                cpu.mecFlushTLB(mmuIndexMask: indices(cpu))
            }
        }
    }

    /// EMEC/AMEC controls: they change MECIDs and which descriptors fault, so
    /// a change flushes the indices of the regimes they control.
    private static func writeControl(mask: UInt64, indices: @escaping @Sendable (CPU) -> UInt32) -> @Sendable (CPU, SysRegSlot, UInt64) -> Void {
        { cpu, slot, value in
            let v = value & mask
            let old = cpu.sysreg(slot)
            cpu.setSysreg(slot, v)
            if v != old {
                let name = SysRegTable.all[slot.slot].name
                let bits = name.hasPrefix("SCTLR2") ? "EMEC \((v & emec) >> 1)"
                    : "AMEC0 \((v & amec0) >> 12), AMEC1 \((v & amec1) >> 13)"
                cpu.system.log(.mec, "mec: control: \(name) = \(hex(v)) (was \(hex(old))) at EL\(cpu.el): \(bits)")
            }
            if v != old {
                cpu.mecState?.store.noteRegisterWrite(cpu: cpu)
                cpu.mecFlushTLB(mmuIndexMask: indices(cpu))
            }
        }
    }
}

extension CPU {
    /// ID_AA64MMFR3_EL1 as this CPU reports it.
    var mecIDAA64MMFR3: UInt64 { config.hasMEC ? MECRegisters.mmfr3WithMEC : 0 }

    /// Empties the TLBs of the MMU indices in `mask` that hold entries (a
    /// MECID or EMEC/AMEC change): `flushTLB(mmuIndexMask:)` (TLBMaintenance.swift)
    /// for the indices filled since their last flush.
    func mecFlushTLB(mmuIndexMask mask: UInt32) {
        guard mask != 0 else { return }
        flushTLB(mmuIndexMask: mask & tlbDirtyIndices)
    }

    /// DC CIPAE / DC CIGDPAE (SYS #4, C7, C14, #0 / #7; FEAT_MEC): clean and
    /// invalidate by PA to the Point of Encryption. EL3, and Realm EL2;
    /// UNDEFINED elsewhere and without FEAT_MEC; DC CIGDPAE also needs
    /// FEAT_MTE (not implemented: UNDEFINED). With no caches modelled and tags
    /// set as data is written, a permitted one has nothing to do. Returns false
    /// when the operation is UNDEFINED (the caller raises it).
    public func mecCacheMaintenance(op2: UInt64) -> Bool {
        guard config.hasMEC, el >= 2, op2 == 0 else { return false }
        return el == 3 || securityState == .realm
    }
}
