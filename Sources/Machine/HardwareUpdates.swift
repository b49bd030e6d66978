/// FEAT_HAFDBS: hardware management of the Access flag and of the dirty state
/// (Arm ARM D8.4.5 "Hardware updates to the translation tables"). The walkers
/// (PageTableWalker.swift, Stage2Walker.swift) decide what changes; this file
/// holds the controls and the write back of a descriptor.
///
/// - Access flag: with TCR_ELx.HA (VTCR_EL2.HA for stage 2) an access through
///   a descriptor whose AF is 0 sets AF instead of taking an Access flag fault.
/// - Dirty state: with HD as well, a write through a descriptor with DBM
///   (bit 51) set that only its own write permission forbids (stage 1 AP[2] = 1,
///   stage 2 S2AP[1] = 0) makes it writable in memory.
///
/// The emulated CPU is the only observer of its tables while it walks, so the
/// update is a plain store (no compare-and-swap needed); it happens only when
/// the access is then permitted, and never for debugger or AT-free lookups
/// (`debug`). TLB entries are filled from the updated descriptor, so a clean
/// page's entry stays read-only until its first write walks again.
public struct HardwareUpdateControls: Sendable, Equatable {
    public var accessFlag: Bool
    public var dirtyState: Bool
}

extension CPU {
    /// TCR_ELx.{HA, HD} of a stage 1 regime: bits 39/40 in the two-range
    /// (TCR_EL1, and TCR_EL2 with E2H = 1) layout, bits 21/22 in TCR_EL2
    /// (E2H = 0) and TCR_EL3. HD
    /// without HA is treated as 0 (Arm ARM: HD is RES0 unless HA is 1 in effect).
    func stage1HardwareUpdates(regime: TranslationRegime, tcr: UInt64) -> HardwareUpdateControls {
        guard config.hasHAFDBS else { return HardwareUpdateControls(accessFlag: false, dirtyState: false) }
        let haBit: UInt64
        switch regime {
        case .el10: haBit = 39
        case .el2: haBit = hcrE2H ? 39 : 21   // the EL2&0 regime: TCR_EL2 in TCR_EL1's layout
        case .el3: haBit = 21
        }
        let ha = (tcr >> haBit) & 1 == 1
        return HardwareUpdateControls(accessFlag: ha, dirtyState: ha && (tcr >> (haBit + 1)) & 1 == 1)
    }

    /// VTCR_EL2.{HA, HD} (bits 21 and 22).
    func stage2HardwareUpdates(vtcr: UInt64) -> HardwareUpdateControls {
        guard config.hasHAFDBS else { return HardwareUpdateControls(accessFlag: false, dirtyState: false) }
        let ha = (vtcr >> 21) & 1 == 1
        return HardwareUpdateControls(accessFlag: ha, dirtyState: ha && (vtcr >> 22) & 1 == 1)
    }

    /// A leaf's access flag (AF, bit 10): the descriptor with AF set when
    /// hardware manages it, nil for an Access flag fault (AF = 0 without HA).
    /// Debug lookups ignore AF.
    func accessFlagUpdate(_ desc: UInt64, _ hw: HardwareUpdateControls, debug: Bool) -> UInt64? {
        guard !debug && (desc >> 10) & 1 == 0 else { return desc }
        return hw.accessFlag ? desc | 1 << 10 : nil
    }

    /// Writes back a leaf the walk updated (AF, dirty state), only when the
    /// access is then permitted (as QEMU does) and the walk saw the
    /// descriptor as stored (`raw`; not a MEC substitute).
    func writeBackUpdated(_ updated: UInt64, of desc: UInt64, raw: UInt64, at pa: UInt64, permitted: Bool) {
        if updated != desc && desc == raw && permitted { writeBackDescriptor(pa: pa, updated) }
    }

    /// Stores an updated descriptor at `pa` (RAM only; tables in ROM are not
    /// updated). The line keeps its MEC tag: the walk read it with that MECID.
    func writeBackDescriptor(pa: UInt64, _ value: UInt64) {
        guard let r = system.memory.region(containing: pa), r.isRAM, let h = r.host, pa - r.base + 8 <= r.size else { return }
        (h + Int(pa - r.base)).storeBytes(of: value.littleEndian, as: UInt64.self)
        if system.memory.isCodePage(r, pa: pa) { system.memory.noteWrite(pa: pa, length: 8) }
        if system.isLogging(.mmu) { cpuLog(.mmu, "mmu: hardware update of the descriptor at pa \(hex(pa)): \(hex(value))") }
    }
}
