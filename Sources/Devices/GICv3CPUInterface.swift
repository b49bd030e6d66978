import Machine

/// The GICv3 CPU interface registers (IHI 0069 12.2, the ICC_* system
/// registers), with their encodings (op0, op1, CRn, CRm, op2).
public enum ICCRegister: Sendable, Equatable {
    case pmr, iar0, eoir0, hppir0, bpr0, ap0r(Int), ap1r(Int), dir, rpr, sgi1r, asgi1r, sgi0r
    case iar1, eoir1, hppir1, bpr1, ctlr, sre, igrpen0, igrpen1, sreEL2, ctlrEL3, sreEL3, igrpen1EL3

    /// Every register the CPU interface has (4 AP0R/AP1R each: 5 priority bits).
    public static let all: [ICCRegister] = [.pmr, .iar0, .eoir0, .hppir0, .bpr0] + (0..<4).map { .ap0r($0) }
        + (0..<4).map { .ap1r($0) } + [.dir, .rpr, .sgi1r, .asgi1r, .sgi0r, .iar1, .eoir1, .hppir1, .bpr1, .ctlr,
                                       .sre, .igrpen0, .igrpen1, .sreEL2, .ctlrEL3, .sreEL3, .igrpen1EL3]

    public var name: String {
        switch self {
        case .pmr: return "ICC_PMR_EL1"
        case .iar0: return "ICC_IAR0_EL1"
        case .eoir0: return "ICC_EOIR0_EL1"
        case .hppir0: return "ICC_HPPIR0_EL1"
        case .bpr0: return "ICC_BPR0_EL1"
        case .ap0r(let n): return "ICC_AP0R\(n)_EL1"
        case .ap1r(let n): return "ICC_AP1R\(n)_EL1"
        case .dir: return "ICC_DIR_EL1"
        case .rpr: return "ICC_RPR_EL1"
        case .sgi1r: return "ICC_SGI1R_EL1"
        case .asgi1r: return "ICC_ASGI1R_EL1"
        case .sgi0r: return "ICC_SGI0R_EL1"
        case .iar1: return "ICC_IAR1_EL1"
        case .eoir1: return "ICC_EOIR1_EL1"
        case .hppir1: return "ICC_HPPIR1_EL1"
        case .bpr1: return "ICC_BPR1_EL1"
        case .ctlr: return "ICC_CTLR_EL1"
        case .sre: return "ICC_SRE_EL1"
        case .igrpen0: return "ICC_IGRPEN0_EL1"
        case .igrpen1: return "ICC_IGRPEN1_EL1"
        case .sreEL2: return "ICC_SRE_EL2"
        case .ctlrEL3: return "ICC_CTLR_EL3"
        case .sreEL3: return "ICC_SRE_EL3"
        case .igrpen1EL3: return "ICC_IGRPEN1_EL3"
        }
    }

    /// (op1, CRn, CRm, op2); op0 is 3.
    public var encoding: (UInt32, UInt32, UInt32, UInt32) {
        switch self {
        case .pmr: return (0, 4, 6, 0)
        case .iar0: return (0, 12, 8, 0)
        case .eoir0: return (0, 12, 8, 1)
        case .hppir0: return (0, 12, 8, 2)
        case .bpr0: return (0, 12, 8, 3)
        case .ap0r(let n): return (0, 12, 8, 4 + UInt32(n))
        case .ap1r(let n): return (0, 12, 9, UInt32(n))
        case .dir: return (0, 12, 11, 1)
        case .rpr: return (0, 12, 11, 3)
        case .sgi1r: return (0, 12, 11, 5)
        case .asgi1r: return (0, 12, 11, 6)
        case .sgi0r: return (0, 12, 11, 7)
        case .iar1: return (0, 12, 12, 0)
        case .eoir1: return (0, 12, 12, 1)
        case .hppir1: return (0, 12, 12, 2)
        case .bpr1: return (0, 12, 12, 3)
        case .ctlr: return (0, 12, 12, 4)
        case .sre: return (0, 12, 12, 5)
        case .igrpen0: return (0, 12, 12, 6)
        case .igrpen1: return (0, 12, 12, 7)
        case .sreEL2: return (4, 12, 9, 5)
        case .ctlrEL3: return (6, 12, 12, 4)
        case .sreEL3: return (6, 12, 12, 5)
        case .igrpen1EL3: return (6, 12, 12, 7)
        }
    }

    /// The lowest EL that may access it.
    public var minEL: Int {
        switch self {
        case .sreEL2: return 2
        case .ctlrEL3, .sreEL3, .igrpen1EL3: return 3
        default: return 1
        }
    }

    /// Read-only (IAR, HPPIR, RPR) or write-only (EOIR, DIR, SGI) registers.
    var readable: Bool {
        switch self {
        case .eoir0, .eoir1, .dir, .sgi0r, .sgi1r, .asgi1r: return false
        default: return true
        }
    }
    var writable: Bool {
        switch self {
        case .iar0, .iar1, .hppir0, .hppir1, .rpr: return false
        default: return true
        }
    }

    /// Which interrupt group the register belongs to, for the traps:
    /// 0 (Group 0: SCR_EL3.FIQ, HCR_EL2.FMO), 1 (Group 1: SCR_EL3.IRQ,
    /// HCR_EL2.IMO), nil for the common ones (both).
    var trapGroup: Int? {
        switch self {
        case .iar0, .eoir0, .hppir0, .bpr0, .ap0r, .igrpen0, .sgi0r: return 0
        case .iar1, .eoir1, .hppir1, .bpr1, .ap1r, .igrpen1, .sgi1r, .asgi1r: return 1
        default: return nil
        }
    }
}

/// ICC_CTLR_EL1 / ICC_CTLR_EL3 and ICC_SRE bits.
enum ICCBits {
    static let ctlrCBPR: UInt64 = 1 << 0
    static let ctlrEOImode: UInt64 = 1 << 1
    /// ICC_CTLR_EL3: EOImode_EL3 (2), EOImode_EL1S (3), EOImode_EL1NS (4), CBPR_EL1S (0), CBPR_EL1NS (1).
    static let ctlr3EOImodeEL3: UInt64 = 1 << 2
    /// Read-only fields: PRIbits [10:8] (priority bits - 1), IDbits [13:11] = 0
    /// (16 bits), A3V (15).
    static func readOnlyFields(_ gic: GIC) -> UInt64 { UInt64(gic.priorityBits - 1) << 8 | 1 << 15 }
    /// ICC_SRE_ELx: SRE (0), DFB (1), DIB (2) are RAO/WI (no legacy
    /// interface, as QEMU); Enable (3) of ICC_SRE_EL2/EL3 is writable.
    static let sreFixed: UInt64 = 0b111
    static let sreEnable: UInt64 = 1 << 3
}

extension GIC {
    // MARK: The system-register rows

    /// The ICC_* rows the board adds to the system-register table
    /// (`System.addSystemRegisters`) when it builds a GICv3 machine. Each row's
    /// closures reach this GIC for the CPU that executes the MRS/MSR.
    public func systemRegisters() -> [SysRegDef] {
        precondition(version == .v3)
        var rows: [SysRegDef] = []
        for reg in ICCRegister.all {
            rows.append(row(reg))
        }
        return rows + virtualInterfaceRegisters()
    }

    /// An ICC_* register row. Its closures hold this interface unowned without
    /// the runtime's check (the machine owns both the interface and the
    /// register table): an MRS/MSR takes no reference count.
    private func row(_ reg: ICCRegister) -> SysRegDef {
        let (op1, crn, crm, op2) = reg.encoding
        let readable = reg.readable, writable = reg.writable
        let read: @Sendable (CPU) -> UInt64? = { [unowned(unsafe) self] (cpu: CPU) -> UInt64? in
            readable ? self.readICC(reg, cpu) : nil
        }
        var write: (@Sendable (CPU, UInt64) -> Bool)? = nil
        if writable {
            write = { [unowned(unsafe) self] (cpu: CPU, v: UInt64) -> Bool in
                self.writeICC(reg, cpu, v)
                return true
            }
        }
        let def = SysRegDef.special(reg.name, 3, op1, crn, crm, op2, el: reg.minEL, requires: reg.minEL,
                                    read: read, write: write)
        return def.checked { [unowned(unsafe) self] (cpu: CPU, isRead: Bool) -> SysRegAccess in
            if isRead ? !readable : !writable { return .undefined }
            return self.iccAccess(reg, cpu)
        }
    }

    /// The traps of ICC_* accesses (IHI 0069 12.1.8 and each register's
    /// "Configurations" / traps; QEMU's gicv3_*_access): at EL1 and EL2,
    /// SCR_EL3.FIQ traps the Group 0 registers to EL3, SCR_EL3.IRQ the Group
    /// 1 ones, both together the common ones — at EL1 only when EL2 does not
    /// take them (HCR_EL2.FMO/IMO clear or EL2 disabled). At Non-secure EL1,
    /// HCR_EL2.FMO/IMO trap the SGI registers to EL2. ICC_SRE_EL1 (and
    /// ICC_SRE_EL2) trap to EL2 (EL3) while ICC_SRE_EL2.Enable
    /// (ICC_SRE_EL3.Enable) is 0.
    func iccAccess(_ reg: ICCRegister, _ cpu: CPU) -> SysRegAccess {
        let el = cpu.el
        guard el < 3 else { return .allowed }
        let c = cpu.interruptControls
        let hcr = c.el2Enabled ? c.hcr : 0
        let scr = c.hasEL3 ? c.scr : 0
        let fmo: UInt64 = 1 << 3, imo: UInt64 = 1 << 4
        let scrFIQ: UInt64 = 1 << 2, scrIRQ: UInt64 = 1 << 1
        let index = cpu.index
        let sre = locked { cpus[index].sreEnable }
        switch reg {
        case .sre:
            if el == 1 && c.el2Enabled && sre & (1 << 4) == 0 { return .trap(toEL: 2) }   // ICC_SRE_EL2.Enable
            if c.hasEL3 && sre & ICCBits.sreEnable == 0 { return .trap(toEL: 3) }          // ICC_SRE_EL3.Enable
            return .allowed
        case .sreEL2:
            if c.hasEL3 && sre & ICCBits.sreEnable == 0 { return .trap(toEL: 3) }
            return .allowed
        default: break
        }
        if virtualInterfaceTrap(reg, cpu) { return .trap(toEL: 2) }   // ICH_HCR_EL2.TC/TALL0/TALL1/TDIR
        if el == 1 && c.el2Enabled {
            switch reg {
            case .sgi0r where hcr & fmo != 0: return .trap(toEL: 2)
            case .sgi1r where hcr & imo != 0, .asgi1r where hcr & imo != 0: return .trap(toEL: 2)
            default: break
            }
        }
        let routed: Bool
        let el2Takes: Bool
        switch reg.trapGroup {
        case 0: routed = scr & scrFIQ != 0; el2Takes = hcr & fmo != 0
        case 1: routed = scr & scrIRQ != 0; el2Takes = hcr & imo != 0
        default: routed = scr & (scrFIQ | scrIRQ) == scrFIQ | scrIRQ; el2Takes = hcr & (fmo | imo) != 0
        }
        if routed && (el == 2 || !el2Takes) { return .trap(toEL: 3) }
        return .allowed
    }

    // MARK: Register semantics

    /// Which copy of a banked register (ICC_CTLR_EL1, ICC_BPR1_EL1,
    /// ICC_IGRPEN1_EL1, ICC_AP1Rn_EL1) an access uses: the Non-secure one from
    /// Non-secure state, and at EL3 the one SCR_EL3.NS selects.
    private func usesNSBank(_ cpu: CPU) -> Bool {
        if singleSecurityState { return true }
        if cpu.el == 3 { return cpu.interruptControls.scr & 1 != 0 }
        return !GIC.isSecure(cpu)
    }

    /// The Group 1 of the current Security state (EL3: Secure Group 1).
    private func currentGroup1(_ cpu: CPU) -> Group {
        singleSecurityState || !GIC.isSecure(cpu) ? .g1ns : .g1s
    }

    /// EOImode in effect: ICC_CTLR_EL3.EOImode_EL3 at EL3, else the bank of the Security state.
    private func eoiSplit(_ cpu: CPU) -> Bool {
        let c = cpus[cpu.index]
        if cpu.el == 3 && !singleSecurityState { return c.iccCtlrEL3 & ICCBits.ctlr3EOImodeEL3 != 0 }
        let bank = singleSecurityState || !GIC.isSecure(cpu) ? 1 : 0
        return c.iccCtlr[bank] & ICCBits.ctlrEOImode != 0
    }

    /// ICC_PMR_EL1 and ICC_RPR_EL1 show the Non-secure view of the priority
    /// range (Secure half hidden, values shifted) to Non-secure accesses only
    /// while Group 0 belongs to EL3, SCR_EL3.FIQ = 1 (IHI 0069 4.8.6, the
    /// registers' pseudocode; as QEMU). With FIQ = 0, as for a kernel started
    /// directly in Non-secure state, they are accessed as by Secure software.
    func nonSecureView(_ cpu: CPU) -> Bool {
        !singleSecurityState && !GIC.isSecure(cpu) && cpu.sysreg(SysRegTable.scrEL3) & (1 << 2) != 0
    }

    func readICC(_ reg: ICCRegister, _ cpu: CPU) -> UInt64 {
        if usesVirtualInterface(reg, cpu) { return readICV(reg, cpu) }
        let n = cpu.index
        return locked {
            let c = cpus[n]
            switch reg {
            case .pmr:
                guard nonSecureView(cpu) else { return UInt64(c.pmr) }
                return c.pmr & 0x80 == 0 ? 0 : c.pmr == 0xFF ? 0xFF : UInt64((c.pmr << 1) & 0xFF)
            case .bpr0: return UInt64(c.bpr[0])
            case .bpr1: return UInt64(c.bpr[usesNSBank(cpu) ? 2 : 1])
            case .igrpen0: return c.groupEnable[0] ? 1 : 0
            case .igrpen1: return c.groupEnable[usesNSBank(cpu) ? 2 : 1] ? 1 : 0
            case .igrpen1EL3: return (c.groupEnable[2] ? 1 : 0) | (c.groupEnable[1] ? 2 : 0)
            case .ctlr: return c.iccCtlr[usesNSBank(cpu) ? 1 : 0] | ICCBits.readOnlyFields(self)
            case .ctlrEL3:
                // CBPR_EL1S 0, CBPR_EL1NS 1, EOImode_EL3 2, EOImode_EL1S 3, EOImode_EL1NS 4.
                let s = c.iccCtlr[0], ns = c.iccCtlr[1]
                return (s & 1) | (ns & 1) << 1 | (c.iccCtlrEL3 & ICCBits.ctlr3EOImodeEL3)
                    | (s >> 1 & 1) << 3 | (ns >> 1 & 1) << 4 | ICCBits.readOnlyFields(self)
            case .sre: return ICCBits.sreFixed
            case .sreEL2: return ICCBits.sreFixed | (c.sreEnable >> 4 & 1) << 3
            case .sreEL3: return ICCBits.sreFixed | (c.sreEnable & ICCBits.sreEnable)
            case .rpr:
                let r = runningPriority(n)
                if nonSecureView(cpu) {
                    return r & 0x80 == 0 ? 0 : r == GIC.idle ? UInt64(r) : UInt64((r << 1) & 0xFF)
                }
                return UInt64(r)
            case .ap0r(let i): return UInt64(c.apr[0].word32(i))
            case .ap1r(let i): return UInt64(c.apr[usesNSBank(cpu) ? 2 : 1].word32(i))
            case .hppir0: return UInt64(hppir0(n, cpu))
            case .hppir1: return UInt64(hppir1(n, cpu))
            case .iar0:
                guard hppiCanPreempt(n) else { return UInt64(GIC.spurious) }
                let id = hppir0(n, cpu)
                if id < 1020 || id >= GIC.firstLPI { activate(n, id) }
                return UInt64(id)
            case .iar1:
                guard hppiCanPreempt(n) else { return UInt64(GIC.spurious) }
                let id = hppir1(n, cpu)
                if id < 1020 || id >= GIC.firstLPI { activate(n, id) }
                return UInt64(id)
            case .eoir0, .eoir1, .dir, .sgi0r, .sgi1r, .asgi1r: return 0
            }
        }
    }

    /// ICC_HPPIR0_EL1: a Group 0 interrupt; at EL3 a Group 1 one reads as
    /// 1020 (Secure) or 1021 (Non-secure).
    private func hppir0(_ n: Int, _ cpu: CPU) -> Int {
        let c = cpus[n]
        guard c.hppi >= 0 else { return GIC.spurious }
        if c.hppiGroup == .g0 { return c.hppi }
        if cpu.el == 3 && !singleSecurityState { return c.hppiGroup == .g1s ? 1020 : 1021 }
        return GIC.spurious
    }

    /// ICC_HPPIR1_EL1: a Group 1 interrupt of the current Security state; at
    /// EL3 either Group 1 (as QEMU 7.2).
    private func hppir1(_ n: Int, _ cpu: CPU) -> Int {
        let c = cpus[n]
        guard c.hppi >= 0, c.hppiGroup != .g0 else { return GIC.spurious }
        if cpu.el == 3 || c.hppiGroup == currentGroup1(cpu) { return c.hppi }
        return GIC.spurious
    }

    func writeICC(_ reg: ICCRegister, _ cpu: CPU, _ v: UInt64) {
        if usesVirtualInterface(reg, cpu) { return writeICV(reg, cpu, v) }
        let n = cpu.index
        locked {
            switch reg {
            case .pmr:
                var p = UInt8(truncatingIfNeeded: v) & priorityMask
                // A Non-secure write may not unmask Secure priorities.
                if nonSecureView(cpu) {
                    guard cpus[n].pmr & 0x80 != 0 else { return }
                    p = 0x80 | p >> 1
                    p &= priorityMask
                }
                cpus[n].pmr = p
            case .bpr0:
                cpus[n].bpr[0] = UInt8(max(Int(v & 7), minimumBPR(.g0)))
            case .bpr1:
                let g: Group = usesNSBank(cpu) ? .g1ns : .g1s
                cpus[n].bpr[g.rawValue] = UInt8(max(Int(v & 7), minimumBPR(g)))
            case .igrpen0: cpus[n].groupEnable[0] = v & 1 != 0
            case .igrpen1: cpus[n].groupEnable[usesNSBank(cpu) ? 2 : 1] = v & 1 != 0
            case .igrpen1EL3:
                cpus[n].groupEnable[2] = v & 1 != 0
                if !singleSecurityState { cpus[n].groupEnable[1] = v & 2 != 0 }
            case .ctlr:
                cpus[n].iccCtlr[usesNSBank(cpu) ? 1 : 0] = v & (ICCBits.ctlrCBPR | ICCBits.ctlrEOImode)
            case .ctlrEL3:
                cpus[n].iccCtlr[0] = (v & 1) | (v >> 3 & 1) << 1
                cpus[n].iccCtlr[1] = (v >> 1 & 1) | (v >> 4 & 1) << 1
                cpus[n].iccCtlrEL3 = v & ICCBits.ctlr3EOImodeEL3
            case .sre: break   // SRE, DFB, DIB: RAO/WI
            case .sreEL2: cpus[n].sreEnable = cpus[n].sreEnable & ~(1 << 4) | (v >> 3 & 1) << 4
            case .sreEL3: cpus[n].sreEnable = cpus[n].sreEnable & ~ICCBits.sreEnable | v & ICCBits.sreEnable
            case .ap0r, .ap1r: break   // kept by acknowledge and EOI (the APRs are not restored)
            case .eoir0, .eoir1: endOfInterrupt(n, cpu, intid: Int(v & 0xFF_FFFF), eoir0: reg == .eoir0)
            case .dir: deactivateICC(n, cpu, intid: Int(v & 0xFF_FFFF))
            case .sgi0r: generateSGI(n, cpu, v, group: .g0)
            case .sgi1r: generateSGI(n, cpu, v, group: currentGroup1(cpu))
            case .asgi1r:
                generateSGI(n, cpu, v, group: currentGroup1(cpu) == .g1ns ? .g1s : .g1ns)
            case .iar0, .iar1, .hppir0, .hppir1, .rpr: break
            }
            updateCPU(n)
        }
    }

    /// ICC_EOIR0/1_EL1: drops the running priority when its group is the
    /// register's (and the current Security state may end it); with EOImode 0
    /// it also deactivates `intid`.
    private func endOfInterrupt(_ n: Int, _ cpu: CPU, intid: Int, eoir0: Bool) {
        guard intid < irqCount || intid >= GIC.firstLPI, let g = highestActiveGroup(n) else { return }
        let secure = GIC.isSecure(cpu)
        let el3 = cpu.el == 3
        switch g {
        case .g0: if !eoir0 { return }
        case .g1s: if eoir0 || (!secure && !singleSecurityState) { return }
        case .g1ns: if eoir0 || (secure && !el3 && !singleSecurityState) { return }
        }
        dropPriority(n, g)
        // LPIs have no active state (IHI 0069 4.1.2).
        if !eoiSplit(cpu) && intid < irqCount { deactivateChecked(n, cpu, intid) }
    }

    /// ICC_DIR_EL1: deactivates `intid` while EOImode is 1 (ignored otherwise).
    private func deactivateICC(_ n: Int, _ cpu: CPU, intid: Int) {
        guard eoiSplit(cpu), intid < irqCount else { return }
        deactivateChecked(n, cpu, intid)
    }

    /// Deactivates unless Non-secure state names a Secure interrupt.
    private func deactivateChecked(_ n: Int, _ cpu: CPU, _ intid: Int) {
        let g = group(of: irq(n, intid))
        if !singleSecurityState && !GIC.isSecure(cpu) && g != .g1ns { return }
        modify(n, intid) { $0.active = false }
    }

    /// ICC_SGI0R/SGI1R/ASGI1R_EL1: TargetList [15:0], Aff1 [23:16], INTID
    /// [27:24], Aff2 [39:32], IRM [40] (every PE but this one), RS [47:44],
    /// Aff3 [55:48]. A target takes the SGI when it is configured in `group`
    /// (a Secure Group 1 request reaches a Group 0 SGI too, as QEMU).
    private func generateSGI(_ n: Int, _ cpu: CPU, _ v: UInt64, group requested: Group) {
        let sgi = Int(v >> 24 & 0xF)
        let irm = v >> 40 & 1 == 1
        let aff321 = (v >> 16 & 0xFF) << 8 | (v >> 32 & 0xFF) << 16 | (v >> 48 & 0xFF) << 32
        let rs = Int(v >> 44 & 0xF)
        for t in cpus.indices {
            let aff = cpus[t].affinity
            if irm {
                if t == n { continue }
            } else {
                guard aff & ~0xFF == aff321 else { continue }
                let aff0 = Int(aff & 0xFF)
                guard aff0 >> 4 == rs, v & (1 << UInt64(aff0 & 0xF)) != 0 else { continue }
            }
            let g = group(of: cpus[t].banked[sgi])
            let ok = g == requested || (requested == .g1s && g == .g0) || singleSecurityState && requested == g
            if ok { raiseSGI(sgi, on: t, from: n) }
        }
    }
}
