import Glibc
import Machine

/// The Generic Interrupt Controller of QEMU's virt board: the interrupt state
/// shared by GICv2 (GICv2Distributor.swift, GICv2CPUInterface.swift) and GICv3
/// (GICv3Distributor.swift, GICv3Redistributor.swift, GICv3CPUInterface.swift;
/// the virtual CPU interface in GICv3VirtualState.swift, GICv3VirtualInterface.swift,
/// and GICv2's in GICv2VirtualState.swift, GICv2VirtualInterface.swift),
/// the highest-priority-pending computation, and the IRQ/FIQ outputs to each CPU
/// (Arm IHI 0069 "GICv3 and GICv4 architecture specification", IHI 0048 "GICv2").
///
/// Interrupts: SGIs 0-15 and PPIs 16-31 are banked per CPU (in the GICv3
/// redistributor), SPIs 32 and up are shared; 256 SPIs as QEMU's virt. Each
/// interrupt has an enable, a pending latch (set by an edge, a write to
/// ISPENDR, an SGI), the level of its input (a level-sensitive interrupt is
/// pending while its input is high), an active bit, a group (IGROUPR, and
/// IGRPMODR on GICv3: Group 0, Secure Group 1, Non-secure Group 1), an 8-bit
/// priority and a route (GICD_IROUTER on GICv3, GICD_ITARGETSR on GICv2).
///
/// Security: with `-M virt,secure=on` the GIC has two Security states (GICv3
/// GICD_CTLR.DS = 0; GICv2 with the Security Extensions); otherwise one
/// (DS = 1), as QEMU's virt.
///
/// All state is guarded by one lock: device inputs (any thread), MMIO and the
/// CPU-interface system registers (CPU threads) take it. A change re-evaluates
/// each CPU's highest-priority pending interrupt and its IRQ/FIQ outputs
/// (`InterruptState` lines, source `InterruptState.interruptControllerSource`).
public final class GIC: InterruptSink, CPUInterruptController, @unchecked Sendable {
    public enum Version: Int, Sendable { case v2 = 2, v3 = 3 }

    /// The interrupt groups. On GICv2 and with one Security state there are
    /// Group 0 and Group 1 (held as `.g1ns`).
    public enum Group: Int, Sendable { case g0 = 0, g1s = 1, g1ns = 2 }

    /// QEMU's virt: 256 SPIs (INTID 32...287).
    public static let defaultSPICount = 256
    /// Special INTIDs (IHI 0069 2.2.1).
    public static let spurious = 1023
    static let idle: Int = 0xFF

    public let version: Version
    public let cpuCount: Int
    /// Two Security states (GICD_CTLR.DS = 0; GICv2 Security Extensions).
    public let securityExtensions: Bool
    /// SGIs, PPIs and SPIs: 32 + the SPI count.
    public let irqCount: Int
    /// Implemented priority bits: 5 in the GICv3 CPU interface (ICC_CTLR_EL1.PRIbits
    /// = 4, as QEMU's CPUs), 8 in GICv2.
    public let priorityBits: Int
    /// LPIs (GICv3 with an ITS, GICv3LPI.swift): GICD_TYPER.LPIS, GICR_TYPER.PLPIS.
    public let lpisSupported: Bool
    /// How the redistributors read their LPI tables (set by the board).
    public var lpiMemory: DMAMemory?
    /// The LPI configuration bytes read from the table, by INTID, until an INV,
    /// INVALL or a PROPBASER write (IHI 0069 5.1.1: they may be cached).
    var lpiConfigCache: [Int: UInt8] = [:]

    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    struct IRQ {
        var enabled = false
        /// The pending latch (edge, ISPENDR, SGI); a level-sensitive interrupt is
        /// also pending while `level` is high.
        var latch = false
        var level = false
        var active = false
        var group1 = false       // IGROUPR
        var grpmod = false       // IGRPMODR (GICv3)
        var edge = false         // ICFGR: edge-triggered
        var priority: UInt8 = 0
        var route: UInt64 = 0    // GICD_IROUTER (GICv3)
        var targets: UInt8 = 0   // GICD_ITARGETSR (GICv2)
        var nsacr: UInt8 = 0     // GICD_NSACR / GICR_NSACR field
        /// GICv2 SGIs: one pending bit per source CPU.
        var sgiSources: UInt8 = 0

        var pending: Bool { latch || (level && !edge) }
    }

    /// Per CPU: its banked SGIs and PPIs, its redistributor and its CPU interface.
    struct PerCPU {
        var banked = [IRQ](repeating: IRQ(), count: 32)
        /// MPIDR_EL1 affinity Aff3:Aff2:Aff1:Aff0 as GICD_IROUTER holds it (Aff3 at 39:32).
        var affinity: UInt64 = 0
        /// GICR_WAKER.ProcessorSleep (resets to 1).
        var processorSleep = true
        var gicrCtlr: UInt32 = 0

        // The CPU interface.
        var pmr: UInt8 = 0
        /// ICC_BPR0 (index 0), the Secure ICC_BPR1 (1), the Non-secure ICC_BPR1 (2).
        var bpr: [UInt8] = [0, 0, 0]
        /// ICC_IGRPEN0, ICC_IGRPEN1 (Secure), ICC_IGRPEN1 (Non-secure); GICv2: GICC_CTLR.EnableGrp0/1.
        var groupEnable: [Bool] = [false, false, false]
        /// ICC_CTLR_EL1 per Security state (index 0 Secure, 1 Non-secure): CBPR bit 0, EOImode bit 1.
        var iccCtlr: [UInt64] = [0, 0]
        /// ICC_CTLR_EL3.EOImode_EL3 (bit 2) and RM (bit 5).
        var iccCtlrEL3: UInt64 = 0
        /// ICC_SRE_EL3.Enable (bit 3) and ICC_SRE_EL2.Enable (bit 4), both reset to 1.
        var sreEnable: UInt64 = 0b1_1000
        /// GICv2 GICC_CTLR (Secure layout: EnableGrp0 0, EnableGrp1 1, AckCtl 2,
        /// FIQEn 3, CBPR 4, EOImodeS 9, EOImodeNS 10).
        var giccCtlr: UInt32 = 0
        /// Active priorities per group: bit n = group priority n << `aprShift`
        /// (up to 128 levels: GICv2's 8 priority bits with a group priority of [7:1]).
        var apr: [APR] = [APR(), APR(), APR()]
        /// The GICv3 virtual CPU interface (GICv3VirtualState.swift).
        var virt = GICVirtualCPU()
        /// The GICv2 virtual interface (GICv2VirtualState.swift).
        var virt2 = GICv2VirtualCPU()

        // What the CPU is doing (kept by `cpuContextChanged`), and its outputs.
        var el = 1
        var secure = false
        var hppi = -1            // INTID, -1: none
        var hppiPriority = GIC.idle
        var hppiGroup = Group.g0
        var irqOut = false
        var fiqOut = false
        /// The redistributor's LPIs (GICv3LPI.swift).
        var lpi = LPIRedistributor()
    }

    /// A set of up to 128 active group priorities (GICC_APRn / ICC_AP0Rn, ICC_AP1Rn).
    struct APR: Equatable {
        var words: (UInt64, UInt64) = (0, 0)
        var isEmpty: Bool { words.0 == 0 && words.1 == 0 }
        /// The lowest set bit (the highest active priority); nil when empty.
        var lowest: Int? {
            if words.0 != 0 { return words.0.trailingZeroBitCount }
            if words.1 != 0 { return 64 + words.1.trailingZeroBitCount }
            return nil
        }
        mutating func insert(_ n: Int) {
            if n < 64 { words.0 |= 1 << UInt64(n) } else { words.1 |= 1 << UInt64(n - 64) }
        }
        mutating func remove(_ n: Int) {
            if n < 64 { words.0 &= ~(1 << UInt64(n)) } else { words.1 &= ~(1 << UInt64(n - 64)) }
        }
        /// Register word `n` (32 bits) of the set.
        func word32(_ n: Int) -> UInt32 {
            let w = n < 2 ? words.0 : words.1
            return UInt32(truncatingIfNeeded: w >> UInt64(32 * (n % 2)))
        }
        static func == (a: APR, b: APR) -> Bool { a.words == b.words }
    }

    var irqs: [IRQ]
    var cpus: [PerCPU]
    /// GICD_CTLR: GICv3 EnableGrp0 0, EnableGrp1NS 1, EnableGrp1S 2, ARE_S 4,
    /// ARE_NS 5, DS 6; GICv2 EnableGrp0 0, EnableGrp1 1.
    var distCtlr: UInt32 = 0
    /// The interrupt inputs of the CPUs this GIC drives (index = CPU number).
    /// Their `InterruptState`s, not the CPUs: a weak reference to a CPU would
    /// give it a side table, and every retain of it (each engine helper call)
    /// would take the runtime's slow reference-counting path. An
    /// `InterruptState` ignores its lines once its CPU is gone (`shutdown`).
    var attached: [InterruptState?] = []

    public init(version: Version, cpuCount: Int = 1, securityExtensions: Bool, spiCount: Int = GIC.defaultSPICount,
                lpis: Bool = false) {
        precondition(cpuCount >= 1 && cpuCount <= 8 || version == .v3, "GICv2 has at most 8 CPU interfaces")
        precondition(spiCount % 32 == 0 && spiCount <= 988)
        self.version = version
        self.cpuCount = cpuCount
        self.securityExtensions = securityExtensions
        irqCount = 32 + spiCount
        priorityBits = version == .v3 ? 5 : 8
        lpisSupported = lpis && version == .v3
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        irqs = [IRQ](repeating: IRQ(), count: 32 + spiCount)
        cpus = [PerCPU](repeating: PerCPU(), count: cpuCount)
        attached = [InterruptState?](repeating: nil, count: cpuCount)
        reset()
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Back to reset (every input low, everything disabled and inactive).
    public func reset() {
        locked {
            for i in irqs.indices { irqs[i] = IRQ() }
            lpiConfigCache.removeAll()
            for c in cpus.indices {
                let aff = cpus[c].affinity
                cpus[c] = PerCPU()
                cpus[c].affinity = aff
                for i in 0..<16 { cpus[c].banked[i].edge = true; cpus[c].banked[i].enabled = version == .v2 }
                cpus[c].bpr = [UInt8(minimumBPR(.g0)), UInt8(minimumBPR(.g1s)), UInt8(minimumBPR(.g1ns))]
            }
            // GICv3: affinity routing is always on (ARE RAO/WI, no legacy mode);
            // without a second Security state DS is set (RAO/WI).
            typealias D = GICv3DistributorRegs
            switch version {
            case .v2: distCtlr = 0
            case .v3: distCtlr = securityExtensions ? D.ctlrARES | D.ctlrARENS : D.ctlrDS | D.ctlrARES
            }
            for c in cpus.indices { updateCPU(c) }
        }
    }

    /// Every interrupt to Group 1 (Non-secure), as Secure firmware would
    /// leave a GIC with security extensions for a kernel started directly
    /// in the Non-secure state (QEMU's irq_reset_nonsecure): otherwise they
    /// stay in Group 0, which a Non-secure kernel can neither see nor move.
    /// A GICv2 also gets every priority and priority mask at 0x80, the
    /// Non-secure view's 0 (QEMU's reset for a kernel in Non-secure state):
    /// a Non-secure GICC_PMR write is ignored while the mask is in the Secure
    /// half, so a mask of 0 would hold every interrupt back for good. (A
    /// GICv3's Non-secure ICC_PMR_EL1 writes go through as Secure ones while
    /// SCR_EL3.FIQ is 0: `nonSecureView`.)
    public func setAllGroup1NonSecure() {
        locked {
            let v2 = version == .v2
            for i in irqs.indices {
                irqs[i].group1 = true
                if v2 { irqs[i].priority = 0x80 }
            }
            for c in cpus.indices {
                for i in cpus[c].banked.indices {
                    cpus[c].banked[i].group1 = true
                    if v2 { cpus[c].banked[i].priority = 0x80 }
                }
                if v2 { cpus[c].pmr = 0x80 }
            }
            for c in cpus.indices { updateCPU(c) }
        }
    }

    /// Connects `cpu` (number `cpu.index`) to its CPU interface: the GIC drives
    /// its IRQ and FIQ inputs, and its timers and PMU drive this GIC's PPIs.
    public func attach(_ cpu: CPU) {
        precondition(cpu.index < cpuCount)
        locked {
            attached[cpu.index] = cpu.interrupts
            let m = cpu.mpidr
            cpus[cpu.index].affinity = (m & 0xFF_FFFF) | ((m >> 32) & 0xFF) << 32
            cpus[cpu.index].el = cpu.el
            cpus[cpu.index].secure = GIC.isSecure(cpu)
        }
        cpu.interruptController = self
        locked { updateCPU(cpu.index) }
    }

    /// The Security state as the GIC sees it: Secure at Secure EL0-EL2 and at
    /// EL3 (Root with RME); Non-secure and Realm are Non-secure.
    static func isSecure(_ cpu: CPU) -> Bool {
        switch cpu.securityState {
        case .secure, .root: return true
        default: return false
        }
    }

    // MARK: Inputs

    /// Connects a device's interrupt output to SPI `spi` (INTID 32 + spi).
    public func connect(_ line: IRQLine, spi: Int) {
        precondition(spi >= 0 && 32 + spi < irqCount, "SPI \(spi) out of range")
        line.connect { [weak self] level in self?.setInput(32 + spi, level: level) }
    }

    /// An SPI input (INTID 32 and up) changed level. Any thread.
    public func setInput(_ input: Int, level: Bool) {
        guard input >= 32 && input < irqCount else { return }
        locked {
            setLevel(&irqs[input], level)
            updateAll()
        }
    }

    /// A PPI of `cpu` changed level (the generic timers, the PMU). The CPU's thread.
    public func setPrivateInput(cpu: Int, intid: Int, level: Bool) {
        guard cpu < cpuCount, intid >= 16 && intid < 32 else { return }
        locked {
            setLevel(&cpus[cpu].banked[intid], level)
            updateCPU(cpu)
        }
    }

    func setLevel(_ i: inout IRQ, _ level: Bool) {
        // An edge-triggered interrupt latches on the rising edge.
        if level && !i.level && i.edge { i.latch = true }
        i.level = level
    }

    public func cpuContextChanged(_ cpu: CPU) {
        let secure = GIC.isSecure(cpu)
        let el = cpu.el
        locked {
            guard cpus[cpu.index].el != el || cpus[cpu.index].secure != secure else { return }
            cpus[cpu.index].el = el
            cpus[cpu.index].secure = secure
            updateCPU(cpu.index)
        }
    }

    // MARK: State access (lock held)

    /// The interrupt `intid` as `cpu` sees it (banked below 32).
    @inline(__always) func irq(_ cpu: Int, _ intid: Int) -> IRQ {
        intid < 32 ? cpus[cpu].banked[intid] : irqs[intid]
    }

    @inline(__always) func modify(_ cpu: Int, _ intid: Int, _ body: (inout IRQ) -> Void) {
        if intid < 32 { body(&cpus[cpu].banked[intid]) } else { body(&irqs[intid]) }
    }

    /// The group of an interrupt (IGROUPR, and IGRPMODR on GICv3 with two Security states).
    func group(of i: IRQ) -> Group {
        if i.group1 { return .g1ns }
        return version == .v3 && !singleSecurityState && i.grpmod ? .g1s : .g0
    }

    /// One Security state: GICv3 GICD_CTLR.DS = 1, or no Security Extensions.
    var singleSecurityState: Bool {
        !securityExtensions || (version == .v3 && distCtlr & GICv3DistributorRegs.ctlrDS != 0)
    }

    /// The distributor enables the group (GICD_CTLR.EnableGrp*).
    func distributorEnables(_ g: Group) -> Bool {
        switch g {
        case .g0: return distCtlr & 1 != 0
        case .g1ns: return distCtlr & 2 != 0
        case .g1s: return distCtlr & 4 != 0
        }
    }

    /// The CPU a shared interrupt goes to (nil: none). GICv3: GICD_IROUTER's
    /// affinity (Interrupt_Routing_Mode is RES0: GICD_TYPER.No1N = 1); GICv2:
    /// the lowest CPU in GICD_ITARGETSR (all interrupts go to CPU 0 on a GIC
    /// with one CPU interface, whose ITARGETSR are RAZ/WI).
    func target(of intid: Int) -> Int? {
        let i = irqs[intid]
        switch version {
        case .v3:
            let aff = i.route & 0xFF_00FF_FFFF
            return cpus.firstIndex { $0.affinity == aff }
        case .v2:
            if cpuCount == 1 { return 0 }
            return i.targets == 0 ? nil : i.targets.trailingZeroBitCount
        }
    }

    // MARK: Priorities

    /// The smallest BPR of a group: GICv3 with 5 priority bits has group
    /// priority at most [7:3], so ICC_BPR0 and the Secure ICC_BPR1 are at least
    /// 2, the Non-secure ICC_BPR1 at least 3 (IHI 0069 4.8.3; QEMU's reset
    /// values); GICv2 GICC_BPR at least 0, GICC_ABPR 1 (IHI 0048 3.3.3).
    func minimumBPR(_ g: Group) -> Int {
        let base = version == .v3 ? 7 - priorityBits : 0
        return g == .g1ns ? base + 1 : base
    }

    /// Mask of the priority bits that are implemented.
    var priorityMask: UInt8 { UInt8(truncatingIfNeeded: 0xFF << (8 - priorityBits)) }

    /// The group priority mask for an interrupt of group `g` on `cpu`
    /// (the pseudocode's GroupBits(): ICC_CTLR_EL1.CBPR makes Group 1 use ICC_BPR0).
    func groupPriorityMask(_ cpu: Int, _ g: Group) -> Int {
        let c = cpus[cpu]
        var bpr: Int
        var g = g
        switch version {
        case .v3:
            // ICC_CTLR_EL1.CBPR of the interrupt's Security state: Group 1 uses ICC_BPR0.
            if (g == .g1s && c.iccCtlr[0] & 1 != 0) || (g == .g1ns && c.iccCtlr[1] & 1 != 0) { g = .g0 }
        case .v2:
            // GICC_CTLR.CBPR: Group 1 uses GICC_BPR.
            if g != .g0 && c.giccCtlr & (1 << 4) != 0 { g = .g0 }
        }
        bpr = Int(c.bpr[g.rawValue])
        // The Non-secure binary point (ICC_BPR1 Non-secure, GICC_ABPR) is one
        // more than the group priority's lowest bit: group priority [7:n].
        if g == .g1ns { bpr -= 1 }
        return (0xFF << (bpr + 1)) & 0xFF
    }

    /// The shift from an active-priority bit's index to its group priority.
    var aprShift: Int { version == .v3 ? 8 - priorityBits : 1 }

    /// The running priority: the highest active group priority (0xFF: idle).
    func runningPriority(_ cpu: Int) -> Int {
        let levels = cpus[cpu].apr.compactMap(\.lowest)
        guard let best = levels.min() else { return GIC.idle }
        return best << aprShift
    }

    /// The group whose active priority is the running priority (nil: none active).
    func highestActiveGroup(_ cpu: Int) -> Group? {
        let c = cpus[cpu]
        var best: (bit: Int, group: Group)?
        for g in [Group.g0, .g1s, .g1ns] {
            guard let b = c.apr[g.rawValue].lowest else { continue }
            if best == nil || b < best!.bit { best = (b, g) }
        }
        return best?.group
    }

    // MARK: The highest-priority pending interrupt and the outputs (lock held)

    /// Re-evaluates every CPU.
    func updateAll() {
        for c in cpus.indices { updateCPU(c) }
    }

    /// Re-computes `cpu`'s highest-priority pending interrupt: pending, enabled,
    /// not active, its group enabled in the distributor (GICv3), routed to the
    /// CPU; the lowest priority value wins, then the lowest INTID. Then drives
    /// the CPU's IRQ/FIQ inputs.
    func updateCPU(_ cpu: Int) {
        var best = -1
        var bestPriority = GIC.idle
        func consider(_ intid: Int, _ i: IRQ) {
            guard i.pending && i.enabled && !i.active else { return }
            if version == .v3 && !distributorEnables(group(of: i)) { return }
            if Int(i.priority) < bestPriority {
                best = intid
                bestPriority = Int(i.priority)
            }
        }
        let banked = cpus[cpu].banked
        for n in 0..<32 { consider(n, banked[n]) }
        for n in 32..<irqCount where irqs[n].pending && irqs[n].enabled {
            if target(of: n) == cpu { consider(n, irqs[n]) }
        }
        if !cpus[cpu].lpi.pending.isEmpty, let (intid, priority) = highestPendingLPI(cpu), priority < bestPriority {
            best = intid
            bestPriority = priority
        }
        cpus[cpu].hppi = best
        cpus[cpu].hppiPriority = bestPriority
        cpus[cpu].hppiGroup = best >= GIC.firstLPI ? .g1ns : best >= 0 ? group(of: irq(cpu, best)) : .g0
        signal(cpu)
    }

    /// Whether the highest-priority pending interrupt can be signalled to the
    /// CPU: its group enabled at the CPU interface, priority above the
    /// priority mask, and (group priority) above the running priority.
    func hppiCanPreempt(_ cpu: Int) -> Bool {
        let c = cpus[cpu]
        guard c.hppi >= 0 else { return false }
        switch version {
        case .v3:
            guard c.groupEnable[c.hppiGroup.rawValue] else { return false }
        case .v2:
            // Both the distributor and the CPU interface enable the group.
            guard distributorEnables(c.hppiGroup), c.groupEnable[c.hppiGroup.rawValue] else { return false }
        }
        if c.hppiPriority >= Int(c.pmr) { return false }
        let running = runningPriority(cpu)
        if running == GIC.idle { return true }
        let mask = groupPriorityMask(cpu, c.hppiGroup)
        return c.hppiPriority & mask < running & mask
    }

    /// Drives the CPU's IRQ and FIQ inputs. GICv3 (IHI 0069 4.6.2): Group 0 is
    /// FIQ; Group 1 of the current Security state is IRQ, of the other state
    /// (and any Group 1 at EL3) FIQ. GICv2: Group 0 is FIQ when GICC_CTLR.FIQEn.
    func signal(_ cpu: Int) {
        var irq = false, fiq = false
        if hppiCanPreempt(cpu) {
            let c = cpus[cpu]
            let isFIQ: Bool
            switch (version, c.hppiGroup) {
            case (.v3, .g0): isFIQ = true
            case (.v3, .g1s): isFIQ = !c.secure || c.el == 3
            case (.v3, .g1ns): isFIQ = c.secure
            case (.v2, .g0): isFIQ = c.giccCtlr & (1 << 3) != 0
            case (.v2, _): isFIQ = false
            }
            if isFIQ { fiq = true } else { irq = true }
        }
        guard irq != cpus[cpu].irqOut || fiq != cpus[cpu].fiqOut else { return }
        cpus[cpu].irqOut = irq
        cpus[cpu].fiqOut = fiq
        if let target = attached[cpu] {
            target.setLine(.irq, source: InterruptState.interruptControllerSource, asserted: irq)
            target.setLine(.fiq, source: InterruptState.interruptControllerSource, asserted: fiq)
        }
    }

    // MARK: Acknowledge, priority drop, deactivate (lock held)

    /// Activates `intid` on `cpu` (acknowledge): active, pending latch cleared
    /// (a level-sensitive interrupt whose input is still high stays pending),
    /// its group priority marked in the active priorities.
    func activate(_ cpu: Int, _ intid: Int, sourceCPU: Int? = nil) {
        if intid >= GIC.firstLPI { return activateLPI(cpu, intid) }
        let i = irq(cpu, intid)
        let g = group(of: i)
        let prio = Int(i.priority) & groupPriorityMask(cpu, g)
        cpus[cpu].apr[g.rawValue].insert(prio >> aprShift)
        modify(cpu, intid) {
            $0.active = true
            if version == .v2 && intid < 16, let s = sourceCPU {
                $0.sgiSources &= ~(1 << UInt8(s))
                $0.latch = $0.sgiSources != 0
            } else {
                $0.latch = false
            }
        }
        updateCPU(cpu)
    }

    /// Priority drop: clears the highest active priority of group `g`.
    func dropPriority(_ cpu: Int, _ g: Group) {
        if let b = cpus[cpu].apr[g.rawValue].lowest { cpus[cpu].apr[g.rawValue].remove(b) }
    }

    /// Deactivates `intid` (a valid INTID below 1020).
    func deactivate(_ cpu: Int, _ intid: Int) {
        guard intid < irqCount else { return }
        modify(cpu, intid) { $0.active = false }
        updateAll()
    }

    // MARK: SGIs (lock held)

    /// Makes SGI `sgi` pending on `cpu` (GICv2: from `source`).
    func raiseSGI(_ sgi: Int, on cpu: Int, from source: Int) {
        modify(cpu, sgi) {
            if version == .v2 { $0.sgiSources |= 1 << UInt8(source) }
            $0.latch = true
        }
        updateCPU(cpu)
    }
}
