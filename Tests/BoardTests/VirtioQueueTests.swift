import XCTest
@testable import Machine
@testable import Devices
import Board

/// A device that records what the core asks of it; its queue handler
/// returns each chain with the bytes it could write.
final class RecordingVirtioDevice: VirtioDevice {
    var deviceID: UInt32 { 0x7F }
    var deviceFeatures: UInt64 { 1 << 3 }
    var queueSizes: [UInt16] = [8]
    var configSize: Int { 4 }
    unowned var core: VirtioCore!
    var notified: [Int] = []
    var chains: [VirtqueueChain] = []
    var resets = 0
    func readConfig(offset: Int, size: Int) -> UInt64 { 0x1234_5678 >> (8 * UInt64(offset)) }
    func writeConfig(offset: Int, size: Int, value: UInt64) {}
    func attach(_ core: VirtioCore) { self.core = core }
    func queueNotified(_ index: Int) {
        notified.append(index)
        while let c = core.pop(queue: index) {
            chains.append(c)
            core.complete(queue: index, head: c.head, written: UInt32(c.writableBytes))
        }
    }
    func reset() { resets += 1 }
}

/// The split virtqueue, feature negotiation, status and the error state
/// (virtio 1.2 2.1, 2.7, 3.1), and malformed queues: each one puts the
/// device in the error state, never crashes or hangs.
final class VirtioQueueTests: XCTestCase {
    static let ram: UInt64 = 0x4000_0000
    static let desc = ram + 0x1000, avail = ram + 0x2000, used = ram + 0x3000, data = ram + 0x10000

    var machine: VirtMachine!
    var dev: RecordingVirtioDevice!
    var core: VirtioCore!
    var interrupts: [VirtioInterrupt] = []
    var errors: [String] = []

    override func setUp() {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        machine = try! VirtMachine(options: o)
        dev = RecordingVirtioDevice()
        core = VirtioCore(device: dev, dma: DMAMemory(memory: machine.memory, gptCPU: machine.cpu))
        core.onInterrupt = { [unowned self] in self.interrupts.append($0) }
        core.onGuestError = { [unowned self] in self.errors.append($0) }
    }

    func put16(_ pa: UInt64, _ v: UInt16) { put(pa, UInt64(v), 2) }
    func put32(_ pa: UInt64, _ v: UInt32) { put(pa, UInt64(v), 4) }
    func put(_ pa: UInt64, _ v: UInt64, _ n: Int) {
        let b = (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
        b.withUnsafeBytes { XCTAssertTrue(machine.memory.writePhysical(pa: pa, bytes: $0)) }
    }
    func get(_ pa: UInt64, _ n: Int) -> UInt64 {
        machine.memory.readPhysical(pa: pa, count: n)!.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
    func descriptor(_ table: UInt64, _ i: Int, addr: UInt64, len: UInt32, flags: UInt16, next: UInt16 = 0) {
        let d = table + 16 * UInt64(i)
        put(d, addr, 8); put32(d + 8, len); put16(d + 12, flags); put16(d + 14, next)
    }
    /// Makes `head` available as entry `slot` and moves avail->idx to `slot + 1`.
    func offer(_ head: UInt16, slot: UInt16 = 0) {
        put16(Self.avail + 4 + 2 * UInt64(slot % 8), head)
        put16(Self.avail + 2, slot &+ 1)
    }

    /// The driver's side of 3.1.1, with `features` (VERSION_1 by default).
    func start(features: UInt64 = Virtio.featureVersion1, size: UInt16 = 8) {
        core.writeStatus(Virtio.statusAcknowledge)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        core.setDriverFeatures(word: 0, UInt32(truncatingIfNeeded: features))
        core.setDriverFeatures(word: 1, UInt32(truncatingIfNeeded: features >> 32))
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        let q = core.queues[0]
        q.size = size
        q.descAddress = Self.desc; q.driverAddress = Self.avail; q.deviceAddress = Self.used
        core.queueReadyChanged(q, ready: true)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK | Virtio.statusDriverOK)
    }

    func assertBroken(_ file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(core.isBroken, "error state", file: file, line: line)
        XCTAssertNotEqual(core.status & Virtio.statusNeedsReset, 0, file: file, line: line)
        XCTAssertEqual(interrupts.last, .config, file: file, line: line)
        XCTAssertNotEqual(core.interruptStatus & Virtio.interruptConfigChange, 0, file: file, line: line)
    }

    func testFeatureNegotiation() {
        XCTAssertEqual(core.offeredFeatureWord(0), 1 << 3 | 1 << 28 | 1 << 29)
        XCTAssertEqual(core.offeredFeatureWord(1), 1)
        XCTAssertEqual(core.offeredFeatureWord(2), 0)
        // Without VERSION_1 a modern device refuses FEATURES_OK.
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        core.setDriverFeatures(word: 0, 1 << 3)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        XCTAssertEqual(core.status & Virtio.statusFeaturesOK, 0)
        // A feature not offered is refused too.
        core.setDriverFeatures(word: 1, 1 | 1 << 4)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        XCTAssertEqual(core.status & Virtio.statusFeaturesOK, 0)
        core.setDriverFeatures(word: 1, 1)
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver | Virtio.statusFeaturesOK)
        XCTAssertNotEqual(core.status & Virtio.statusFeaturesOK, 0)
        // Fixed once FEATURES_OK is set.
        core.setDriverFeatures(word: 0, 0)
        XCTAssertEqual(core.driverFeatures, Virtio.featureVersion1 | 1 << 3)
        core.writeStatus(0)
        XCTAssertEqual(core.status, 0)
        XCTAssertEqual(core.driverFeatures, 0)
        XCTAssertEqual(dev.resets, 1)
    }

    func testChainWithReadableAndWritableBuffers() {
        start()
        descriptor(Self.desc, 0, addr: Self.data, len: 16, flags: Virtqueue.descNext, next: 3)
        descriptor(Self.desc, 3, addr: Self.data + 0x100, len: 512, flags: Virtqueue.descNext | Virtqueue.descWrite, next: 5)
        descriptor(Self.desc, 5, addr: Self.data + 0x400, len: 1, flags: Virtqueue.descWrite)
        offer(0)
        core.notify(queue: 0)
        XCTAssertEqual(dev.chains, [VirtqueueChain(head: 0,
            readable: [VirtqueueSegment(address: Self.data, length: 16, deviceWritable: false)],
            writable: [VirtqueueSegment(address: Self.data + 0x100, length: 512, deviceWritable: true),
                       VirtqueueSegment(address: Self.data + 0x400, length: 1, deviceWritable: true)])])
        XCTAssertEqual(get(Self.used + 2, 2), 1)           // used->idx
        XCTAssertEqual(get(Self.used + 4, 4), 0)           // id
        XCTAssertEqual(get(Self.used + 8, 4), 513)         // len
        XCTAssertEqual(interrupts, [.queue(0)])
        XCTAssertEqual(core.interruptStatus, Virtio.interruptUsedBuffer)
        core.acknowledgeInterrupt(Virtio.interruptUsedBuffer)
        XCTAssertEqual(core.interruptStatus, 0)
        XCTAssertFalse(core.isBroken)
    }

    func testIndirectDescriptors() {
        start(features: Virtio.featureVersion1 | Virtio.featureIndirectDesc)
        let table = Self.ram + 0x5000
        descriptor(table, 0, addr: Self.data, len: 16, flags: Virtqueue.descNext, next: 1)
        descriptor(table, 1, addr: Self.data + 0x200, len: 64, flags: Virtqueue.descWrite)
        descriptor(Self.desc, 2, addr: table, len: 32, flags: Virtqueue.descIndirect)
        offer(2)
        core.notify(queue: 0)
        XCTAssertEqual(dev.chains.first?.head, 2)
        XCTAssertEqual(dev.chains.first?.readableBytes, 16)
        XCTAssertEqual(dev.chains.first?.writableBytes, 64)
        XCTAssertFalse(core.isBroken)
    }

    func testNoInterruptFlagSuppressesNotification() {
        start()
        put16(Self.avail, Virtqueue.availNoInterrupt)
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: 0)
        offer(0)
        core.notify(queue: 0)
        XCTAssertEqual(dev.chains.count, 1)
        XCTAssertEqual(interrupts, [])
    }

    func testEventIndex() {
        XCTAssertTrue(Virtqueue.needEvent(event: 0, new: 1, old: 0))
        XCTAssertFalse(Virtqueue.needEvent(event: 1, new: 1, old: 0))
        XCTAssertTrue(Virtqueue.needEvent(event: 0xFFFF, new: 1, old: 0xFFFE))
        start(features: Virtio.featureVersion1 | Virtio.featureEventIndex)
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: 0)
        descriptor(Self.desc, 1, addr: Self.data, len: 8, flags: 0)
        // The driver wants an interrupt only once used->idx passes 1.
        put16(Self.avail + 4 + 2 * 8, 1)
        offer(0)
        core.notify(queue: 0)
        XCTAssertEqual(interrupts, [.queue(0)], "the first completion always notifies")
        XCTAssertEqual(get(Self.used + 4 + 8 * 8, 2), 1, "avail_event: the next entry the device takes")
        offer(1, slot: 1)
        core.notify(queue: 0)
        XCTAssertEqual(interrupts, [.queue(0), .queue(0)], "used->idx went 1 -> 2, past used_event 1")
        descriptor(Self.desc, 2, addr: Self.data, len: 8, flags: 0)
        put16(Self.avail + 4 + 2 * 8, 5)
        offer(2, slot: 2)
        core.notify(queue: 0)
        XCTAssertEqual(interrupts.count, 2, "used_event 5 not reached")
    }

    func testDescriptorLoopIsTheErrorState() {
        start()
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: Virtqueue.descNext, next: 1)
        descriptor(Self.desc, 1, addr: Self.data, len: 8, flags: Virtqueue.descNext, next: 0)
        offer(0)
        core.notify(queue: 0)
        assertBroken()
        XCTAssertTrue(dev.chains.isEmpty)
        // Further notifications are ignored until reset.
        core.notify(queue: 0)
        XCTAssertEqual(dev.notified, [0])
        core.writeStatus(0)
        XCTAssertFalse(core.isBroken)
    }

    func testIndirectLoopAndNestingAreErrors() {
        start(features: Virtio.featureVersion1 | Virtio.featureIndirectDesc)
        let table = Self.ram + 0x5000
        descriptor(table, 0, addr: Self.data, len: 8, flags: Virtqueue.descNext, next: 1)
        descriptor(table, 1, addr: Self.data, len: 8, flags: Virtqueue.descNext, next: 0)
        descriptor(Self.desc, 0, addr: table, len: 32, flags: Virtqueue.descIndirect)
        offer(0)
        core.notify(queue: 0)
        assertBroken()

        setUp()
        start(features: Virtio.featureVersion1 | Virtio.featureIndirectDesc)
        descriptor(table, 0, addr: table, len: 16, flags: Virtqueue.descIndirect)
        descriptor(Self.desc, 0, addr: table, len: 16, flags: Virtqueue.descIndirect)
        offer(0)
        core.notify(queue: 0)
        assertBroken()
    }

    func testBufferOutsideRAMIsTheErrorState() {
        for addr: UInt64 in [0x0900_0000, Self.ram + (16 << 20) - 4, 0xFFFF_FFFF_FFFF_FFF0] {
            setUp()
            start()
            descriptor(Self.desc, 0, addr: addr, len: 16, flags: Virtqueue.descWrite)
            offer(0)
            core.notify(queue: 0)
            assertBroken()
        }
        // Rings outside RAM.
        setUp()
        start()
        core.queues[0].driverAddress = 0x0900_0000
        core.notify(queue: 0)
        assertBroken()
    }

    func testOversizeChainsAreErrors() {
        // An indirect table longer than the longest chain (1024 descriptors).
        start(features: Virtio.featureVersion1 | Virtio.featureIndirectDesc)
        descriptor(Self.desc, 0, addr: Self.ram + 0x8000, len: 16 * 1025, flags: Virtqueue.descIndirect)
        offer(0)
        core.notify(queue: 0)
        assertBroken()
        // A table length that is not a multiple of 16, and zero.
        for len: UInt32 in [24, 0] {
            setUp()
            start(features: Virtio.featureVersion1 | Virtio.featureIndirectDesc)
            descriptor(Self.desc, 0, addr: Self.ram + 0x8000, len: len, flags: Virtqueue.descIndirect)
            offer(0)
            core.notify(queue: 0)
            assertBroken()
        }
        // A next index beyond the table.
        setUp()
        start()
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: Virtqueue.descNext, next: 8)
        offer(0)
        core.notify(queue: 0)
        assertBroken()
    }

    func testBadAvailableIndexAndHeadAreErrors() {
        start()
        put16(Self.avail + 2, 9)   // 9 chains in a queue of 8
        core.notify(queue: 0)
        assertBroken()
        setUp()
        start()
        offer(8)                   // head beyond the table
        core.notify(queue: 0)
        assertBroken()
    }

    func testReadableAfterWritableIsAnError() {
        start()
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: Virtqueue.descWrite | Virtqueue.descNext, next: 1)
        descriptor(Self.desc, 1, addr: Self.data, len: 8, flags: 0)
        offer(0)
        core.notify(queue: 0)
        assertBroken()
    }

    func testQueueSizeNotAPowerOfTwoIsTheErrorState() {
        start(size: 6)
        assertBroken()
        XCTAssertFalse(core.queues[0].ready)
        setUp()
        start(size: 16)   // above QueueNumMax
        assertBroken()
    }

    func testNotifyBeforeDriverOKIsIgnored() {
        core.writeStatus(Virtio.statusAcknowledge | Virtio.statusDriver)
        descriptor(Self.desc, 0, addr: Self.data, len: 8, flags: 0)
        offer(0)
        core.notify(queue: 0)
        core.notify(queue: 5)
        XCTAssertEqual(dev.notified, [])
        XCTAssertFalse(core.isBroken)
        XCTAssertEqual(errors.count, 2)
    }

    func testGatherAndScatterAcrossSegments() {
        start()
        let segs = [VirtqueueSegment(address: Self.data, length: 3, deviceWritable: true),
                    VirtqueueSegment(address: Self.data + 0x100, length: 5, deviceWritable: true)]
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        XCTAssertEqual(bytes.withUnsafeBytes { core.scatter(segs, offset: 1, from: $0) }, 7)
        XCTAssertEqual(machine.memory.readPhysical(pa: Self.data, count: 3), [0, 1, 2])
        XCTAssertEqual(machine.memory.readPhysical(pa: Self.data + 0x100, count: 5), [3, 4, 5, 6, 7])
        var out = [UInt8](repeating: 0, count: 6)
        XCTAssertTrue(out.withUnsafeMutableBytes { core.gather(segs, offset: 2, into: $0) })
        XCTAssertEqual(out, [2, 3, 4, 5, 6, 7])
        var tooLong = [UInt8](repeating: 0, count: 8)
        XCTAssertFalse(tooLong.withUnsafeMutableBytes { core.gather(segs, offset: 1, into: $0) })
    }
}

/// Device DMA follows the CPU's rules: RAM only, the GPT's Non-secure
/// granules only, MEC re-tagging with MECID 0, code invalidation.
final class DMAMemoryTests: XCTestCase {
    func testOutsideRAMIsAnErrorNotAFault() {
        let m = try! VirtMachine(options: VirtOptions())
        let dma = DMAMemory(memory: m.memory, gptCPU: m.cpu)
        var b = [UInt8](repeating: 0, count: 8)
        XCTAssertThrowsError(try b.withUnsafeMutableBytes { try dma.read(pa: 0x0900_0000, into: $0) })
        XCTAssertThrowsError(try b.withUnsafeBytes { try dma.write(pa: 0, from: $0) })   // flash
        XCTAssertThrowsError(try dma.write32(0x4000_0000 + (128 << 20) - 2, 1))
        XCTAssertThrowsError(try dma.read64(UInt64.max - 3))
        XCTAssertNoThrow(try dma.write32(0x4000_0000, 0xAABB_CCDD))
        XCTAssertEqual(try dma.read32(0x4000_0000), 0xAABB_CCDD)
    }

    func testGranuleProtection() throws {
        var o = VirtOptions()
        o.secure = true; o.virtualization = true; o.rme = true
        let m = try VirtMachine(options: o)
        let cpu = m.cpu
        XCTAssertTrue(cpu.config.hasRME)
        let dma = DMAMemory(memory: m.memory, gptCPU: cpu)
        // GPT at RAM + 1 MiB: level 0 entry 1 (the GiB of RAM) points to a
        // level 1 table whose first entry gives 16 granules: granule 1 Realm,
        // the others Non-secure.
        let l0: UInt64 = 0x4010_0000, l1: UInt64 = 0x4012_0000
        XCTAssertNoThrow(try dma.write64(l0 + 8, l1 | 0b0011))
        var e1: UInt64 = 0
        for g in 0..<16 { e1 |= (g == 1 ? GPI.realm : GPI.nonSecure) << UInt64(4 * g) }
        XCTAssertNoThrow(try dma.write64(l1, e1))
        cpu.setSysreg(RMERegisters.gptbr, l0 >> 12)
        cpu.setSysreg(RMERegisters.gpccr, 0b10 << 12 | RMERegisters.gpccrGPC)
        XCTAssertTrue(cpu.gpcEnabled)
        XCTAssertNoThrow(try dma.write32(0x4000_0000, 1))
        XCTAssertThrowsError(try dma.write32(0x4000_1000, 1)) { XCTAssertEqual($0 as? DMAError, .granuleProtection(pa: 0x4000_1000)) }
        XCTAssertThrowsError(try dma.read32(0x4000_1ffc))
        // A buffer that starts Non-secure and runs into the Realm granule.
        var b = [UInt8](repeating: 0, count: 32)
        XCTAssertThrowsError(try b.withUnsafeMutableBytes { try dma.read(pa: 0x4000_0ff0, into: $0) })
        XCTAssertNoThrow(try dma.read32(0x4000_2000))
    }

    func testWritesRetagMECWithMECIDZeroAndReadsSeeSubstitutes() throws {
        var o = VirtOptions()
        o.mec = true
        let m = try VirtMachine(options: o)
        let tags = try XCTUnwrap(m.memory.mecTags)
        let page: UInt64 = 0x4000_3000
        tags.willWrite(pa: page, length: 4096, mecid: 5)
        let dma = DMAMemory(memory: m.memory, gptCPU: m.cpu)
        XCTAssertEqual(try dma.read32(page + 64), 0xDEAD_BEEF, "a line of MECID 5 read with MECID 0")
        XCTAssertNoThrow(try dma.write32(page + 64, 7))
        XCTAssertEqual(tags.lineTag(pa: page + 64), 0, "re-tagged with the device's MECID")
        XCTAssertEqual(try dma.read32(page + 64), 7)
        XCTAssertEqual(try dma.read32(page + 128), 0xDEAD_BEEF)
    }

    func testWritesDropTranslatedCode() throws {
        let m = try VirtMachine(options: VirtOptions())
        var hits: [(UInt64, UInt64)] = []
        m.memory.onCodeWrite = { hits.append(($0, $1)) }
        m.memory.markCode(pa: 0x4000_5000, length: 8)
        let dma = DMAMemory(memory: m.memory, gptCPU: m.cpu)
        try dma.write32(0x4000_6000, 1)
        XCTAssertTrue(hits.isEmpty)
        try dma.write64(0x4000_4ffc, 0)
        XCTAssertEqual(hits.map { $0.0 }, [0x4000_5000])
        XCTAssertEqual(hits.map { $0.1 }, [4])
    }
}

/// The I/O thread runs work in order; completions run where `runCompletions`
/// or `drain` is called (the CPU thread).
final class IOWorkerTests: XCTestCase {
    func testWorkRunsOffThreadAndCompletesOnCaller() {
        let w = IOWorker(interrupts: nil)
        final class Log: @unchecked Sendable { var items: [Int] = []; var threads: Set<UInt> = [] }
        let log = Log()
        let me = UInt(bitPattern: Int(pthread_self()))
        for i in 0..<20 {
            w.submit {
                let t = UInt(bitPattern: Int(pthread_self()))
                return { log.items.append(i); log.threads.insert(t) }
            }
        }
        XCTAssertEqual(w.inFlight, 20)
        w.drain()
        XCTAssertEqual(w.inFlight, 0)
        XCTAssertEqual(log.items, Array(0..<20))
        XCTAssertFalse(log.threads.contains(me))
        w.shutdown()
        w.submit { { log.items.append(99) } }
        w.drain()
        XCTAssertEqual(log.items.last, 99, "after shutdown work runs inline")
    }
}
