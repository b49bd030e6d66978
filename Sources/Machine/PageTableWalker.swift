/// VMSAv8-64 stage 1 address translation (Arm ARM D8): the translation
/// regimes EL1&0, EL2, EL2&0 (VHE) and EL3, the 4 KiB, 16 KiB and 64 KiB
/// granules, table/block/page descriptors, access permissions with the
/// hierarchical table controls, the access flag, memory attributes from MAIR,
/// and the AT instructions (results in PAR_EL1).
///
/// Stage 2 (HCR_EL2.VM) is Stage2Walker.swift's: it translates the stage 1
/// descriptor addresses and the output of EL1&0 lookups.
///
/// FEAT_PAN: the walker reports EL0 accessibility, SoftMMU.translate applies
/// PSTATE.PAN. FEAT_HAFDBS (TCR.HA/HD): HardwareUpdates.swift.
///
/// The EL2&0 regime (FEAT_VHE, HCR_EL2.E2H = 1) is `.el2` with two VA ranges
/// (TTBR0_EL2/TTBR1_EL2, TCR_EL2 in TCR_EL1's layout) and EL0 in it while
/// TGE is 1; ASIDs are not used to tag entries (writes flush).
///
/// Not modelled (yet): FEAT_HPDS, FEAT_LPA/LPA2 (48-bit
/// PA), FEAT_TTST (TxSZ 16...39), big-endian tables (SCTLR.EE), the contiguous
/// bit (a hint), ASIDs/VMIDs (the TLB is flushed instead), the TLB caching
/// only leaf entries of one 4 KiB page each.

/// The translation regimes Armature models (Arm ARM D8.1.2).
public enum TranslationRegime: Sendable, Equatable {
    /// EL1&0: TTBR0_EL1/TTBR1_EL1, TCR_EL1, MAIR_EL1, SCTLR_EL1; two VA ranges.
    case el10
    /// EL2 with HCR_EL2.E2H = 0: TTBR0_EL2, TCR_EL2, MAIR_EL2; one VA range.
    case el2
    /// EL3: TTBR0_EL3, TCR_EL3, MAIR_EL3; one VA range.
    case el3
}

/// The AT (address translate) operations: SYS #op1, C7, CRm, #op2.
public enum AddressTranslationOp: Sendable, Equatable {
    case s1e1r, s1e1w, s1e0r, s1e0w
    case s1e2r, s1e2w
    case s1e3r, s1e3w
    /// Stage 1+2; without stage 2 (HCR_EL2.VM = 0) the same as S1E1x/S1E0x.
    case s12e1r, s12e1w, s12e0r, s12e0w

    /// Decodes the SYS fields of an AT instruction (CRn = 7); nil for
    /// encodings that are not AT or not implemented (S1E1RP/WP, S1E1A...).
    public init?(op1: UInt64, crm: UInt64, op2: UInt64) {
        guard crm == 8 else { return nil }
        switch (op1, op2) {
        case (0, 0): self = .s1e1r
        case (0, 1): self = .s1e1w
        case (0, 2): self = .s1e0r
        case (0, 3): self = .s1e0w
        case (4, 0): self = .s1e2r
        case (4, 1): self = .s1e2w
        case (4, 4): self = .s12e1r
        case (4, 5): self = .s12e1w
        case (4, 6): self = .s12e0r
        case (4, 7): self = .s12e0w
        case (6, 0): self = .s1e3r
        case (6, 1): self = .s1e3w
        default: return nil
        }
    }

    /// The EL whose permissions the lookup checks (0 = unprivileged).
    var accessEL: Int {
        switch self {
        case .s1e0r, .s1e0w, .s12e0r, .s12e0w: return 0
        case .s1e1r, .s1e1w, .s12e1r, .s12e1w: return 1
        case .s1e2r, .s1e2w: return 2
        case .s1e3r, .s1e3w: return 3
        }
    }

    /// AT S12E*: through stage 2 when it is enabled (S1E1*/S1E0* stop at the IPA).
    var isStage12: Bool {
        switch self {
        case .s12e1r, .s12e1w, .s12e0r, .s12e0w: return true
        default: return false
        }
    }

    var isWrite: Bool {
        switch self {
        case .s1e1w, .s1e0w, .s1e2w, .s1e3w, .s12e1w, .s12e0w: return true
        default: return false
        }
    }

    /// The lowest EL that may execute it (lower: UNDEFINED).
    var minEL: Int {
        switch self {
        case .s1e1r, .s1e1w, .s1e0r, .s1e0w: return 1
        case .s1e2r, .s1e2w, .s12e1r, .s12e1w, .s12e0r, .s12e0w: return 2
        case .s1e3r, .s1e3w: return 3
        }
    }
}

/// System register slots the walker reads. Index = EL, as in `SysRegTable`.
enum MMURegs {
    static var tcr: PerELSlots { PerELSlots(.TCR_EL1, .TCR_EL2, .TCR_EL3) }
    static var ttbr0: PerELSlots { PerELSlots(.TTBR0_EL1, .TTBR0_EL2, .TTBR0_EL3) }
    static var ttbr1EL1: SysRegSlot { NamedSysReg.TTBR1_EL1.slot }
    static var ttbr1EL2: SysRegSlot { NamedSysReg.TTBR1_EL2.slot }
    static var mair: PerELSlots { PerELSlots(.MAIR_EL1, .MAIR_EL2, .MAIR_EL3) }
    static var parEL1: SysRegSlot { NamedSysReg.PAR_EL1.slot }
}

extension CPU {
    /// The implemented physical address size (ID_AA64MMFR0_EL1.PARange = 0b0101).
    public static let physicalAddressBits = 48

    /// Whether a regime translates in Secure state (EL3, or EL1&0/EL2 with SCR_EL3.NS = 0).
    func regimeIsSecure(_ regime: TranslationRegime) -> Bool {
        regime == .el3 || (config.hasEL3 && sysreg(SysRegTable.scrEL3) & 1 == 0)
    }

    /// The regime an access made with the permissions of `accessEL` translates in.
    /// `.el2` is the EL2&0 regime while HCR_EL2.E2H is 1 (FEAT_VHE), which
    /// also holds EL0 when TGE is 1 (`el2Host`).
    func translationRegime(forEL accessEL: Int) -> TranslationRegime {
        switch accessEL {
        case 3: return .el3
        case 2: return .el2
        default: return accessEL == 0 && el2Host ? .el2 : .el10
        }
    }

    /// SCTLR_ELx of a regime.
    func regimeSCTLR(_ regime: TranslationRegime) -> UInt64 {
        switch regime {
        case .el10: return sysreg(SysRegTable.sctlr[1])
        case .el2: return sysreg(SysRegTable.sctlr[2])
        case .el3: return sysreg(SysRegTable.sctlr[3])
        }
    }

    /// SCTLR_ELx.A of the regime of `accessEL`: every unaligned data access faults.
    func alignmentCheckEnabled(el accessEL: Int) -> Bool {
        regimeSCTLR(translationRegime(forEL: accessEL)) & 0b10 != 0
    }

    /// Finds what `va` translates to for an access with the permissions of
    /// `accessEL`, and the permissions of the page at that EL, without checking
    /// them (the caller does: `Translation.permits`). `debug` lookups (debugger,
    /// semihosting, log messages) ignore the access flag. Faults other than
    /// permission faults are returned as such. With stage 2 on, an EL1&0
    /// lookup goes through both stages (`Translation.stage2`); `stage2Output`
    /// false (AT S1E1*, S1E0*) stops at the IPA, stage 2 still translating
    /// the walk. `unaligned`: an unaligned data access (a stage 1 alignment
    /// fault on Device memory comes before stage 2).
    public func lookup(_ va: UInt64, _ access: AccessKind, el accessEL: Int, debug: Bool = false,
                       unaligned: Bool = false, stage2Output: Bool = true)
        -> Result<Translation, TranslationFault>
    {
        let regime = translationRegime(forEL: accessEL)
        let hcr = config.hasEL2 ? sysreg(SysRegTable.hcrEL2) : 0
        var normalWhenOff = false
        var enabled = regimeSCTLR(regime) & 1 == 1
        var stage2 = false
        switch regime {
        case .el10:
            if el2Enabled {
                stage2 = stage2Enabled   // HCR_EL2.VM or DC (Stage2Walker.swift)
                // HCR_EL2.TGE or DC: EL1&0 stage 1 behaves as disabled; with DC the
                // memory is Normal write-back (Arm ARM D8.2.11).
                if hcr & HCRBits.tge != 0 { enabled = false }
                if hcr & HCRBits.dc != 0 { enabled = false; normalWhenOff = true }
            }
        case .el2, .el3:
            break
        }
        if !enabled {
            // Stage 1 off: flat mapping. An address above the implemented PA size
            // is an address size fault at level 0 (Arm ARM D8.2.11). Data accesses
            // are Device-nGnRnE, fetches Normal.
            if va >> UInt64(CPU.physicalAddressBits) != 0 { return .failure(.fault(.addressSizeL0)) }
            let device = access != .fetch && !normalWhenOff
            let flat = Translation(pa: va, paSpace: securityState(el: regime == .el3 ? 3 : accessEL).paSpace, device: device, attributes: device ? 0x00 : (normalWhenOff ? 0xFF : 0x44),
                                   shareability: 0b10, nonSecure: !regimeIsSecure(regime), level: 0,
                                   readable: true, writable: true, executable: true)
            if stage2 && stage2Output { return applyStage2(flat, access, debug: debug, unaligned: unaligned) }
            return .success(flat)
        }
        if !debug { tlbStatistics.walks &+= 1 }
        let s1 = stage1Walk(va, access, regime: regime, accessEL: accessEL, debug: debug, stage2Walks: stage2)
        guard stage2 && stage2Output, case .success(let t) = s1 else { return s1 }
        return applyStage2(t, access, debug: debug, unaligned: unaligned)
    }

    /// Reads one translation table descriptor (little-endian) from RAM or ROM;
    /// nil when `pa` is not backed by memory (a synchronous External abort on
    /// the walk).
    private func readDescriptor(_ pa: UInt64, space: PASpace) -> UInt64? {
        guard let r = system.memory.region(containing: pa, space: space), let h = r.host, pa - r.base + 8 <= r.size else { return nil }
        return UInt64(littleEndian: UnsafeRawPointer(h + Int(pa - r.base)).loadUnaligned(as: UInt64.self))
    }

    /// The stage 1 walk (Arm ARM D8.2-D8.4, pseudocode AArch64.S1Walk and
    /// AArch64.S1Translate), faults in the order the architecture gives them.
    private func stage1Walk(_ va: UInt64, _ access: AccessKind, regime: TranslationRegime, accessEL: Int, debug: Bool,
                            stage2Walks: Bool)
        -> Result<Translation, TranslationFault>
    {
        func fail(_ s: FaultStatus) -> Result<Translation, TranslationFault> { .failure(.fault(s)) }
        let regimeEL = regime == .el10 ? 1 : (regime == .el2 ? 2 : 3)
        let tcr = sysreg(MMURegs.tcr[regimeEL])
        // The EL2&0 regime (HCR_EL2.E2H = 1): TCR_EL2 in TCR_EL1's layout,
        // TTBR0_EL2 and TTBR1_EL2, EL1&0-style permissions with EL2 privileged.
        let el20 = regime == .el2 && hcrE2H
        let twoRanges = regime == .el10 || el20
        // Which VA range (TTBR0 or TTBR1) and its parameters.
        let upper = twoRanges && (va >> 55) & 1 == 1
        let tsz: Int, granuleBits: Int, tbi: Bool, epd: Bool, ps: UInt64, ttbr: UInt64
        if twoRanges {
            tbi = (tcr >> (upper ? 38 : 37)) & 1 == 1
            ps = (tcr >> 32) & 7                                  // IPS
            if upper {
                tsz = Int((tcr >> 16) & 0x3F)                     // T1SZ
                epd = (tcr >> 23) & 1 == 1                        // EPD1
                granuleBits = CPU.granuleBits(tg1: (tcr >> 30) & 3)
                ttbr = sysreg(el20 ? MMURegs.ttbr1EL2 : MMURegs.ttbr1EL1)
            } else {
                tsz = Int(tcr & 0x3F)                             // T0SZ
                epd = (tcr >> 7) & 1 == 1                         // EPD0
                granuleBits = CPU.granuleBits(tg0: (tcr >> 14) & 3)
                ttbr = sysreg(MMURegs.ttbr0[regimeEL])
            }
        } else {
            tsz = Int(tcr & 0x3F)
            epd = false
            granuleBits = CPU.granuleBits(tg0: (tcr >> 14) & 3)
            ps = (tcr >> 16) & 7                                  // PS
            tbi = (tcr >> 20) & 1 == 1
            ttbr = sysreg(MMURegs.ttbr0[regimeEL])
        }
        // TxSZ outside 16...39 (no FEAT_LVA, no FEAT_TTST): a level 0
        // Translation fault, one of the choices the Arm ARM allows (as QEMU).
        guard (16...39).contains(tsz) else { return fail(.translationL0) }
        let inputSize = 64 - tsz
        // The VA bits above the range (below the top byte with TBI) must all
        // equal the range select bit: the gap between the ranges faults.
        let top = tbi ? 56 : 64
        let width = top - inputSize
        let field = (va >> UInt64(inputSize)) & ((1 << UInt64(width)) - 1)
        if field != (upper ? (1 << UInt64(width)) - 1 : 0) { return fail(.translationL0) }
        if epd { return fail(.translationL0) }

        let outputSize = min(CPU.outputAddressBits(ps: ps), CPU.physicalAddressBits)
        let geometry = WalkGeometry(granuleBits: granuleBits, outputSize: outputSize)
        // TTBR_ELx.BADDR (bits 47:1; bit 0 is CnP), aligned to the size of the
        // start-level table. Start level: 4 - ceil((inputSize - granuleBits) / stride).
        let baddr = ttbr & 0x0000_FFFF_FFFF_FFFE
        if baddr >> UInt64(outputSize) != 0 { return fail(.addressSizeL0) }
        var walk = geometry.start(level: 4 - (inputSize - 4) / geometry.stride, inputSize: inputSize, base: baddr)

        // Hierarchical attributes of the table descriptors walked through.
        var pxnTable = false, xnTable = false, apTableNoEL0 = false, apTableRO = false, nsTable = false
        var walkSpace = rmeWalkPASpace(regime, accessEL: accessEL)   // RME: the PA space of the tables
        var desc: UInt64
        var leafPA: UInt64 = 0, leafRaw: UInt64 = 0   // FEAT_HAFDBS writes the leaf back
        while true {
            let level = walk.level
            var descPA = walk.descriptorAddress(va)
            var readSpace = walkSpace, readMECID: UInt16? = nil
            let descIPA = descPA
            if stage2Walks {   // the descriptor's address is an IPA: stage 2 (S1PTW) gives PA, PA space, MECID
                switch stage2TableAccess(descPA, debug: debug) {
                case .failure(let f): return .failure(f)
                case .success(let s): (descPA, readSpace, readMECID) = (s.pa, s.space, s.mecid)
                }
            }
            if !debug, var g = granuleProtectionCheck(pa: descPA, space: readSpace) {   // RME: GPC on the walk
                g.walkLevel = level
                if stage2Walks { (g.stage2IPA, g.s1ptw) = (descIPA, true) }   // after stage 2: a second-stage fault
                return .failure(.gpc(g))
            }
            guard let raw = readDescriptor(descPA, space: readSpace) else {
                if system.isLogging(.guestErrors) {
                    cpuLog(.guestErrors, "translation table walk for va \(hex(va)) read physical address \(hex(descPA)) (level \(level)), which is not RAM: external abort")
                }
                return fail(.syncExternalOnWalk(level: level))
            }
            // MEC: TTWalkMECID, or the stage 2 output MECID of the descriptor's IPA.
            desc = readMECID.map { mecView(descPA, raw, mecid: $0) } ?? mecWalkView(descPA, raw, accessEL: accessEL)
            (leafPA, leafRaw) = (descPA, raw)
            switch walk.take(desc) {
            case .fault(let f): return fail(f)
            case .leaf: break
            case .table:
                // The controls that apply to every lookup below the table.
                pxnTable = pxnTable || (desc >> 59) & 1 == 1
                xnTable = xnTable || (desc >> 60) & 1 == 1
                apTableNoEL0 = apTableNoEL0 || (desc >> 61) & 1 == 1
                apTableRO = apTableRO || (desc >> 62) & 1 == 1
                nsTable = nsTable || (desc >> 63) & 1 == 1
                if walkSpace == .secure && nsTable { walkSpace = .nonSecure }
                continue
            }
            break
        }
        let level = walk.level
        guard let pa = geometry.output(desc, level: level, input: va) else { return fail(.addressSize(level: level)) }
        // FEAT_MEC: output PA space, AMEC bit, and AArch64.S1AMECFault (MEC/MECID.swift).
        let mec = mecStage1Leaf(descriptor: desc, upperRange: upper, accessEL: accessEL,
                                paSpace: stage1OutputPASpace(regime, descriptor: desc, nsTable: nsTable))
        if mec.amecFault { return fail(.translation(level: level)) }

        // Access flag, and FEAT_HAFDBS (HardwareUpdates.swift): with TCR_ELx.HA
        // a zero AF is set in the descriptor instead of faulting; with HD a write
        // to a clean page with DBM set makes it dirty (AP[2] cleared).
        let hw = stage1HardwareUpdates(regime: regime, tcr: tcr)
        guard var updated = accessFlagUpdate(desc, hw, debug: debug) else { return fail(.accessFlag(level: level)) }
        let makeDirty = hw.dirtyState && !debug && access == .write && (desc >> 51) & 1 == 1
            && (desc >> 7) & 1 == 1 && !apTableRO

        // Permissions (Arm ARM D8.4): AP[2:1] with APTable, UXN/PXN with
        // UXNTable/PXNTable (XN/XNTable in the one-EL regimes), WXN.
        let sctlr = regimeSCTLR(regime)
        let wxn = (sctlr >> 19) & 1 == 1
        var ap = (desc >> 6) & 3
        if makeDirty { ap &= ~0b10 }   // as it will be once written back (if the write is then permitted)
        if apTableRO { ap |= 0b10 }
        let readable: Bool, writable: Bool, executable: Bool
        var el0Accessible = false
        if twoRanges {
            if apTableNoEL0 { ap &= ~0b01 }
            el0Accessible = ap & 0b01 != 0
            let el0Read = ap & 0b01 != 0
            let el0Write = ap == 0b01
            let uxn = (desc >> 54) & 1 == 1 || xnTable
            let pxn = (desc >> 53) & 1 == 1 || pxnTable
            if accessEL == 0 {
                readable = el0Read
                writable = el0Write
                executable = !uxn && !(wxn && el0Write)
            } else {
                // EL1 never executes from memory that EL0 can write.
                let el1Write = ap & 0b10 == 0
                readable = true
                writable = el1Write
                executable = !pxn && !el0Write && !(wxn && el1Write)
            }
            // PSTATE.PAN: applied by the caller, from el0Accessible (SoftMMU.translate).
        } else {
            // One privilege level: AP[1] is ignored (RES1), APTable[0], PXN and
            // PXNTable are RES0.
            readable = true
            writable = ap & 0b10 == 0
            executable = !((desc >> 54) & 1 == 1 || xnTable) && !(wxn && writable)
        }

        if makeDirty && writable { updated &= ~(1 << 7) }
        writeBackUpdated(updated, of: desc, raw: leafRaw, at: leafPA,
                         permitted: access == .read ? readable : access == .write ? writable : executable)

        // Memory attributes: MAIR_ELx.Attr<AttrIndx>; Attr[7:4] = 0 is Device.
        let attrIndx = (desc >> 2) & 7
        let attr = UInt8(truncatingIfNeeded: sysreg(MMURegs.mair[regimeEL]) >> (8 * attrIndx))
        let secure = regimeIsSecure(regime)
        return .success(Translation(pa: pa, paSpace: stage1OutputPASpace(regime, descriptor: desc, nsTable: nsTable),
                                    device: attr & 0xF0 == 0, attributes: attr,
                                    shareability: UInt8((desc >> 8) & 3),
                                    nonSecure: !secure || nsTable || (desc >> 5) & 1 == 1,
                                    level: level, el0Accessible: el0Accessible,
                                    readable: readable, writable: writable, executable: executable,
                                    pageBits: geometry.pageBits(level: level), mec: mec.info))
    }

    /// TCR_ELx.TG0: 0b00 4 KiB, 0b01 64 KiB, 0b10 16 KiB; 0b11 is reserved
    /// and treated as 4 KiB (an IMPLEMENTATION DEFINED choice).
    static func granuleBits(tg0: UInt64) -> Int {
        switch tg0 {
        case 1: return 16
        case 2: return 14
        default: return 12
        }
    }

    /// TCR_EL1.TG1: 0b01 16 KiB, 0b10 4 KiB, 0b11 64 KiB; 0b00 is reserved
    /// and treated as 4 KiB.
    static func granuleBits(tg1: UInt64) -> Int {
        switch tg1 {
        case 1: return 14
        case 3: return 16
        default: return 12
        }
    }

    /// TCR_ELx.{I}PS: the output address size in bits (reserved: the PA size).
    static func outputAddressBits(ps: UInt64) -> Int {
        switch ps {
        case 0: return 32
        case 1: return 36
        case 2: return 40
        case 3: return 42
        case 4: return 44
        case 5: return 48
        default: return 52
        }
    }

    // MARK: AT

    /// AT <op>, <Xt>: translates `va` as the operation says and writes the
    /// result to PAR_EL1 (Arm ARM C5.5, D8.14): on success the PA, the MAIR
    /// attribute byte and the shareability (0b10 for Device and Normal
    /// Non-cacheable); on a fault F=1 with the fault status code. Faults are
    /// reported in PAR_EL1, never taken (a synchronous External abort on the
    /// walk too: one of the choices the Arm ARM allows), except a stage 2
    /// fault on the stage 1 walk of an AT executed at EL1, which is taken to
    /// EL2 (Arm ARM D8.14; CM = 1). Other stage 2 faults set PAR_EL1.S (and
    /// PTW on a walk). Returns false when the operation is UNDEFINED at the
    /// current EL (the caller raises it).
    public func addressTranslate(op: AddressTranslationOp, va: UInt64) -> Bool {
        guard el >= op.minEL else { return false }
        if op.minEL == 2 && !config.hasEL2 { return false }
        let access: AccessKind = op.isWrite ? .write : .read
        let result = lookup(va, access, el: op.accessEL, stage2Output: op.isStage12)
        let par: UInt64
        switch result {
        case .success(let t):
            if let f = t.permissionFault(access) {
                if case .stage2(let s2) = f { par = CPU.parStage2Fault(s2) } else { par = CPU.parFault(.permission(level: t.level)) }
            } else {
                let normalNC = t.attributes == 0x44
                let sh: UInt64 = t.device || normalNC ? 0b10 : UInt64(t.shareability)
                par = UInt64(t.attributes) << 56 | (t.pa & 0x0000_FFFF_FFFF_F000) | 1 << 11
                    | (t.nonSecure ? 1 << 9 : 0) | sh << 7
            }
        case .failure(.fault(let status)):
            par = CPU.parFault(status)
        case .failure(.gpc(let g)):   // a GPF on the walk: reported in PAR_EL1, not taken
            par = 1 | g.fsc << 1 | 1 << 11 | (g.stage2IPA != nil ? 1 << 9 : 0) | (g.s1ptw ? 1 << 8 : 0)
        case .failure(.stage2(let f)):
            if el == 1 {
                raiseStage2Abort(f, va: va, access, addressTranslation: true)
                return true
            }
            par = CPU.parStage2Fault(f)
        case .failure(.unimplemented(let what)):
            system.fatal("\(what) (PC \(hex(faultPC)))")
            exceptionTaken = true
            return true
        }
        setSysreg(MMURegs.parEL1, par)
        if system.isLogging(.mmu) {
            cpuLog(.mmu, "mmu: AT \(op) va \(hex(va)) at EL\(el): PAR_EL1 = \(hex(par))")
        }
        return true
    }

    /// PAR_EL1 for a failed AT: F = 1, FST, bit 11 RES1 (stage 1, so PTW = S = 0).
    static func parFault(_ status: FaultStatus) -> UInt64 {
        1 | status.rawValue << 1 | 1 << 11
    }
}
