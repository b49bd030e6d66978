// What the GICv2 and GICv3 virtual CPU interfaces share (IHI 0048B chapter 5,
// IHI 0069 chapter 6): list registers holding a virtual interrupt's state
// (invalid, pending, active, active and pending), its priority, an EOI
// maintenance request (HW = 0) or the physical interrupt it stands for
// (HW = 1); a control register whose enable, maintenance-interrupt enables
// and EOI count sit in the same bits in GICH_HCR and ICH_HCR_EL2; active
// priorities with 5 preemption bits (bit n: group priority n << 3 active).
// The rules built on them live here once: the maintenance status registers
// (EISR, ELRSR, MISR) and level, the running priority, priority drop, the
// EOI count, deactivation of a list register and by INTID (GICV_DIR,
// ICV_DIR_EL1), and the outputs latched for the GIC to drive.
// GICv2VirtualState.swift and GICv3VirtualState.swift hold what differs:
// the register layouts, signalling and acknowledge, EOI's matching rules.

/// The control register bits GICH_HCR (IHI 0048B 5.3.1) and ICH_HCR_EL2
/// (IHI 0069 12.4.6) share; the maintenance conditions of GICH_MISR and
/// ICH_MISR_EL2 are the same bits (EOI at 0).
enum VirtualHCRBits {
    static let en = 1 << 0
    static let uie = 1 << 1
    static let lrenpie = 1 << 2
    static let npie = 1 << 3
    static let vgrp0eie = 1 << 4
    static let vgrp0die = 1 << 5
    static let vgrp1eie = 1 << 6
    static let vgrp1die = 1 << 7
    /// UIE..VGrp1DIE: the maintenance interrupt enables.
    static let maintenanceEnables = 0xFE
    static let eoiCountShift = 27
    static let eoiCountMask = 0x1F << 27
    static let misrEOI = 1 << 0
}

/// One CPU's virtual interface state: its list-register layout (what the
/// conforming type gives) and the shared rules (this protocol's extension).
protocol GICVirtualInterfaceState {
    associatedtype Word: FixedWidthInteger & UnsignedInteger
    var lr: [Word] { get set }
    /// GICH_HCR / ICH_HCR_EL2.
    var hcr: Word { get set }
    /// The active priorities: GICH_APR (one word), or ICH_AP0R0_EL2 and
    /// ICH_AP1R0_EL2 (Group 0, Group 1).
    var apr: [UInt32] { get set }
    /// What the interface drives: vIRQ, vFIQ, the maintenance interrupt.
    var irqOut: Bool { get set }
    var fiqOut: Bool { get set }
    var maintenanceOut: Bool { get set }
    /// EOImode / VEOIM: priority drop and deactivation split.
    var eoiSplit: Bool { get }
    func groupEnabled(_ group1: Bool) -> Bool
    /// vIRQ and vFIQ as the version's signalling rules have them.
    var outputs: (irq: Bool, fiq: Bool) { get }

    /// The list register's State field's position, its HW and EOI bits.
    static var lrStateShift: Word { get }
    static var lrHW: Word { get }
    static var lrEOI: Word { get }
    static func virtualID(_ lr: Word) -> Int
    /// The priority, its unimplemented low bits zero.
    static func priority(_ lr: Word) -> Int
    static func physicalID(_ lr: Word) -> Int
    /// The physical INTIDs a HW = 1 list register deactivates (others are
    /// SGIs, which it may not name, or special INTIDs).
    static var deactivatedPhysicalIDs: Range<Int> { get }
}

extension GICVirtualInterfaceState {
    // MARK: List register fields

    /// 0 invalid, 1 pending, 2 active, 3 active and pending.
    static func state(_ lr: Word) -> Int { Int(truncatingIfNeeded: lr >> lrStateShift & 3) }
    static var lrPending: Word { 1 << lrStateShift }
    static var lrActive: Word { 2 << lrStateShift }

    func hcrHas(_ bit: Int) -> Bool { hcr & Word(bit) != 0 }

    /// The pending list register of the highest priority (the lowest value,
    /// below `limit`; between equals the lowest list register) that `accept`
    /// takes, nil when none.
    func highestPendingIndex(below limit: Int, _ accept: (Word) -> Bool) -> Int? {
        var best: Int?
        var bestPriority = limit
        for (i, v) in lr.enumerated() where Self.state(v) == 1 && accept(v) {
            let p = Self.priority(v)
            if p < bestPriority {
                best = i
                bestPriority = p
            }
        }
        return best
    }

    // MARK: Maintenance

    /// GICH_EISR0 / ICH_EISR_EL2: list registers with State invalid, HW 0, EOI 1.
    var eisr: Word {
        var bits: Word = 0
        let mask = 3 << Self.lrStateShift | Self.lrHW | Self.lrEOI
        for (i, v) in lr.enumerated() where v & mask == Self.lrEOI { bits |= 1 << Word(i) }
        return bits
    }

    /// GICH_ELRSR0 / ICH_ELRSR_EL2: list registers with State invalid that
    /// ask for no EOI maintenance.
    var elrsr: Word {
        var bits: Word = 0
        for (i, v) in lr.enumerated() where Self.state(v) == 0 && (v & Self.lrHW != 0 || v & Self.lrEOI == 0) {
            bits |= 1 << Word(i)
        }
        return bits
    }

    /// GICH_MISR / ICH_MISR_EL2 (IHI 0048B 5.3.4, IHI 0069 12.4.9): EOI
    /// (always enabled) and the conditions that hold and the control
    /// register enables: underflow (at most one valid list register),
    /// LRENP (EOI count not zero), no pending, the group enables and disables.
    var misr: Word {
        var c = 0
        if lr.filter({ Self.state($0) != 0 }).count <= 1 { c |= VirtualHCRBits.uie }
        if hcr & Word(VirtualHCRBits.eoiCountMask) != 0 { c |= VirtualHCRBits.lrenpie }
        if !lr.contains(where: { Self.state($0) == 1 }) { c |= VirtualHCRBits.npie }
        c |= groupEnabled(false) ? VirtualHCRBits.vgrp0eie : VirtualHCRBits.vgrp0die
        c |= groupEnabled(true) ? VirtualHCRBits.vgrp1eie : VirtualHCRBits.vgrp1die
        let enabled = Word(c) & hcr & Word(VirtualHCRBits.maintenanceEnables)
        return (eisr != 0 ? Word(VirtualHCRBits.misrEOI) : 0) | enabled
    }

    /// The maintenance interrupt is asserted while the interface is enabled
    /// and a maintenance condition holds.
    var maintenanceLevel: Bool { hcrHas(VirtualHCRBits.en) && misr != 0 }

    // MARK: Priorities

    /// The running priority: the highest active group priority (the lowest
    /// set bit of the active priorities), 0xFF (idle) when none is active.
    var runningPriority: Int {
        let bits = apr.reduce(0, |)
        return bits == 0 ? GIC.idle : bits.trailingZeroBitCount << 3
    }

    /// The active-priority word of a group (GICv2 has one for both).
    func aprIndex(group1: Bool) -> Int { apr.count > 1 && group1 ? 1 : 0 }

    /// Marks group priority `groupPriority` active (acknowledge).
    mutating func activatePriority(_ groupPriority: Int, group1: Bool) {
        apr[aprIndex(group1: group1)] |= 1 << UInt32(groupPriority >> 3)
    }

    /// Priority drop: clears the highest active priority (Group 0 first
    /// between equals); returns that group priority, nil when none was active.
    mutating func dropPriority() -> Int? {
        var best: (word: Int, bit: Int)?
        for (i, w) in apr.enumerated() where w != 0 && w.trailingZeroBitCount < best?.bit ?? 32 {
            best = (i, w.trailingZeroBitCount)
        }
        guard let (w, bit) = best else { return nil }
        apr[w] &= apr[w] &- 1
        return bit << 3
    }

    // MARK: Deactivation

    /// The list register holding `intid` active (active, or active and
    /// pending): FindActiveVirtualInterrupt().
    func activeIndex(_ intid: Int) -> Int? {
        lr.firstIndex { $0 & Self.lrActive != 0 && Self.virtualID($0) == intid }
    }

    /// GICH_HCR.EOICount / ICH_HCR_EL2.EOIcount + 1 (modulo 32).
    mutating func incrementEOICount() {
        let shift = Word(VirtualHCRBits.eoiCountShift), mask = Word(VirtualHCRBits.eoiCountMask)
        let count = (hcr >> shift &+ 1) & 0x1F
        hcr = hcr & ~mask | count << shift
    }

    /// Deactivates list register `i` (active and pending becomes pending,
    /// active invalid); returns the physical INTID to deactivate when HW = 1.
    mutating func deactivate(index i: Int) -> Int? {
        let v = lr[i]
        lr[i] = v & ~Self.lrActive
        guard v & Self.lrHW != 0 else { return nil }
        let p = Self.physicalID(v)
        return Self.deactivatedPhysicalIDs.contains(p) ? p : nil
    }

    /// GICV_DIR / ICV_DIR_EL1: with EOImode 1, deactivates the list register
    /// holding `intid` active, or counts the write in the EOI count when there
    /// is none. Ignored with EOImode 0 (UNPREDICTABLE) and for special INTIDs.
    /// Returns a physical INTID to deactivate.
    mutating func deactivateInterrupt(_ intid: Int) -> Int? {
        guard intid < 1020, eoiSplit else { return nil }
        guard let i = activeIndex(intid) else {
            incrementEOICount()
            return nil
        }
        return deactivate(index: i)
    }

    // MARK: Outputs

    /// Latches the outputs the state now calls for: the new vIRQ and vFIQ
    /// when either changed, the new maintenance level when it changed.
    mutating func latchOutputs() -> (lines: (irq: Bool, fiq: Bool)?, maintenance: Bool?) {
        var result: (lines: (irq: Bool, fiq: Bool)?, maintenance: Bool?) = (nil, nil)
        let (irq, fiq) = outputs
        if irq != irqOut || fiq != fiqOut {
            irqOut = irq
            fiqOut = fiq
            result.lines = (irq, fiq)
        }
        let maintenance = maintenanceLevel
        if maintenance != maintenanceOut {
            maintenanceOut = maintenance
            result.maintenance = maintenance
        }
        return result
    }
}

extension GIC {
    /// Drives `n`'s vIRQ, vFIQ and maintenance interrupt (PPI 25, level) as
    /// its virtual interface latched them (lock held).
    func driveVirtualOutputs(_ n: Int, _ changes: (lines: (irq: Bool, fiq: Bool)?, maintenance: Bool?)) {
        if let (irq, fiq) = changes.lines, let target = attached[n] {
            target.setVirtualLine(.irq, asserted: irq)
            target.setVirtualLine(.fiq, asserted: fiq)
        }
        if let m = changes.maintenance {
            setLevel(&cpus[n].banked[GIC.maintenanceINTID], m)
            updateCPU(n)
        }
    }

    /// The GIC maintenance interrupt's INTID (QEMU virt: PPI 9).
    static let maintenanceINTID = 25
}
