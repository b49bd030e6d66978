/// FEAT_VHE register redirection (Arm ARM D5.6 "Virtualization Host
/// Extensions", and the accessibility pseudocode of each register):
///
/// - at EL2 with HCR_EL2.E2H = 1, the encodings of these EL1 and EL0
///   registers reach their EL2 counterparts: SCTLR, CPACR (CPTR_EL2 in its
///   E2H layout), TTBR0/1, TCR, AFSR0/1, ESR, FAR, MAIR, AMAIR, VBAR,
///   CONTEXTIDR, ELR, SPSR, CNTKCTL (CNTHCTL_EL2), CNTP_* (the EL2 physical
///   timer CNTHP_*), CNTV_* (the EL2 virtual timer CNTHV_*), SCTLR2, TCR2;
/// - at EL0 with E2H and TGE (EL0 in the EL2&0 regime), the CNTP_* and
///   CNTV_* encodings reach CNTHP_* and CNTHV_*;
/// - the *_EL12 and *_EL02 encodings reach the real EL1 and EL0 registers,
///   at EL2 with E2H = 1 and at EL3 while EL2 is enabled with E2H = 1;
///   elsewhere they are UNDEFINED.
///
/// A trap's syndrome names the encoding the instruction used.
enum VHERegisters {
    /// EL1/EL0 register → the EL2 register its encoding reaches at EL2 with E2H.
    static let redirects: [(String, String)] = [
        ("SCTLR_EL1", "SCTLR_EL2"), ("CPACR_EL1", "CPTR_EL2"), ("TTBR0_EL1", "TTBR0_EL2"),
        ("TTBR1_EL1", "TTBR1_EL2"), ("TCR_EL1", "TCR_EL2"), ("AFSR0_EL1", "AFSR0_EL2"),
        ("AFSR1_EL1", "AFSR1_EL2"), ("ESR_EL1", "ESR_EL2"), ("FAR_EL1", "FAR_EL2"),
        ("MAIR_EL1", "MAIR_EL2"), ("AMAIR_EL1", "AMAIR_EL2"), ("VBAR_EL1", "VBAR_EL2"),
        ("CONTEXTIDR_EL1", "CONTEXTIDR_EL2"), ("ELR_EL1", "ELR_EL2"), ("SPSR_EL1", "SPSR_EL2"),
        ("CNTKCTL_EL1", "CNTHCTL_EL2"),
        ("CNTP_TVAL_EL0", "CNTHP_TVAL_EL2"), ("CNTP_CTL_EL0", "CNTHP_CTL_EL2"), ("CNTP_CVAL_EL0", "CNTHP_CVAL_EL2"),
        ("CNTV_TVAL_EL0", "CNTHV_TVAL_EL2"), ("CNTV_CTL_EL0", "CNTHV_CTL_EL2"), ("CNTV_CVAL_EL0", "CNTHV_CVAL_EL2"),
        ("SCTLR2_EL1", "SCTLR2_EL2"), ("TCR2_EL1", "TCR2_EL2"),
    ]

    /// The *_EL12 / *_EL02 encoding of a redirected register (every one has
    /// one): its own encoding with op1 = 5, its name with a 2 appended
    /// (SCTLR_EL1: SCTLR_EL12, CNTP_CTL_EL0: CNTP_CTL_EL02).
    static func aliasKey(of key: UInt32) -> UInt32 { key & ~(7 << 11) | 5 << 11 }

    /// The alias entries of `SysRegTable.all` (`declared`: the other
    /// entries): their own access (when `resolveSysReg` does not replace them
    /// by their target) is UNDEFINED.
    static func aliasDefinitions(in declared: [SysRegDef]) -> [SysRegDef] {
        redirects.map { from, _ in
            guard let target = declared.first(where: { $0.name == from }) else {
                fatalError("VHERegisters: \(from) is not in the table")
            }
            return SysRegDef(from + "2", key: aliasKey(of: target.key), el: 1).checked { _, _ in .undefined }
        }
    }

    static let redirectByKey: [UInt32: Int] = {
        var d: [UInt32: Int] = [:]
        for (from, to) in redirects {
            d[SysRegTable.all[SysRegTable.slot(from).slot].key] = SysRegTable.slot(to).slot
        }
        return d
    }()

    /// The timer encodings EL0 uses, which reach the EL2 timers while EL0 is
    /// in the EL2&0 regime (E2H = TGE = 1).
    /// Each maps to the EL2 timer register as EL0 sees it: the same register
    /// (name, kind, slot) with EL0 as its lowest EL, its access rule deciding
    /// (CNTHCTL_EL2.EL0PTEN/EL0VTEN: GenericTimer.counterTimerAccess).
    static let el0HostRedirectByKey: [UInt32: (def: SysRegDef, slot: Int)] = {
        var d: [UInt32: (def: SysRegDef, slot: Int)] = [:]
        for (key, i) in redirectByKey {
            let from = SysRegTable.all[SysRegTable.lookup(key: key)!.slot.slot].name
            guard from.hasPrefix("CNTP_") || from.hasPrefix("CNTV_") else { continue }
            let target = SysRegTable.all[i]
            var view = SysRegDef(target.name, key: target.key, el: 0, target.kind)
            view.accessCheck = target.accessCheck
            view.accessCheckELs = target.accessCheckELs
            d[key] = (view, i)
        }
        return d
    }()

    static let aliasByKey: [UInt32: Int] = {
        var d: [UInt32: Int] = [:]
        for (from, _) in redirects {
            let target = SysRegTable.slot(from).slot
            d[aliasKey(of: SysRegTable.all[target].key)] = target
        }
        return d
    }()
}

extension CPU {
    /// The register an MRS/MSR key names at the current EL: with FEAT_VHE
    /// and HCR_EL2.E2H, EL1 encodings at EL2 reach the EL2 registers, and
    /// the *_EL12/*_EL02 encodings the EL1/EL0 ones (VHERegisters).
    func resolveSysReg(key: UInt32) -> (def: SysRegDef, slot: SysRegSlot)? {
        guard let found = sysRegs.lookup(key: key) else { return nil }
        guard config.hasVHE && hcrE2H else { return found }
        let e = el
        if e == 0, el2Host, let v = VHERegisters.el0HostRedirectByKey[key] { return (v.def, SysRegSlot(slot: v.slot)) }
        if e == 2 || (e == 3 && el2Enabled), let target = sysRegs.vheTarget(key: key, el: e) {
            return (SysRegTable.all[target.slot], target)
        }
        return found
    }
}
