// The GICv2 virtual interface of one CPU (IHI 0048B chapter 5 "GIC Support
// for Virtualization"): the hypervisor's list registers and GICH_HCR, and
// the state of the virtual CPU interface the guest sees through GICV_*
// (GICV_CTLR, PMR, BPR, ABPR, the active priorities GICH_APR), with the
// rules a virtual interrupt follows: the highest-priority pending list
// register, signalling, acknowledge, priority drop, deactivation and the
// maintenance conditions (those GICv3's share in GICVirtualListRegisters.swift).
// Pure state and functions: GICv2VirtualInterface.swift maps them to MMIO and
// drives the CPU's lines.
//
// As QEMU's GICv2: 4 list registers, 5 priority and preemption bits (one
// 32-bit GICH_APR; group priority at most [7:3], so the smallest GICV_BPR
// is 2 and GICV_ABPR 3). The virtual CPU interface is that of a GIC
// without the Security Extensions (GICV_CTLR with AckCtl, FIQEn, CBPR).

/// GICH_* and GICV_* register fields (IHI 0048B 5.3, 5.6).
enum GICHBits {
    // GICH_LR<n>
    static let lrVirtualIDMask: UInt32 = 0x3FF
    static let lrPhysicalIDShift: UInt32 = 10
    /// With HW = 0: EOI (bit 19, a maintenance request on deactivation) and
    /// the source CPU of an SGI (bits 12:10).
    static let lrEOI: UInt32 = 1 << 19
    static let lrCPUIDShift: UInt32 = 10
    static let lrPriorityShift: UInt32 = 23
    static let lrStateShift: UInt32 = 28
    static let lrPending: UInt32 = 1 << 28
    static let lrActive: UInt32 = 1 << 29
    static let lrGroup1: UInt32 = 1 << 30
    static let lrHW: UInt32 = 1 << 31
    /// Bits 22:20 are reserved.
    static let lrWritable: UInt32 = 0xFF8F_FFFF

    // GICH_HCR (VirtualHCRBits) and GICH_MISR: bit 0 EOI, bits 1-7 the
    // conditions GICH_HCR bits 1-7 enable.
    static let hcrEn = UInt32(VirtualHCRBits.en)
    static let hcrUIE = UInt32(VirtualHCRBits.uie)
    static let hcrLRENPIE = UInt32(VirtualHCRBits.lrenpie)
    static let hcrNPIE = UInt32(VirtualHCRBits.npie)
    static let hcrVGrp0EIE = UInt32(VirtualHCRBits.vgrp0eie)
    static let hcrVGrp0DIE = UInt32(VirtualHCRBits.vgrp0die)
    static let hcrVGrp1EIE = UInt32(VirtualHCRBits.vgrp1eie)
    static let hcrWritable = UInt32(0xFF | VirtualHCRBits.eoiCountMask)
    static let misrEOI = UInt32(VirtualHCRBits.misrEOI)

    // GICV_CTLR (the layout of a GICC_CTLR without Security Extensions).
    static let ctlrEnableGrp0: UInt32 = 1 << 0
    static let ctlrEnableGrp1: UInt32 = 1 << 1
    static let ctlrAckCtl: UInt32 = 1 << 2
    static let ctlrFIQEn: UInt32 = 1 << 3
    static let ctlrCBPR: UInt32 = 1 << 4
    static let ctlrEOImode: UInt32 = 1 << 9
    static let ctlrWritable: UInt32 = 0x1F | ctlrEOImode

    // GICH_VMCR: VMCCtlr [9:0] (GICV_CTLR), VMABP [20:18], VMBP [23:21],
    // VMPriMask [31:27] (GICV_PMR [7:3]).
    static let vmcrABPShift: UInt32 = 18
    static let vmcrBPShift: UInt32 = 21
    static let vmcrPriMaskShift: UInt32 = 27
}

/// The virtual interface state of one CPU (kept in the GIC's `PerCPU`, under its lock).
struct GICv2VirtualCPU: GICVirtualInterfaceState, Equatable {
    static let listRegisterCount = 4
    static let priorityBits = 5
    static let priorityMask: UInt32 = 0xF8
    static let minimumBPR: UInt32 = 2
    static let minimumABPR: UInt32 = 3
    /// GICH_VTR: ListRegs [5:0], PREbits [28:26], PRIbits [31:29] (each minus one).
    static let vtr: UInt32 = UInt32(listRegisterCount - 1) | UInt32(priorityBits - 1) << 26
        | UInt32(priorityBits - 1) << 29

    var lr = [UInt32](repeating: 0, count: GICv2VirtualCPU.listRegisterCount)
    var hcr: UInt32 = 0
    /// GICV_CTLR.
    var ctlr: UInt32 = 0
    var pmr: UInt32 = 0
    var bpr: UInt32 = GICv2VirtualCPU.minimumBPR
    var abpr: UInt32 = GICv2VirtualCPU.minimumABPR
    /// GICH_APR (GICV_APR0), apr[0]: bit n = group priority n << 3 active.
    var apr: [UInt32] = [0]
    /// What the interface drives: vIRQ, vFIQ, the maintenance interrupt.
    var irqOut = false
    var fiqOut = false
    var maintenanceOut = false

    // MARK: List register fields

    static let lrStateShift = GICHBits.lrStateShift
    static let lrHW = GICHBits.lrHW
    static let lrEOI = GICHBits.lrEOI
    /// Not SGIs (IHI 0048B 5.3.5: the HW bit with an SGI's physical ID is UNPREDICTABLE).
    static let deactivatedPhysicalIDs = 16..<1020
    static func virtualID(_ lr: UInt32) -> Int { Int(lr & GICHBits.lrVirtualIDMask) }
    static func physicalID(_ lr: UInt32) -> Int { Int(lr >> GICHBits.lrPhysicalIDShift & 0x3FF) }
    static func priority(_ lr: UInt32) -> Int { Int(lr >> GICHBits.lrPriorityShift & 0x1F) << 3 }
    static func isGroup1(_ lr: UInt32) -> Bool { lr & GICHBits.lrGroup1 != 0 }

    // MARK: GICH_VMCR and the GICV registers behind it

    var vmcr: UInt32 {
        ctlr | abpr << GICHBits.vmcrABPShift | bpr << GICHBits.vmcrBPShift
            | (pmr >> 3) << GICHBits.vmcrPriMaskShift
    }

    mutating func writeVMCR(_ v: UInt32) {
        ctlr = v & GICHBits.ctlrWritable
        abpr = max(v >> GICHBits.vmcrABPShift & 7, GICv2VirtualCPU.minimumABPR)
        bpr = max(v >> GICHBits.vmcrBPShift & 7, GICv2VirtualCPU.minimumBPR)
        pmr = (v >> GICHBits.vmcrPriMaskShift & 0x1F) << 3
    }

    var eoiSplit: Bool { ctlr & GICHBits.ctlrEOImode != 0 }
    func groupEnabled(_ group1: Bool) -> Bool {
        ctlr & (group1 ? GICHBits.ctlrEnableGrp1 : GICHBits.ctlrEnableGrp0) != 0
    }

    // MARK: Priorities

    /// The group priority mask of a virtual interrupt: GICV_BPR for Group 0
    /// and for Group 1 with CBPR, else GICV_ABPR - 1; n means group priority [7:n+1].
    func groupPriorityMask(_ group1: Bool) -> Int {
        let point = group1 && ctlr & GICHBits.ctlrCBPR == 0 ? Int(abpr) - 1 : Int(bpr)
        return (0xFF << (point + 1)) & 0xFF
    }

    /// Whether the virtual CPU interface can signal anything: GICH_HCR.En
    /// and GICV_CTLR enabling at least one group.
    var signallingEnabled: Bool {
        hcr & GICHBits.hcrEn != 0 && ctlr & (GICHBits.ctlrEnableGrp0 | GICHBits.ctlrEnableGrp1) != 0
    }

    /// The list register holding the highest-priority pending virtual
    /// interrupt above the priority mask (the lowest priority value; between
    /// equals the lowest list register), nil when none or when the interface
    /// signals nothing.
    var highestPending: Int? {
        guard signallingEnabled, let b = highestPendingIndex(below: 0x100, { _ in true }),
              GICv2VirtualCPU.priority(lr[b]) < Int(pmr) else { return nil }
        return b
    }

    /// The virtual interrupt outputs: the highest-priority pending interrupt
    /// preempts the running priority and its group is enabled: Group 0 is
    /// vFIQ when GICV_CTLR.FIQEn is set, everything else vIRQ.
    var outputs: (irq: Bool, fiq: Bool) {
        guard let i = highestPending else { return (false, false) }
        let v = lr[i]
        let group1 = GICv2VirtualCPU.isGroup1(v)
        guard GICv2VirtualCPU.priority(v) < runningPriority, groupEnabled(group1) else { return (false, false) }
        return !group1 && ctlr & GICHBits.ctlrFIQEn != 0 ? (false, true) : (true, false)
    }

    // MARK: Acknowledge, priority drop, deactivation

    /// GICV_HPPIR (and GICV_AHPPIR, `aliased`: Group 1 only): the highest
    /// priority pending vINTID, 1022 for a Group 1 one while AckCtl is
    /// clear, 1023 when none (or a Group 0 one through the alias).
    func highestPendingID(aliased: Bool = false) -> Int {
        guard let i = highestPending else { return GIC.spurious }
        let v = lr[i]
        if GICv2VirtualCPU.isGroup1(v) {
            if !aliased && ctlr & GICHBits.ctlrAckCtl == 0 { return 1022 }
        } else if aliased {
            return GIC.spurious
        }
        return GICv2VirtualCPU.virtualID(v)
    }

    /// GICV_IAR (and GICV_AIAR): acknowledges the highest-priority pending
    /// interrupt when it preempts the running priority: it becomes active,
    /// its group priority active in GICH_APR. Returns the vINTID with, for
    /// an SGI, the source CPU of the list register in bits 12:10; 1022 or
    /// 1023 as GICV_HPPIR when nothing is acknowledged.
    mutating func acknowledge(aliased: Bool = false) -> Int {
        let id = highestPendingID(aliased: aliased)
        guard id < 1020, let i = highestPending else { return id }
        let v = lr[i]
        let p = GICv2VirtualCPU.priority(v)
        guard p < runningPriority else { return GIC.spurious }
        activatePriority(p & groupPriorityMask(GICv2VirtualCPU.isGroup1(v)), group1: GICv2VirtualCPU.isGroup1(v))
        lr[i] = v & ~GICHBits.lrPending | GICHBits.lrActive
        let source = id < 16 && v & GICHBits.lrHW == 0 ? Int(v >> GICHBits.lrCPUIDShift & 7) << 10 : 0
        return id | source
    }

    /// GICV_EOIR (and GICV_AEOIR): drops the running priority; with EOImode
    /// 0 the list register holding `intid` active is deactivated too, and
    /// when there is none an EOI that dropped a priority counts in
    /// GICH_HCR.EOICount. Special INTIDs are ignored. Returns a physical
    /// INTID to deactivate.
    mutating func endOfInterrupt(_ intid: Int) -> Int? {
        guard intid < 1020 else { return nil }
        let dropped = dropPriority() != nil
        guard !eoiSplit else { return nil }
        if let i = activeIndex(intid) { return deactivate(index: i) }
        if dropped { incrementEOICount() }
        return nil
    }
}
