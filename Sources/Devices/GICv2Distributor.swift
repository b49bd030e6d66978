import Machine

/// GICv2 distributor register offsets (IHI 0048B 4.1.2, table 4-1): those
/// of GICDistributorRegisterMap, and the SGI pending bytes.
public enum GICv2DistributorRegs: GICDistributorRegisterMap {
    public static let cpendsgir: UInt64 = 0xF10
    public static let spendsgir: UInt64 = 0xF20
    /// Peripheral and component ID registers (0xFD0-0xFFC).
    public static let pidr4: UInt64 = 0xFD0
    /// The values QEMU's GICv2 reports at 0xFD0-0xFFC.
    public static let idBytes: [UInt8] = [0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]
    /// GICD_IIDR (IHI 0048B 4.3.3: ProductID [31:24], Variant [19:16],
    /// Revision [15:12], Implementer [11:0]): ARM, the rest 0, as QEMU 7.2's GICv2.
    public static let iidrValue: UInt32 = 0x0000_043B
    /// The register map (IHI 0048B table 4-1: 4 KiB). QEMU's virt reserves a
    /// 64 KiB window for it (the device tree says so); the rest of the window
    /// is unmapped, as in QEMU.
    public static let size: UInt64 = 0x1000
}

/// The GICv2 distributor (`-M virt,gic-version=2`), MMIO at 0x0800_0000.
/// Accesses are made in the requesting CPU's current Security state (Secure
/// when the GIC has no Security Extensions).
public final class GICv2Distributor: GICFrame, RequesterMMIODevice {
    public let name = "gicv2-dist"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v2)
    }

    typealias R = GICv2DistributorRegs

    /// The banked registers are those of the requesting CPU (`attributes.cpuIndex`).
    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        distributorRead(name, offset: offset, size: size, attributes: attributes, wide: { cpu, secure in
            guard (R.cpendsgir..<R.cpendsgir + 0x20).contains(offset) else { return nil }
            return GICByteLanes.read(size: size) { b in
                let sgi = Int(offset - R.cpendsgir) & 0xF + b
                guard sgi < 16, gic.visible(gic.irq(cpu, sgi), secure: secure) else { return 0 }
                return gic.irq(cpu, sgi).sgiSources
            }
        }, word: { cpu, secure in readWord(offset, cpu: cpu, secure: secure) })
    }

    private func readWord(_ offset: UInt64, cpu: Int, secure: Bool) -> UInt32 {
        if let (reg, first) = GICBitRegister.decode(offset, groupModifier: false) {
            return gic.readBits(reg, cpu: cpu, first: first, secure: secure)
        }
        switch offset {
        case R.ctlr:
            if secure || gic.singleSecurityState { return gic.distCtlr & 3 }
            return (gic.distCtlr >> 1) & 1   // Non-secure view: EnableGrp1 at bit 0
        case R.typer:
            return UInt32(gic.irqCount / 32 - 1) | UInt32(gic.cpuCount - 1) << 5
                | (gic.securityExtensions ? 1 << 10 : 0)
        case R.iidr: return R.iidrValue
        case R.icfgr..<R.icfgr + 0x100:
            return gic.readConfig(cpu: cpu, first: Int(offset - R.icfgr) * 4, secure: secure)
        case R.nsacr..<R.nsacr + 0x100: return 0
        case R.sgir: return 0   // write-only
        case R.pidr4..<R.pidr4 + 0x30:
            return UInt32(R.idBytes[Int(offset - R.pidr4) >> 2])
        default:
            onGuestError?("gicv2-dist: read of unknown register at \(hex(offset))")
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        distributorWrite(name, offset: offset, size: size, value: value, attributes: attributes, wide: { cpu, secure in
            guard (R.cpendsgir..<R.cpendsgir + 0x20).contains(offset) else { return false }
            let set = offset >= R.spendsgir
            GICByteLanes.write(size: size, value: value) { b, bits in
                let sgi = Int(offset - R.cpendsgir) & 0xF + b
                guard sgi < 16, gic.visible(gic.irq(cpu, sgi), secure: secure) else { return }
                gic.modify(cpu, sgi) {
                    $0.sgiSources = set ? $0.sgiSources | bits : $0.sgiSources & ~bits
                    $0.latch = $0.sgiSources != 0
                }
            }
            gic.updateCPU(cpu)
            return true
        }, word: { v, cpu, secure in writeWord(offset, v, cpu: cpu, secure: secure) })
    }

    private func writeWord(_ offset: UInt64, _ v: UInt32, cpu: Int, secure: Bool) {
        if let (reg, first) = GICBitRegister.decode(offset, groupModifier: false) {
            return gic.writeBits(reg, cpu: cpu, first: first, value: v, secure: secure)
        }
        switch offset {
        case R.ctlr:
            if secure || gic.singleSecurityState {
                gic.distCtlr = v & 3
            } else {
                gic.distCtlr = gic.distCtlr & ~2 | (v & 1) << 1
            }
            gic.updateAll()
        case R.icfgr..<R.icfgr + 0x100:
            gic.writeConfig(cpu: cpu, first: Int(offset - R.icfgr) * 4, value: v, secure: secure)
        case R.nsacr..<R.nsacr + 0x100: break
        case R.sgir: gic.writeSGIR(v, from: cpu, secure: secure)
        case R.typer, R.iidr, R.pidr4..<R.pidr4 + 0x30: break   // read-only
        default:
            onGuestError?("gicv2-dist: write of unknown register at \(hex(offset)) ignored")
        }
    }
}

extension GIC {
    /// GICD_ITARGETSR byte: RAZ/WI on a GIC with one CPU interface (IHI 0048
    /// 4.3.12); for SGIs and PPIs the reading CPU's own bit.
    func readTargets(cpu: Int, intid: Int, secure: Bool) -> UInt8 {
        guard cpuCount > 1, intid < irqCount else { return 0 }
        if intid < 32 { return 1 << UInt8(cpu) }
        return visible(irqs[intid], secure: secure) ? irqs[intid].targets : 0
    }

    func writeTargets(intid: Int, value: UInt8, secure: Bool) {
        guard cpuCount > 1, intid >= 32, intid < irqCount, visible(irqs[intid], secure: secure) else { return }
        irqs[intid].targets = value & UInt8(truncatingIfNeeded: (1 << cpuCount) - 1)
    }

    /// GICD_SGIR (IHI 0048 4.3.15): TargetListFilter [25:24] (0 the list, 1 all
    /// but the requester, 2 the requester), CPUTargetList [23:16], NSATT [15]
    /// (the group a Secure write targets: 0 Group 0, 1 Group 1), SGIINTID [3:0].
    /// A Non-secure write reaches only SGIs in Group 1.
    func writeSGIR(_ v: UInt32, from source: Int, secure: Bool) {
        let sgi = Int(v & 0xF)
        let filter = (v >> 24) & 3
        var targets: UInt32
        switch filter {
        case 0: targets = (v >> 16) & 0xFF
        case 1: targets = UInt32((1 << cpuCount) - 1) & ~(1 << UInt32(source))
        case 2: targets = 1 << UInt32(source)
        default: return
        }
        targets &= UInt32((1 << cpuCount) - 1)
        let nsatt = (v >> 15) & 1 == 1
        for c in 0..<cpuCount where targets & (1 << UInt32(c)) != 0 {
            let g1 = cpus[c].banked[sgi].group1
            if securityExtensions && (secure ? g1 != nsatt : !g1) { continue }
            raiseSGI(sgi, on: c, from: source)
        }
    }
}
