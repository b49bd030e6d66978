// The generic timer (Arm ARM D11 "The Generic Timer in AArch64 state", D12
// registers): the system counter (`CPU.physicalCount`, the host's monotonic
// clock at CNTFRQ = 62.5 MHz), the EL1 physical timer (CNTP_*_EL0), the
// virtual timer (CNTV_*_EL0, counting CNTPCT - CNTVOFF_EL2), the EL2 physical
// timer (CNTHP_*_EL2, with EL2) and the secure physical timer (CNTPS_*_EL1,
// with EL3); the EL0 access controls of CNTKCTL_EL1 and the EL1 ones of
// CNTHCTL_EL2; the event streams.
//
// Each timer's CTL and CVAL live in their system register slots; ISTATUS and
// TVAL are computed when read. A timer's output (ENABLE = 1, IMASK = 0,
// ISTATUS = 1) is a private peripheral interrupt of the CPU's interrupt
// controller (`CPU.interruptController`: QEMU's virt wires the timers to PPIs
// 30, 27, 26, 29 of its GIC, and the EL2 virtual timer to 28). The outputs are
// re-evaluated on every timer register write and whenever the dispatcher
// services interrupts; a host alarm (InterruptState) asks for that at the
// earliest deadline.
//
// FEAT_VHE: the EL2 virtual timer CNTHV_*, the E2H layout of CNTHCTL_EL2;
// at EL2 with E2H, and at EL0 with E2H and TGE, the CNTP/CNTV encodings reach
// CNTHP/CNTHV; the *_EL02 ones the EL0 timers (SysRegs/VHERegisters.swift).
// Not modelled: FEAT_ECV (CNTPOFF_EL2), the secure EL2 timers.

/// The timers of one PE. The raw value is the timer's bit in
/// `InterruptState.timerOutputs`.
public enum GenericTimerID: Int, Sendable, CaseIterable {
    /// EL1 physical timer, CNTP_*_EL0 (QEMU virt: PPI 30).
    case physical = 0
    /// Virtual timer, CNTV_*_EL0 (PPI 27).
    case virtual = 1
    /// EL2 physical timer, CNTHP_*_EL2 (PPI 26).
    case hypPhysical = 2
    /// Secure physical timer, CNTPS_*_EL1 (PPI 29).
    case securePhysical = 3
    /// EL2 virtual timer, CNTHV_*_EL2 (FEAT_VHE; PPI 28). It counts the
    /// physical count (no CNTVOFF_EL2: the EL2&0 regime's virtual count), as QEMU.
    case hypVirtual = 4

    /// The INTID of the PPI the timer drives on QEMU's virt (the SBSA numbers).
    public var intid: Int {
        switch self {
        case .physical: return 30
        case .virtual: return 27
        case .hypPhysical: return 26
        case .securePhysical: return 29
        case .hypVirtual: return 28
        }
    }

    var registerPrefix: String {
        switch self {
        case .physical: return "CNTP_"
        case .virtual: return "CNTV_"
        case .hypPhysical: return "CNTHP_"
        case .securePhysical: return "CNTPS_"
        case .hypVirtual: return "CNTHV_"
        }
    }

    var registerSuffix: String {
        switch self {
        case .physical, .virtual: return "_EL0"
        case .hypPhysical, .hypVirtual: return "_EL2"
        case .securePhysical: return "_EL1"
        }
    }

    public var ctlSlot: SysRegSlot {
        switch self {
        case .physical: return NamedSysReg.CNTP_CTL_EL0.slot
        case .virtual: return NamedSysReg.CNTV_CTL_EL0.slot
        case .hypPhysical: return NamedSysReg.CNTHP_CTL_EL2.slot
        case .securePhysical: return NamedSysReg.CNTPS_CTL_EL1.slot
        case .hypVirtual: return NamedSysReg.CNTHV_CTL_EL2.slot
        }
    }

    public var cvalSlot: SysRegSlot {
        switch self {
        case .physical: return NamedSysReg.CNTP_CVAL_EL0.slot
        case .virtual: return NamedSysReg.CNTV_CVAL_EL0.slot
        case .hypPhysical: return NamedSysReg.CNTHP_CVAL_EL2.slot
        case .securePhysical: return NamedSysReg.CNTPS_CVAL_EL1.slot
        case .hypVirtual: return NamedSysReg.CNTHV_CVAL_EL2.slot
        }
    }

    /// The timer is implemented on a CPU with this configuration.
    public func exists(_ config: CPUConfig) -> Bool {
        switch self {
        case .physical, .virtual: return true
        case .hypPhysical: return config.hasEL2
        case .securePhysical: return config.hasEL3
        case .hypVirtual: return config.hasEL2 && config.hasVHE
        }
    }
}

enum GenericTimerRegs {
    enum Field {
        case ctl, cval, tval
        var name: String { self == .ctl ? "CTL" : self == .cval ? "CVAL" : "TVAL" }
    }
    /// What a counter/timer register is, for the access controls.
    enum Access { case frequency, physicalCount, virtualCount, timer(GenericTimerID) }

    /// The counter and timer registers, appended to `SysRegTable.all`.
    static let definitions: [SysRegDef] = {
        var d: [SysRegDef] = [
            // CNTFRQ_EL0 is writable at the highest EL only (UNDEFINED below).
            def("CNTFRQ_EL0", 3, 3, 14, 0, 0, el: 0, .storage, reset: SysRegTable.counterFrequency, .frequency,
                writableBelowHighestEL: false),
            def("CNTPCT_EL0", 3, 3, 14, 0, 1, el: 0, .special(read: { $0.physicalCount }, write: nil), .physicalCount),
            def("CNTVCT_EL0", 3, 3, 14, 0, 2, el: 0, .special(read: { $0.virtualCount }, write: nil), .virtualCount),
            // CNTKCTL_EL1: EL0 access (EL0PCTEN 0, EL0VCTEN 1, EL0VTEN 8, EL0PTEN 9),
            // event stream (EVNTEN 2, EVNTDIR 3, EVNTI 7:4) on the virtual count.
            SysRegDef("CNTKCTL_EL1", 3, 0, 14, 1, 0, el: 1),
            // CNTHCTL_EL2 (E2H = 0 layout): EL1PCTEN 0, EL1PCEN 1, event stream on the
            // physical count. Resets to 3 (EL1 access allowed), as QEMU.
            SysRegDef("CNTHCTL_EL2", 3, 4, 14, 1, 0, el: 2, reset: 3),
            {
                var v = SysRegDef("CNTVOFF_EL2", 3, 4, 14, 0, 3, el: 2)
                v.onWrite = { cpu, slot, value in
                    cpu.setSysreg(slot, value)
                    cpu.updateTimers()
                }
                return v
            }(),
        ]
        // CTL, CVAL, TVAL of each timer: op1 3 (EL0), 4 (EL2), 7 (secure EL1); CRm 2 physical, 3 virtual.
        for (t, op1, crm, el) in [(GenericTimerID.physical, 3, 2, 0), (.virtual, 3, 3, 0),
                                  (.hypPhysical, 4, 2, 2), (.securePhysical, 7, 2, 1), (.hypVirtual, 4, 3, 2)] {
            let requires = t == .securePhysical ? 3 : 0
            for (field, op2) in [(Field.tval, 0), (.ctl, 1), (.cval, 2)] {
                let kind = SysRegDef.Kind.special(read: { $0.readTimer(t, field) },
                                                  write: { $0.writeTimer(t, field, $1); return true })
                d.append(def(t.registerPrefix + field.name + t.registerSuffix, 3, UInt32(op1), 14, UInt32(crm), UInt32(op2),
                             el: el, kind, requires: requires, .timer(t)))
            }
        }
        return d
    }()

    private static func def(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32,
                            _ op2: UInt32, el: Int, _ kind: SysRegDef.Kind, reset: UInt64 = 0, requires: Int = 0,
                            _ access: Access, writableBelowHighestEL: Bool = true) -> SysRegDef {
        var d = SysRegDef(name, op0, op1, crn, crm, op2, el: el, kind, reset: reset, requires: requires)
        d.accessCheck = { cpu, read in
            let a = cpu.counterTimerAccess(access)
            if a == .allowed && !read && !writableBelowHighestEL && cpu.el < cpu.highestEL { return .undefined }
            return a
        }
        return d
    }

    static var cntkctl: SysRegSlot { NamedSysReg.CNTKCTL_EL1.slot }
    static var cnthctl: SysRegSlot { NamedSysReg.CNTHCTL_EL2.slot }
}

extension CPU {
    // MARK: Counts

    /// CNTVOFF_EL2 as the EL1 virtual timer applies it (always, when EL2 is
    /// implemented; as QEMU).
    func virtualTimerOffset() -> UInt64 {
        config.hasEL2 ? sysreg(SysRegTable.cntvoffEL2) : 0
    }

    /// The virtual count CNTVCT_EL0 reads at the current EL: CNTPCT -
    /// CNTVOFF_EL2 at EL0/EL1, no offset at EL2/EL3 (as QEMU 7.2, checked).
    public var virtualCount: UInt64 {
        config.hasEL2 && el < 2 && !el2Host ? physicalCount &- sysreg(SysRegTable.cntvoffEL2) : physicalCount
    }

    /// The count a timer compares with CVAL.
    func timerCount(_ t: GenericTimerID, physical: UInt64) -> UInt64 {
        t == .virtual ? physical &- virtualTimerOffset() : physical
    }

    /// Host monotonic time (ns) at which the physical count reaches `count`
    /// (`.max` when that is beyond the host clock's range).
    func hostNanos(forCount count: UInt64) -> UInt64 {
        let freq = SysRegTable.counterFrequency
        let product = count.multipliedFullWidth(by: 1_000_000_000)
        guard product.high < freq else { return .max }
        let (q, r) = freq.dividingFullWidth(product)
        let ns = q &+ (r != 0 ? 1 : 0)
        let (t, overflow) = counterEpochNanos.addingReportingOverflow(ns)
        return overflow ? .max : t
    }

    // MARK: Timer state

    /// CTL with ISTATUS (bit 2) computed: the condition count >= CVAL while
    /// ENABLE is 1 (0 while disabled, as QEMU).
    public func timerControl(_ t: GenericTimerID) -> UInt64 {
        let ctl = sysreg(t.ctlSlot) & 3
        guard ctl & 1 == 1 else { return ctl }
        let met = timerCount(t, physical: physicalCount) >= sysreg(t.cvalSlot)
        return ctl | (met ? 4 : 0)
    }

    /// Re-evaluates every timer's output, drives the changed ones onto the
    /// interrupt controller's PPIs, and arms the host alarm for the earliest
    /// deadline of an enabled, unmasked timer.
    public func updateTimers() {
        let phys = physicalCount
        var outputs: UInt64 = 0
        var deadline: UInt64 = .max
        for t in GenericTimerID.allCases where t.exists(config) {
            let ctl = sysreg(t.ctlSlot)
            guard ctl & 3 == 1 else { continue }   // disabled, or IMASK: the output stays low
            let cval = sysreg(t.cvalSlot)
            if timerCount(t, physical: phys) >= cval {
                outputs |= 1 << UInt64(t.rawValue)
            } else {
                // The physical count at which the condition becomes true.
                let target = t == .virtual ? cval &+ virtualTimerOffset() : cval
                if target > phys { deadline = min(deadline, hostNanos(forCount: target)) }
            }
        }
        let changed = outputs ^ interrupts.timerOutputs
        if changed != 0 {
            interrupts.timerOutputs = outputs
            if let gic = interruptController {
                for t in GenericTimerID.allCases where changed & (1 << UInt64(t.rawValue)) != 0 {
                    gic.setPrivateInput(cpu: index, intid: t.intid, level: outputs & (1 << UInt64(t.rawValue)) != 0)
                }
            }
        }
        interrupts.setTimerDeadline(deadline)
    }

    // MARK: Register access (the closures of the timer registers' entries)

    /// MRS of a timer register (the access rules ran before, in `accessCheck`).
    func readTimer(_ t: GenericTimerID, _ field: GenericTimerRegs.Field) -> UInt64 {
        switch field {
        case .ctl:
            let ctl = timerControl(t)
            // The condition became true before the alarm thread noticed: raise
            // the output now, so the IRQ is as visible as ISTATUS.
            if ctl == 5 && interrupts.nextTimerDeadline != .max { updateTimers() }
            return ctl
        case .cval: return sysreg(t.cvalSlot)
        case .tval:
            let count = timerCount(t, physical: physicalCount)
            return UInt64(UInt32(truncatingIfNeeded: sysreg(t.cvalSlot) &- count))
        }
    }

    /// MSR of a timer register: stores it and re-evaluates the outputs.
    func writeTimer(_ t: GenericTimerID, _ field: GenericTimerRegs.Field, _ value: UInt64) {
        switch field {
        case .ctl: setSysreg(t.ctlSlot, value & 3)
        case .cval: setSysreg(t.cvalSlot, value)
        case .tval:
            // CVAL = count + SignExtend(TVAL[31:0]).
            let count = timerCount(t, physical: physicalCount)
            setSysreg(t.cvalSlot, count &+ UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value))))
        }
        updateTimers()
    }

    // MARK: Access controls

    /// Whether the current EL may access a counter or timer register, per
    /// CNTKCTL_EL1 (EL0: EL0PCTEN bit 0, EL0VCTEN bit 1, EL0VTEN bit 8, EL0PTEN
    /// bit 9; CNTFRQ with either of the first two; trapped to EL1, or EL2 with
    /// HCR_EL2.TGE) and CNTHCTL_EL2 (EL0/EL1: EL1PCTEN bit 0 for CNTPCT,
    /// EL1PCEN bit 1 for CNTP_*; trapped to EL2). The EL2 timer is for EL2 and
    /// EL3; the secure timer for EL3, and Secure EL1 when SCR_EL3.ST is set
    /// (trapped to EL3 when clear, UNDEFINED in other states).
    ///
    /// With FEAT_VHE and HCR_EL2.E2H = 1, CNTHCTL_EL2 has its E2H layout:
    /// EL1PCTEN and EL1PCEN move to bits 10 and 11, and while EL0 belongs to
    /// the EL2&0 regime (E2H = TGE = 1) its low bits are the EL0 controls,
    /// in CNTKCTL_EL1's layout.
    func counterTimerAccess(_ access: GenericTimerRegs.Access) -> SysRegAccess {
        if case .timer(.hypVirtual) = access, !config.hasVHE { return .undefined }
        if el == 3 { return .allowed }
        let c = interruptControls
        let e2h = c.el2Enabled && hcrE2H
        let host = el2Host
        let cntkctl = sysreg(host ? GenericTimerRegs.cnthctl : GenericTimerRegs.cntkctl)
        let cnthctl = sysreg(GenericTimerRegs.cnthctl)
        let el1PhysicalControl = c.el2Enabled && !host ? (e2h ? cnthctl >> 10 : cnthctl) : 3
        let el0Trap = SysRegAccess.trap(toEL: hcrTGE ? 2 : 1)
        switch access {
        case .frequency:
            if el == 0 && cntkctl & 3 == 0 { return el0Trap }
        case .physicalCount:
            if el == 0 && cntkctl & 1 == 0 { return el0Trap }
            if el < 2 && el1PhysicalControl & 1 == 0 { return .trap(toEL: 2) }
        case .virtualCount:
            if el == 0 && cntkctl & 2 == 0 { return el0Trap }
        case .timer(.physical):
            if el == 0 && cntkctl & (1 << 9) == 0 { return el0Trap }
            if el < 2 && el1PhysicalControl & 2 == 0 { return .trap(toEL: 2) }
        case .timer(.virtual):
            if el == 0 && cntkctl & (1 << 8) == 0 { return el0Trap }
        case .timer(.hypPhysical), .timer(.hypVirtual):
            // EL0 in the EL2&0 regime reaches the EL2 timers through the
            // CNTP/CNTV encodings (VHERegisters), under CNTHCTL_EL2.EL0PTEN/EL0VTEN.
            if el == 0 && host {
                guard case .timer(let t) = access else { return .undefined }
                return cntkctl & (t == .hypPhysical ? 1 << 9 : 1 << 8) != 0 ? .allowed : el0Trap
            }
            if el < 2 { return .undefined }
        case .timer(.securePhysical):
            guard el == 1, c.scr & SCRBits.ns == 0 else { return .undefined }
            if (c.scr >> 11) & 1 == 0 { return .trap(toEL: 3) }   // SCR_EL3.ST
        }
        return .allowed
    }

    // MARK: Event streams

    /// The counts the enabled event streams watch: CNTKCTL_EL1's on the
    /// virtual count, CNTHCTL_EL2's on the physical count. nil: neither enabled.
    func eventStreamCounts() -> (virtual: UInt64, physical: UInt64)? {
        let k = sysreg(GenericTimerRegs.cntkctl)
        let h = config.hasEL2 ? sysreg(GenericTimerRegs.cnthctl) : 0
        guard (k | h) & 4 != 0 else { return nil }
        let phys = physicalCount
        return (phys &- virtualTimerOffset(), phys)
    }

    /// An event-stream event happened in (from, to].
    func eventStreamEdge(from: (virtual: UInt64, physical: UInt64), to: (virtual: UInt64, physical: UInt64)) -> Bool {
        let k = sysreg(GenericTimerRegs.cntkctl)
        if k & 4 != 0 && CPU.streamEdge(after: from.virtual, control: k) <= to.virtual { return true }
        if config.hasEL2 {
            let h = sysreg(GenericTimerRegs.cnthctl)
            if h & 4 != 0 && CPU.streamEdge(after: from.physical, control: h) <= to.physical { return true }
        }
        return false
    }

    /// Host time of the next event-stream event (`.max`: none enabled).
    func nextEventStreamDeadline() -> UInt64 {
        guard let now = eventStreamCounts() else { return .max }
        var next: UInt64 = .max
        let k = sysreg(GenericTimerRegs.cntkctl)
        if k & 4 != 0 {
            let edge = CPU.streamEdge(after: now.virtual, control: k)
            next = min(next, hostNanos(forCount: edge &+ virtualTimerOffset()))
        }
        if config.hasEL2 {
            let h = sysreg(GenericTimerRegs.cnthctl)
            if h & 4 != 0 { next = min(next, hostNanos(forCount: CPU.streamEdge(after: now.physical, control: h))) }
        }
        return next
    }

    /// The first count after `count` at which the bit EVNTI (bits 7:4) of the
    /// control makes the transition EVNTDIR (bit 3) selects (0: 0 to 1, 1: 1 to 0).
    static func streamEdge(after count: UInt64, control: UInt64) -> UInt64 {
        let n = (control >> 4) & 0xF
        let period = UInt64(2) << n
        let base = count & ~(period - 1)
        var edge = (control >> 3) & 1 == 0 ? base &+ (period >> 1) : base &+ period
        if edge <= count { edge &+= period }
        return edge
    }
}
