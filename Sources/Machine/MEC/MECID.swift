/// Which MECID an access uses (Arm ARM D8.12 and the pseudocode
/// AArch64.S1DisabledOutputMECID, AArch64.S1OutputMECID, AArch64.S2OutputMECID,
/// AArch64.TTWalkMECID, AArch64.S1AMECFault). `MECSelection.select` is a pure
/// function of plain values (unit-tested row by row); `CPU.accessMECID` feeds
/// it from the registers and from what the translation reported.

/// The translation regimes as the MEC rules tell them apart.
public enum MECRegime: Sendable, Equatable {
    /// EL3 (Root).
    case el3
    /// EL2 with HCR_EL2.E2H = 0: one VA range, TTBR0_EL2.
    case el2
    /// EL2&0 (E2H = 1): TTBR0_EL2 and TTBR1_EL2.
    case el20
    /// EL1&0, with or without stage 2.
    case el10
}

/// The MECID registers as the selection sees them: the Effective values
/// (the EL2 ones read as 0 when SCR_EL3.MECEn is 0, Arm ARM SCR_EL3.MECEn).
public struct MECRegisterValues: Sendable, Equatable {
    public var p0: UInt16 = 0, a0: UInt16 = 0, p1: UInt16 = 0, a1: UInt16 = 0
    public var vmecidP: UInt16 = 0, vmecidA: UInt16 = 0
    public var rlA3: UInt16 = 0
    public init(p0: UInt16 = 0, a0: UInt16 = 0, p1: UInt16 = 0, a1: UInt16 = 0,
                vmecidP: UInt16 = 0, vmecidA: UInt16 = 0, rlA3: UInt16 = 0) {
        self.p0 = p0; self.a0 = a0; self.p1 = p1; self.a1 = a1
        self.vmecidP = vmecidP; self.vmecidA = vmecidA; self.rlA3 = rlA3
    }
}

/// What a translation tells the MEC model, filled by the page-table walker.
/// The default value describes an untranslated access (stage 1 off, no
/// stage 2): output in the PA space of the Security state.
public struct MECTranslationInfo: Sendable, Equatable {
    /// The output PA space (after stage 2). nil: the walker did not say; the
    /// PA space of the Security state is used (right for stage 1 off, and for
    /// descriptors that keep the Security state's PA space).
    public var paSpace: PASpace? = nil
    /// Stage 1 translated the address (a descriptor was used).
    public var stage1 = false
    /// Bit 63 (AMEC) of the stage 1 Block or Page descriptor.
    public var descriptorAMEC = false
    /// The VA was in the upper range (TTBR1_ELx).
    public var upperRange = false
    /// Stage 2 translated the address (Realm EL1&0 with HCR_EL2.VM = 1).
    public var stage2 = false
    /// Bit 63 (AMEC) of the stage 2 Block or Page descriptor.
    public var stage2AMEC = false

    public init(paSpace: PASpace? = nil, stage1: Bool = false, descriptorAMEC: Bool = false,
                upperRange: Bool = false, stage2: Bool = false, stage2AMEC: Bool = false) {
        self.paSpace = paSpace
        self.stage1 = stage1
        self.descriptorAMEC = descriptorAMEC
        self.upperRange = upperRange
        self.stage2 = stage2
        self.stage2AMEC = stage2AMEC
    }
}

/// The inputs of the selection rules, as plain values.
public struct MECSelectionInput: Sendable, Equatable {
    public var regime: MECRegime
    /// The output PA space of the access.
    public var paSpace: PASpace
    public var translation: MECTranslationInfo
    /// walkparams.emec: SCTLR2_EL3.EMEC for EL3; SCTLR2_EL2.EMEC (when
    /// SCTLR2_EL2 is enabled) for EL2, EL2&0, EL1&0 and stage 2.
    public var emec: Bool
    /// walkparams.amec: TCR2_EL2.AMEC0 (TTBR0) or AMEC1 (TTBR1), in Realm
    /// state with TCR2_EL2 enabled; false otherwise.
    public var amec: Bool
    public var registers: MECRegisterValues

    public init(regime: MECRegime, paSpace: PASpace, translation: MECTranslationInfo = MECTranslationInfo(),
                emec: Bool, amec: Bool = false, registers: MECRegisterValues) {
        self.regime = regime
        self.paSpace = paSpace
        self.translation = translation
        self.emec = emec
        self.amec = amec
        self.registers = registers
    }
}

/// The outcome of the selection: the MECID, or the Translation fault of
/// AArch64.S1AMECFault (a Realm EL2/EL2&0 stage 1 descriptor with AMEC = 1
/// while TCR2_EL2.AMEC0/1 is 0, EMEC = 1, output to the Realm PA space: a
/// Translation fault at the level of that descriptor).
public enum MECSelection: Sendable, Equatable {
    case mecid(UInt16)
    case amecFault

    /// The MECID 0 of the Root, Secure and Non-secure PA spaces, and of Realm
    /// accesses with EMEC clear.
    public static let defaultMECID: UInt16 = 0

    public var mecid: UInt16? {
        if case .mecid(let m) = self { return m }
        return nil
    }

    /// AArch64.S1AMECFault.
    public static func amecFault(_ i: MECSelectionInput) -> Bool {
        i.emec && !i.amec && (i.regime == .el2 || i.regime == .el20)
            && i.paSpace == .realm && i.translation.stage1 && i.translation.descriptorAMEC
    }

    /// The output MECID of an access (data or instruction fetch).
    public static func select(_ i: MECSelectionInput) -> MECSelection {
        if amecFault(i) { return .amecFault }
        let t = i.translation, r = i.registers
        // Stage 2 (Realm EL1&0, HCR_EL2.VM = 1) decides: AArch64.S2OutputMECID.
        if i.regime == .el10 && t.stage2 {
            guard i.emec, i.paSpace == .realm else { return .mecid(defaultMECID) }
            return .mecid(t.stage2AMEC ? r.vmecidA : r.vmecidP)
        }
        guard i.emec, i.paSpace == .realm else { return .mecid(defaultMECID) }
        if !t.stage1 {
            // AArch64.S1DisabledOutputMECID: EL3 with its MMU off can only reach
            // the Root PA space, but the rule says DEFAULT_MECID for it anyway.
            switch i.regime {
            case .el3: return .mecid(defaultMECID)
            case .el2, .el20: return .mecid(r.p0)
            case .el10: return .mecid(r.vmecidP)
            }
        }
        // AArch64.S1OutputMECID.
        switch i.regime {
        case .el3: return .mecid(r.rlA3)
        case .el2: return .mecid(t.descriptorAMEC ? r.a0 : r.p0)
        case .el20:
            if t.upperRange { return .mecid(t.descriptorAMEC ? r.a1 : r.p1) }
            return .mecid(t.descriptorAMEC ? r.a0 : r.p0)
        case .el10: return .mecid(r.vmecidP)
        }
    }

    /// AArch64.TTWalkMECID: the MECID of the translation table walks of a
    /// regime (all lookup levels). `a1` is TCR_EL2.A1 (EL2&0 only). For
    /// Realm EL1&0 the stage 2 translation of a stage 1 walk may override it.
    public static func walkMECID(regime: MECRegime, securityState: SecurityState, emec: Bool,
                                 a1: Bool = false, registers r: MECRegisterValues) -> UInt16 {
        guard emec, securityState == .realm else { return defaultMECID }
        switch regime {
        case .el2: return r.p0
        case .el20: return a1 ? r.p0 : r.p1
        case .el10: return r.vmecidP
        case .el3: return defaultMECID   // unreachable: EL3 is Root
        }
    }
}

extension CPU {
    /// The MEC regime of an access made with the permissions of `accessEL`.
    func mecRegime(accessEL: Int) -> MECRegime {
        switch accessEL {
        case 3: return .el3
        case 2: return hcrE2H ? .el20 : .el2
        default:
            // EL0 in the EL2&0 regime (E2H = TGE = 1).
            if accessEL == 0 && el2Host { return .el20 }
            return .el10
        }
    }


    /// walkparams.emec for a regime (AArch64.GetS1TTWParams / GetS2TTWParams).
    func mecEMEC(_ regime: MECRegime) -> Bool {
        guard config.hasMEC else { return false }
        if regime == .el3 { return sysreg(MECRegisters.sctlr2EL3) & MECRegisters.emec != 0 }
        return sctlr2EL2Enabled && sysreg(MECRegisters.sctlr2EL2) & MECRegisters.emec != 0
    }

    /// IsSCTLR2EL2Enabled / IsTCR2EL2Enabled: the registers are implemented,
    /// EL2 is, and EL3 (if implemented) lets them be used.
    var sctlr2EL2Enabled: Bool {
        config.hasMEC && config.hasEL2 && (!config.hasEL3 || sysreg(SysRegTable.scrEL3) & SCRBits.sctlr2En != 0)
    }
    var tcr2EL2Enabled: Bool {
        config.hasMEC && config.hasEL2 && (!config.hasEL3 || sysreg(SysRegTable.scrEL3) & SCRBits.tcr2En != 0)
    }

    /// The Effective values of the MECID registers.
    public var mecRegisterValues: MECRegisterValues {
        guard config.hasMEC else { return MECRegisterValues() }
        let rl = UInt16(truncatingIfNeeded: sysreg(MECRegisters.mecidRLA3))
        if config.hasEL3 && sysreg(SysRegTable.scrEL3) & SCRBits.mecEn == 0 {
            return MECRegisterValues(rlA3: rl)
        }
        func v(_ s: SysRegSlot) -> UInt16 { UInt16(truncatingIfNeeded: sysreg(s)) }
        return MECRegisterValues(p0: v(MECRegisters.mecidP0), a0: v(MECRegisters.mecidA0),
                                 p1: v(MECRegisters.mecidP1), a1: v(MECRegisters.mecidA1),
                                 vmecidP: v(MECRegisters.vmecidP), vmecidA: v(MECRegisters.vmecidA),
                                 rlA3: rl)
    }

    /// The inputs of the selection for a translation made for `accessEL`.
    /// `paSpace`: the output PA space (`Translation.paSpace`); nil: `info`'s,
    /// else the Security state's.
    public func mecSelectionInput(_ info: MECTranslationInfo, accessEL: Int, paSpace: PASpace? = nil) -> MECSelectionInput {
        let regime = mecRegime(accessEL: accessEL)
        let ss = securityState(el: accessEL)
        let pas = info.paSpace ?? paSpace ?? ss.paSpace
        var amec = false
        if ss == .realm && tcr2EL2Enabled && (regime == .el2 || regime == .el20) {
            let tcr2 = sysreg(MECRegisters.tcr2EL2)
            amec = (info.upperRange ? tcr2 & MECRegisters.amec1 : tcr2 & MECRegisters.amec0) != 0
        }
        return MECSelectionInput(regime: regime, paSpace: pas, translation: info,
                                 emec: mecEMEC(regime), amec: amec, registers: mecRegisterValues)
    }

    /// The MECID of an access translated as `t` for `accessEL` (an AMEC fault
    /// is the walker's to raise; here it counts as the default MECID).
    public func accessMECID(_ t: Translation, accessEL: Int) -> UInt16 {
        guard config.hasMEC else { return MECSelection.defaultMECID }
        // Outside the Realm PA space, or with EMEC clear, it is 0 whatever the
        // rest says (and there is no AMEC fault): skip reading the registers.
        if (t.mec.paSpace ?? t.paSpace) != .realm || !mecEMEC(mecRegime(accessEL: accessEL)) {
            return MECSelection.defaultMECID
        }
        return MECSelection.select(mecSelectionInput(t.mec, accessEL: accessEL, paSpace: t.paSpace)).mecid
            ?? MECSelection.defaultMECID
    }

    /// The MECID of the translation table walks for `accessEL`'s regime
    /// (for the walker's descriptor reads: `MECTagStore.readView`).
    public func walkMECID(accessEL: Int) -> UInt16 {
        guard config.hasMEC else { return MECSelection.defaultMECID }
        let regime = mecRegime(accessEL: accessEL)
        let a1 = regime == .el20 && (sysreg(MMURegs.tcr[2]) >> 22) & 1 == 1   // TCR_EL2.A1
        return MECSelection.walkMECID(regime: regime, securityState: securityState(el: accessEL),
                                      emec: mecEMEC(regime), a1: a1, registers: mecRegisterValues)
    }

    /// For the walker, at a stage 1 leaf descriptor: the MEC part of the
    /// translation and whether AArch64.S1AMECFault applies (then the walk
    /// reports a Translation fault at the descriptor's level). `paSpace` is
    /// the output PA space the walker determined from NS/NSE/NSTable.
    public func mecStage1Leaf(descriptor: UInt64, upperRange: Bool, accessEL: Int, paSpace: PASpace)
        -> (info: MECTranslationInfo, amecFault: Bool)
    {
        let info = MECTranslationInfo(paSpace: paSpace, stage1: true,
                                      descriptorAMEC: (descriptor >> 63) & 1 == 1, upperRange: upperRange)
        guard config.hasMEC else { return (info, false) }
        return (info, MECSelection.amecFault(mecSelectionInput(info, accessEL: accessEL)))
    }
}

extension CPU {
    /// The output PA space of a stage 1 Block or Page descriptor of `regime`
    /// (Arm ARM D8.x "Security state and PA space"): EL3 with RME: {NSE (bit
    /// 11), NS (bit 5)}; Secure and Realm state: NS or an NSTable on the way
    /// selects Non-secure, else the state's own space; Non-secure state:
    /// Non-secure. (For the walker; the GPT check will use it too.)
    func stage1OutputPASpace(_ regime: TranslationRegime, descriptor: UInt64, nsTable: Bool) -> PASpace {
        let ns = (descriptor >> 5) & 1 == 1
        if regime == .el3 {
            if config.hasRME { return PASpace(nse: (descriptor >> 11) & 1 == 1, ns: ns) }
            return ns || nsTable ? .nonSecure : .secure
        }
        let ss = securityState(el: regime == .el2 ? 2 : 1)
        switch ss {
        case .nonSecure, .root: return .nonSecure
        case .secure, .realm: return ns || nsTable ? .nonSecure : ss.paSpace
        }
    }

    /// A descriptor read by a translation table walk for `accessEL`, as the
    /// walk's MECID sees it (AArch64.TTWalkMECID): substitute data when the
    /// table's line carries another MECID.
    @inline(__always) func mecWalkView(_ pa: UInt64, _ descriptor: UInt64, accessEL: Int) -> UInt64 {
        guard let st = mecState else { return descriptor }
        return UInt64(littleEndian: st.store.readView(pa: pa, size: 8, value: descriptor.littleEndian, mecid: walkMECID(accessEL: accessEL)))
    }
}

extension CPU {
    /// The MECID the current EL uses for untranslated accesses and for AMEC = 0,
    /// TTBR0 descriptors in its own PA space (MECID_P0_EL2 at Realm EL2,
    /// VMECID_P_EL2 at Realm EL1/EL0 without stage 2; 0 elsewhere or with EMEC
    /// clear): what a trace shows as "the" MECID of a block. Accesses through
    /// AMEC/TTBR1/stage 2 descriptors may use another one (`accessMECID`).
    public var primaryMECID: UInt16 {
        guard config.hasMEC else { return MECSelection.defaultMECID }
        return MECSelection.select(mecSelectionInput(MECTranslationInfo(), accessEL: el)).mecid ?? MECSelection.defaultMECID
    }
}
