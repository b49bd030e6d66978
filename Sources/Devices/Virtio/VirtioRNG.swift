import Glibc

// getrandom(2) (sys/random.h; not in Swift's Glibc module).
@_silgen_name("getrandom") private func hostGetrandom(_ buf: UnsafeMutableRawPointer, _ count: Int, _ flags: UInt32) -> Int

/// virtio-rng (virtio 1.2 5.4, "entropy device"): one request queue whose
/// writable buffers are filled from the host's getrandom(2). No
/// configuration, no feature bits.
public final class VirtioRNG: VirtioDevice {
    /// QEMU 7.2's virtio-rng queue size.
    public static let queueSize: UInt16 = 8
    /// At most this many bytes per request (a driver asks for a few dozen).
    public static let maxRequest = 64 << 10
    private unowned var core: VirtioCore!

    public init() {}

    public var deviceID: UInt32 { Virtio.deviceEntropy }
    public var deviceFeatures: UInt64 { 0 }
    public var queueSizes: [UInt16] { [VirtioRNG.queueSize] }
    public var configSize: Int { 0 }
    public func readConfig(offset: Int, size: Int) -> UInt64 { 0 }
    public func attach(_ core: VirtioCore) { self.core = core }
    public func reset() {}

    public func queueNotified(_ index: Int) {
        while let chain = core.pop(queue: index) {
            let n = Int(min(chain.writableBytes, UInt64(VirtioRNG.maxRequest)))
            var bytes = [UInt8](repeating: 0, count: n)
            let ok = bytes.withUnsafeMutableBytes { VirtioRNG.fill($0) }
            guard ok else { core.complete(queue: index, head: chain.head, written: 0); continue }
            guard let written = bytes.withUnsafeBytes({ core.scatter(chain.writable, offset: 0, from: $0) }) else { return }
            core.complete(queue: index, head: chain.head, written: UInt32(written))
        }
    }

    /// Fills `b` from getrandom(2).
    static func fill(_ b: UnsafeMutableRawBufferPointer) -> Bool {
        var done = 0
        while done < b.count {
            let r = hostGetrandom(b.baseAddress! + done, b.count - done, 0)
            if r < 0 { if errno == EINTR { continue }; return false }
            done += r
        }
        return true
    }
}
