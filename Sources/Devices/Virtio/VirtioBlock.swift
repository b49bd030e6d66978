import Glibc
import Machine

/// virtio-blk (virtio 1.2 5.2) over a raw image (`BlockBackend`): read,
/// write, flush, discard, write-zeroes and get-id, one request queue.
/// Requests are parsed on the CPU thread (the data of a write is gathered
/// from guest memory there); the host I/O runs on the `IOWorker`'s thread;
/// the completion (data scattered into guest memory, the status byte, the
/// used ring, the interrupt) runs on the CPU thread again.
public final class VirtioBlock: VirtioDevice, @unchecked Sendable {
    // Feature bits (5.2.3).
    public static let featureSegMax: UInt64 = 1 << 2
    public static let featureRO: UInt64 = 1 << 5
    public static let featureBlkSize: UInt64 = 1 << 6
    public static let featureFlush: UInt64 = 1 << 9
    public static let featureDiscard: UInt64 = 1 << 13
    public static let featureWriteZeroes: UInt64 = 1 << 14

    // Request types and status values (5.2.6).
    public static let typeIn: UInt32 = 0
    public static let typeOut: UInt32 = 1
    public static let typeFlush: UInt32 = 4
    public static let typeGetID: UInt32 = 8
    public static let typeDiscard: UInt32 = 11
    public static let typeWriteZeroes: UInt32 = 13
    public static let statusOK: UInt8 = 0
    public static let statusIOErr: UInt8 = 1
    public static let statusUnsupported: UInt8 = 2

    public static let sectorSize: UInt64 = 512
    /// QEMU 7.2's virtio-blk queue-size.
    public static let queueSize: UInt16 = 256
    /// QEMU's limit for one discard or write-zeroes (BDRV_REQUEST_MAX_SECTORS).
    public static let maxDiscardSectors: UInt32 = 0x3F_FFFF
    public static let idBytes = 20

    public let backend: BlockBackend
    /// `serial=` (what GET_ID returns; zeros when unset, as QEMU).
    public let serial: String
    public let worker: IOWorker
    private unowned var core: VirtioCore!

    public init(backend: BlockBackend, serial: String = "", worker: IOWorker) {
        self.backend = backend
        self.serial = serial
        self.worker = worker
    }

    public var deviceID: UInt32 { Virtio.deviceBlock }
    public var deviceFeatures: UInt64 {
        VirtioBlock.featureSegMax | VirtioBlock.featureBlkSize | VirtioBlock.featureFlush
            | VirtioBlock.featureDiscard | VirtioBlock.featureWriteZeroes | (backend.readOnly ? VirtioBlock.featureRO : 0)
    }
    public var queueSizes: [UInt16] { [VirtioBlock.queueSize] }
    public var capacity: UInt64 { backend.size / VirtioBlock.sectorSize }

    /// struct virtio_blk_config, 60 bytes.
    public var configSize: Int { 60 }
    public func readConfig(offset: Int, size: Int) -> UInt64 {
        var c = [UInt8](repeating: 0, count: 64)
        func put(_ at: Int, _ v: UInt64, _ n: Int) { for i in 0..<n { c[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        put(0, capacity, 8)                                   // capacity
        put(12, UInt64(VirtioBlock.queueSize - 2), 4)         // seg_max
        put(20, VirtioBlock.sectorSize, 4)                    // blk_size
        put(32, 1, 1)                                         // writeback
        put(34, 1, 2)                                         // num_queues
        put(36, UInt64(VirtioBlock.maxDiscardSectors), 4)     // max_discard_sectors
        put(40, 1, 4)                                         // max_discard_seg
        put(44, 1, 4)                                         // discard_sector_alignment
        put(48, UInt64(VirtioBlock.maxDiscardSectors), 4)     // max_write_zeroes_sectors
        put(52, 1, 4)                                         // max_write_zeroes_seg
        put(56, 1, 1)                                         // write_zeroes_may_unmap
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(c[offset + i]) << (8 * UInt64(i)) }
        return v
    }

    public func attach(_ core: VirtioCore) { self.core = core }
    public func reset() {}

    public func queueNotified(_ index: Int) {
        while let chain = core.pop(queue: index) {
            handle(chain, queue: index)
            if core.isBroken { return }
        }
    }

    /// A buffer owned by one request while the I/O thread fills or reads it.
    final class Buffer: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int
        init(count: Int) {
            self.count = count
            bytes = .allocate(byteCount: max(count, 1), alignment: 4096)
        }
        deinit { bytes.deallocate() }
        var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: bytes, count: count) }
        var mutableRaw: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: bytes, count: count) }
    }

    private func handle(_ chain: VirtqueueChain, queue: Int) {
        // The request header (16 bytes) and the status byte at the end.
        guard chain.readableBytes >= 16, chain.writableBytes >= 1 else {
            core.deviceError("virtio-blk: request without header or status byte")
            return
        }
        var header = [UInt8](repeating: 0, count: 16)
        guard header.withUnsafeMutableBytes({ core.gather(chain.readable, offset: 0, into: $0) }) else { return }
        let type = header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) }
        let sector = header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        let inData = chain.writableBytes - 1          // bytes before the status byte
        let outData = chain.readableBytes - 16        // bytes after the header
        let generation = core.resetCount

        // Completes the request with `status`, `data` (device-to-driver
        // bytes, scattered from the start of the writable buffers) first.
        let finish: @Sendable (UInt8, Buffer?) -> Void = { [unowned self] status, data in
            guard self.core.resetCount == generation, self.core.isLive else { return }
            var written: UInt64 = 0
            if let data, status == VirtioBlock.statusOK {
                guard let n = self.core.scatter(chain.writable, offset: 0, from: data.raw) else { return }
                written = UInt64(n)
            }
            var s = status
            guard withUnsafeBytes(of: &s, { self.core.scatter(chain.writable, offset: inData, from: $0) }) != nil else { return }
            self.core.complete(queue: queue, head: chain.head, written: UInt32(truncatingIfNeeded: written + 1))
        }
        let backend = self.backend
        func inRange(_ bytes: UInt64) -> Bool {
            let (end, o) = sector.addingReportingOverflow(bytes / VirtioBlock.sectorSize)
            return !o && bytes % VirtioBlock.sectorSize == 0 && end <= capacity
        }

        switch type {
        case VirtioBlock.typeIn:
            guard inRange(inData), inData <= 1 << 30 else { finish(VirtioBlock.statusIOErr, nil); return }
            let buf = Buffer(count: Int(inData))
            worker.submit {
                let e = backend.read(into: buf.bytes, count: buf.count, offset: sector * VirtioBlock.sectorSize)
                return { finish(e == 0 ? VirtioBlock.statusOK : VirtioBlock.statusIOErr, buf) }
            }
        case VirtioBlock.typeOut:
            guard !backend.readOnly, inRange(outData), outData <= 1 << 30 else { finish(VirtioBlock.statusIOErr, nil); return }
            let buf = Buffer(count: Int(outData))
            guard core.gather(chain.readable, offset: 16, into: buf.mutableRaw) else { return }
            worker.submit {
                let e = backend.write(from: buf.bytes, count: buf.count, offset: sector * VirtioBlock.sectorSize)
                return { finish(e == 0 ? VirtioBlock.statusOK : VirtioBlock.statusIOErr, nil) }
            }
        case VirtioBlock.typeFlush:
            worker.submit {
                let e = backend.flush()
                return { finish(e == 0 ? VirtioBlock.statusOK : VirtioBlock.statusIOErr, nil) }
            }
        case VirtioBlock.typeGetID:
            let buf = Buffer(count: Int(min(inData, UInt64(VirtioBlock.idBytes))))
            memset(buf.bytes, 0, buf.count)
            let id = Array(serial.utf8.prefix(buf.count))
            id.withUnsafeBytes { buf.bytes.copyMemory(from: $0.baseAddress!, byteCount: id.count) }
            finish(VirtioBlock.statusOK, buf)
        case VirtioBlock.typeDiscard, VirtioBlock.typeWriteZeroes:
            discardOrZero(type: type, chain: chain, outData: outData, finish: finish)
        default:
            finish(VirtioBlock.statusUnsupported, nil)
        }
    }

    /// DISCARD and WRITE_ZEROES: one segment {sector, num_sectors, flags}
    /// (max_discard_seg = max_write_zeroes_seg = 1, as QEMU).
    private func discardOrZero(type: UInt32, chain: VirtqueueChain, outData: UInt64,
                               finish: @escaping @Sendable (UInt8, Buffer?) -> Void) {
        let zeroes = type == VirtioBlock.typeWriteZeroes
        guard core.negotiated(zeroes ? VirtioBlock.featureWriteZeroes : VirtioBlock.featureDiscard) else {
            finish(VirtioBlock.statusUnsupported, nil); return
        }
        guard outData == 16 else { finish(outData > 16 ? VirtioBlock.statusUnsupported : VirtioBlock.statusIOErr, nil); return }
        var seg = [UInt8](repeating: 0, count: 16)
        guard seg.withUnsafeMutableBytes({ core.gather(chain.readable, offset: 16, into: $0) }) else { return }
        let (start, count, flags) = seg.withUnsafeBytes {
            (UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        }
        let unmap = flags & 1 != 0
        // Discard has no flags; write-zeroes only UNMAP.
        if flags & ~UInt32(zeroes ? 1 : 0) != 0 { finish(VirtioBlock.statusUnsupported, nil); return }
        let (end, o) = start.addingReportingOverflow(UInt64(count))
        if backend.readOnly || o || end > capacity || count > VirtioBlock.maxDiscardSectors {
            finish(VirtioBlock.statusIOErr, nil); return
        }
        let backend = self.backend
        worker.submit {
            let off = start * VirtioBlock.sectorSize, n = UInt64(count) * VirtioBlock.sectorSize
            let e = zeroes ? backend.writeZeroes(offset: off, count: n, unmap: unmap) : backend.discard(offset: off, count: n)
            return { finish(e == 0 ? VirtioBlock.statusOK : VirtioBlock.statusIOErr, nil) }
        }
    }
}
