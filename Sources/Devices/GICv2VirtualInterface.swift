import Machine

// The GICv2 virtualization extensions on MMIO (IHI 0048B chapter 5), as
// QEMU's virt maps them with `virtualization=on,gic-version=2`: the virtual
// interface control registers GICH_* of the requesting CPU at 0x0803_0000,
// and the virtual CPU interface GICV_* at 0x0804_0000, the guest's GICC
// backed by the list registers. vIRQ and vFIQ go to the CPU through
// `InterruptState.setVirtualLine` (taken at EL1 while HCR_EL2.IMO/FMO route
// interrupts to EL2), the maintenance interrupt is PPI 25 (level), and a
// HW = 1 list register deactivates its physical interrupt. The state and
// its rules are GICv2VirtualState.swift.

/// GICH_* register offsets (IHI 0048B 5.3, table 5-1).
public enum GICv2VirtualControlRegs {
    public static let hcr: UInt64 = 0x000
    public static let vtr: UInt64 = 0x004
    public static let vmcr: UInt64 = 0x008
    public static let misr: UInt64 = 0x010
    public static let eisr0: UInt64 = 0x020
    public static let eisr1: UInt64 = 0x024
    public static let elrsr0: UInt64 = 0x030
    public static let elrsr1: UInt64 = 0x034
    public static let apr: UInt64 = 0x0F0
    public static let lr0: UInt64 = 0x100
    /// GICH_LR0-63 (0x100-0x1FC); those past the implemented ones are RAZ/WI.
    public static let lrEnd: UInt64 = 0x200
    /// QEMU maps one 4 KiB frame (the requesting CPU's) in the 64 KiB window.
    public static let size: UInt64 = 0x1000
}

/// GICV_* offsets: those of the GICC_* (GICv2CPUInterfaceRegs), 8 KiB.
public enum GICv2VirtualCPUInterfaceRegs {
    public static let size: UInt64 = 0x2000
    /// GICV_IIDR: the GICC_IIDR value (as QEMU's).
    public static let iidrValue: UInt32 = GICv2CPUInterfaceRegs.iidrValue
}

/// GICH_*: the hypervisor's view of the requesting CPU's virtual interface.
public final class GICv2VirtualControl: GICFrame, RequesterMMIODevice {
    public let name = "gicv2-hyp"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v2)
    }

    typealias R = GICv2VirtualControlRegs

    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        guard size == 4 else {
            onGuestError?("gicv2-hyp: \(size)-byte read at \(hex(offset))")
            return 0
        }
        return UInt64(gic.access(attributes) { cpu, _ -> UInt32 in
            let v = gic.cpus[cpu].virt2
            switch offset {
            case R.hcr: return v.hcr
            case R.vtr: return GICv2VirtualCPU.vtr
            case R.vmcr: return v.vmcr
            case R.misr: return v.misr
            case R.eisr0: return v.eisr
            case R.elrsr0: return v.elrsr
            case R.eisr1, R.elrsr1: return 0
            case R.apr: return v.apr[0]
            case R.lr0..<R.lrEnd:
                let i = Int(offset - R.lr0) / 4
                return i < GICv2VirtualCPU.listRegisterCount ? v.lr[i] : 0
            default:
                onGuestError?("gicv2-hyp: read of unknown register at \(hex(offset))")
                return 0
            }
        })
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        guard size == 4 else {
            onGuestError?("gicv2-hyp: \(size)-byte write at \(hex(offset)) ignored")
            return
        }
        let v = UInt32(truncatingIfNeeded: value)
        gic.access(attributes) { cpu, _ in
            switch offset {
            case R.hcr: gic.cpus[cpu].virt2.hcr = v & GICHBits.hcrWritable
            case R.vmcr: gic.cpus[cpu].virt2.writeVMCR(v)
            case R.apr: gic.cpus[cpu].virt2.apr[0] = v
            case R.lr0..<R.lrEnd:
                let i = Int(offset - R.lr0) / 4
                if i < GICv2VirtualCPU.listRegisterCount { gic.cpus[cpu].virt2.lr[i] = v & GICHBits.lrWritable }
            case R.vtr, R.misr, R.eisr0, R.eisr1, R.elrsr0, R.elrsr1: return   // read-only
            default:
                onGuestError?("gicv2-hyp: write of unknown register at \(hex(offset)) ignored")
                return
            }
            gic.updateVirtualV2(cpu)
        }
    }
}

/// GICV_*: the virtual CPU interface a guest uses as its GICC.
public final class GICv2VirtualCPUInterface: GICFrame, RequesterMMIODevice {
    public let name = "gicv2-vcpu"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v2)
    }

    typealias R = GICv2CPUInterfaceRegs

    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        guard size == 4 else {
            onGuestError?("gicv2-vcpu: \(size)-byte read at \(hex(offset))")
            return 0
        }
        return UInt64(gic.access(attributes) { cpu, _ -> UInt32 in
            let v = gic.cpus[cpu].virt2
            switch offset {
            case R.ctlr: return v.ctlr
            case R.pmr: return v.pmr
            case R.bpr: return v.bpr
            case R.abpr: return v.abpr
            case R.iar, R.aiar:
                let id = gic.cpus[cpu].virt2.acknowledge(aliased: offset == R.aiar)
                gic.updateVirtualV2(cpu)
                return UInt32(id)
            case R.rpr: return UInt32(v.runningPriority)
            case R.hppir: return UInt32(v.highestPendingID())
            case R.ahppir: return UInt32(v.highestPendingID(aliased: true))
            case R.apr0: return v.apr[0]
            case R.apr0 + 4..<R.apr0 + 0x10, R.nsapr0..<R.nsapr0 + 0x10: return 0
            case R.iidr: return GICv2VirtualCPUInterfaceRegs.iidrValue
            case R.eoir, R.aeoir, R.dir: return 0   // write-only
            default:
                onGuestError?("gicv2-vcpu: read of unknown register at \(hex(offset))")
                return 0
            }
        })
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        guard size == 4 else {
            onGuestError?("gicv2-vcpu: \(size)-byte write at \(hex(offset)) ignored")
            return
        }
        let v = UInt32(truncatingIfNeeded: value)
        gic.access(attributes) { cpu, _ in
            var physical: Int?
            switch offset {
            case R.ctlr: gic.cpus[cpu].virt2.ctlr = v & GICHBits.ctlrWritable
            case R.pmr: gic.cpus[cpu].virt2.pmr = v & GICv2VirtualCPU.priorityMask
            case R.bpr: gic.cpus[cpu].virt2.bpr = max(v & 7, GICv2VirtualCPU.minimumBPR)
            case R.abpr: gic.cpus[cpu].virt2.abpr = max(v & 7, GICv2VirtualCPU.minimumABPR)
            case R.eoir, R.aeoir: physical = gic.cpus[cpu].virt2.endOfInterrupt(Int(v & 0x3FF))
            case R.dir: physical = gic.cpus[cpu].virt2.deactivateInterrupt(Int(v & 0x3FF))
            case R.apr0: gic.cpus[cpu].virt2.apr[0] = v
            case R.apr0 + 4..<R.apr0 + 0x10, R.nsapr0..<R.nsapr0 + 0x10: return
            case R.iar, R.aiar, R.rpr, R.hppir, R.ahppir, R.iidr: return   // read-only
            default:
                onGuestError?("gicv2-vcpu: write of unknown register at \(hex(offset)) ignored")
                return
            }
            // A HW = 1 list register deactivates its physical interrupt, as a
            // Non-secure GICC_DIR write would (Group 0 ones stay active with
            // two Security states).
            if let p = physical, p < gic.irqCount, !gic.securityExtensions || gic.irq(cpu, p).group1 {
                gic.modify(cpu, p) { $0.active = false }
                if p < 32 { gic.updateCPU(cpu) } else { gic.updateAll() }
            }
            gic.updateVirtualV2(cpu)
        }
    }
}

extension GIC {
    /// Drives `n`'s vIRQ, vFIQ and maintenance interrupt (PPI 25, level)
    /// from its GICv2 virtual interface (lock held).
    func updateVirtualV2(_ n: Int) {
        driveVirtualOutputs(n, cpus[n].virt2.latchOutputs())
    }
}
