import Machine

/// One redistributor's LPI state (IHI 0069 5.1): GICR_PROPBASER (the LPI
/// configuration table, shared by every redistributor on QEMU's virt),
/// GICR_PENDBASER (the LPI pending table) and GICR_CTLR.EnableLPIs. While LPIs
/// are enabled the pending state is held here (a redistributor may cache the
/// table: its contents are UNKNOWN until EnableLPIs is cleared, 5.1.2); it is
/// read from the table when LPIs are enabled and written back when they are
/// disabled.
struct LPIRedistributor {
    var propbaser: UInt64 = 0
    var pendbaser: UInt64 = 0
    var enabled = false
    /// The pending LPIs (INTIDs), in the order they became pending.
    var pending: [Int] = []

    /// INTIDs up to 2^(PROPBASER.IDbits + 1), at most the 16 bits of GICD_TYPER.IDbits.
    var idLimit: Int { 1 << min(Int(propbaser & 0x1F) + 1, GIC.lpiIDBits) }
    var configTable: UInt64 { propbaser & 0x000F_FFFF_FFFF_F000 }
    var pendingTable: UInt64 { pendbaser & 0x000F_FFFF_FFFF_0000 }
}

/// GICR_PROPBASER / GICR_PENDBASER writable fields: PROPBASER IDbits [4:0],
/// InnerCache [9:7], Shareability [11:10], PA [51:12], OuterCache [58:56];
/// PENDBASER the same without IDbits, PA [51:16], PTZ [62] (write-only).
enum LPIRegisterBits {
    static let propbaserMask: UInt64 = 0x0700_0000_0000_0000 | 0x000F_FFFF_FFFF_F000 | 0xF9F
    static let pendbaserMask: UInt64 = 0x0700_0000_0000_0000 | 0x000F_FFFF_FFFF_0000 | 0xF80
    static let pendbaserPTZ: UInt64 = 1 << 62
    /// GICR_CTLR.EnableLPIs.
    static let ctlrEnableLPIs: UInt32 = 1
}

extension GIC {
    /// The first LPI INTID, and the INTID bits of the distributor (GICD_TYPER.IDbits + 1).
    public static let firstLPI = 8192
    static let lpiIDBits = 16

    // MARK: Redistributor registers (lock held)

    func writePropbaser(_ cpu: Int, _ v: UInt64) {
        // Writes while EnableLPIs is set are UNPREDICTABLE (5.1.1): ignored, as QEMU.
        guard !cpus[cpu].lpi.enabled else { return }
        cpus[cpu].lpi.propbaser = v & LPIRegisterBits.propbaserMask
        lpiConfigCache.removeAll()
    }

    func writePendbaser(_ cpu: Int, _ v: UInt64) {
        guard !cpus[cpu].lpi.enabled else { return }
        cpus[cpu].lpi.pendbaser = v & (LPIRegisterBits.pendbaserMask | LPIRegisterBits.pendbaserPTZ)
    }

    /// GICR_CTLR.EnableLPIs: the pending table is read when set (unless PTZ
    /// said it is zero) and written back when cleared.
    func setLPIsEnabled(_ cpu: Int, _ on: Bool) {
        guard lpisSupported, on != cpus[cpu].lpi.enabled else { return }
        var r = cpus[cpu].lpi
        if on {
            r.pending = []
            if r.pendbaser & LPIRegisterBits.pendbaserPTZ == 0, let dma = lpiMemory {
                // Bytes 0-1023 of the table are the SGI/PPI/SPI range (IMPLEMENTATION DEFINED): skipped.
                let first = GIC.firstLPI / 8, count = r.idLimit / 8 - first
                if count > 0, let table = try? dma.check(pa: r.pendingTable + UInt64(first), length: UInt64(count)) {
                    for byte in 0..<count {
                        var bits = table.load(fromByteOffset: byte, as: UInt8.self)
                        while bits != 0 {
                            let b = bits.trailingZeroBitCount
                            r.pending.append(GIC.firstLPI + byte * 8 + b)
                            bits &= bits - 1
                        }
                    }
                }
            }
            r.pendbaser &= ~LPIRegisterBits.pendbaserPTZ
        } else if let dma = lpiMemory {
            for intid in r.pending {
                let pa = r.pendingTable + UInt64(intid / 8)
                guard let p = try? dma.check(pa: pa, length: 1) else { continue }
                let byte = p.load(as: UInt8.self) | 1 << UInt8(intid % 8)
                withUnsafeBytes(of: byte) { _ = try? dma.write(pa: pa, from: $0) }
            }
            r.pending = []
        }
        r.enabled = on
        cpus[cpu].lpi = r
        updateCPU(cpu)
    }

    // MARK: Pending state (lock held)

    /// Makes LPI `intid` pending on `cpu` (an ITS translation or INT command).
    /// Ignored when the redistributor's LPIs are off or `intid` is beyond its table.
    func setLPIPending(_ intid: Int, cpu: Int) {
        guard cpu < cpuCount, cpus[cpu].lpi.enabled, intid >= GIC.firstLPI, intid < cpus[cpu].lpi.idLimit else { return }
        if !cpus[cpu].lpi.pending.contains(intid) { cpus[cpu].lpi.pending.append(intid) }
        updateCPU(cpu)
    }

    /// Clears LPI `intid`'s pending state on `cpu`; true when it was pending.
    @discardableResult
    func clearLPIPending(_ intid: Int, cpu: Int) -> Bool {
        guard cpu < cpuCount, let k = cpus[cpu].lpi.pending.firstIndex(of: intid) else { return false }
        cpus[cpu].lpi.pending.remove(at: k)
        updateCPU(cpu)
        return true
    }

    /// Drops the cached configuration of one LPI (nil: of all), so the next
    /// evaluation reads the table (the ITS's INV and INVALL).
    func invalidateLPIConfig(_ intid: Int?) {
        if let intid { lpiConfigCache[intid] = nil } else { lpiConfigCache.removeAll() }
    }

    /// The configuration byte of LPI `intid` (priority [7:2], Enable [0]);
    /// 0 (disabled) when the table cannot be read.
    func lpiConfig(_ intid: Int, cpu: Int) -> UInt8 {
        if let c = lpiConfigCache[intid] { return c }
        let pa = cpus[cpu].lpi.configTable + UInt64(intid - GIC.firstLPI)
        guard let dma = lpiMemory, let p = try? dma.check(pa: pa, length: 1) else { return 0 }
        let c = p.load(as: UInt8.self)
        lpiConfigCache[intid] = c
        return c
    }

    /// `cpu`'s highest-priority pending LPI that is enabled (its group,
    /// Non-secure Group 1, enabled in the distributor): INTID and priority.
    func highestPendingLPI(_ cpu: Int) -> (Int, Int)? {
        guard distributorEnables(.g1ns) else { return nil }
        var best: (Int, Int)?
        for intid in cpus[cpu].lpi.pending {
            let c = lpiConfig(intid, cpu: cpu)
            guard c & 1 != 0 else { continue }
            let priority = Int(c & 0xFC & priorityMask)
            if best == nil || priority < best!.1 || (priority == best!.1 && intid < best!.0) { best = (intid, priority) }
        }
        return best
    }

    /// Acknowledge of an LPI: no active state; its pending state ends and its
    /// group priority becomes active (IHI 0069 4.1.2).
    func activateLPI(_ cpu: Int, _ intid: Int) {
        let prio = Int(lpiConfig(intid, cpu: cpu) & 0xFC & priorityMask) & groupPriorityMask(cpu, .g1ns)
        cpus[cpu].apr[Group.g1ns.rawValue].insert(prio >> aprShift)
        if let k = cpus[cpu].lpi.pending.firstIndex(of: intid) { cpus[cpu].lpi.pending.remove(at: k) }
        updateCPU(cpu)
    }
}
