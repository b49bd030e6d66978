/// FEAT_RME: the granule protection check (Arm ARM D9, "The Realm Management
/// Extension"; pseudocode AArch64.GranuleProtectionCheck, AArch64.GPTWalk,
/// ReportAsGPCException, AArch64.TakeGPCException).
///
/// Physical memory is one space: the four PA spaces (PASpace,
/// MEC/SecurityState.swift; a walk's output space: `stage1OutputPASpace`,
/// MEC/MECID.swift) alias the same RAM, as on hardware whose
/// isolation is the GPT. What differs is the check: with GPCCR_EL3.GPC = 1
/// every access after translation (data, instruction fetch, and the stage 1
/// walker's descriptor reads) looks up the GPI of its granule in the GPT and
/// faults when the GPI does not allow the access's PA space.
///
/// Registers: GPCCR_EL3 (S3_6_C2_C1_6), GPTBR_EL3 (S3_6_C2_C1_4), MFAR_EL3
/// (S3_6_C6_C0_5): EL3 only, UNDEFINED without FEAT_RME.
/// GPCCR_EL3: PPS [2:0], IRGN [9:8], ORGN [11:10], SH [13:12], PGS [15:14]
/// (0b00 4 KiB, 0b01 64 KiB, 0b10 16 KiB), GPC [16], GPCP [17] (stored; the
/// check is the same), L0GPTSZ [23:20] read-only = 0 (each level 0 entry
/// covers 1 GiB). GPTBR_EL3.BADDR [39:0] = PA[51:12] of the level 0 table.
/// MFAR_EL3: FPA [51:12], NSE [62], NS [63].
///
/// Not modelled: FEAT_RME_GPC2 (the PA space disable bits, NSO), GPT caching
/// beyond the TLB (writes to GPCCR_EL3/GPTBR_EL3 flush this CPU's TLB; a TLBI
/// PA operation flushes every TLB, not just the named range).

public enum RMERegisters {
    /// GPCCR_EL3 fields.
    public static let gpccrPPS: UInt64 = 0x7
    public static let gpccrIRGN: UInt64 = 0x3 << 8
    public static let gpccrORGN: UInt64 = 0x3 << 10
    public static let gpccrSH: UInt64 = 0x3 << 12
    public static let gpccrPGS: UInt64 = 0x3 << 14
    public static let gpccrGPC: UInt64 = 1 << 16
    public static let gpccrGPCP: UInt64 = 1 << 17
    /// The writable bits (L0GPTSZ is read-only, 0: 30 bits).
    public static let gpccrWritable: UInt64 = gpccrPPS | gpccrIRGN | gpccrORGN | gpccrSH | gpccrPGS | gpccrGPC | gpccrGPCP
    /// GPTBR_EL3.BADDR.
    public static let gptbrWritable: UInt64 = 0xFF_FFFF_FFFF
    /// MFAR_EL3: FPA [51:12], NSE [62], NS [63].
    public static let mfarNS: UInt64 = 1 << 63
    public static let mfarNSE: UInt64 = 1 << 62
    public static let mfarFPA: UInt64 = 0x000F_FFFF_FFFF_F000
    /// SCR_EL3.GPF (bit 48): GPFs at EL0-EL2 are reported as GPC exceptions to EL3.
    public static let scrGPF: UInt64 = 1 << 48
    /// HCR_EL2.GPF (bit 63): GPFs at EL0/EL1 are routed to EL2.
    public static let hcrGPF: UInt64 = 1 << 63
    /// The exception class of a Granule Protection Check exception.
    public static let ecGPC: UInt64 = 0x1E
    /// L0GPTSZ = 0: each level 0 entry describes 2^30 bytes.
    public static let l0GPTBits = 30

    static let definitions: [SysRegDef] = [
        def("GPTBR_EL3", 3, 6, 2, 1, 4, write: flushingWrite(mask: gptbrWritable)),
        def("GPCCR_EL3", 3, 6, 2, 1, 6, write: flushingWrite(mask: gpccrWritable)),
        def("MFAR_EL3", 3, 6, 6, 0, 5, write: { cpu, slot, v in cpu.setSysreg(slot, v & (mfarNS | mfarNSE | mfarFPA)) }),
    ]

    static var gptbr: SysRegSlot { NamedSysReg.GPTBR_EL3.slot }
    static var gpccr: SysRegSlot { NamedSysReg.GPCCR_EL3.slot }
    static var mfar: SysRegSlot { NamedSysReg.MFAR_EL3.slot }

    private static func def(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
                            write: @escaping @Sendable (CPU, SysRegSlot, UInt64) -> Void) -> SysRegDef {
        var d = SysRegDef(name, op0, op1, crn, crm, op2, el: 3)
        d.accessCheck = { cpu, _ in cpu.config.hasRME ? .allowed : .undefined }
        d.onWrite = write
        return d
    }

    /// A write to the GPT configuration: what the TLB holds was checked
    /// against the old one, so this CPU's TLB is emptied.
    private static func flushingWrite(mask: UInt64) -> @Sendable (CPU, SysRegSlot, UInt64) -> Void {
        { cpu, slot, value in
            let old = cpu.sysreg(slot)
            cpu.setSysreg(slot, value & mask)
            cpu.flushTLB()
            cpu.system.log(.gpc, "gpc: \(SysRegTable.all[slot.slot].name) = \(hex(value & mask)) (was \(hex(old))) at EL\(cpu.el)"
                + (slot == gpccr ? ": \(describeGPCCR(value & mask))" : ""))
        }
    }

    /// GPCCR_EL3 in words, for `-d gpc`.
    static func describeGPCCR(_ v: UInt64) -> String {
        let pps = ["4 GiB", "64 GiB", "1 TiB", "4 TiB", "16 TiB", "256 TiB", "4 PiB", "reserved"][Int(v & gpccrPPS)]
        let pgs = ["4 KiB", "64 KiB", "16 KiB", "reserved"][Int((v & gpccrPGS) >> 14)]
        return "GPC \(v & gpccrGPC != 0 ? "on" : "off"), PPS \(pps), PGS \(pgs)"
    }
}

/// A failed granule protection check (the pseudocode's GPCFRecord).
public struct GPCFault: Error, Equatable, Sendable {
    /// GPCF_AddressSize, GPCF_Walk, GPCF_Fail (the GPI forbids the access),
    /// GPCF_EABT; the raw value is GPCSC without the level.
    public enum Kind: UInt64, Sendable {
        case addressSize = 0b000000
        case walk = 0b000100
        case fail = 0b001100
        case externalAbort = 0b010100
    }
    public var kind: Kind
    /// The GPT level (0 or 1) at which the check failed.
    public var level: Int
    /// The physical address and PA space of the access that was checked.
    public var pa: UInt64
    public var paSpace: PASpace
    /// The translation table level of the descriptor read that failed the
    /// check; nil for the access's output address.
    public var walkLevel: Int? = nil
    /// The GPI that forbade the access (`fail` faults).
    public var gpi: UInt64? = nil
    /// A second-stage fault (Stage2Walker.swift): the check failed on a
    /// stage 2 walk, or on a stage 1 descriptor read translated by stage 2.
    /// The IPA for HPFAR_EL2; `s1ptw`: for a stage 1 walk.
    public var stage2IPA: UInt64? = nil
    public var s1ptw = false

    public init(kind: Kind, level: Int, pa: UInt64, paSpace: PASpace, walkLevel: Int? = nil, gpi: UInt64? = nil) {
        self.kind = kind
        self.level = level
        self.pa = pa
        self.paSpace = paSpace
        self.walkLevel = walkLevel
        self.gpi = gpi
    }

    /// What failed, for `-d gpc`.
    public var reason: String {
        switch kind {
        case .fail: return "granule GPI \(gpi.map(GPI.name) ?? "?") (GPT level \(level)) forbids the \(paSpace) PA space"
        case .walk: return "GPT walk fault at level \(level) (invalid GPCCR_EL3/GPTBR_EL3 or GPT entry)"
        case .addressSize: return "address size fault (PA or GPT beyond GPCCR_EL3.PPS)"
        case .externalAbort: return "external abort reading the GPT at level \(level)"
        }
    }

    /// ESR_EL3.ISS.GPCSC of a GPC exception.
    public var gpcsc: UInt64 { kind.rawValue | UInt64(level) }

    /// The DFSC/IFSC (and the GPC exception's xFSC): Granule Protection
    /// Fault on a translation table walk, level 0-3 (0b1001LL), or not on a
    /// walk (0b101000).
    public var fsc: UInt64 { walkLevel.map { 0x24 + UInt64($0 & 3) } ?? 0x28 }
}

/// The GPI values (GPT level 0 block and level 1 granule/contiguous entries).
public enum GPI {
    public static let noAccess: UInt64 = 0b0000
    public static let secure: UInt64 = 0b1000
    public static let nonSecure: UInt64 = 0b1001
    public static let root: UInt64 = 0b1010
    public static let realm: UInt64 = 0b1011
    public static let all: UInt64 = 0b1111

    /// The GPI that allows only `space`.
    public static func only(_ space: PASpace) -> UInt64 { 0b1000 | UInt64(space.rawValue) }

    /// A GPI's name, for logs.
    public static func name(_ gpi: UInt64) -> String {
        switch gpi {
        case noAccess: return "no access"
        case secure: return "Secure"
        case nonSecure: return "Non-secure"
        case root: return "Root"
        case realm: return "Realm"
        case all: return "all access"
        default: return "reserved \(hex(gpi))"
        }
    }
}

extension CPU {
    /// GPCCR_EL3.GPC with FEAT_RME: the granule protection check is on.
    @inline(__always) public var gpcEnabled: Bool {
        config.hasRME && sysreg(RMERegisters.gpccr) & RMERegisters.gpccrGPC != 0
    }

    /// The PA space of the first-level table of a stage 1 walk (the Security
    /// state's own; NSTable switches a Secure walk to Non-secure below it).
    func rmeWalkPASpace(_ regime: TranslationRegime, accessEL: Int) -> PASpace {
        securityState(el: regime == .el3 ? 3 : accessEL).paSpace
    }

    /// The granule protection check of an access to `pa` in `space`: nil
    /// when it passes (or GPC is off), else the fault. Checks in the
    /// architecture's priority order: GPCCR_EL3 configuration, PA beyond the
    /// PPS (a Non-secure access passes), GPTBR_EL3 beyond the PPS, the level 0
    /// entry, the level 1 entry, the GPI.
    public func granuleProtectionCheck(pa: UInt64, space: PASpace) -> GPCFault? {
        guard gpcEnabled else { return nil }
        let gpccr = sysreg(RMERegisters.gpccr)
        func fault(_ k: GPCFault.Kind, _ level: Int = 0) -> GPCFault { GPCFault(kind: k, level: level, pa: pa, paSpace: space) }
        // Configuration (a GPT walk fault at level 0 when invalid).
        let ppsField = gpccr & RMERegisters.gpccrPPS
        let ppsBits = [32, 36, 40, 42, 44, 48, 52, 0][Int(ppsField)]
        if ppsBits == 0 || ppsBits > CPU.physicalAddressBits { return fault(.walk) }
        switch (gpccr >> 12) & 3 {   // SH
        case 0b10: break
        case 0b00, 0b11:
            if (gpccr >> 8) & 0xF == 0 { return fault(.walk) }   // Non-cacheable needs Outer Shareable
        default: return fault(.walk)
        }
        let pgs: Int
        switch (gpccr >> 14) & 3 {
        case 0b00: pgs = 12
        case 0b01: pgs = 16
        case 0b10: pgs = 14
        default: return fault(.walk)
        }
        let l0 = RMERegisters.l0GPTBits
        let ppsMask: UInt64 = (1 << UInt64(ppsBits)) - 1
        if pa & ~ppsMask != 0 { return space == .nonSecure ? nil : fault(.addressSize) }
        var table = sysreg(RMERegisters.gptbr) << 12
        if table & ~ppsMask != 0 { return fault(.addressSize) }
        table &= ~((1 << UInt64(max(ppsBits - l0 + 3, 12))) - 1)

        // Level 0.
        guard let e0 = gptRead(table + ((pa & ppsMask) >> UInt64(l0)) * 8) else { return fault(.externalAbort) }
        let gpi: UInt64
        switch e0 & 0xF {
        case 0b0001:   // block
            if e0 >> 8 != 0 { return fault(.walk) }
            gpi = (e0 >> 4) & 0xF
        case 0b0011:   // table
            let l1 = e0 & ~UInt64(0xF)
            let align: UInt64 = (1 << UInt64(max(l0 - pgs - 1, 12))) - 1
            if l1 & (~ppsMask | align) != 0 { return fault(.walk) }
            // Level 1: 16 GPIs of 4 bits per 64-bit entry, or a contiguous descriptor.
            let index = (pa >> UInt64(pgs + 4)) & ((1 << UInt64(l0 - pgs - 4)) - 1)
            guard let e1 = gptRead(l1 + index * 8) else { return fault(.externalAbort, 1) }
            if e1 & 0xF == 0b0001 {
                if e1 >> 10 != 0 || (e1 >> 8) & 3 == 0 { return fault(.walk, 1) }
                gpi = (e1 >> 4) & 0xF
            } else {
                gpi = (e1 >> (4 * ((pa >> UInt64(pgs)) & 0xF))) & 0xF
            }
            return gpiAllows(gpi, space, fault(.fail, 1), fault(.walk, 1))
        default:
            return fault(.walk)
        }
        return gpiAllows(gpi, space, fault(.fail), fault(.walk))
    }

    private func gpiAllows(_ gpi: UInt64, _ space: PASpace, _ fail: GPCFault, _ walk: GPCFault) -> GPCFault? {
        var fail = fail
        fail.gpi = gpi
        switch gpi {
        case GPI.all: return nil
        case GPI.noAccess: return fail
        case 0b1000...0b1011: return gpi & 3 == UInt64(space.rawValue) ? nil : fail
        default: return walk   // reserved GPI
        }
    }

    /// A GPT entry (little-endian), or nil when `pa` is not RAM/ROM (GPCF_EABT).
    private func gptRead(_ pa: UInt64) -> UInt64? {
        guard let r = system.memory.region(containing: pa), let h = r.host, pa - r.base + 8 <= r.size else { return nil }
        return UInt64(littleEndian: UnsafeRawPointer(h + Int(pa - r.base)).loadUnaligned(as: UInt64.self))
    }

    /// Reports a failed check for an access to `va` (ReportAsGPCException):
    /// GPT walk, address size and external abort faults, and GPFs at EL0-EL2
    /// with SCR_EL3.GPF = 1, are Granule Protection Check exceptions to EL3
    /// (EC 0x1E; ISS: InD [20], GPCSC [19:14], WnR [6], xFSC [5:0]; MFAR_EL3
    /// = the PA and its space, FAR_EL3 = the VA). Otherwise (GPFs at EL3, or
    /// SCR_EL3.GPF = 0) an instruction or data abort with the GPF status code
    /// to the usual EL, or to EL2 from EL0/EL1 when HCR_EL2.GPF = 1.
    public func raiseGPCFault(_ f: GPCFault, va: UInt64, _ access: AccessKind) {
        let fetch = access == .fetch
        let write = access == .write
        let returnAddress = fetch ? va : faultPC
        let scr = config.hasEL3 ? sysreg(SysRegTable.scrEL3) : 0
        let asGPC = f.kind != .fail || (scr & RMERegisters.scrGPF != 0 && el != 3)
        var target = syncTargetEL
        if target < 2 && el2Enabled && sysreg(SysRegTable.hcrEL2) & RMERegisters.hcrGPF != 0 { target = 2 }
        if f.stage2IPA != nil { target = 2 }   // a second-stage fault (AArch64.Abort: IsSecondStage)
        if system.isLogging(.gpc) {
            let what = fetch ? "fetch" : (write ? "write" : "read")
            let walk = f.walkLevel.map { " (its translation table walk, level \($0))" } ?? ""
            let outcome = asGPC ? "GPC exception to EL3 (EC 0x1e, GPCSC \(hex(f.gpcsc)))"
                : "granule protection fault: \(fetch ? "instruction" : "data") abort to EL\(target) (\(fetch ? "IFSC" : "DFSC") \(hex(f.fsc)))"
            cpuLog(.gpc, "gpc: \(what) at va \(hex(va)) pa \(hex(f.pa)) in the \(f.paSpace) PA space at EL\(el)\(walk): "
                + "\(f.reason) -> \(outcome)")
        }
        if asGPC {
            // S2PTW (bit 21): on a second-stage walk; S1PTW (bit 7).
            let iss = (fetch ? UInt64(1) << 20 : 0) | f.gpcsc << 14 | (write ? 1 << 6 : 0) | f.fsc
                | (f.stage2IPA != nil ? 1 << 21 : 0) | (f.s1ptw ? 1 << 7 : 0)
            var mfar = f.pa & RMERegisters.mfarFPA
            switch f.paSpace {
            case .secure: break
            case .nonSecure: mfar |= RMERegisters.mfarNS
            case .root: mfar |= RMERegisters.mfarNSE
            case .realm: mfar |= RMERegisters.mfarNSE | RMERegisters.mfarNS
            }
            setSysreg(RMERegisters.mfar, mfar)
            takeException(to: 3, syndrome: RMERegisters.ecGPC << 26 | 1 << 25 | iss,
                          returnAddress: returnAddress, faultAddress: va)
            return
        }
        let ec: UInt64 = fetch ? (target > el ? 0x20 : 0x21) : (target > el ? 0x24 : 0x25)
        var iss = f.fsc | (write && !f.s1ptw ? 1 << 6 : 0)
        if let ipa = f.stage2IPA {
            iss |= f.s1ptw ? 1 << 7 : 0
            setSysreg(Stage2Regs.hpfar, (ipa >> 12) << 4 & 0x0000_0FFF_FFFF_FFF0)
        }
        takeException(to: target, syndrome: ec << 26 | 1 << 25 | iss, returnAddress: returnAddress, faultAddress: va)
    }

    /// DC CIPAPA / DC CIGDPAPA (SYS #6, C7, C14, #1 / #5): clean and
    /// invalidate by PA, nothing to do (no caches). False when UNDEFINED
    /// (no FEAT_RME, below EL3, another op2).
    public func paCacheMaintenance(op2: UInt64) -> Bool {
        config.hasRME && el == 3 && (op2 == 1 || op2 == 5)
    }
}
