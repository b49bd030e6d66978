// Where an interrupt goes and whether it is taken now (Arm ARM D1.3
// "Exceptions": the routing and masking tables of asynchronous exceptions).
// The lines themselves are InterruptState (Interrupts.swift).

/// A CPU interrupt input.
public enum InterruptLine: Int, Sendable, CaseIterable {
    case irq = 0, fiq = 1, serror = 2

    /// Where the exception enters the vector table.
    public var kind: ExceptionKind {
        switch self {
        case .irq: return .irq
        case .fiq: return .fiq
        case .serror: return .serror
        }
    }

    /// The PSTATE mask bit, as DAIF holds it (A bit 8, I bit 7, F bit 6).
    public var daifBit: UInt64 {
        switch self {
        case .irq: return 1 << 7
        case .fiq: return 1 << 6
        case .serror: return 1 << 8
        }
    }

    /// SCR_EL3.IRQ (bit 1), FIQ (bit 2), EA (bit 3): route to EL3.
    var scrRouteBit: UInt64 {
        switch self {
        case .irq: return 1 << 1
        case .fiq: return 1 << 2
        case .serror: return 1 << 3
        }
    }

    /// HCR_EL2.IMO (bit 4), FMO (bit 3), AMO (bit 5): route to EL2.
    var hcrRouteBit: UInt64 {
        switch self {
        case .irq: return 1 << 4
        case .fiq: return 1 << 3
        case .serror: return 1 << 5
        }
    }

    /// HCR_EL2.VI (bit 7), VF (bit 6), VSE (bit 8): the virtual interrupt is pending.
    var hcrVirtualBit: UInt64 {
        switch self {
        case .irq: return 1 << 7
        case .fiq: return 1 << 6
        case .serror: return 1 << 8
        }
    }

    /// The order in which simultaneous interrupts are taken (the Arm ARM leaves
    /// it to the implementation; this is QEMU's: FIQ, IRQ, SError).
    static let priorityOrder: [InterruptLine] = [.fiq, .irq, .serror]
}

/// The routing and masking rules, as pure functions of the controls, for the
/// engine and for tests.
public enum InterruptRouting {

    /// The controls that decide where an interrupt goes and whether it is taken.
    public struct Controls: Sendable, Equatable {
        public var el: Int
        public var hasEL2: Bool
        public var hasEL3: Bool
        public var scr: UInt64
        public var hcr: UInt64
        public var daif: UInt64
        /// The virtual interrupt lines the interrupt controller's virtual CPU
        /// interface drives (GICv3 list registers): 1 << `InterruptLine.rawValue`.
        public var virtualLines: UInt64
        public init(el: Int, hasEL2: Bool = false, hasEL3: Bool = false, scr: UInt64 = 0, hcr: UInt64 = 0,
                    daif: UInt64 = 0, virtualLines: UInt64 = 0) {
            self.virtualLines = virtualLines
            self.el = el
            self.hasEL2 = hasEL2
            self.hasEL3 = hasEL3
            self.scr = scr
            self.hcr = hcr
            self.daif = daif
        }

        /// EL2 is implemented and enabled in the current Security state (`EL2State.enabled`).
        public var el2Enabled: Bool { EL2State.enabled(hasEL2: hasEL2, hasEL3: hasEL3, scr: scr) }

        /// HCR_EL2 as it acts (zero when EL2 is not enabled).
        var effectiveHCR: UInt64 { el2Enabled ? hcr : 0 }
    }

    /// The EL a physical interrupt on `line` is routed to (Arm ARM D1.3.4):
    /// EL3 when SCR_EL3.{IRQ,FIQ,EA} is set, else EL2 when EL2 is enabled and
    /// HCR_EL2.{IMO,FMO,AMO} or TGE is set, else EL1.
    public static func targetEL(_ line: InterruptLine, _ c: Controls) -> Int {
        if c.hasEL3 && c.scr & line.scrRouteBit != 0 { return 3 }
        let hcr = c.effectiveHCR
        if hcr & (line.hcrRouteBit | HCRBits.tge) != 0 { return 2 }
        return 1
    }

    /// Whether a physical interrupt routed to `target` is taken now (Arm ARM
    /// D1.3.6, the physical interrupt masking table): never when it targets a
    /// lower EL than the current one; always when it targets a higher EL (EL2
    /// or EL3: PSTATE masks at a lower EL do not apply), except EL2 with
    /// HCR_EL2.{E2H,TGE} = {1,1}; otherwise (same EL, or EL0 → EL1) when
    /// PSTATE.{A,I,F} does not mask it.
    public static func isTaken(_ line: InterruptLine, target: Int, _ c: Controls) -> Bool {
        if target < c.el { return false }
        let pstateMasked = c.daif & line.daifBit != 0
        if target > c.el {
            if target == 3 { return true }
            if target == 2 {
                let hcr = c.effectiveHCR
                if hcr & HCRBits.host == HCRBits.host { return !pstateMasked }
                return true
            }
        }
        return !pstateMasked
    }

    /// A virtual interrupt (HCR_EL2.VI/VF/VSE, or the GIC's virtual CPU
    /// interface asserting vIRQ/vFIQ, with IMO/FMO/AMO set and TGE clear) is
    /// pending for EL0/EL1 while EL2 is enabled; it goes to EL1.
    public static func virtualPending(_ line: InterruptLine, _ c: Controls) -> Bool {
        guard c.el < 2 else { return false }
        let hcr = c.effectiveHCR
        let asserted = hcr & line.hcrVirtualBit != 0 || c.virtualLines & (1 << UInt64(line.rawValue)) != 0
        return hcr & HCRBits.tge == 0 && hcr & line.hcrRouteBit != 0 && asserted
    }

    /// What to take now, if anything: physical interrupts first (in
    /// `InterruptLine.priorityOrder`), then virtual ones (masked by PSTATE).
    /// `lines` holds one bit per asserted line (1 << rawValue).
    public static func select(lines: UInt64, _ c: Controls) -> (line: InterruptLine, target: Int, virtual: Bool)? {
        for line in InterruptLine.priorityOrder where lines & (1 << UInt64(line.rawValue)) != 0 {
            let t = targetEL(line, c)
            if isTaken(line, target: t, c) { return (line, t, false) }
        }
        for line in InterruptLine.priorityOrder where virtualPending(line, c) {
            if c.daif & line.daifBit == 0 { return (line, 1, true) }
        }
        return nil
    }
}
