import Machine

// The GICv3 virtual CPU interface connected to the CPU (IHI 0069 chapter 6,
// 12.3, 12.4): the ICH_*_EL2 system registers (with EL2), the ICV_* view of
// the ICC_* registers at Non-secure EL1 while HCR_EL2.IMO/FMO route
// interrupts to EL2, the ICH_HCR_EL2 traps (TC, TALL0, TALL1, TDIR), the
// virtual IRQ/FIQ outputs (`InterruptState.setVirtualLine`, taken at EL1 by
// the CPU's routing rules), deactivation of the physical interrupt of a
// HW = 1 list register, and the maintenance interrupt (PPI 25, as QEMU's virt
// and the device tree's GIC node say). The state and its rules are
// GICv3VirtualState.swift.

/// The ICH_*_EL2 registers, encodings (op1 4, CRn 12, CRm, op2).
enum ICHRegister: Equatable {
    case ap0r, ap1r, hcr, vtr, misr, eisr, elrsr, vmcr, lr(Int)

    static var all: [ICHRegister] {
        [.ap0r, .ap1r, .hcr, .vtr, .misr, .eisr, .elrsr, .vmcr] + (0..<GICVirtualCPU.listRegisterCount).map { .lr($0) }
    }

    var name: String {
        switch self {
        case .ap0r: return "ICH_AP0R0_EL2"
        case .ap1r: return "ICH_AP1R0_EL2"
        case .hcr: return "ICH_HCR_EL2"
        case .vtr: return "ICH_VTR_EL2"
        case .misr: return "ICH_MISR_EL2"
        case .eisr: return "ICH_EISR_EL2"
        case .elrsr: return "ICH_ELRSR_EL2"
        case .vmcr: return "ICH_VMCR_EL2"
        case .lr(let n): return "ICH_LR\(n)_EL2"
        }
    }

    /// (CRm, op2).
    var encoding: (UInt32, UInt32) {
        switch self {
        case .ap0r: return (8, 0)
        case .ap1r: return (9, 0)
        case .hcr: return (11, 0)
        case .vtr: return (11, 1)
        case .misr: return (11, 2)
        case .eisr: return (11, 3)
        case .elrsr: return (11, 5)
        case .vmcr: return (11, 7)
        case .lr(let n): return (12 + UInt32(n / 8), UInt32(n % 8))
        }
    }

    var writable: Bool {
        switch self {
        case .vtr, .misr, .eisr, .elrsr: return false
        default: return true
        }
    }
}

extension GIC {
    // MARK: The ICH_* rows

    /// The ICH_*_EL2 rows (they exist with EL2); their closures hold this
    /// interface as the ICC_* rows do (`row`: no reference count per access).
    func virtualInterfaceRegisters() -> [SysRegDef] {
        ICHRegister.all.map { reg in
            let (crm, op2) = reg.encoding
            let read: @Sendable (CPU) -> UInt64? = { [unowned(unsafe) self] cpu in self.readICH(reg, cpu) }
            var write: (@Sendable (CPU, UInt64) -> Bool)? = nil
            if reg.writable {
                write = { [unowned(unsafe) self] cpu, v in
                    self.writeICH(reg, cpu, v)
                    return true
                }
            }
            return SysRegDef.special(reg.name, 3, 4, 12, crm, op2, el: 2, requires: 2, read: read, write: write)
        }
    }

    func readICH(_ reg: ICHRegister, _ cpu: CPU) -> UInt64 {
        let n = cpu.index
        return locked {
            let v = cpus[n].virt
            switch reg {
            case .ap0r: return UInt64(v.apr[0])
            case .ap1r: return UInt64(v.apr[1])
            case .hcr: return v.hcr
            case .vtr: return GICVirtualCPU.vtr
            case .misr: return v.misr
            case .eisr: return v.eisr
            case .elrsr: return v.elrsr
            case .vmcr: return v.vmcr
            case .lr(let i): return v.lr[i]
            }
        }
    }

    func writeICH(_ reg: ICHRegister, _ cpu: CPU, _ value: UInt64) {
        let n = cpu.index
        locked {
            switch reg {
            case .ap0r: cpus[n].virt.apr[0] = UInt32(truncatingIfNeeded: value)
            case .ap1r: cpus[n].virt.apr[1] = UInt32(truncatingIfNeeded: value)
            case .hcr: cpus[n].virt.hcr = value & ICHBits.hcrWritable
            case .vmcr: cpus[n].virt.vmcr = GICVirtualCPU.sanitizedVMCR(value)
            case .lr(let i): cpus[n].virt.lr[i] = GICVirtualCPU.sanitizedLR(value)
            case .vtr, .misr, .eisr, .elrsr: break
            }
            updateVirtual(n)
        }
    }

    // MARK: The ICV_* view

    /// Whether an ICC_* access from `cpu` reaches the virtual interface
    /// (IHI 0069 12.3): at Non-secure EL1 with EL2 enabled, the Group 0
    /// registers while HCR_EL2.FMO is set, the Group 1 ones while IMO is, the
    /// common ones (CTLR, DIR, PMR, RPR) while either is.
    func usesVirtualInterface(_ reg: ICCRegister, _ cpu: CPU) -> Bool {
        guard cpu.el == 1, !GIC.isSecure(cpu) else { return false }
        let c = cpu.interruptControls
        guard c.el2Enabled else { return false }
        let fmo: UInt64 = 1 << 3, imo: UInt64 = 1 << 4
        switch reg {
        case .iar0, .eoir0, .hppir0, .bpr0, .ap0r, .igrpen0: return c.hcr & fmo != 0
        case .iar1, .eoir1, .hppir1, .bpr1, .ap1r, .igrpen1: return c.hcr & imo != 0
        case .ctlr, .dir, .pmr, .rpr: return c.hcr & (fmo | imo) != 0
        default: return false
        }
    }

    /// The ICH_HCR_EL2 traps of Non-secure EL1 accesses to EL2 (they come
    /// before SCR_EL3's): TC the common registers (CTLR, DIR, PMR, RPR, the
    /// SGI registers), TALL0 the Group 0 ones, TALL1 the Group 1 ones, TDIR DIR.
    func virtualInterfaceTrap(_ reg: ICCRegister, _ cpu: CPU) -> Bool {
        guard cpu.el == 1, !GIC.isSecure(cpu), cpu.interruptControls.el2Enabled else { return false }
        let hcr = locked { cpus[cpu.index].virt.hcr }
        switch reg {
        case .ctlr, .pmr, .rpr, .sgi0r, .sgi1r, .asgi1r: return hcr & ICHBits.hcrTC != 0
        case .dir: return hcr & (ICHBits.hcrTC | ICHBits.hcrTDIR) != 0
        case .iar0, .eoir0, .hppir0, .bpr0, .ap0r, .igrpen0: return hcr & ICHBits.hcrTALL0 != 0
        case .iar1, .eoir1, .hppir1, .bpr1, .ap1r, .igrpen1: return hcr & ICHBits.hcrTALL1 != 0
        default: return false
        }
    }

    /// An ICV_* read (lock taken here).
    func readICV(_ reg: ICCRegister, _ cpu: CPU) -> UInt64 {
        let n = cpu.index
        return locked {
            var result: UInt64 = 0
            switch reg {
            case .pmr: result = UInt64(cpus[n].virt.vpmr)
            case .bpr0: result = UInt64(cpus[n].virt.readBPR(false))
            case .bpr1: result = UInt64(cpus[n].virt.readBPR(true))
            case .igrpen0: result = cpus[n].virt.groupEnabled(false) ? 1 : 0
            case .igrpen1: result = cpus[n].virt.groupEnabled(true) ? 1 : 0
            case .ctlr:
                // CBPR 0, EOImode 1, PRIbits [10:8], IDbits [13:11] (24 bits), A3V 15: as ICH_VTR_EL2.
                let vmcr = cpus[n].virt.vmcr
                result = (vmcr & ICHBits.vmcrVCBPR != 0 ? 1 : 0) | (vmcr & ICHBits.vmcrVEOIM != 0 ? 2 : 0)
                    | UInt64(GICVirtualCPU.priorityBits - 1) << 8 | 1 << 11 | 1 << 15
            case .rpr: result = UInt64(cpus[n].virt.runningPriority)
            case .ap0r(let i): result = i == 0 ? UInt64(cpus[n].virt.apr[0]) : 0
            case .ap1r(let i): result = i == 0 ? UInt64(cpus[n].virt.apr[1]) : 0
            case .hppir0: result = UInt64(cpus[n].virt.highestPendingID(group1: false))
            case .hppir1: result = UInt64(cpus[n].virt.highestPendingID(group1: true))
            case .iar0, .iar1:
                result = UInt64(cpus[n].virt.acknowledge(group1: reg == .iar1))
                updateVirtual(n)
            default: break
            }
            return result
        }
    }

    /// An ICV_* write (lock taken here).
    func writeICV(_ reg: ICCRegister, _ cpu: CPU, _ v: UInt64) {
        let n = cpu.index
        locked {
            var physical: Int?
            switch reg {
            case .pmr:
                let p = v & GICVirtualCPU.priorityMask
                cpus[n].virt.vmcr = cpus[n].virt.vmcr & ~(0xFF << ICHBits.vmcrVPMRShift) | p << ICHBits.vmcrVPMRShift
            case .bpr0: cpus[n].virt.writeBPR(false, v)
            case .bpr1: cpus[n].virt.writeBPR(true, v)
            case .igrpen0, .igrpen1:
                let bit = reg == .igrpen1 ? ICHBits.vmcrVENG1 : ICHBits.vmcrVENG0
                cpus[n].virt.vmcr = v & 1 != 0 ? cpus[n].virt.vmcr | bit : cpus[n].virt.vmcr & ~bit
            case .ctlr:
                var m = cpus[n].virt.vmcr & ~(ICHBits.vmcrVCBPR | ICHBits.vmcrVEOIM)
                if v & 1 != 0 { m |= ICHBits.vmcrVCBPR }
                if v & 2 != 0 { m |= ICHBits.vmcrVEOIM }
                cpus[n].virt.vmcr = m
            case .ap0r(let i): if i == 0 { cpus[n].virt.apr[0] = UInt32(truncatingIfNeeded: v) }
            case .ap1r(let i): if i == 0 { cpus[n].virt.apr[1] = UInt32(truncatingIfNeeded: v) }
            case .eoir0, .eoir1:
                physical = cpus[n].virt.endOfInterrupt(Int(v & 0xFF_FFFF), group1: reg == .eoir1)
            case .dir:
                physical = cpus[n].virt.deactivateInterrupt(Int(v & 0xFF_FFFF))
            default: break
            }
            // A HW = 1 list register deactivates its physical interrupt too.
            if let p = physical, p < irqCount {
                modify(n, p) { $0.active = false }
                if p < 32 { updateCPU(n) } else { updateAll() }
            }
            updateVirtual(n)
        }
    }

    // MARK: Outputs (lock held)

    /// Drives `n`'s vIRQ, vFIQ and maintenance interrupt (PPI 25, level) from its virtual interface.
    func updateVirtual(_ n: Int) {
        driveVirtualOutputs(n, cpus[n].virt.latchOutputs())
    }
}
