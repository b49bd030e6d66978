import Machine

/// GICv3 redistributor register offsets (IHI 0069 12.10, 12.11): the RD_base
/// frame, then the SGI_base frame 64 KiB above it.
public enum GICv3RedistributorRegs: GICInterruptRegisterMap {
    public static let ctlr: UInt64 = 0x0000
    public static let iidr: UInt64 = 0x0004
    public static let typer: UInt64 = 0x0008
    public static let statusr: UInt64 = 0x0010
    public static let waker: UInt64 = 0x0014
    public static let propbaser: UInt64 = 0x0070
    public static let pendbaser: UInt64 = 0x0078
    public static let pidr4: UInt64 = 0xFFD0
    /// SGI_base frame: the registers of GICInterruptRegisterMap for INTIDs 0-31.
    public static let sgiBase: UInt64 = 0x10000
    /// The values QEMU's GICv3 redistributor reports at 0xFFD0-0xFFFC.
    public static let idBytes: [UInt8] = [0x44, 0x00, 0x00, 0x00, 0x93, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]
    public static let iidrValue: UInt32 = 0x0000_043B
    /// One redistributor: RD_base and SGI_base, 64 KiB each.
    public static let stride: UInt64 = 0x20000
    /// GICR_WAKER: ProcessorSleep (1), ChildrenAsleep (2).
    public static let wakerProcessorSleep: UInt32 = 1 << 1
    public static let wakerChildrenAsleep: UInt32 = 1 << 2
}

/// The GICv3 redistributors, one per CPU, 128 KiB apart from 0x080A_0000 on
/// QEMU's virt: each CPU's SGIs and PPIs (enables, pending and active state,
/// groups, priorities, PPI trigger modes), GICR_TYPER (its affinity, Last on
/// the last one) and GICR_WAKER. With an ITS, LPIs (GICR_TYPER.PLPIS = 1):
/// GICR_CTLR.EnableLPIs, GICR_PROPBASER and GICR_PENDBASER (GICv3LPI.swift).
public final class GICv3Redistributor: GICFrame, RequesterMMIODevice {
    public let name = "gicv3-redist"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v3)
    }

    /// The size of the region: one stride per CPU.
    public var size: UInt64 { UInt64(gic.cpuCount) * R.stride }

    typealias R = GICv3RedistributorRegs

    /// The requesting CPU (`attributes.cpuIndex`) decides the Security state of the access.
    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        let cpu = Int(offset / R.stride)
        let off = offset % R.stride
        return gic.locked {
            let secure = gic.accessIsSecure(min(attributes.cpuIndex, gic.cpuCount - 1))
            if off >= R.sgiBase {
                let o = off - R.sgiBase
                if (R.ipriorityr..<R.ipriorityr + 0x20).contains(o) {
                    return GICByteLanes.read(size: size) { b in
                        gic.readPriority(cpu: cpu, intid: Int(o - R.ipriorityr) + b, secure: secure)
                    }
                }
                guard size == 4 else { return 0 }
                if let (reg, first) = GICBitRegister.decode(o, groupModifier: true), first == 0 {
                    return UInt64(gic.readBits(reg, cpu: cpu, first: 0, secure: secure))
                }
                switch o {
                case R.icfgr: return UInt64(gic.readConfig(cpu: cpu, first: 0, secure: secure))
                case R.icfgr + 4: return UInt64(gic.readConfig(cpu: cpu, first: 16, secure: secure))
                case R.nsacr: return 0
                default:
                    onGuestError?("gicv3-redist: read of unknown register at \(hex(offset))")
                    return 0
                }
            }
            if (R.pidr4..<R.pidr4 + 0x30).contains(off) && size == 4 {
                return UInt64(R.idBytes[Int(off - R.pidr4) >> 2])
            }
            switch off {
            case R.typer:
                let t = typer(cpu)
                return size == 8 ? t : t & 0xFFFF_FFFF
            case R.typer + 4: return typer(cpu) >> 32
            case R.ctlr: return UInt64(gic.cpus[cpu].gicrCtlr) | (gic.cpus[cpu].lpi.enabled ? 1 : 0)
            case R.iidr: return UInt64(R.iidrValue)
            case R.statusr: return 0
            case R.waker:
                return gic.cpus[cpu].processorSleep ? UInt64(R.wakerProcessorSleep | R.wakerChildrenAsleep) : 0
            case R.propbaser, R.pendbaser, R.propbaser + 4, R.pendbaser + 4:
                guard gic.lpisSupported else { return 0 }
                let reg = off & ~7 == R.propbaser ? gic.cpus[cpu].lpi.propbaser : gic.cpus[cpu].lpi.pendbaser
                return off & 4 != 0 ? reg >> 32 : size == 8 ? reg : reg & 0xFFFF_FFFF
            default:
                onGuestError?("gicv3-redist: read of unknown register at \(hex(offset))")
                return 0
            }
        }
    }

    /// GICR_TYPER: Affinity_Value (63:32), Processor_Number (23:8), Last (4),
    /// PLPIS (0).
    private func typer(_ cpu: Int) -> UInt64 {
        let aff = gic.cpus[cpu].affinity
        let affinityValue = (aff & 0xFF_FFFF) | (aff >> 32 & 0xFF) << 24
        return affinityValue << 32 | UInt64(cpu) << 8 | (cpu == gic.cpuCount - 1 ? 1 << 4 : 0) | (gic.lpisSupported ? 1 : 0)
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        let cpu = Int(offset / R.stride)
        let off = offset % R.stride
        let v = UInt32(truncatingIfNeeded: value)
        gic.locked {
            let secure = gic.accessIsSecure(min(attributes.cpuIndex, gic.cpuCount - 1))
            if off >= R.sgiBase {
                let o = off - R.sgiBase
                if (R.ipriorityr..<R.ipriorityr + 0x20).contains(o) {
                    GICByteLanes.write(size: size, value: value) { b, byte in
                        gic.writePriority(cpu: cpu, intid: Int(o - R.ipriorityr) + b, value: byte, secure: secure)
                    }
                    gic.updateCPU(cpu)
                    return
                }
                guard size == 4 else { return }
                if let (reg, first) = GICBitRegister.decode(o, groupModifier: true), first == 0 {
                    return gic.writeBits(reg, cpu: cpu, first: 0, value: v, secure: secure)
                }
                switch o {
                case R.icfgr: break   // SGIs: always edge-triggered
                case R.icfgr + 4: gic.writeConfig(cpu: cpu, first: 16, value: v, secure: secure)
                case R.nsacr: break
                default:
                    onGuestError?("gicv3-redist: write of unknown register at \(hex(offset)) ignored")
                }
                return
            }
            switch off {
            case R.waker:
                // The interface quiesces at once: ChildrenAsleep follows ProcessorSleep.
                gic.cpus[cpu].processorSleep = v & R.wakerProcessorSleep != 0
            case R.ctlr: gic.setLPIsEnabled(cpu, v & LPIRegisterBits.ctlrEnableLPIs != 0)
            case R.propbaser, R.pendbaser, R.propbaser + 4, R.pendbaser + 4:
                guard gic.lpisSupported else { break }
                let prop = off & ~7 == R.propbaser
                let old = prop ? gic.cpus[cpu].lpi.propbaser : gic.cpus[cpu].lpi.pendbaser
                let new: UInt64
                if size == 8 { new = value }
                else if off & 4 != 0 { new = old & 0xFFFF_FFFF | UInt64(v) << 32 }
                else { new = old & ~0xFFFF_FFFF | UInt64(v) }
                if prop { gic.writePropbaser(cpu, new) } else { gic.writePendbaser(cpu, new) }
            case R.typer, R.typer + 4, R.iidr, R.statusr, R.pidr4..<R.pidr4 + 0x30: break
            default:
                onGuestError?("gicv3-redist: write of unknown register at \(hex(offset)) ignored")
            }
        }
    }
}
