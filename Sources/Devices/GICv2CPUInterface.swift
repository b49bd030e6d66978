import Machine

/// GICv2 CPU interface register offsets (IHI 0048B 4.1.3, table 4-2).
public enum GICv2CPUInterfaceRegs {
    public static let ctlr: UInt64 = 0x00
    public static let pmr: UInt64 = 0x04
    public static let bpr: UInt64 = 0x08
    public static let iar: UInt64 = 0x0C
    public static let eoir: UInt64 = 0x10
    public static let rpr: UInt64 = 0x14
    public static let hppir: UInt64 = 0x18
    public static let abpr: UInt64 = 0x1C
    public static let aiar: UInt64 = 0x20
    public static let aeoir: UInt64 = 0x24
    public static let ahppir: UInt64 = 0x28
    public static let apr0: UInt64 = 0xD0
    public static let nsapr0: UInt64 = 0xE0
    public static let iidr: UInt64 = 0xFC
    public static let dir: UInt64 = 0x1000
    /// GICC_IIDR (IHI 0048B 4.4.16): ProductID [31:20] 0 (IMPLEMENTATION
    /// DEFINED; QEMU's GICv2 gives none), Architecture version [19:16] 2,
    /// Revision [15:12] 0, Implementer [11:0] 0x43B (ARM). (GICD_IIDR has
    /// another layout, no version field.)
    public static let iidrValue: UInt32 = 0x0002_043B
    /// The register map (IHI 0048B table 4-2: 8 KiB, GICC_DIR at 0x1000). QEMU's
    /// virt reserves a 64 KiB window for it at 0x0801_0000 (the device tree says
    /// so); the rest of the window is unmapped, as in QEMU.
    public static let size: UInt64 = 0x2000

    /// GICC_CTLR bits (Secure layout; the Non-secure view has EnableGrp1 at 0, EOImodeNS at 9).
    public static let enableGrp0: UInt32 = 1 << 0
    public static let enableGrp1: UInt32 = 1 << 1
    public static let ackCtl: UInt32 = 1 << 2
    public static let fiqEn: UInt32 = 1 << 3
    public static let cbpr: UInt32 = 1 << 4
    public static let eoiModeS: UInt32 = 1 << 9
    public static let eoiModeNS: UInt32 = 1 << 10
}

/// The GICv2 CPU interface (`-M virt,gic-version=2`), MMIO at 0x0801_0000:
/// acknowledge (GICC_IAR), priority drop and deactivation (GICC_EOIR, and
/// GICC_DIR when GICC_CTLR.EOImode is 1), the priority mask and binary points,
/// the running priority. The registers are the requesting CPU's, in its
/// current Security state.
public final class GICv2CPUInterface: GICFrame, RequesterMMIODevice {
    public let name = "gicv2-cpu"

    public init(gic: GIC) {
        super.init(gic: gic, version: .v2)
    }

    typealias R = GICv2CPUInterfaceRegs

    /// The banked registers are those of the requesting CPU (`attributes.cpuIndex`).
    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        guard size == 4 else {
            onGuestError?("gicv2-cpu: \(size)-byte read at \(hex(offset))")
            return 0
        }
        return UInt64(gic.access(attributes) { cpu, secure -> UInt32 in
            let c = gic.cpus[cpu]
            let nsView = !secure && !gic.singleSecurityState
            switch offset {
            case R.ctlr:
                if !nsView { return c.giccCtlr }
                return (c.giccCtlr >> 1) & 1 | (c.giccCtlr >> 10 & 1) << 9
            case R.pmr:
                return nsView ? UInt32(c.pmr) << 1 & 0xFF : UInt32(c.pmr)
            case R.bpr:
                return nsView ? UInt32(c.bpr[GIC.Group.g1ns.rawValue]) : UInt32(c.bpr[0])
            case R.abpr:
                return secure ? UInt32(c.bpr[GIC.Group.g1ns.rawValue]) : 0
            case R.iar: return UInt32(gic.acknowledgeV2(cpu, secure: secure, aliased: false))
            case R.aiar: return secure ? UInt32(gic.acknowledgeV2(cpu, secure: false, aliased: true)) : 0
            case R.rpr:
                // The Non-secure view (IHI 0048 4.4.6): idle reads 0xFF, a
                // running priority in the Secure half 0, else value << 1.
                let r = UInt32(gic.runningPriority(cpu))
                guard nsView, r != 0xFF else { return r }
                return r & 0x80 == 0 ? 0 : (r << 1) & 0xFF
            case R.hppir: return UInt32(gic.highestPendingV2(cpu, secure: secure))
            case R.ahppir: return secure ? UInt32(gic.highestPendingV2(cpu, secure: false)) : 0
            case R.apr0..<R.apr0 + 0x10:
                let n = Int(offset - R.apr0) / 4
                return c.apr[nsView ? GIC.Group.g1ns.rawValue : 0].word32(n)
            case R.nsapr0..<R.nsapr0 + 0x10:
                let n = Int(offset - R.nsapr0) / 4
                return secure ? c.apr[GIC.Group.g1ns.rawValue].word32(n) : 0
            case R.iidr: return R.iidrValue
            case R.eoir, R.aeoir, R.dir: return 0   // write-only
            default:
                onGuestError?("gicv2-cpu: read of unknown register at \(hex(offset))")
                return 0
            }
        })
    }

    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        guard size == 4 else {
            onGuestError?("gicv2-cpu: \(size)-byte write at \(hex(offset)) ignored")
            return
        }
        let v = UInt32(truncatingIfNeeded: value)
        gic.access(attributes) { cpu, secure in
            let nsView = !secure && !gic.singleSecurityState
            switch offset {
            case R.ctlr:
                if nsView {
                    var c = gic.cpus[cpu].giccCtlr & ~(R.enableGrp1 | R.eoiModeNS)
                    c |= (v & 1) << 1 | (v >> 9 & 1) << 10
                    gic.cpus[cpu].giccCtlr = c
                } else {
                    gic.cpus[cpu].giccCtlr = v & 0x7FF
                }
                let c = gic.cpus[cpu].giccCtlr
                gic.cpus[cpu].groupEnable = [c & R.enableGrp0 != 0, false, c & R.enableGrp1 != 0]
                gic.updateCPU(cpu)
            case R.pmr:
                if nsView {
                    // The Non-secure view writes the lower half of the range (IHI 0048 3.6.2).
                    if gic.cpus[cpu].pmr & 0x80 != 0 { gic.cpus[cpu].pmr = UInt8(0x80 | (v & 0xFF) >> 1) }
                } else {
                    gic.cpus[cpu].pmr = UInt8(v & 0xFF) & gic.priorityMask
                }
                gic.updateCPU(cpu)
            case R.bpr:
                let g = nsView ? GIC.Group.g1ns : .g0
                gic.cpus[cpu].bpr[g.rawValue] = UInt8(max(Int(v & 7), gic.minimumBPR(g)))
                gic.updateCPU(cpu)
            case R.abpr:
                if secure { gic.cpus[cpu].bpr[GIC.Group.g1ns.rawValue] = UInt8(max(Int(v & 7), gic.minimumBPR(.g1ns))) }
                gic.updateCPU(cpu)
            case R.eoir: gic.endOfInterruptV2(cpu, intid: Int(v & 0x3FF), secure: secure, aliased: false)
            case R.aeoir: if secure { gic.endOfInterruptV2(cpu, intid: Int(v & 0x3FF), secure: false, aliased: true) }
            case R.dir: gic.deactivateV2(cpu, intid: Int(v & 0x3FF), secure: secure)
            case R.apr0..<R.apr0 + 0x10, R.nsapr0..<R.nsapr0 + 0x10: break   // state is kept by acknowledge/EOI
            case R.iar, R.aiar, R.rpr, R.hppir, R.ahppir, R.iidr: break   // read-only
            default:
                onGuestError?("gicv2-cpu: write of unknown register at \(hex(offset)) ignored")
            }
        }
    }
}

extension GIC {
    /// GICC_CTLR.EOImode for an access in `secure` state (EOImodeS, or EOImodeNS).
    func eoiModeV2(_ cpu: Int, secure: Bool) -> Bool {
        let c = cpus[cpu].giccCtlr
        return secure || singleSecurityState ? c & GICv2CPUInterfaceRegs.eoiModeS != 0
                                             : c & GICv2CPUInterfaceRegs.eoiModeNS != 0
    }

    /// GICC_HPPIR: the highest-priority pending interrupt (with the source CPU
    /// of an SGI in bits 12:10), 1022 for a Group 1 one seen by a Secure read
    /// with AckCtl clear, 1023 when none or when a Non-secure read would see a
    /// Group 0 one.
    func highestPendingV2(_ cpu: Int, secure: Bool) -> Int {
        let c = cpus[cpu]
        guard c.hppi >= 0, c.hppiPriority < Int(c.pmr) else { return GIC.spurious }
        let g1 = c.hppiGroup != .g0
        if !secure && securityExtensions && !g1 { return GIC.spurious }
        if secure && g1 && c.giccCtlr & GICv2CPUInterfaceRegs.ackCtl == 0 { return 1022 }
        return c.hppi | sgiSourceBits(cpu, c.hppi)
    }

    /// CPUID of the lowest source CPU of a pending GICv2 SGI, in bits 12:10.
    func sgiSourceBits(_ cpu: Int, _ intid: Int) -> Int {
        guard intid < 16 else { return 0 }
        let s = cpus[cpu].banked[intid].sgiSources
        return s == 0 ? 0 : s.trailingZeroBitCount << 10
    }

    /// GICC_IAR / GICC_AIAR (IHI 0048 4.4.4): acknowledges the highest-priority
    /// pending interrupt when it can preempt, else returns 1023 (or 1022: a
    /// Group 1 interrupt read through a Secure GICC_IAR with AckCtl clear).
    func acknowledgeV2(_ cpu: Int, secure: Bool, aliased: Bool) -> Int {
        let c = cpus[cpu]
        guard c.hppi >= 0, c.hppiPriority < Int(c.pmr) else { return GIC.spurious }
        let running = runningPriority(cpu)
        if running != GIC.idle && c.hppiPriority & groupPriorityMask(cpu, c.hppiGroup) >= running {
            return GIC.spurious
        }
        let g1 = c.hppiGroup != .g0
        if aliased && !g1 { return GIC.spurious }
        if !secure && securityExtensions && !g1 { return GIC.spurious }
        if secure && !aliased && g1 && c.giccCtlr & GICv2CPUInterfaceRegs.ackCtl == 0 { return 1022 }
        let intid = c.hppi
        let sourceBits = sgiSourceBits(cpu, intid)
        activate(cpu, intid, sourceCPU: intid < 16 ? sourceBits >> 10 : nil)
        return intid | sourceBits
    }

    /// GICC_EOIR / GICC_AEOIR: priority drop of the running priority's group
    /// (when the access may end it), and deactivation with EOImode 0.
    func endOfInterruptV2(_ cpu: Int, intid: Int, secure: Bool, aliased: Bool) {
        guard intid < irqCount, let g = highestActiveGroup(cpu) else { return }
        // A Non-secure EOI cannot end a Group 0 interrupt.
        if (!secure || aliased) && securityExtensions && g == .g0 { return }
        dropPriority(cpu, g)
        if !eoiModeV2(cpu, secure: secure) {
            deactivate(cpu, intid)
        } else {
            updateCPU(cpu)
        }
    }

    /// GICC_DIR: deactivates an interrupt (EOImode 1). A Non-secure write cannot
    /// deactivate a Group 0 interrupt.
    func deactivateV2(_ cpu: Int, intid: Int, secure: Bool) {
        guard intid < irqCount else { return }
        if !secure && securityExtensions && !irq(cpu, intid).group1 { return }
        deactivate(cpu, intid)
    }
}
