import Machine

/// GICv3 distributor register offsets (IHI 0069 12.9, table 12-25): those
/// of GICDistributorRegisterMap, and GICv3's own.
public enum GICv3DistributorRegs: GICDistributorRegisterMap {
    public static let typer2: UInt64 = 0x000C
    public static let statusr: UInt64 = 0x0010
    public static let irouter: UInt64 = 0x6000
    public static let pidr4: UInt64 = 0xFFD0
    /// The values QEMU's GICv3 distributor reports at 0xFFD0-0xFFFC (PIDR2 0x3B: GICv3).
    public static let idBytes: [UInt8] = [0x44, 0x00, 0x00, 0x00, 0x92, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]
    /// GICD_IIDR: ARM (0x43B), as QEMU's GICv3.
    public static let iidrValue: UInt32 = 0x0000_043B
    /// QEMU's virt: 64 KiB at 0x0800_0000.
    public static let size: UInt64 = 0x10000

    /// GICD_CTLR bits. With DS = 1: EnableGrp0 (0), EnableGrp1 (1), ARE (4).
    public static let ctlrEnableGrp0: UInt32 = 1 << 0
    public static let ctlrEnableGrp1NS: UInt32 = 1 << 1
    public static let ctlrEnableGrp1S: UInt32 = 1 << 2
    public static let ctlrARES: UInt32 = 1 << 4
    public static let ctlrARENS: UInt32 = 1 << 5
    public static let ctlrDS: UInt32 = 1 << 6
}

/// The GICv3 distributor (`-M virt,gic-version=3`), MMIO at 0x0800_0000: the
/// SPIs' enables, pending and active state, groups, priorities, trigger modes
/// and routes (GICD_IROUTER). Affinity routing is always on (GICD_CTLR.ARE_S
/// and ARE_NS are RAO/WI, as QEMU: no legacy mode), so the INTID 0-31 banks
/// of the distributor are RAZ/WI (the redistributors hold them). Accesses are
/// made in the requesting CPU's current Security state.
public final class GICv3Distributor: GICFrame, RequesterMMIODevice {
    public let name = "gicv3-dist"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v3)
    }

    typealias R = GICv3DistributorRegs

    /// The requesting CPU (`attributes.cpuIndex`) decides the Security state of the access.
    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        distributorRead(name, offset: offset, size: size, attributes: attributes, wide: { cpu, secure in
            guard (R.irouter + 0x100..<R.irouter + 0x2000).contains(offset) else { return nil }
            let intid = Int(offset - R.irouter) / 8
            guard intid < gic.irqCount, gic.visible(gic.irqs[intid], secure: secure) else { return 0 }
            let route = gic.irqs[intid].route
            if size == 8 { return route }
            return offset & 4 == 0 ? route & 0xFFFF_FFFF : route >> 32
        }, word: { cpu, secure in readWord(offset, cpu: cpu, secure: secure) })
    }

    private func readWord(_ offset: UInt64, cpu: Int, secure: Bool) -> UInt32 {
        // INTIDs 0-31 are the redistributor's: RAZ/WI here.
        if let (reg, first) = GICBitRegister.decode(offset, groupModifier: true) {
            return first < 32 ? 0 : gic.readBits(reg, cpu: cpu, first: first, secure: secure)
        }
        switch offset {
        case R.ctlr:
            let c = gic.distCtlr
            if secure || gic.singleSecurityState { return c }
            // Non-secure view (as QEMU): EnableGrp1NS at bit 0, ARE_NS at bit 4.
            return (c & (R.ctlrEnableGrp1NS | R.ctlrARENS)) >> 1
        case R.typer:
            let secExtn: UInt32 = gic.singleSecurityState ? 0 : 1 << 10
            // No1N (25), A3V (24), IDbits 16 (23:19), LPIS (17), ITLinesNumber.
            let lpis: UInt32 = gic.lpisSupported ? 1 << 17 : 0
            return 1 << 25 | 1 << 24 | 0xF << 19 | lpis | secExtn | UInt32(gic.irqCount / 32 - 1)
        case R.iidr: return R.iidrValue
        case R.typer2, R.statusr: return 0
        case R.icfgr..<R.icfgr + 0x100:
            let first = Int(offset - R.icfgr) * 4
            return first < 32 ? 0 : gic.readConfig(cpu: cpu, first: first, secure: secure)
        case R.nsacr..<R.nsacr + 0x100: return 0
        case R.pidr4..<R.pidr4 + 0x30: return UInt32(R.idBytes[Int(offset - R.pidr4) >> 2])
        default:
            onGuestError?("gicv3-dist: read of unknown register at \(hex(offset))")
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        distributorWrite(name, offset: offset, size: size, value: value, attributes: attributes, wide: { cpu, secure in
            guard (R.irouter + 0x100..<R.irouter + 0x2000).contains(offset) else { return false }
            let intid = Int(offset - R.irouter) / 8
            guard intid < gic.irqCount, gic.visible(gic.irqs[intid], secure: secure) else { return true }
            var route = gic.irqs[intid].route
            if size == 8 {
                route = value
            } else if offset & 4 == 0 {
                route = route & ~0xFFFF_FFFF | value & 0xFFFF_FFFF
            } else {
                route = route & 0xFFFF_FFFF | (value & 0xFFFF_FFFF) << 32
            }
            // Aff3 (39:32), Aff2-Aff0 (23:0); Interrupt_Routing_Mode is RES0 (No1N).
            gic.irqs[intid].route = route & 0xFF_00FF_FFFF
            gic.updateAll()
            return true
        }, word: { v, cpu, secure in writeWord(offset, v, cpu: cpu, secure: secure) })
    }

    private func writeWord(_ offset: UInt64, _ v: UInt32, cpu: Int, secure: Bool) {
        if let (reg, first) = GICBitRegister.decode(offset, groupModifier: true) {
            if first >= 32 { gic.writeBits(reg, cpu: cpu, first: first, value: v, secure: secure) }
            return
        }
        switch offset {
        case R.ctlr: writeCtlr(v, secure: secure)
        case R.icfgr..<R.icfgr + 0x100:
            let first = Int(offset - R.icfgr) * 4
            if first >= 32 { gic.writeConfig(cpu: cpu, first: first, value: v, secure: secure) }
        case R.nsacr..<R.nsacr + 0x100, R.sgir: break   // no NSACR grants; GICD_SGIR is legacy-only
        case R.typer, R.iidr, R.typer2, R.statusr, R.pidr4..<R.pidr4 + 0x30: break
        default:
            onGuestError?("gicv3-dist: write of unknown register at \(hex(offset)) ignored")
        }
    }

    /// GICD_CTLR: the group enables; ARE_S/ARE_NS stay set; a Secure write may
    /// set DS (one way: the GIC then has one Security state).
    private func writeCtlr(_ v: UInt32, secure: Bool) {
        var c = gic.distCtlr
        if gic.singleSecurityState {
            c = c & ~(R.ctlrEnableGrp0 | R.ctlrEnableGrp1NS) | v & (R.ctlrEnableGrp0 | R.ctlrEnableGrp1NS)
        } else if secure {
            let mask = R.ctlrEnableGrp0 | R.ctlrEnableGrp1NS | R.ctlrEnableGrp1S | R.ctlrDS
            c = c & ~mask | v & mask
            if c & R.ctlrDS != 0 { c &= ~(R.ctlrEnableGrp1S | R.ctlrARENS) }
        } else {
            // The Non-secure view's EnableGrp1A (bit 1) is EnableGrp1NS.
            c = c & ~R.ctlrEnableGrp1NS | v & R.ctlrEnableGrp1NS
        }
        gic.distCtlr = c
        gic.updateAll()
    }
}
