import Glibc
import Machine

/// virtio-net (virtio 1.2 5.1, device ID 1): receiveq1 (0) and transmitq1 (1),
/// VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS (the link is always up). Every
/// buffer starts with the 12-byte virtio_net_hdr of VERSION_1, or through the
/// legacy interface (no VERSION_1) the 10-byte one without num_buffers, as
/// VIRTIO_NET_F_MRG_RXBUF is not offered (virtio 1.2, 5.1.6, legacy
/// interface); no offloads are offered, so the header is all zero but
/// num_buffers = 1.
///
/// The back end (libslirp's thread) hands frames to `receive` from any thread;
/// they wait in a bounded inbox until the CPU thread's `deliverPending` (the
/// board's host event) puts them in the guest's receive buffers. Frames the
/// guest transmits go to `transmit` on the CPU thread.
public final class VirtioNet: VirtioDevice {
    public static let featureMAC: UInt64 = 1 << 5
    public static let featureStatus: UInt64 = 1 << 16
    static let headerSize = 12, legacyHeaderSize = 10
    /// Frames kept while the guest has no receive buffer; more are dropped
    /// (as a full NIC ring would).
    static let inboxLimit = 256
    /// The largest frame taken from the guest (Ethernet with a VLAN tag, and the header).
    static let maxTransmit: UInt64 = 65536 + 12

    public let deviceID = Virtio.deviceNet
    public let deviceFeatures = VirtioNet.featureMAC | VirtioNet.featureStatus
    public let queueSizes: [UInt16] = [256, 256]
    public let configSize = 8
    public let mac: [UInt8]

    private unowned var core: VirtioCore!
    private let transmit: ([UInt8]) -> Void
    private let inbox = FrameInbox()
    private var pending: [[UInt8]] = []
    /// Frames dropped for want of receive buffers (statistics).
    public private(set) var dropped = 0

    /// `transmit` takes each frame the guest sends (CPU thread).
    public init(mac: [UInt8], transmit: @escaping ([UInt8]) -> Void) {
        precondition(mac.count == 6)
        self.mac = mac
        self.transmit = transmit
    }

    public func attach(_ core: VirtioCore) { self.core = core }

    /// The virtio_net_hdr's size for what the driver negotiated.
    private var headerSize: Int { core.negotiated(Virtio.featureVersion1) ? VirtioNet.headerSize : VirtioNet.legacyHeaderSize }

    /// mac[6], then status (VIRTIO_NET_S_LINK_UP).
    public func readConfig(offset: Int, size: Int) -> UInt64 {
        let bytes = mac + [1, 0]
        var v: UInt64 = 0
        for i in (0..<size).reversed() where offset + i >= 0 && offset + i < bytes.count {
            v = v << 8 | UInt64(bytes[offset + i])
        }
        return v
    }

    public func reset() {
        pending.removeAll()
        _ = inbox.take()
    }

    public func queueNotified(_ index: Int) {
        if index == 0 {
            deliverPending()
            return
        }
        while let chain = core.pop(queue: 1) {
            let size = chain.readableBytes
            let header = headerSize
            if size > UInt64(header), size <= VirtioNet.maxTransmit {
                var frame = [UInt8](repeating: 0, count: Int(size) - header)
                let ok = frame.withUnsafeMutableBytes {
                    core.gather(chain.readable, offset: UInt64(header), into: $0)
                }
                guard ok else { return }
                transmit(frame)
            }
            core.complete(queue: 1, head: chain.head, written: 0)
        }
    }

    /// A frame for the guest. Any thread; `deliverPending` puts it in guest memory.
    public func receive(_ frame: [UInt8]) {
        inbox.add(frame, limit: VirtioNet.inboxLimit)
    }

    /// Whether frames wait in the inbox (any thread).
    public var hasIncoming: Bool { inbox.count > 0 }

    /// CPU thread: moves waiting frames into the guest's receive buffers.
    public func deliverPending() {
        pending += inbox.take()
        guard core.isLive else { return }
        var header = [UInt8](repeating: 0, count: headerSize)
        if header.count > 10 { header[10] = 1 }  // num_buffers
        while !pending.isEmpty {
            guard let chain = core.pop(queue: 0) else { break }
            let frame = pending.removeFirst()
            if UInt64(header.count + frame.count) > chain.writableBytes {
                dropped += 1
                core.complete(queue: 0, head: chain.head, written: 0)
                continue
            }
            let data = header + frame
            guard let n = data.withUnsafeBytes({ core.scatter(chain.writable, offset: 0, from: $0) }) else { return }
            core.complete(queue: 0, head: chain.head, written: UInt32(n))
        }
        if pending.count > VirtioNet.inboxLimit {
            dropped += pending.count - VirtioNet.inboxLimit
            pending.removeFirst(pending.count - VirtioNet.inboxLimit)
        }
    }
}

/// Frames handed over between threads.
private final class FrameInbox: @unchecked Sendable {
    private var frames: [[UInt8]] = []
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return frames.count
    }

    func add(_ f: [UInt8], limit: Int) {
        pthread_mutex_lock(mutex)
        if frames.count < limit { frames.append(f) }
        pthread_mutex_unlock(mutex)
    }

    func take() -> [[UInt8]] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let f = frames
        frames.removeAll()
        return f
    }
}
