import Glibc
import XCTest
@testable import Machine
@testable import Devices
import Board
import NineP

/// virtio-9p on the virtio core: the mount-tag configuration, requests carried
/// through the queue to the file server on the I/O thread and replies back.
final class Virtio9PTests: XCTestCase {
    static let ram: UInt64 = 0x4000_0000
    static let desc = ram + 0x1000, avail = ram + 0x2000, used = ram + 0x3000
    static let request = ram + 0x10000, reply = ram + 0x20000

    var machine: VirtMachine!
    var worker: IOWorker!
    var dev: Virtio9P!
    var core: VirtioCore!
    var dir: String!
    var slot: UInt16 = 0

    override func setUp() {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        machine = try! VirtMachine(options: o)
        var template = Array("/tmp/virtio9p-test-XXXXXX".utf8CString)
        dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let fd = open(dir + "/hello.txt", O_CREAT | O_WRONLY, 0o644)
        _ = "hello over virtio\n".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        worker = IOWorker(interrupts: nil)
        let server = try! NinePServer(.init(root: dir, security: .mapped))
        dev = Virtio9P(tag: "host", server: server, worker: worker)
        core = VirtioCore(device: dev, dma: DMAMemory(memory: machine.memory, gptCPU: machine.cpu))
    }

    override func tearDown() {
        worker.shutdown()
        _ = system("rm -rf '\(dir!)'")
    }

    func put(_ pa: UInt64, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { XCTAssertTrue(machine.memory.writePhysical(pa: pa, bytes: $0)) }
    }
    func put(_ pa: UInt64, _ v: UInt64, _ n: Int) {
        put(pa, (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) })
    }
    func get(_ pa: UInt64, _ n: Int) -> [UInt8] { machine.memory.readPhysical(pa: pa, count: n)! }

    func start() {
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        core.setDriverFeatures(word: 0, UInt32(Virtio9P.featureMountTag))
        core.setDriverFeatures(word: 1, 1)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        let q = core.queues[0]
        q.size = 8
        q.descAddress = Self.desc; q.driverAddress = Self.avail; q.deviceAddress = Self.used
        core.queueReadyChanged(q, ready: true)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK | Virtio.statusDriverOK)
    }

    /// Sends one 9P message (type, tag 1, body) and returns the reply's type and body.
    func send(_ type: UInt8, _ body: [UInt8], room: UInt32 = 8192) -> (UInt8, [UInt8])? {
        let size = UInt32(7 + body.count)
        let msg = [UInt8(size & 0xff), UInt8(size >> 8 & 0xff), 0, 0, type, 1, 0] + body
        put(Self.request, msg)
        put(Self.desc, Self.request, 8); put(Self.desc + 8, UInt64(msg.count), 4); put(Self.desc + 12, 1, 2); put(Self.desc + 14, 1, 2)
        put(Self.desc + 16, Self.reply, 8); put(Self.desc + 24, UInt64(room), 4); put(Self.desc + 28, 2, 2)
        put(Self.avail + 4 + 2 * UInt64(slot % 8), 0, 2)
        slot &+= 1
        put(Self.avail + 2, UInt64(slot), 2)
        core.notify(queue: 0)
        worker.drain()
        let usedIdx = UInt16(get(Self.used + 2, 2)[0]) | UInt16(get(Self.used + 2, 2)[1]) << 8
        guard usedIdx == slot else { return nil }
        let e = Self.used + 4 + 8 * UInt64((slot &- 1) % 8)
        let len = get(e + 4, 4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let r = get(Self.reply, len)
        XCTAssertEqual(Int(r[0]) | Int(r[1]) << 8, len)
        return (r[4], Array(r[7...]))
    }

    func str(_ s: String) -> [UInt8] { [UInt8(s.utf8.count), 0] + Array(s.utf8) }
    func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
    func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    func testConfigurationIsTheMountTag() {
        XCTAssertEqual(core.device.deviceID, 9)
        XCTAssertEqual(core.offeredFeatureWord(0) & 1, 1, "VIRTIO_9P_MOUNT_TAG")
        XCTAssertEqual(dev.configSize, 6)
        XCTAssertEqual(dev.readConfig(offset: 0, size: 2), 4)
        XCTAssertEqual(dev.readConfig(offset: 2, size: 4), 0x7473_6f68)  // "host"
        XCTAssertEqual(dev.readConfig(offset: 2, size: 1), 0x68)
        XCTAssertEqual(dev.readConfig(offset: 5, size: 1), 0x74)
    }

    func testRequestsReachTheServerAndRepliesComeBack() {
        start()
        let v = send(100, u32(65536) + str("9P2000.L"))
        XCTAssertEqual(v?.0, 101)
        XCTAssertEqual(v.map { Array($0.1[4...]) }, str("9P2000.L"))
        XCTAssertEqual(send(104, u32(0) + u32(~0) + str("root") + str("") + u32(0))?.0, 105)
        XCTAssertEqual(send(110, u32(0) + u32(1) + [1, 0] + str("hello.txt"))?.0, 111)
        XCTAssertEqual(send(12, u32(1) + u32(0))?.0, 13)
        let r = send(116, u32(1) + u64(0) + u32(4096))
        XCTAssertEqual(r?.0, 117)
        XCTAssertEqual(r.map { String(decoding: $0.1[4...], as: UTF8.self) }, "hello over virtio\n")
        // A reply cut to the room the guest gave.
        let short = send(116, u32(1) + u64(0) + u32(4096), room: 16)
        XCTAssertEqual(short.map { $0.1.count }, 16 - 7)
        // An error comes back as Rlerror.
        let e = send(110, u32(0) + u32(2) + [1, 0] + str("missing"))
        XCTAssertEqual(e?.0, 7)
        XCTAssertEqual(e?.1, u32(2))
        XCTAssertFalse(core.isBroken)
    }

    func testARequestShorterThanAHeaderBreaksTheDevice() {
        start()
        put(Self.desc, Self.request, 8); put(Self.desc + 8, 3, 4); put(Self.desc + 12, 1, 2); put(Self.desc + 14, 1, 2)
        put(Self.desc + 16, Self.reply, 8); put(Self.desc + 24, 64, 4); put(Self.desc + 28, 2, 2)
        put(Self.avail + 4, 0, 2)
        put(Self.avail + 2, 1, 2)
        core.notify(queue: 0)
        worker.drain()
        XCTAssertTrue(core.isBroken)
        XCTAssertEqual(get(Self.used + 2, 2), [0, 0])
    }
}
