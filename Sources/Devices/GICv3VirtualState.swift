// The GICv3 virtual CPU interface of one PE (IHI 0069 chapter 6
// "Virtual interrupt handling and prioritization", 12.4 the ICH_* registers,
// 12.3 the ICV_* registers): the hypervisor's list registers, ICH_HCR_EL2,
// ICH_VMCR_EL2 and the virtual active priorities, and the rules a virtual
// interrupt follows (highest priority pending, signalling, acknowledge,
// priority drop, deactivation, maintenance conditions: those GICv2's share
// in GICVirtualListRegisters.swift). Pure state and functions:
// GICv3VirtualInterface.swift connects them to the CPU.
//
// As QEMU's GICv3 CPU interface: 4 list registers, 5 virtual priority and
// preemption bits (one ICH_AP0R/AP1R each), 24-bit virtual INTIDs, no
// virtual SEIs, no GICv4 direct injection (nV4).

/// ICH_* register fields (IHI 0069 12.4).
enum ICHBits {
    // ICH_LR<n>_EL2
    static let lrVINTIDMask: UInt64 = 0xFFFF_FFFF
    static let lrPINTIDShift: UInt64 = 32
    static let lrPINTIDMask: UInt64 = 0x1FFF
    /// With HW = 0, bit 41 (inside pINTID) is EOI: a maintenance request on deactivation.
    static let lrEOI: UInt64 = 1 << 41
    static let lrPriorityShift: UInt64 = 48
    static let lrNMI: UInt64 = 1 << 59
    static let lrGroup: UInt64 = 1 << 60
    static let lrHW: UInt64 = 1 << 61
    static let lrStateShift: UInt64 = 62
    static let lrPending: UInt64 = 1 << 62
    static let lrActive: UInt64 = 1 << 63

    // ICH_HCR_EL2: En, the maintenance interrupt enables and EOIcount as
    // GICH_HCR's (VirtualHCRBits), and the traps.
    static let hcrEn = UInt64(VirtualHCRBits.en)
    static let hcrUIE = UInt64(VirtualHCRBits.uie)
    static let hcrNPIE = UInt64(VirtualHCRBits.npie)
    static let hcrVGrp0DIE = UInt64(VirtualHCRBits.vgrp0die)
    static let hcrVGrp1EIE = UInt64(VirtualHCRBits.vgrp1eie)
    static let hcrTC: UInt64 = 1 << 10
    static let hcrTALL0: UInt64 = 1 << 11
    static let hcrTALL1: UInt64 = 1 << 12
    static let hcrTDIR: UInt64 = 1 << 14
    static let hcrEOIcountShift = UInt64(VirtualHCRBits.eoiCountShift)
    /// Writable: En..VGrp1DIE, TC, TALL0, TALL1, TDIR, EOIcount (TSEI is RES0
    /// without SEIs; TDIR exists: ICH_VTR_EL2.TDS = 1).
    static let hcrWritable: UInt64 = 0xFF | hcrTC | hcrTALL0 | hcrTALL1 | hcrTDIR | UInt64(VirtualHCRBits.eoiCountMask)

    // ICH_VMCR_EL2
    static let vmcrVENG0: UInt64 = 1 << 0
    static let vmcrVENG1: UInt64 = 1 << 1
    /// VFIQEn: RES1 (Group 0 is always vFIQ with the system-register interface).
    static let vmcrVFIQEn: UInt64 = 1 << 3
    static let vmcrVCBPR: UInt64 = 1 << 4
    static let vmcrVEOIM: UInt64 = 1 << 9
    static let vmcrVBPR1Shift: UInt64 = 18
    static let vmcrVBPR0Shift: UInt64 = 21
    static let vmcrVPMRShift: UInt64 = 24

    // ICH_MISR_EL2: EOI, then in bits 1-7 the conditions that ICH_HCR_EL2's
    // bits 1-7 enable, bit for bit.
    static let misrEOI = UInt64(VirtualHCRBits.misrEOI)
    static let misrU = hcrUIE
    static let misrNP = hcrNPIE
    static let misrVGrp0D = hcrVGrp0DIE
    static let misrVGrp1E = hcrVGrp1EIE
}

/// The virtual CPU interface state of one PE (kept in the GIC's `PerCPU`, under its lock).
struct GICVirtualCPU: GICVirtualInterfaceState, Equatable {
    static let listRegisterCount = 4
    /// Virtual priority bits (ICH_VTR_EL2.PRIbits + 1) and preemption bits (PREbits + 1).
    static let priorityBits = 5
    static let preemptionBits = 5
    /// The smallest VBPR0 (group priority [7:3]); VBPR1 is one more.
    static let minimumBPR = 7 - preemptionBits
    static let priorityMask: UInt64 = (0xFF << UInt64(8 - priorityBits)) & 0xFF
    /// Virtual INTIDs at or above this are LPIs; 1020-1023 are special.
    static let firstLPI = 8192

    /// ICH_VTR_EL2: ListRegs [4:0], TDS 19, nV4 20, A3V 21, IDbits [25:23]
    /// (1: 24 bits), PREbits [28:26], PRIbits [31:29].
    static let vtr: UInt64 = UInt64(listRegisterCount - 1) | 1 << 19 | 1 << 20 | 1 << 21 | 1 << 23
        | UInt64(preemptionBits - 1) << 26 | UInt64(priorityBits - 1) << 29

    var lr = [UInt64](repeating: 0, count: GICVirtualCPU.listRegisterCount)
    var hcr: UInt64 = 0
    var vmcr: UInt64 = ICHBits.vmcrVFIQEn | UInt64(GICVirtualCPU.minimumBPR + 1) << ICHBits.vmcrVBPR1Shift
        | UInt64(GICVirtualCPU.minimumBPR) << ICHBits.vmcrVBPR0Shift
    /// ICH_AP0R0_EL2 (index 0) and ICH_AP1R0_EL2 (1): bit n = group priority n << 3 active.
    var apr: [UInt32] = [0, 0]
    /// What the interface drives: vIRQ, vFIQ, the maintenance interrupt.
    var irqOut = false
    var fiqOut = false
    var maintenanceOut = false

    // MARK: List register fields

    static let lrStateShift = ICHBits.lrStateShift
    static let lrHW = ICHBits.lrHW
    static let lrEOI = ICHBits.lrEOI
    static let deactivatedPhysicalIDs = 0..<1020
    static func virtualID(_ lr: UInt64) -> Int { Int(lr & ICHBits.lrVINTIDMask) }
    static func physicalID(_ lr: UInt64) -> Int { Int(lr >> ICHBits.lrPINTIDShift & ICHBits.lrPINTIDMask) }
    static func priority(_ lr: UInt64) -> Int { Int(lr >> ICHBits.lrPriorityShift & 0xFF) }
    static func isGroup1(_ lr: UInt64) -> Bool { lr & ICHBits.lrGroup != 0 }

    /// A list register as written: the unimplemented priority bits and NMI
    /// (no FEAT_GICv3_NMI) are RES0.
    static func sanitizedLR(_ v: UInt64) -> UInt64 {
        let lowPriorityBits = (UInt64(1) << UInt64(8 - priorityBits)) - 1
        return v & ~(lowPriorityBits << ICHBits.lrPriorityShift) & ~ICHBits.lrNMI
    }

    /// ICH_VMCR_EL2 as written: VENG0, VENG1, VCBPR, VEOIM, VBPR1, VBPR0, VPMR
    /// (its unimplemented low bits RAZ), VFIQEn RES1; a binary point below
    /// the minimum reads as the minimum.
    static func sanitizedVMCR(_ v: UInt64) -> UInt64 {
        var m = v & (ICHBits.vmcrVENG0 | ICHBits.vmcrVENG1 | ICHBits.vmcrVCBPR | ICHBits.vmcrVEOIM)
        m |= ICHBits.vmcrVFIQEn
        let bpr1 = max(Int(v >> ICHBits.vmcrVBPR1Shift & 7), minimumBPR + 1)
        let bpr0 = max(Int(v >> ICHBits.vmcrVBPR0Shift & 7), minimumBPR)
        m |= UInt64(bpr1) << ICHBits.vmcrVBPR1Shift | UInt64(bpr0) << ICHBits.vmcrVBPR0Shift
        m |= (v >> ICHBits.vmcrVPMRShift & priorityMask) << ICHBits.vmcrVPMRShift
        return m
    }

    var vpmr: Int { Int(vmcr >> ICHBits.vmcrVPMRShift & 0xFF) }
    var eoiSplit: Bool { vmcr & ICHBits.vmcrVEOIM != 0 }
    func groupEnabled(_ group1: Bool) -> Bool { vmcr & (group1 ? ICHBits.vmcrVENG1 : ICHBits.vmcrVENG0) != 0 }

    /// VBPR0 or VBPR1 as stored.
    func binaryPoint(_ group1: Bool) -> Int {
        Int(vmcr >> (group1 ? ICHBits.vmcrVBPR1Shift : ICHBits.vmcrVBPR0Shift) & 7)
    }

    /// ICV_BPR0/1_EL1 as read: with VCBPR, ICV_BPR1 reads VBPR0 + 1 (at most 7).
    func readBPR(_ group1: Bool) -> Int {
        if group1 && vmcr & ICHBits.vmcrVCBPR != 0 { return min(binaryPoint(false) + 1, 7) }
        return binaryPoint(group1)
    }

    mutating func writeBPR(_ group1: Bool, _ v: UInt64) {
        if group1 && vmcr & ICHBits.vmcrVCBPR != 0 { return }   // writes ignored
        let value = max(Int(v & 7), GICVirtualCPU.minimumBPR + (group1 ? 1 : 0))
        let shift = group1 ? ICHBits.vmcrVBPR1Shift : ICHBits.vmcrVBPR0Shift
        vmcr = vmcr & ~(7 << shift) | UInt64(value) << shift
    }

    // MARK: Priorities

    /// The group priority mask of a virtual interrupt (the VGroupBits()
    /// pseudocode): VBPR0 for Group 0, and for Group 1 with VCBPR; VBPR1
    /// n means group priority [7:n].
    func groupPriorityMask(_ group1: Bool) -> Int {
        var g1 = group1
        if g1 && vmcr & ICHBits.vmcrVCBPR != 0 { g1 = false }
        var bpr = binaryPoint(g1)
        if g1 { bpr -= 1 }
        return (0xFF << (bpr + 1)) & 0xFF
    }

    /// The list register holding the highest-priority pending virtual
    /// interrupt of an enabled group (the lowest priority value; between
    /// equals the lowest list register), nil when none. Priority 0xFF never
    /// wins (IHI 0069 HighestPriorityVirtualInterrupt()).
    var highestPending: Int? {
        highestPendingIndex(below: 0xFF) { groupEnabled(GICVirtualCPU.isGroup1($0)) }
    }

    /// Whether the pending interrupt in list register `i` can be signalled
    /// (CanSignalVirtualInterrupt()): the interface enabled (ICH_HCR_EL2.En),
    /// its priority above VPMR, its group priority above the running priority.
    func canSignal(_ i: Int) -> Bool {
        guard hcr & ICHBits.hcrEn != 0 else { return false }
        let v = lr[i]
        let p = GICVirtualCPU.priority(v)
        guard p < vpmr else { return false }
        let running = runningPriority
        if running == 0xFF { return true }
        let mask = groupPriorityMask(GICVirtualCPU.isGroup1(v))
        return p & mask < running & mask
    }

    /// The virtual interrupt outputs: Group 1 is vIRQ, Group 0 vFIQ.
    var outputs: (irq: Bool, fiq: Bool) {
        guard let i = highestPending, canSignal(i) else { return (false, false) }
        return GICVirtualCPU.isGroup1(lr[i]) ? (true, false) : (false, true)
    }

    // MARK: Acknowledge, priority drop, deactivation

    /// ICV_IAR0/1_EL1: the highest-priority pending interrupt when it is of
    /// the register's group and can be signalled; it becomes active and its
    /// group priority is marked active. A special vINTID (1020-1023) in a list
    /// register is returned and the register becomes invalid. 1023 otherwise.
    mutating func acknowledge(group1: Bool) -> Int {
        guard let i = highestPending, GICVirtualCPU.isGroup1(lr[i]) == group1, canSignal(i) else { return GIC.spurious }
        let intid = GICVirtualCPU.virtualID(lr[i])
        if (1020...1023).contains(intid) {
            lr[i] &= ~ICHBits.lrPending
            return intid
        }
        activatePriority(GICVirtualCPU.priority(lr[i]) & groupPriorityMask(group1), group1: group1)
        lr[i] = lr[i] & ~ICHBits.lrPending | ICHBits.lrActive
        return intid
    }

    /// ICV_HPPIR0/1_EL1: the highest-priority pending vINTID when it is of the register's group.
    func highestPendingID(group1: Bool) -> Int {
        guard let i = highestPending, GICVirtualCPU.isGroup1(lr[i]) == group1 else { return GIC.spurious }
        return GICVirtualCPU.virtualID(lr[i])
    }

    /// ICV_EOIR0/1_EL1 (VirtualWriteEOIR0/1()): drops the running priority;
    /// then the list register holding `intid` active is deactivated unless
    /// VEOIM splits the two (an LPI always is), when its group and group
    /// priority match what was dropped; no such register counts in
    /// ICH_HCR_EL2.EOIcount (not for LPIs). Returns a physical INTID to deactivate.
    mutating func endOfInterrupt(_ intid: Int, group1: Bool) -> Int? {
        if (1020...1023).contains(intid) { return nil }
        guard let dropped = dropPriority() else { return nil }
        guard let i = activeIndex(intid) else {
            if intid < GICVirtualCPU.firstLPI { incrementEOICount() }
            return nil
        }
        let v = lr[i]
        guard GICVirtualCPU.isGroup1(v) == group1,
              GICVirtualCPU.priority(v) & groupPriorityMask(group1) == dropped else { return nil }
        if !eoiSplit || intid >= GICVirtualCPU.firstLPI { return deactivate(index: i) }
        return nil
    }
}
