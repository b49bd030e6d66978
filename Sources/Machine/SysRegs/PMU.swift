import Glibc

/// A minimal PMUv3 (Arm ARM D13 "The Performance Monitors Extension"):
/// the cycle counter PMCCNTR_EL0 and no event counters (PMCR_EL0.N = 0).
///
/// The cycle counter counts the host's monotonic clock as a nominal 1 GHz
/// CPU clock (one cycle per host nanosecond; divided by 64 with PMCR.D),
/// while PMCR_EL0.E and PMCNTENSET_EL0.C are set and PMCCFILTR_EL0 lets it
/// count at the current EL and Security state (and, with EL3, outside the
/// region MDCR_EL3.SPME prohibits, unless PMCR_EL0.DP lets it run there). It is
/// brought up to date when read or written, when a control changes, and at
/// every exception entry and return (the EL changes): a host-clock counter
/// costs the engines nothing per instruction. Overflow sets PMOVSSET_EL0.C (at
/// bit 31 or, with PMCR_EL0.LC, bit 63). The overflow interrupt request
/// (PMCR_EL0.E with PMINTENSET_EL1.C and PMOVSSET_EL0.C) is PPI 23 of the
/// CPU's interrupt controller, re-evaluated at the same points: an overflow
/// is noticed when the counter is next brought up to date, not at the
/// instant it happens.
///
/// EL0 access: PMUSERENR_EL0.EN, or CR (PMCCNTR reads), SW (PMSWINC), ER
/// (PMSELR, PMXEVTYPER); otherwise trapped to EL1 (EL2 with HCR_EL2.TGE).
/// MDCR_EL2.TPM/TPMCR and MDCR_EL3.TPM trap them further (SysRegTraps.swift).
enum PMURegisters {
    /// ID_AA64DFR0_EL1.PMUVer: PMUv3 (Armv8.0).
    static let pmuVer = 1
    /// The INTID of the overflow interrupt (QEMU virt's PMU PPI 7).
    static let interruptID = 23
    /// PMCR_EL0.N: event counters implemented.
    static let eventCounters = 0
    /// PMCR_EL0 bits that hold a value: E, D, DP, LC (P and C are write-only actions).
    static let pmcrStored: UInt64 = 1 << 0 | 1 << 3 | 1 << 5 | 1 << 6
    /// The C bit of PMCNTEN*/PMOVS*/PMINTEN* (the cycle counter).
    static let c: UInt64 = 1 << 31
    /// PMCCFILTR_EL0: P, U, NSK, NSU, NSH, M.
    static let filterMask: UInt64 = 0xFC00_0000

    static let definitions: [SysRegDef] = [
        def("PMCR_EL0", 3, 3, 9, 12, 0, .storage, el0: .en, extra: .pmcr)
            .value { cpu in cpu.sysreg(pmcr) | (UInt64(eventCounters) << 11) | ((cpu.config.midr >> 24) << 24) }
            .writing { cpu, slot, v in
                cpu.pmuSync()
                if v & 4 != 0 { cpu.setSysreg(pmccntr, 0) }   // C: reset the cycle counter
                cpu.setSysreg(slot, v & pmcrStored)
                cpu.pmuSync()
            },
        def("PMCNTENSET_EL0", 3, 3, 9, 12, 1, .storage, el0: .en).writing { cpu, slot, v in
            cpu.pmuSync(); cpu.setSysreg(slot, cpu.sysreg(slot) | v & c); cpu.pmuSync()
        },
        def("PMCNTENCLR_EL0", 3, 3, 9, 12, 2, .storage, el0: .en).value { $0.sysreg(pmcntenset) }.writing { cpu, _, v in
            cpu.pmuSync(); cpu.setSysreg(pmcntenset, cpu.sysreg(pmcntenset) & ~(v & c)); cpu.pmuSync()
        },
        // Overflow flags: reads and writes first bring the counter up to date.
        def("PMOVSCLR_EL0", 3, 3, 9, 12, 3, .storage, el0: .en).value(overflowFlags).writing { cpu, slot, v in
            cpu.pmuSync(); cpu.setSysreg(slot, cpu.sysreg(slot) & ~(v & c)); cpu.updatePMUInterrupt()
        },
        // PMSWINC_EL0: increments event counters programmed with SW_INCR; none exist.
        def("PMSWINC_EL0", 3, 3, 9, 12, 4, .writeOnly, el0: .sw).writing { _, _, _ in },
        def("PMSELR_EL0", 3, 3, 9, 12, 5, .storage, el0: .er).writing { cpu, slot, v in cpu.setSysreg(slot, v & 0x1F) },
        // PMCEID0_EL0: CPU_CYCLES (event 0x11), the event the cycle counter counts.
        def("PMCEID0_EL0", 3, 3, 9, 12, 6, .readOnly, el0: .en, reset: 1 << 0x11),
        def("PMCEID1_EL0", 3, 3, 9, 12, 7, .readOnly, el0: .en),
        def("PMCCNTR_EL0", 3, 3, 9, 13, 0, .storage, el0: .cr).value { cpu in
            cpu.pmuSync()
            return cpu.sysreg(pmccntr)
        }.writing { cpu, slot, v in
            cpu.pmuSync()
            cpu.setSysreg(slot, v)
        },
        // PMXEVTYPER_EL0 reaches PMCCFILTR_EL0 when PMSELR_EL0.SEL = 31; with no
        // event counters any other SEL is UNDEFINED (a CONSTRAINED UNPREDICTABLE choice).
        def("PMXEVTYPER_EL0", 3, 3, 9, 13, 1, .storage, el0: .er)
            .checked { cpu, read in cpu.sysreg(pmselr) == 31 ? pmuEL0Access(cpu, read, .er) : .undefined }
            .value { $0.sysreg(pmccfiltr) }
            .writing { cpu, _, v in cpu.pmuSync(); cpu.setSysreg(pmccfiltr, v & filterMask); cpu.pmuSync() },
        def("PMUSERENR_EL0", 3, 3, 9, 14, 0, .storage, el0: .readOnly).writing { cpu, slot, v in cpu.setSysreg(slot, v & 0xF) },
        def("PMOVSSET_EL0", 3, 3, 9, 14, 3, .storage, el0: .en).value(overflowFlags).writing { cpu, _, v in
            cpu.pmuSync(); cpu.setSysreg(pmovs, cpu.sysreg(pmovs) | v & c); cpu.updatePMUInterrupt()
        },
        def("PMINTENSET_EL1", 3, 0, 9, 14, 1, .storage, el0: nil).writing { cpu, slot, v in
            cpu.setSysreg(slot, cpu.sysreg(slot) | v & c)
            cpu.updatePMUInterrupt()
        },
        def("PMINTENCLR_EL1", 3, 0, 9, 14, 2, .storage, el0: nil).value { $0.sysreg(pmintenset) }.writing { cpu, _, v in
            cpu.setSysreg(pmintenset, cpu.sysreg(pmintenset) & ~(v & c))
            cpu.updatePMUInterrupt()
        },
        def("PMCCFILTR_EL0", 3, 3, 14, 15, 7, .storage, el0: .en).writing { cpu, slot, v in
            cpu.pmuSync(); cpu.setSysreg(slot, v & filterMask); cpu.pmuSync()
        },
    ]

    @Sendable static func overflowFlags(_ cpu: CPU) -> UInt64 {
        cpu.pmuSync()
        return cpu.sysreg(pmovs)
    }

    /// What PMUSERENR_EL0 must allow for an EL0 access.
    enum EL0Access { case en, sw, cr, er, readOnly }

    private static func def(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
                            _ kind: SysRegDef.Kind, el0: EL0Access?, reset: UInt64 = 0,
                            extra: SysRegTraps = []) -> SysRegDef {
        var d = SysRegDef(name, op0, op1, crn, crm, op2, el: el0 == nil ? 1 : 0, kind, reset: reset).trapped(extra.union(.pmu))
        if let el0 { d = d.checked { cpu, read in pmuEL0Access(cpu, read, el0) } }
        return d
    }

    /// PMUSERENR_EL0: EN (bit 0) allows every EL0 access, SW (1) PMSWINC
    /// writes, CR (2) PMCCNTR reads, ER (3) PMSELR and event counter reads.
    /// PMUSERENR_EL0 itself is read-only at EL0 (writes UNDEFINED).
    @Sendable static func pmuEL0Access(_ cpu: CPU, _ read: Bool, _ rule: EL0Access) -> SysRegAccess {
        guard cpu.el == 0 else { return .allowed }
        if rule == .readOnly { return read ? .allowed : .undefined }
        let en = cpu.sysreg(pmuserenr)
        if en & 1 != 0 { return .allowed }
        switch rule {
        case .sw where en & 2 != 0: return .allowed
        case .cr where read && en & 4 != 0: return .allowed
        case .er where en & 8 != 0: return .allowed
        default: return .trap(toEL: cpu.syncTargetEL)
        }
    }

    static var pmcr: SysRegSlot { NamedSysReg.PMCR_EL0.slot }
    static var pmcntenset: SysRegSlot { NamedSysReg.PMCNTENSET_EL0.slot }
    static var pmovs: SysRegSlot { NamedSysReg.PMOVSCLR_EL0.slot }
    static var pmselr: SysRegSlot { NamedSysReg.PMSELR_EL0.slot }
    static var pmccntr: SysRegSlot { NamedSysReg.PMCCNTR_EL0.slot }
    static var pmuserenr: SysRegSlot { NamedSysReg.PMUSERENR_EL0.slot }
    static var pmintenset: SysRegSlot { NamedSysReg.PMINTENSET_EL1.slot }
    static var pmccfiltr: SysRegSlot { NamedSysReg.PMCCFILTR_EL0.slot }
}

/// The cycle counter's running state: since when it has counted (host
/// nanoseconds), whether it counts at the current EL, and the remainder of
/// the divide-by-64 prescaler.
struct PMUClock {
    var since: UInt64 = 0
    var counting = false
    var prescale: UInt64 = 0
}

extension CPU {
    /// PMCR_EL0.E and PMCNTENSET_EL0.C: the cycle counter may count somewhere
    /// (exception entry and return only sync it then).
    var pmuActive: Bool {
        sysreg(PMURegisters.pmcr) & 1 != 0 && sysreg(PMURegisters.pmcntenset) & PMURegisters.c != 0
    }

    /// Whether PMCCNTR_EL0 counts at the current EL and Security state
    /// (pseudocode AArch64.CountPMUEvents for the cycle counter, PMUv3).
    func cycleCounterCounts() -> Bool {
        guard pmuActive else { return false }
        let f = sysreg(PMURegisters.pmccfiltr)
        let p = f >> 31 & 1, u = f >> 30 & 1, nsk = f >> 29 & 1, nsu = f >> 28 & 1, nsh = f >> 27 & 1, m = f >> 26 & 1
        let e = el
        let secure = config.hasEL3 && (e == 3 || sysreg(SysRegTable.scrEL3) & 1 == 0)
        if config.hasEL3 && secure {
            // Counting is prohibited in Secure state and at EL3 unless MDCR_EL3.SPME;
            // the cycle counter still counts there unless PMCR_EL0.DP.
            let prohibited = sysreg(SysRegTable.mdcrEL3) >> 17 & 1 == 0
            if prohibited && sysreg(PMURegisters.pmcr) & (1 << 5) != 0 { return false }
        }
        let nonSecureWithEL3 = config.hasEL3 && !secure
        switch e {
        case 0: return nonSecureWithEL3 ? u == nsu : u == 0
        case 1: return nonSecureWithEL3 ? p == nsk : p == 0
        case 2: return nsh == 1
        default: return m == p
        }
    }

    /// Brings PMCCNTR_EL0 up to date for the time since the last sync, then
    /// starts a new interval with the counting state of the current EL.
    func pmuSync() {
        let now = HostClock.nanoseconds()
        if pmuClock.counting {
            var delta = now &- pmuClock.since
            if sysreg(PMURegisters.pmcr) & (1 << 3) != 0 {   // D: every 64th cycle
                let total = pmuClock.prescale &+ delta
                delta = total >> 6
                pmuClock.prescale = total & 63
            }
            let old = sysreg(PMURegisters.pmccntr)
            let new = old &+ delta
            let longCycle = sysreg(PMURegisters.pmcr) & (1 << 6) != 0
            let overflow = longCycle ? new < old : (old & 0xFFFF_FFFF) &+ delta > 0xFFFF_FFFF
            if overflow { setSysreg(PMURegisters.pmovs, sysreg(PMURegisters.pmovs) | PMURegisters.c) }
            setSysreg(PMURegisters.pmccntr, new)
        }
        pmuClock.since = now
        pmuClock.counting = cycleCounterCounts()
        updatePMUInterrupt()
    }

    /// Drives the PMU's overflow interrupt request (PMCR_EL0.E, PMINTENSET_EL1.C
    /// and PMOVSSET_EL0.C: Arm ARM D13.8.1) onto its PPI when it changes.
    func updatePMUInterrupt() {
        let level = sysreg(PMURegisters.pmcr) & 1 != 0
            && sysreg(PMURegisters.pmintenset) & sysreg(PMURegisters.pmovs) & PMURegisters.c != 0
        guard level != interrupts.pmuOutput else { return }
        interrupts.pmuOutput = level
        interruptController?.setPrivateInput(cpu: index, intid: PMURegisters.interruptID, level: level)
    }
}
