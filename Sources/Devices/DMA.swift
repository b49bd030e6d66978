import Glibc
import Machine

/// Why a device's access to guest memory failed. The device reports it as
/// its own error (virtio: DEVICE_NEEDS_RESET); the host never faults.
public enum DMAError: Error, Equatable, CustomStringConvertible {
    /// Some byte of [pa, pa+length) is not guest RAM (MMIO, a hole, flash, or
    /// an address range that wraps).
    case outsideRAM(pa: UInt64, length: UInt64)
    /// The granule at `pa` is not in the Non-secure PA space by the GPT.
    case granuleProtection(pa: UInt64)

    public var description: String {
        switch self {
        case .outsideRAM(let pa, let n): return "DMA to \(hex(pa))+\(hex(n)) outside RAM"
        case .granuleProtection(let pa): return "DMA to \(hex(pa)) refused by the granule protection table"
        }
    }
}

/// How devices read and write guest physical memory (bus-master DMA), with
/// the rules a CPU store obeys:
///
/// - only guest RAM is reachable; anything else is a `DMAError`;
/// - devices are Non-secure requesters: every granule an access touches must
///   be given to the Non-secure PA space by the granule protection table
///   (when GPCCR_EL3.GPC is on, as the boot CPU's registers say), else
///   `DMAError.granuleProtection` (Arm DEN0129 "RME system architecture":
///   a completer-side GPC);
/// - writes go through `AddressSpace.writePhysical`, which re-tags the MEC
///   shadow tags with the device's MECID (0) and drops the translated blocks
///   built from the bytes written (self-modifying code rules);
/// - reads of lines tagged with another MECID see the substitute data
///   (0xdeadbeef words), as a CPU read with MECID 0 would.
///
/// Call it on the CPU thread (the thread that runs MMIO handlers and the
/// board's host events): code invalidation and MEC re-tagging touch the
/// CPUs' translation state.
public final class DMAMemory {
    public let memory: AddressSpace
    /// The CPU whose GPCCR_EL3/GPTBR_EL3 give the GPT (nil: no check).
    /// Strong (nothing the CPU holds leads back to its devices): a weak
    /// reference would give the CPU a side table, and every retain of it
    /// (each engine helper call) would take the slow reference-counting path.
    public let gptCPU: CPU?
    /// The MECID the device's writes carry (FEAT_MEC: devices use 0).
    public let mecid: UInt16 = 0

    public init(memory: AddressSpace, gptCPU: CPU?) {
        self.memory = memory
        self.gptCPU = gptCPU
    }

    /// Host pointer to [pa, pa+length) once it is checked: RAM in one region,
    /// every 4 KiB page passing the granule protection check as Non-secure.
    public func check(pa: UInt64, length: UInt64) throws(DMAError) -> UnsafeMutableRawPointer {
        let (end, wraps) = pa.addingReportingOverflow(length)
        guard !wraps, let r = memory.region(containing: pa), r.isRAM,
              let host = memory.hostPointer(pa: pa, length: length) else {
            throw .outsideRAM(pa: pa, length: length)
        }
        _ = r
        if let cpu = gptCPU, cpu.gpcEnabled, length > 0 {
            var page = pa & TLB.pageMask
            while page < end {
                if cpu.granuleProtectionCheck(pa: max(page, pa), space: .nonSecure) != nil {
                    throw .granuleProtection(pa: max(page, pa))
                }
                page += TLB.pageSize
            }
        }
        return host
    }

    /// Copies `buffer.count` bytes of guest memory at `pa` into `buffer`.
    public func read(pa: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(DMAError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try read(pa: pa, into: base, count: buffer.count)
    }

    public func read(pa: UInt64, into dst: UnsafeMutableRawPointer, count: Int) throws(DMAError) {
        guard count > 0 else { return }
        let src = try check(pa: pa, length: UInt64(count))
        dst.copyMemory(from: src, byteCount: count)
        if let tags = memory.mecTags { substitute(tags, pa: pa, UnsafeMutableRawBufferPointer(start: dst, count: count)) }
    }

    /// Copies `bytes` into guest memory at `pa`.
    public func write(pa: UInt64, from bytes: UnsafeRawBufferPointer) throws(DMAError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try write(pa: pa, from: base, count: bytes.count)
    }

    public func write(pa: UInt64, from src: UnsafeRawPointer, count: Int) throws(DMAError) {
        guard count > 0 else { return }
        _ = try check(pa: pa, length: UInt64(count))
        guard memory.writePhysical(pa: pa, bytes: UnsafeRawBufferPointer(start: src, count: count), mecid: mecid) else {
            throw .outsideRAM(pa: pa, length: UInt64(count))
        }
    }

    /// Fills `count` bytes at `pa` with zeros.
    public func zero(pa: UInt64, count: UInt64) throws(DMAError) {
        guard count > 0 else { return }
        _ = try check(pa: pa, length: count)
        guard memory.fillPhysical(pa: pa, byte: 0, count: count, mecid: mecid) else {
            throw .outsideRAM(pa: pa, length: count)
        }
    }

    // Little-endian scalars (virtio 1.x structures are little-endian).

    public func read16(_ pa: UInt64) throws(DMAError) -> UInt16 { UInt16(truncatingIfNeeded: try readScalar(pa, 2)) }
    public func read32(_ pa: UInt64) throws(DMAError) -> UInt32 { UInt32(truncatingIfNeeded: try readScalar(pa, 4)) }
    public func read64(_ pa: UInt64) throws(DMAError) -> UInt64 { try readScalar(pa, 8) }

    public func write16(_ pa: UInt64, _ v: UInt16) throws(DMAError) { try writeScalar(pa, UInt64(v), 2) }
    public func write32(_ pa: UInt64, _ v: UInt32) throws(DMAError) { try writeScalar(pa, UInt64(v), 4) }
    public func write64(_ pa: UInt64, _ v: UInt64) throws(DMAError) { try writeScalar(pa, v, 8) }

    private func readScalar(_ pa: UInt64, _ size: Int) throws(DMAError) -> UInt64 {
        let src = try check(pa: pa, length: UInt64(size))
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { b in
            b.baseAddress!.copyMemory(from: src, byteCount: size)
            if let tags = memory.mecTags { substitute(tags, pa: pa, UnsafeMutableRawBufferPointer(rebasing: b[0..<size])) }
        }
        return UInt64(littleEndian: v)
    }

    private func writeScalar(_ pa: UInt64, _ value: UInt64, _ size: Int) throws(DMAError) {
        _ = try check(pa: pa, length: UInt64(size))
        var v = value.littleEndian
        let ok = withUnsafeBytes(of: &v) { b in
            memory.writePhysical(pa: pa, bytes: UnsafeRawBufferPointer(rebasing: b[0..<size]), mecid: mecid)
        }
        if !ok { throw .outsideRAM(pa: pa, length: UInt64(size)) }
    }

    /// Replaces the bytes of lines tagged with another MECID by substitute data.
    private func substitute(_ tags: MECTagStore, pa: UInt64, _ buffer: UnsafeMutableRawBufferPointer) {
        let end = pa + UInt64(buffer.count)
        var a = pa
        while a < end {
            let pageEnd = min(end, (a & TLB.pageMask) + TLB.pageSize)
            if !tags.matches(pa: a, size: Int(pageEnd - a), mecid: mecid) {
                var line = a
                while line < pageEnd {
                    let lineEnd = min(pageEnd, (line | (MECTagStore.lineBytes - 1)) + 1)
                    if !tags.matches(pa: line, size: Int(lineEnd - line), mecid: mecid) {
                        for b in line..<lineEnd { buffer[Int(b - pa)] = MECTagStore.substituteByte(pa: b) }
                    }
                    line = lineEnd
                }
            }
            a = pageEnd
        }
    }
}
