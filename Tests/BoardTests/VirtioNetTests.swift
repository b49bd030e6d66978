import XCTest
@testable import Machine
@testable import Devices
import Board

/// virtio-net on the virtio core: configuration, transmit (header stripped),
/// receive (header added, frames kept until the guest gives buffers).
final class VirtioNetTests: XCTestCase {
    static let ram: UInt64 = 0x4000_0000
    static let rx = (desc: ram + 0x1000, avail: ram + 0x2000, used: ram + 0x3000)
    static let tx = (desc: ram + 0x4000, avail: ram + 0x5000, used: ram + 0x6000)
    static let buffers = ram + 0x10000

    var machine: VirtMachine!
    var dev: VirtioNet!
    var core: VirtioCore!
    var sent: [[UInt8]] = []

    override func setUp() {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        machine = try! VirtMachine(options: o)
        dev = VirtioNet(mac: [0x52, 0x54, 0, 0x12, 0x34, 0x56]) { [unowned self] in self.sent.append($0) }
        core = VirtioCore(device: dev, dma: DMAMemory(memory: machine.memory, gptCPU: machine.cpu))
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        core.setDriverFeatures(word: 0, UInt32(VirtioNet.featureMAC))
        core.setDriverFeatures(word: 1, 1)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        for (i, q) in [Self.rx, Self.tx].enumerated() {
            let vq = core.queues[i]
            vq.size = 8
            vq.descAddress = q.desc; vq.driverAddress = q.avail; vq.deviceAddress = q.used
            core.queueReadyChanged(vq, ready: true)
        }
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK | Virtio.statusDriverOK)
    }

    func put(_ pa: UInt64, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { XCTAssertTrue(machine.memory.writePhysical(pa: pa, bytes: $0)) }
    }
    func put(_ pa: UInt64, _ v: UInt64, _ n: Int) { put(pa, (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }) }
    func get(_ pa: UInt64, _ n: Int) -> [UInt8] { machine.memory.readPhysical(pa: pa, count: n)! }
    func le(_ b: [UInt8]) -> Int { b.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } }

    /// One descriptor `i` (a chain of one) offered in slot `slot`.
    func offer(_ q: (desc: UInt64, avail: UInt64, used: UInt64), _ i: Int, addr: UInt64, len: Int, write: Bool, slot: Int) {
        let d = q.desc + 16 * UInt64(i)
        put(d, addr, 8); put(d + 8, UInt64(len), 4); put(d + 12, write ? 2 : 0, 2); put(d + 14, 0, 2)
        put(q.avail + 4 + 2 * UInt64(slot), UInt64(i), 2)
        put(q.avail + 2, UInt64(slot + 1), 2)
    }

    func testConfigurationIsTheMACAndLinkUp() {
        XCTAssertEqual(core.device.deviceID, 1)
        XCTAssertEqual(dev.readConfig(offset: 0, size: 4), 0x1200_5452)
        XCTAssertEqual(dev.readConfig(offset: 4, size: 2), 0x5634)
        XCTAssertEqual(dev.readConfig(offset: 6, size: 2), 1, "VIRTIO_NET_S_LINK_UP")
    }

    func testTransmitStripsTheHeader() {
        let frame: [UInt8] = Array(0..<60)
        put(Self.buffers, [UInt8](repeating: 0, count: 12) + frame)
        offer(Self.tx, 0, addr: Self.buffers, len: 72, write: false, slot: 0)
        core.notify(queue: 1)
        XCTAssertEqual(sent, [frame])
        XCTAssertEqual(le(get(Self.tx.used + 2, 2)), 1)
    }

    func testReceiveWaitsForBuffersAndAddsTheHeader() {
        let frame: [UInt8] = Array(repeating: 0xab, count: 100)
        dev.receive(frame)
        XCTAssertTrue(dev.hasIncoming)
        dev.deliverPending()  // no buffer yet: kept
        XCTAssertEqual(le(get(Self.rx.used + 2, 2)), 0)
        offer(Self.rx, 0, addr: Self.buffers, len: 1526, write: true, slot: 0)
        core.notify(queue: 0)
        XCTAssertEqual(le(get(Self.rx.used + 2, 2)), 1)
        XCTAssertEqual(le(get(Self.rx.used + 8, 4)), 112)
        XCTAssertEqual(get(Self.buffers, 12), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
        XCTAssertEqual(get(Self.buffers + 12, 100), frame)
        // A frame too big for the buffer is dropped, the buffer returned empty.
        dev.receive(Array(repeating: 1, count: 2000))
        offer(Self.rx, 1, addr: Self.buffers + 0x1000, len: 1526, write: true, slot: 1)
        dev.deliverPending()
        XCTAssertEqual(dev.dropped, 1)
        XCTAssertEqual(le(get(Self.rx.used + 2, 2)), 2)
        XCTAssertFalse(core.isBroken)
    }

    /// Through the legacy interface (no VERSION_1, no MRG_RXBUF) the header
    /// is the 10-byte virtio_net_hdr, without num_buffers, both ways.
    func testLegacyDriverHasTheTenByteHeader() {
        // Set up again as a legacy driver does: features without VERSION_1, no FEATURES_OK.
        core.writeStatus(0)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        core.setDriverFeatures(word: 0, UInt32(VirtioNet.featureMAC))
        for (i, q) in [Self.rx, Self.tx].enumerated() {
            let vq = core.queues[i]
            vq.size = 8
            vq.descAddress = q.desc; vq.driverAddress = q.avail; vq.deviceAddress = q.used
            core.queueReadyChanged(vq, ready: true)
        }
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusDriverOK)
        XCTAssertFalse(core.negotiated(Virtio.featureVersion1))
        XCTAssertTrue(core.isLive)
        let frame: [UInt8] = Array(0..<60)
        put(Self.buffers, [UInt8](repeating: 0, count: 10) + frame)
        offer(Self.tx, 0, addr: Self.buffers, len: 70, write: false, slot: 0)
        core.notify(queue: 1)
        XCTAssertEqual(sent, [frame])
        let incoming: [UInt8] = Array(repeating: 0xcd, count: 64)
        dev.receive(incoming)
        put(Self.buffers + 0x1000, [UInt8](repeating: 0xff, count: 12))
        offer(Self.rx, 0, addr: Self.buffers + 0x1000, len: 1526, write: true, slot: 0)
        core.notify(queue: 0)
        XCTAssertEqual(le(get(Self.rx.used + 8, 4)), 74)
        XCTAssertEqual(get(Self.buffers + 0x1000, 10), [UInt8](repeating: 0, count: 10))
        XCTAssertEqual(get(Self.buffers + 0x100A, 64), incoming)
    }
}
