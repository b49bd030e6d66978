import Glibc
import NineP

/// virtio-9p (virtio 1.2 5.10... as "9P transport", device ID 9): one request
/// queue; each chain carries a 9P2000.L request in its readable buffers and
/// room for the reply in its writable ones. The configuration space is the
/// mount tag: tag_len (16-bit little-endian) then the tag's bytes, offered with
/// the VIRTIO_9P_MOUNT_TAG feature.
///
/// The file server (`NinePServer`) runs on the I/O thread, one request at a
/// time in the order the guest queued them; the reply is copied into guest
/// memory and the chain completed back on the CPU thread.
public final class Virtio9P: VirtioDevice {
    public static let featureMountTag: UInt64 = 1 << 0
    /// Requests larger than this are refused (the server's msize bounds them anyway).
    static let maxRequest = Int(NinePServer.maxMessageSize)

    public let deviceID = Virtio.device9P
    public let deviceFeatures = Virtio9P.featureMountTag
    public let queueSizes: [UInt16] = [128]
    public let mountTag: [UInt8]
    public var configSize: Int { 2 + mountTag.count }

    private unowned var core: VirtioCore!
    private let server: ServerBox
    public let worker: IOWorker

    /// `tag` is what the guest mounts (at most 65535 bytes); the server
    /// serves its folder; `worker` is the I/O thread.
    public init(tag: String, server: NinePServer, worker: IOWorker) {
        mountTag = Array(tag.utf8.prefix(Int(UInt16.max)))
        self.server = ServerBox(server)
        self.worker = worker
    }

    public func attach(_ core: VirtioCore) { self.core = core }

    public func readConfig(offset: Int, size: Int) -> UInt64 {
        let bytes = [UInt8(mountTag.count & 0xff), UInt8(mountTag.count >> 8)] + mountTag
        var v: UInt64 = 0
        for i in (0..<size).reversed() where offset + i < bytes.count && offset + i >= 0 {
            v = v << 8 | UInt64(bytes[offset + i])
        }
        return v
    }

    public func reset() {}

    public func queueNotified(_ index: Int) {
        while let chain = core.pop(queue: index) {
            let size = chain.readableBytes
            guard size >= 7, size <= UInt64(Virtio9P.maxRequest) else {
                core.deviceError("virtio-9p: a request of \(size) bytes")
                return
            }
            var request = [UInt8](repeating: 0, count: Int(size))
            guard request.withUnsafeMutableBytes({ core.gather(chain.readable, offset: 0, into: $0) }) else { return }
            let capacity = Int(min(chain.writableBytes, UInt64(Int32.max)))
            let resets = core.resetCount
            let server = self.server
            // The completion runs on the CPU thread, where the device lives.
            nonisolated(unsafe) let device = self
            let head = chain.head
            let writable = chain.writable
            let req = request
            worker.submit {
                let reply = server.handle(req, replyCapacity: capacity)
                return {
                    device.finish(queue: index, head: head, writable: writable, reply: reply, resets: resets)
                }
            }
        }
    }

    /// CPU thread: the reply goes into the chain's writable buffers.
    private func finish(queue: Int, head: UInt16, writable: [VirtqueueSegment], reply: [UInt8], resets: UInt64) {
        guard core.resetCount == resets, core.isLive else { return }
        guard let n = reply.withUnsafeBytes({ core.scatter(writable, offset: 0, from: $0) }) else { return }
        core.complete(queue: queue, head: head, written: UInt32(n))
    }
}

/// The server behind a lock, handed to the I/O thread (it is used by one
/// thread at a time: the worker runs requests in order).
private final class ServerBox: @unchecked Sendable {
    private let server: NinePServer
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ server: NinePServer) {
        self.server = server
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func handle(_ request: [UInt8], replyCapacity: Int) -> [UInt8] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return server.handle(request, replyCapacity: replyCapacity)
    }
}
