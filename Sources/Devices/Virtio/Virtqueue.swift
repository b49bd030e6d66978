import Machine

/// A malformed virtqueue: the device enters the error state (DEVICE_NEEDS_RESET)
/// with this reason, as QEMU's virtio_error does.
public struct VirtqueueError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One buffer of a descriptor chain: guest physical `address`, `length`
/// bytes, written by the device (`deviceWritable`) or read by it.
public struct VirtqueueSegment: Equatable, Sendable {
    public var address: UInt64
    public var length: UInt32
    public var deviceWritable: Bool
    public init(address: UInt64, length: UInt32, deviceWritable: Bool) {
        self.address = address
        self.length = length
        self.deviceWritable = deviceWritable
    }
}

/// A descriptor chain taken from the available ring: its head index (what
/// the used ring returns) and its buffers, the device-readable ones first.
public struct VirtqueueChain: Equatable, Sendable {
    public var head: UInt16
    public var readable: [VirtqueueSegment] = []
    public var writable: [VirtqueueSegment] = []
    public var readableBytes: UInt64 { readable.reduce(0) { $0 + UInt64($1.length) } }
    public var writableBytes: UInt64 { writable.reduce(0) { $0 + UInt64($1.length) } }
}

/// A split virtqueue (virtio 1.2 section 2.7): the descriptor table, the
/// available (driver) ring and the used (device) ring in guest memory, the
/// addresses and size the transport sets. Indirect descriptors (2.7.5.3)
/// and VIRTIO_F_EVENT_IDX (2.7.7, 2.7.10) are handled here. The queue state
/// lives on the CPU thread (with the transport's registers).
public final class Virtqueue {
    // Descriptor flags.
    public static let descNext: UInt16 = 1
    public static let descWrite: UInt16 = 2
    public static let descIndirect: UInt16 = 4
    /// Avail ring flag: the driver wants no used-buffer notification.
    public static let availNoInterrupt: UInt16 = 1
    /// The largest queue and the longest chain a device accepts (QEMU's
    /// VIRTQUEUE_MAX_SIZE).
    public static let maxSize: UInt16 = 1024

    public let index: Int
    /// QueueNumMax: the largest size the driver may choose.
    public let maxQueueSize: UInt16
    /// QueueNum (power of two, checked when the queue is made ready).
    public var size: UInt16
    public var ready = false
    public var descAddress: UInt64 = 0
    public var driverAddress: UInt64 = 0
    public var deviceAddress: UInt64 = 0
    /// VIRTIO_F_EVENT_IDX was negotiated (set when the queue starts).
    public var eventIndex = false
    /// The next available-ring entry the device takes.
    public private(set) var lastAvail: UInt16 = 0
    /// The device's used index (what it has written to used->idx).
    public private(set) var usedIndex: UInt16 = 0
    /// used->idx when the driver was last notified (event index).
    private var signalledUsed: UInt16 = 0
    private var signalledUsedValid = false

    public init(index: Int, maxQueueSize: UInt16) {
        self.index = index
        self.maxQueueSize = maxQueueSize
        self.size = maxQueueSize
    }

    public func reset() {
        size = maxQueueSize
        ready = false
        descAddress = 0
        driverAddress = 0
        deviceAddress = 0
        eventIndex = false
        lastAvail = 0
        usedIndex = 0
        signalledUsed = 0
        signalledUsedValid = false
    }

    /// Checks the configuration when the driver sets QueueReady.
    public func validate() throws(VirtqueueError) {
        if size == 0 || size > maxQueueSize || size & (size - 1) != 0 {
            throw VirtqueueError("virtqueue \(index): size \(size) is not a power of two up to \(maxQueueSize)")
        }
        if descAddress & 15 != 0 || driverAddress & 1 != 0 || deviceAddress & 3 != 0 {
            throw VirtqueueError("virtqueue \(index): misaligned ring address")
        }
    }

    // Ring offsets.
    private var availIdxAddress: UInt64 { driverAddress + 2 }
    private func availRing(_ i: UInt16) -> UInt64 { driverAddress + 4 + 2 * UInt64(i % size) }
    private var usedEventAddress: UInt64 { driverAddress + 4 + 2 * UInt64(size) }
    private var usedIdxAddress: UInt64 { deviceAddress + 2 }
    private func usedRing(_ i: UInt16) -> UInt64 { deviceAddress + 4 + 8 * UInt64(i % size) }
    private var availEventAddress: UInt64 { deviceAddress + 4 + 8 * UInt64(size) }

    private func dma<T>(_ body: () throws(DMAError) -> T) throws(VirtqueueError) -> T {
        do { return try body() } catch { throw VirtqueueError("virtqueue \(index): \(error)") }
    }

    /// Whether the driver has made chains available that the device has not taken.
    public func hasAvailable(_ mem: DMAMemory) throws(VirtqueueError) -> Bool {
        guard ready else { return false }
        let avail = try dma { () throws(DMAError) in try mem.read16(availIdxAddress) }
        let pending = avail &- lastAvail
        if pending > size {
            throw VirtqueueError("virtqueue \(index): guest moved the available index from \(lastAvail) to \(avail)")
        }
        return pending != 0
    }

    /// Takes the next available chain (nil when there is none). Every
    /// descriptor is checked: a loop, a chain longer than the queue, an
    /// indirect table inside an indirect table or of a bad size, a readable
    /// buffer after a writable one, or a buffer outside RAM is an error.
    public func pop(_ mem: DMAMemory) throws(VirtqueueError) -> VirtqueueChain? {
        guard try hasAvailable(mem) else { return nil }
        let head = try dma { () throws(DMAError) in try mem.read16(availRing(lastAvail)) }
        if head >= size { throw VirtqueueError("virtqueue \(index): available head \(head) is not below the size \(size)") }
        lastAvail &+= 1
        if eventIndex {
            // Ask for a notification as soon as the driver makes the next one available.
            try dma { () throws(DMAError) in try mem.write16(availEventAddress, lastAvail) }
        }
        var chain = VirtqueueChain(head: head)
        var table = descAddress, count = UInt32(size), i = head, indirect = false
        var visited = 0
        while true {
            visited += 1
            if visited > Int(count) || chain.readable.count + chain.writable.count >= Int(Virtqueue.maxSize) {
                throw VirtqueueError("virtqueue \(index): looped or oversize descriptor chain at head \(head)")
            }
            let d = table + 16 * UInt64(i)
            let (addr, len, flags, next) = try dma { () throws(DMAError) in
                (try mem.read64(d), try mem.read32(d + 8), try mem.read16(d + 12), try mem.read16(d + 14))
            }
            if flags & Virtqueue.descIndirect != 0 {
                if indirect { throw VirtqueueError("virtqueue \(index): nested indirect descriptor table") }
                if flags & Virtqueue.descNext != 0 {
                    throw VirtqueueError("virtqueue \(index): indirect descriptor with NEXT set")
                }
                if len == 0 || len % 16 != 0 || len / 16 > UInt32(Virtqueue.maxSize) {
                    throw VirtqueueError("virtqueue \(index): indirect table of \(len) bytes")
                }
                try checkBuffer(mem, addr, len)
                table = addr; count = len / 16; i = 0; indirect = true; visited = 0
                continue
            }
            try checkBuffer(mem, addr, len)
            let seg = VirtqueueSegment(address: addr, length: len, deviceWritable: flags & Virtqueue.descWrite != 0)
            if seg.deviceWritable {
                chain.writable.append(seg)
            } else {
                if !chain.writable.isEmpty {
                    throw VirtqueueError("virtqueue \(index): device-readable buffer after a writable one")
                }
                chain.readable.append(seg)
            }
            if flags & Virtqueue.descNext == 0 { break }
            if UInt32(next) >= count {
                throw VirtqueueError("virtqueue \(index): next descriptor \(next) out of the table")
            }
            i = next
        }
        return chain
    }

    private func checkBuffer(_ mem: DMAMemory, _ addr: UInt64, _ len: UInt32) throws(VirtqueueError) {
        _ = try dma { () throws(DMAError) in try mem.check(pa: addr, length: UInt64(len)) }
    }

    /// Returns a chain to the driver: `written` bytes were written to its
    /// writable buffers. Call `shouldNotify` after a batch.
    public func push(_ mem: DMAMemory, head: UInt16, written: UInt32) throws(VirtqueueError) {
        let slot = usedRing(usedIndex)
        try dma { () throws(DMAError) in
            try mem.write32(slot, UInt32(head))
            try mem.write32(slot + 4, written)
            try mem.write16(usedIdxAddress, usedIndex &+ 1)
        }
        usedIndex &+= 1
    }

    /// Whether the driver wants a used-buffer notification for what was
    /// pushed since the last one: with the event index, when used->idx
    /// passed avail->used_event (vring_need_event); else unless the driver
    /// set VIRTQ_AVAIL_F_NO_INTERRUPT.
    public func shouldNotify(_ mem: DMAMemory) throws(VirtqueueError) -> Bool {
        if eventIndex {
            let old = signalledUsed, valid = signalledUsedValid
            signalledUsed = usedIndex
            signalledUsedValid = true
            let event = try dma { () throws(DMAError) in try mem.read16(usedEventAddress) }
            return !valid || Virtqueue.needEvent(event: event, new: usedIndex, old: old)
        }
        let flags = try dma { () throws(DMAError) in try mem.read16(driverAddress) }
        return flags & Virtqueue.availNoInterrupt == 0
    }

    /// virtio 1.2 2.7.10: notify when `event` lies in (old, new].
    public static func needEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        (new &- event &- 1) < (new &- old)
    }
}
