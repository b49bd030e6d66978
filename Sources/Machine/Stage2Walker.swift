/// VMSAv8-64 stage 2 translation for the EL1&0 regime (Arm ARM D8, pseudocode
/// AArch64.S2Translate, AArch64.S2Walk, AArch64.S2CheckPermissions): an IPA
/// (stage 1's output, or the address of a stage 1 descriptor) becomes a PA
/// through the tables at VTTBR_EL2 as VTCR_EL2 describes them (T0SZ, SL0, TG0,
/// PS; concatenated start-level tables), with S2AP, XN (bit 54; FEAT_XNX is
/// not implemented, so bit 53 is ignored), MemAttr, AF, SH, and for Realm
/// state the NS bit (55) and AMEC bit (63). Enabled by HCR_EL2.VM (or DC)
/// when EL2 is enabled in the current Security state.
///
/// The softmmu TLB caches the combined stage 1+2 result per MMU index (EL0,
/// EL1); it is not tagged with a VMID: a change of VTTBR_EL2 or VTCR_EL2
/// empties the EL1&0 indexes (HCR_EL2: CPU.setEL). Stage 2 results alone
/// are kept by the walk cache (Stage2WalkCache.swift).
///
/// Not modelled: FEAT_TTST (SL0 = 0b11 with 4 KiB), FEAT_LPA/LPA2, FEAT_XNX,
/// FEAT_S2FWB, FEAT_HAFDBS (AF = 0 always faults), HCR_EL2.CD/ID, Secure EL2.

/// A fault in stage 2: taken to EL2 with the IPA in HPFAR_EL2 (or reported
/// in PAR_EL1 with S = 1 by an AT instruction).
public struct Stage2Fault: Sendable, Equatable, Error {
    public var status: FaultStatus
    /// The IPA whose translation faulted.
    public var ipa: UInt64
    /// The access was a stage 1 translation table walk (ESR_EL2.ISS.S1PTW, PAR_EL1.PTW).
    public var s1ptw: Bool

    public init(status: FaultStatus, ipa: UInt64, s1ptw: Bool) {
        self.status = status
        self.ipa = ipa
        self.s1ptw = s1ptw
    }
}

/// What stage 2 made of one IPA.
struct Stage2Result {
    var pa: UInt64
    var paSpace: PASpace
    var level: Int
    /// S2AP[0], S2AP[1], !XN.
    var readable: Bool
    var writable: Bool
    var executable: Bool
    /// The stage 2 memory attributes as a MAIR byte (MemAttr converted).
    var attributes: UInt8
    var shareability: UInt8
    /// Bit 63 of the Block or Page descriptor (FEAT_MEC).
    var amec: Bool
    /// log2 of the size of the stage 2 page or block.
    var pageBits: Int
}

enum Stage2Regs {
    static var vtcr: SysRegSlot { NamedSysReg.VTCR_EL2.slot }
    static var vttbr: SysRegSlot { NamedSysReg.VTTBR_EL2.slot }
    static var hpfar: SysRegSlot { NamedSysReg.HPFAR_EL2.slot }
    /// HCR_EL2.VM (0), PTW (2), DC (12), TGE (27), E2H (34).
    static let hcrVM: UInt64 = 1 << 0
    static let hcrPTW: UInt64 = 1 << 2
    static let hcrDC: UInt64 = 1 << 12
}

extension CPU {
    /// Stage 2 translates EL1&0 accesses: EL2 is enabled in the current
    /// Security state and the Effective HCR_EL2.VM is 1 (DC = 1 counts as
    /// VM = 1; {E2H, TGE} = {1, 1} makes both 0).
    var stage2Enabled: Bool {
        guard el2Enabled else { return false }
        if el2Host { return false }
        return sysreg(SysRegTable.hcrEL2) & (Stage2Regs.hcrVM | Stage2Regs.hcrDC) != 0
    }

    /// Translates `ipa` through stage 2 (AArch64.S2Walk), without checking
    /// the permissions (the caller does). `s1ptw`: the access is a stage 1
    /// table walk. `debug` lookups ignore the access flag and skip the GPC.
    /// `access` decides the FEAT_HAFDBS dirty state (HardwareUpdates.swift).
    func stage2Walk(_ ipa: UInt64, _ access: AccessKind = .read, s1ptw: Bool, debug: Bool)
        -> Result<Stage2Result, TranslationFault>
    {
        func fail(_ s: FaultStatus) -> Result<Stage2Result, TranslationFault> {
            .failure(.stage2(Stage2Fault(status: s, ipa: ipa, s1ptw: s1ptw)))
        }
        let vtcr = sysreg(Stage2Regs.vtcr)
        let tsz = Int(vtcr & 0x3F)
        let granuleBits = CPU.granuleBits(tg0: (vtcr >> 14) & 3)
        let stride = granuleBits - 3
        let sl0 = Int((vtcr >> 6) & 3)
        // T0SZ outside 16...39 (no FEAT_LVA/TTST): a level 0 Translation fault,
        // as for stage 1.
        guard (16...39).contains(tsz) else { return fail(.translationL0) }
        let inputSize = 64 - tsz
        // Start level (AArch64.S2StartLevel). SL0 = 0b11 needs FEAT_TTST (4 KiB)
        // or FEAT_LPA2 (16 KiB), and is reserved for 64 KiB (AArch64.S2InvalidSL).
        guard sl0 != 3 else { return fail(.translationL0) }
        let start = granuleBits == 12 ? 2 - sl0 : 3 - sl0
        // The start level must resolve at least one bit and at most a full
        // table plus 16 concatenated ones (AArch64.S2InconsistentSL).
        let startBits = inputSize - granuleBits - stride * (3 - start)
        guard startBits >= 1 && startBits <= stride + 4 else { return fail(.translationL0) }
        // An IPA beyond the input size (AArch64.IPAIsOutOfRange).
        if ipa >> UInt64(inputSize) != 0 { return fail(.translationL0) }

        let realm = securityState(el: 1) == .realm
        let hw = stage2HardwareUpdates(vtcr: vtcr)
        // The walk cache (Stage2WalkCache.swift) where a walk's result depends on the IPA alone.
        let cacheable = !debug && !realm && !hw.dirtyState && mecState == nil && !gpcEnabled
        let vttbr = sysreg(Stage2Regs.vttbr)
        if cacheable, let hit = stage2Cache.lookup(ipa, vttbr: vttbr) {
            tlbStatistics.stage2CacheHits &+= 1
            return .success(hit)
        }
        if !debug { tlbStatistics.stage2Walks &+= 1 }
        let outputSize = min(CPU.outputAddressBits(ps: (vtcr >> 16) & 7), CPU.physicalAddressBits)
        // VTTBR_EL2.BADDR (bits 47:1, bit 0 is CnP; VMID in 63:48), aligned to
        // the size of the (concatenated) start-level table.
        let baddr = vttbr & 0x0000_FFFF_FFFF_FFFE
        if baddr >> UInt64(outputSize) != 0 { return fail(.addressSizeL0) }
        let geometry = WalkGeometry(granuleBits: granuleBits, outputSize: outputSize)
        var walk = geometry.start(level: start, inputSize: inputSize, base: baddr)
        let walkSpace: PASpace = realm ? .realm : .nonSecure
        var desc: UInt64
        var leafPA: UInt64 = 0, leafRaw: UInt64 = 0   // FEAT_HAFDBS writes the leaf back
        while true {
            let level = walk.level
            let descPA = walk.descriptorAddress(ipa)
            // RME: the granule protection check of the stage 2 walk.
            if !debug, var g = granuleProtectionCheck(pa: descPA, space: walkSpace) {
                g.walkLevel = level
                g.stage2IPA = ipa
                g.s1ptw = s1ptw
                return .failure(.gpc(g))
            }
            // MEC: stage 2 walks use AArch64.TTWalkMECID for EL1&0 (VMECID_P_EL2).
            guard let (raw, d) = stage2ReadDescriptor(descPA) else { return fail(.syncExternalOnWalk(level: level)) }
            desc = d
            (leafPA, leafRaw) = (descPA, raw)
            switch walk.take(desc) {
            case .fault(let f): return fail(f)
            case .leaf: break
            case .table: continue
            }
            break
        }
        let level = walk.level
        guard let pa = geometry.output(desc, level: level, input: ipa) else { return fail(.addressSize(level: level)) }
        // Access flag and dirty state, FEAT_HAFDBS (VTCR_EL2.HA/HD): S2AP[1] is the
        // write permission a clean DBM page lacks.
        guard var updated = accessFlagUpdate(desc, hw, debug: debug) else { return fail(.accessFlag(level: level)) }
        if hw.dirtyState && !debug && access == .write && !s1ptw && (desc >> 51) & 1 == 1 { updated |= 1 << 7 }
        // Realm stage 2: descriptor bit 55 (NS) selects the Non-secure PA space.
        let paSpace: PASpace = realm && (desc >> 55) & 1 == 0 ? .realm : .nonSecure
        let s2ap = (updated >> 6) & 3
        let readable = s2ap & 1 != 0, writable = s2ap & 2 != 0, executable = (desc >> 54) & 1 == 0
        let permitted = access == .read || s1ptw ? readable : access == .write ? writable : executable
        writeBackUpdated(updated, of: desc, raw: leafRaw, at: leafPA, permitted: permitted)
        let result = Stage2Result(pa: pa, paSpace: paSpace, level: level,
                                  readable: readable, writable: writable,
                                  executable: executable,
                                  attributes: CPU.stage2MAIRAttributes(memAttr: (desc >> 2) & 0xF),
                                  shareability: UInt8((desc >> 8) & 3),
                                  amec: (desc >> 63) & 1 == 1,
                                  pageBits: geometry.pageBits(level: level))
        // Cached once the descriptor in memory has AF set (as a TLB caches it).
        if cacheable && (updated == desc || (desc == leafRaw && permitted)) { stage2Cache.fill(ipa, vttbr: vttbr, result) }
        return .success(result)
    }

    /// The descriptor as stored and as the walk sees it (MEC: TTWalkMECID).
    private func stage2ReadDescriptor(_ pa: UInt64) -> (raw: UInt64, view: UInt64)? {
        // Stage 2 walks are Non-secure or Realm (no Secure EL2): Secure-only memory is out of reach.
        guard let r = system.memory.region(containing: pa, space: .nonSecure), let h = r.host, pa - r.base + 8 <= r.size else { return nil }
        let d = UInt64(littleEndian: UnsafeRawPointer(h + Int(pa - r.base)).loadUnaligned(as: UInt64.self))
        return (d, mecWalkView(pa, d, accessEL: 1))
    }

    /// The stage 2 translation of a stage 1 descriptor read (`ipa`): the PA,
    /// its PA space and the MECID of the read (AArch64.S2OutputMECID), or the
    /// stage 2 fault with S1PTW = 1. The walk is a read; with HCR_EL2.PTW a
    /// walk to stage 2 Device memory is a permission fault.
    func stage2TableAccess(_ ipa: UInt64, debug: Bool) -> Result<(pa: UInt64, space: PASpace, mecid: UInt16), TranslationFault> {
        switch stage2Walk(ipa, s1ptw: true, debug: debug) {
        case .failure(let f): return .failure(f)
        case .success(let s):
            if !debug && (!s.readable || (s.attributes & 0xF0 == 0 && sysreg(SysRegTable.hcrEL2) & Stage2Regs.hcrPTW != 0)) {
                return .failure(.stage2(Stage2Fault(status: .permission(level: s.level), ipa: ipa, s1ptw: true)))
            }
            return .success((s.pa, s.paSpace, stage2OutputMECID(paSpace: s.paSpace, amec: s.amec)))
        }
    }

    /// AArch64.S2OutputMECID for an EL1&0 access.
    func stage2OutputMECID(paSpace: PASpace, amec: Bool) -> UInt16 {
        guard config.hasMEC, paSpace == .realm else { return MECSelection.defaultMECID }
        let info = MECTranslationInfo(paSpace: paSpace, stage2: true, stage2AMEC: amec)
        return MECSelection.select(mecSelectionInput(info, accessEL: 1)).mecid ?? MECSelection.defaultMECID
    }

    /// A descriptor as a read with `mecid` sees it (substitute data when its
    /// line carries another MECID).
    func mecView(_ pa: UInt64, _ descriptor: UInt64, mecid: UInt16) -> UInt64 {
        guard let st = mecState else { return descriptor }
        return UInt64(littleEndian: st.store.readView(pa: pa, size: 8, value: descriptor.littleEndian, mecid: mecid))
    }

    /// Stage 2 applied to stage 1's result `s1` (AArch64.FullTranslate): a
    /// stage 1 fault for the access (alignment on Device memory, permission)
    /// comes first, so `s1` is returned as it is for the caller to raise it.
    /// Otherwise the combined translation: PA, permissions of both stages,
    /// combined attributes (AArch64.S2CombineS1MemAttrs), the IPA and the
    /// stage 2 leaf level for a stage 2 permission fault.
    func applyStage2(_ s1: Translation, _ access: AccessKind, debug: Bool, unaligned: Bool)
        -> Result<Translation, TranslationFault>
    {
        if !debug && (!s1.permits(access) || (unaligned && s1.device)) { return .success(s1) }
        switch stage2Walk(s1.pa, access, s1ptw: false, debug: debug) {
        case .failure(let f): return .failure(f)
        case .success(let s2):
            var t = s1
            t.stage2 = Stage2Info(ipa: s1.pa, level: s2.level, pageBits: s2.pageBits, s1Readable: s1.readable,
                                  s1Writable: s1.writable, s1Executable: s1.executable, s1Device: s1.device)
            t.pa = s2.pa
            t.paSpace = s2.paSpace
            t.nonSecure = s2.paSpace == .nonSecure
            t.readable = s1.readable && s2.readable
            t.writable = s1.writable && s2.writable
            t.executable = s1.executable && s2.executable
            t.attributes = CPU.combineAttributes(s1: s1.attributes, s2: s2.attributes)
            t.device = t.attributes & 0xF0 == 0
            t.shareability = CPU.combineShareability(s1.shareability, s2.shareability)
            t.mec.paSpace = s2.paSpace
            t.mec.stage2 = true
            t.mec.stage2AMEC = s2.amec
            return .success(t)
        }
    }

    /// Stage 2 MemAttr[3:0] as a MAIR attribute byte: 0b00dd is Device (dd =
    /// nGnRnE, nGnRE, nGRE, GRE); otherwise [3:2] outer and [1:0] inner
    /// cacheability, 0b01 Non-cacheable, 0b10 Write-through, 0b11 Write-back
    /// (read/write-allocate; 0b00 inner with Normal outer is reserved: NC).
    static func stage2MAIRAttributes(memAttr: UInt64) -> UInt8 {
        let hi = (memAttr >> 2) & 3, lo = memAttr & 3
        if hi == 0 { return UInt8(lo << 2) }
        func nibble(_ c: UInt64) -> UInt64 {
            switch c {
            case 2: return 0b1011
            case 3: return 0b1111
            default: return 0b0100
            }
        }
        return UInt8(nibble(hi) << 4 | nibble(lo))
    }

    /// Combines stage 1 and stage 2 MAIR-format attributes (Arm ARM D8.5.x,
    /// "Combining the stage 1 and stage 2 attributes", without FWB): Device
    /// wins over Normal and the stronger Device type wins; for Normal memory
    /// each of inner and outer is Non-cacheable if either stage says so, else
    /// Write-through if either does (with stage 1's allocation hints), else
    /// stage 1's Write-back.
    static func combineAttributes(s1: UInt8, s2: UInt8) -> UInt8 {
        if s1 & 0xF0 == 0 || s2 & 0xF0 == 0 {
            let d1 = s1 & 0xF0 == 0 ? (s1 >> 2) & 3 : 3
            let d2 = s2 & 0xF0 == 0 ? (s2 >> 2) & 3 : 3
            return min(d1, d2) << 2
        }
        func nibble(_ a: UInt8, _ b: UInt8) -> UInt8 {
            if a == 0b0100 || b == 0b0100 { return 0b0100 }
            let aWT = a >> 2 == 0b00 || a >> 2 == 0b10
            if aWT { return a }
            if b >> 2 == 0b10 { return 0b1000 | (a & 3) }
            return a
        }
        return nibble(s1 >> 4, s2 >> 4) << 4 | nibble(s1 & 0xF, s2 & 0xF)
    }

    /// Outer Shareable if either stage says so, else Inner if either does.
    static func combineShareability(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0b10 || b == 0b10 { return 0b10 }
        if a == 0b11 || b == 0b11 { return 0b11 }
        return 0
    }

    // MARK: Reporting

    /// Takes a stage 2 fault to EL2 (Arm ARM D1.x, AArch64.Abort with a
    /// second-stage fault): an Instruction or Data Abort from a lower EL with
    /// FAR_EL2 = the VA and HPFAR_EL2.FIPA = IPA[47:12] (bits 43:4). ISS:
    /// xFSC, S1PTW, WnR (0 for a stage 1 walk, which only reads; 1 for an AT
    /// instruction, which also sets CM). `syndrome`: ISS[24:14] (ISV, SAS,
    /// SSE, SRT, SF, AR) of a single-register load or store without
    /// writeback; ISV stays 0 for the others, and for a stage 1 walk.
    public func raiseStage2Abort(_ f: Stage2Fault, va: UInt64, _ access: AccessKind, addressTranslation: Bool = false,
                                 syndrome: UInt64 = 0) {
        let fetch = access == .fetch
        let target = 2
        let write = addressTranslation || (access == .write && !f.s1ptw)
        var iss = f.status.rawValue | (f.s1ptw ? 1 << 7 : 0)
        if !fetch { iss |= (write ? 1 << 6 : 0) | (addressTranslation ? 1 << 8 : 0) }
        if !fetch && !f.s1ptw && !addressTranslation { iss |= syndrome & 0x1FF_C000 }
        let ec: ExceptionClass = fetch ? (el < target ? .instructionAbortLower : .instructionAbortSame)
                                       : (el < target ? .dataAbortLower : .dataAbortSame)
        setSysreg(Stage2Regs.hpfar, (f.ipa >> 12) << 4 & 0x0000_0FFF_FFFF_FFF0)
        if system.isLogging(.mmu) {
            cpuLog(.mmu, "mmu: stage 2 fault at ipa \(hex(f.ipa))\(f.s1ptw ? " (stage 1 table walk)" : "")")
        }
        logMemoryFault(instruction: fetch, status: f.status, va: va, isWrite: write, target: target)
        takeException(to: target, syndrome: CPU.syndrome(ec, iss: iss), returnAddress: fetch ? va : faultPC, faultAddress: va)
    }

    /// PAR_EL1 for an AT whose stage 2 faulted: F = 1, FST, PTW, S = 1, bit 11 RES1.
    static func parStage2Fault(_ f: Stage2Fault) -> UInt64 {
        1 | f.status.rawValue << 1 | (f.s1ptw ? 1 << 8 : 0) | 1 << 9 | 1 << 11
    }
}

/// Stage 2's part of a combined translation (`Translation.stage2`).
public struct Stage2Info: Sendable, Equatable {
    public var ipa: UInt64
    /// The level of the stage 2 leaf descriptor (a stage 2 permission fault's level).
    public var level: Int
    /// log2 of the size of the stage 2 page or block (TLBI by IPA).
    public var pageBits: Int
    /// What stage 1 alone allows: a denied access it allows is a stage 2 fault.
    public var s1Readable: Bool
    public var s1Writable: Bool
    public var s1Executable: Bool
    /// Stage 1's memory type was Device (an alignment fault is then stage 1's).
    public var s1Device: Bool
}

extension Translation {
    /// The fault an `access` raises on this translation, if any: a permission
    /// fault of stage 1, or of stage 2 when stage 1 allows the access.
    public func permissionFault(_ access: AccessKind) -> TranslationFault? {
        if permits(access) { return nil }
        if let s2 = stage2 {
            let s1 = access == .read ? s2.s1Readable : (access == .write ? s2.s1Writable : s2.s1Executable)
            if s1 { return .stage2(Stage2Fault(status: .permission(level: s2.level), ipa: s2.ipa, s1ptw: false)) }
        }
        return .fault(.permission(level: level))
    }

    /// The alignment fault of an unaligned data access to Device memory: stage
    /// 2's when only stage 2 made the memory Device.
    public var alignmentFault: TranslationFault {
        if let s2 = stage2, !s2.s1Device { return .stage2(Stage2Fault(status: .alignment, ipa: s2.ipa, s1ptw: false)) }
        return .fault(.alignment)
    }
}
