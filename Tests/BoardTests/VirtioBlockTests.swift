import XCTest
import Glibc
@testable import Machine
@testable import Devices
@testable import Board
import Options

/// virtio-blk and virtio-rng on the board's virtio-mmio transports, driven
/// through the registers as Linux's virtio_mmio and virtio_blk drivers do.
final class VirtioBlockTests: XCTestCase {
    static let ram: UInt64 = 0x4000_0000
    static let desc = ram + 0x1000, avail = ram + 0x2000, used = ram + 0x3000
    static let header = ram + 0x4000, data = ram + 0x5000, status = ram + 0x9000

    var path = ""
    var machine: VirtMachine!

    override func setUp() {
        path = NSTemporaryDirectory() + "armature-virtio-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).img"
        var bytes = [UInt8](repeating: 0, count: 64 << 10)
        for i in 0..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i / 512 &+ i) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
    override func tearDown() {
        machine = nil
        unlink(path)
    }

    func make(drive: String = "", devices: [String]) throws {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        if !drive.isEmpty { o.drives = [try DriveOption.parse(drive)] }
        o.devices = try devices.map { try DeviceOption.parse($0) }
        machine = try VirtMachine(options: o)
    }

    func mmio(_ n: Int) -> VirtioMMIO { machine.virtioTransports[n] }
    func put(_ pa: UInt64, _ v: UInt64, _ n: Int) {
        let b = (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
        b.withUnsafeBytes { XCTAssertTrue(machine.memory.writePhysical(pa: pa, bytes: $0)) }
    }
    func get(_ pa: UInt64, _ n: Int) -> UInt64 {
        machine.memory.readPhysical(pa: pa, count: n)!.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
    func file() -> [UInt8] { Array(FileManager.default.contents(atPath: path)!) }

    /// The driver's initialisation (virtio 1.2 3.1.1 and 4.2.3.2).
    func start(_ t: VirtioMMIO, features: UInt64) {
        typealias R = VirtioMMIO.Reg
        t.write(offset: R.status, size: 4, value: 0)
        t.write(offset: R.status, size: 4, value: 3)
        t.write(offset: R.driverFeaturesSel, size: 4, value: 0)
        t.write(offset: R.driverFeatures, size: 4, value: features & 0xFFFF_FFFF)
        t.write(offset: R.driverFeaturesSel, size: 4, value: 1)
        t.write(offset: R.driverFeatures, size: 4, value: features >> 32)
        t.write(offset: R.status, size: 4, value: 11)
        XCTAssertEqual(t.read(offset: R.status, size: 4), 11)
        t.write(offset: R.queueSel, size: 4, value: 0)
        XCTAssertEqual(t.read(offset: R.queueReady, size: 4), 0)
        t.write(offset: R.queueNum, size: 4, value: 8)
        t.write(offset: R.queueDescLow, size: 4, value: Self.desc & 0xFFFF_FFFF)
        t.write(offset: R.queueDescHigh, size: 4, value: 0)
        t.write(offset: R.queueDriverLow, size: 4, value: Self.avail & 0xFFFF_FFFF)
        t.write(offset: R.queueDeviceLow, size: 4, value: Self.used & 0xFFFF_FFFF)
        t.write(offset: R.queueReady, size: 4, value: 1)
        t.write(offset: R.status, size: 4, value: 15)
    }

    var nextAvail: UInt16 = 0

    /// Submits one request (header, data, status), waits for the I/O thread,
    /// returns (status byte, used length).
    func request(_ t: VirtioMMIO, type: UInt32, sector: UInt64, dataLength: UInt32, deviceWrites: Bool,
                 line: UInt = #line) -> (UInt8, UInt32) {
        put(Self.header, UInt64(type), 4); put(Self.header + 4, 0, 4); put(Self.header + 8, sector, 8)
        put(Self.status, 0xFF, 1)
        func d(_ i: Int, _ a: UInt64, _ l: UInt32, _ f: UInt16, _ n: UInt16) {
            let p = Self.desc + 16 * UInt64(i)
            put(p, a, 8); put(p + 8, UInt64(l), 4); put(p + 12, UInt64(f), 2); put(p + 14, UInt64(n), 2)
        }
        d(0, Self.header, 16, Virtqueue.descNext, 1)
        if dataLength > 0 {
            d(1, Self.data, dataLength, Virtqueue.descNext | (deviceWrites ? Virtqueue.descWrite : 0), 2)
            d(2, Self.status, 1, Virtqueue.descWrite, 0)
        } else {
            d(1, Self.status, 1, Virtqueue.descWrite, 0)
        }
        put(Self.avail + 4 + 2 * UInt64(nextAvail % 8), 0, 2)
        nextAvail &+= 1
        put(Self.avail + 2, UInt64(nextAvail), 2)
        t.write(offset: VirtioMMIO.Reg.queueNotify, size: 4, value: 0)
        for w in machine.hostDevices.workers { w.drain() }
        XCTAssertEqual(get(Self.used + 2, 2), UInt64(nextAvail), "used->idx", line: line)
        let slot = Self.used + 4 + 8 * UInt64((nextAvail &- 1) % 8)
        return (UInt8(get(Self.status, 1)), UInt32(get(slot + 4, 4)))
    }

    func testTransportsAndIdentity() throws {
        try make(drive: "if=none,id=d0,format=raw,file=\(path)", devices: ["virtio-blk-device,drive=d0", "virtio-rng-device"])
        XCTAssertEqual(machine.virtioTransports.count, 32)
        for (n, id) in [(31, 2), (30, 4), (0, 0), (29, 0)] {
            let t = mmio(n)
            XCTAssertEqual(t.read(offset: 0, size: 4), 0x7472_6976)
            XCTAssertEqual(t.read(offset: 4, size: 4), 2)
            XCTAssertEqual(t.read(offset: 8, size: 4), UInt64(id), "transport \(n)")
            XCTAssertEqual(t.read(offset: 0xC, size: 4), 0x554D_4551)
        }
        XCTAssertNotNil(machine.memory.region(containing: 0x0A00_3E00))
        let blk = mmio(31)
        blk.write(offset: VirtioMMIO.Reg.deviceFeaturesSel, size: 4, value: 0)
        let f0 = blk.read(offset: VirtioMMIO.Reg.deviceFeatures, size: 4)
        XCTAssertNotEqual(f0 & UInt64(VirtioBlock.featureFlush), 0)
        XCTAssertEqual(f0 & UInt64(VirtioBlock.featureRO), 0)
        blk.write(offset: VirtioMMIO.Reg.deviceFeaturesSel, size: 4, value: 1)
        XCTAssertEqual(blk.read(offset: VirtioMMIO.Reg.deviceFeatures, size: 4), 1, "VERSION_1")
        XCTAssertEqual(blk.read(offset: 0x100, size: 8), 128, "capacity: 64 KiB in sectors")
        XCTAssertEqual(blk.read(offset: 0x100 + 20, size: 4), 512, "blk_size")
        XCTAssertEqual(blk.read(offset: 0x100 + 40, size: 4), 1, "max_discard_seg")
    }

    func testReadWriteFlushGetIDAndZeroes() throws {
        try make(drive: "if=none,id=d0,format=raw,file=\(path)", devices: ["virtio-blk-device,drive=d0,serial=ARM-SER"])
        let t = mmio(31)
        start(t, features: Virtio.featureVersion1 | VirtioBlock.featureFlush | VirtioBlock.featureWriteZeroes | VirtioBlock.featureDiscard)
        XCTAssertFalse(t.irq.level)
        // Read sectors 2-3.
        var (s, n) = request(t, type: VirtioBlock.typeIn, sector: 2, dataLength: 1024, deviceWrites: true)
        XCTAssertEqual(s, VirtioBlock.statusOK); XCTAssertEqual(n, 1025)
        XCTAssertEqual(machine.memory.readPhysical(pa: Self.data, count: 1024)!, Array(file()[1024..<2048]))
        XCTAssertTrue(t.irq.level, "used-buffer interrupt")
        XCTAssertEqual(t.read(offset: VirtioMMIO.Reg.interruptStatus, size: 4), 1)
        t.write(offset: VirtioMMIO.Reg.interruptACK, size: 4, value: 1)
        XCTAssertFalse(t.irq.level)
        // Write sector 5.
        let pattern = (0..<512).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        pattern.withUnsafeBytes { _ = machine.memory.writePhysical(pa: Self.data, bytes: $0) }
        (s, n) = request(t, type: VirtioBlock.typeOut, sector: 5, dataLength: 512, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusOK); XCTAssertEqual(n, 1)
        XCTAssertEqual(Array(file()[2560..<3072]), pattern)
        (s, _) = request(t, type: VirtioBlock.typeFlush, sector: 0, dataLength: 0, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusOK)
        (s, n) = request(t, type: VirtioBlock.typeGetID, sector: 0, dataLength: 20, deviceWrites: true)
        XCTAssertEqual(s, VirtioBlock.statusOK); XCTAssertEqual(n, 21)
        XCTAssertEqual(machine.memory.readPhysical(pa: Self.data, count: 20)!, Array("ARM-SER".utf8) + [UInt8](repeating: 0, count: 13))
        // Write zeroes over sectors 6-7: one segment {sector, count, flags}.
        put(Self.data, 6, 8); put(Self.data + 8, 2, 4); put(Self.data + 12, 0, 4)
        (s, _) = request(t, type: VirtioBlock.typeWriteZeroes, sector: 0, dataLength: 16, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusOK)
        XCTAssertEqual(Array(file()[3072..<4096]), [UInt8](repeating: 0, count: 1024))
        XCTAssertNotEqual(file()[4096], 0)
        // Discard (discard=ignore: succeeds, changes nothing).
        put(Self.data, 8, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 0, 4)
        (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 16, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusOK)
        // Beyond the end, unaligned lengths and unknown types.
        (s, _) = request(t, type: VirtioBlock.typeIn, sector: 127, dataLength: 1024, deviceWrites: true)
        XCTAssertEqual(s, VirtioBlock.statusIOErr)
        (s, _) = request(t, type: VirtioBlock.typeOut, sector: 0, dataLength: 100, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusIOErr)
        (s, _) = request(t, type: 99, sector: 0, dataLength: 0, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusUnsupported)
        XCTAssertFalse(machine.virtioTransports[31].core!.isBroken)
    }

    func testReadOnlyRefusesWrites() throws {
        // (if=virtio is virtio-blk-pci: VirtioPCITests.testDriveIfVirtioIsVirtioBlkPCI)
        try make(drive: "if=none,id=d0,file=\(path),format=raw,readonly=on", devices: ["virtio-blk-device,drive=d0"])
        let t = mmio(31)
        XCTAssertNotEqual(t.read(offset: VirtioMMIO.Reg.deviceFeatures, size: 4) & UInt64(VirtioBlock.featureRO), 0)
        start(t, features: Virtio.featureVersion1 | VirtioBlock.featureRO | VirtioBlock.featureWriteZeroes)
        let before = file()
        put(Self.data, 0xFFFF_FFFF_FFFF_FFFF, 8)
        var (s, _) = request(t, type: VirtioBlock.typeOut, sector: 0, dataLength: 512, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusIOErr)
        put(Self.data, 0, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 0, 4)
        (s, _) = request(t, type: VirtioBlock.typeWriteZeroes, sector: 0, dataLength: 16, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusIOErr)
        (s, _) = request(t, type: VirtioBlock.typeIn, sector: 0, dataLength: 512, deviceWrites: true)
        XCTAssertEqual(s, VirtioBlock.statusOK)
        XCTAssertEqual(file(), before)
    }

    func testReadOnlyRefusesDiscardAndOpensReadOnly() throws {
        try make(drive: "if=none,id=d0,file=\(path),format=raw,readonly=on,discard=unmap", devices: ["virtio-blk-device,drive=d0"])
        let t = mmio(31)
        start(t, features: Virtio.featureVersion1 | VirtioBlock.featureRO | VirtioBlock.featureDiscard | VirtioBlock.featureFlush)
        let before = file()
        put(Self.data, 0, 8); put(Self.data + 8, 4, 4); put(Self.data + 12, 0, 4)
        var (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 16, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusIOErr)
        (s, _) = request(t, type: VirtioBlock.typeFlush, sector: 0, dataLength: 0, deviceWrites: false)
        XCTAssertEqual(s, VirtioBlock.statusOK, "a flush of a read-only disk succeeds (nothing to write)")
        XCTAssertEqual(file(), before)
        // The image itself is opened read-only: a file the host made read-only works.
        machine = nil
        XCTAssertEqual(chmod(path, 0o444), 0)
        defer { chmod(path, 0o644) }
        if getuid() != 0 {
            XCTAssertThrowsError(try make(drive: "if=none,id=d0,file=\(path),format=raw", devices: ["virtio-blk-device,drive=d0"]))
        }
        nextAvail = 0
        try make(drive: "if=none,id=d0,file=\(path),format=raw,readonly=on", devices: ["virtio-blk-device,drive=d0"])
        start(mmio(31), features: Virtio.featureVersion1 | VirtioBlock.featureRO)
        (s, _) = request(mmio(31), type: VirtioBlock.typeIn, sector: 1, dataLength: 512, deviceWrites: true)
        XCTAssertEqual(s, VirtioBlock.statusOK)
        XCTAssertEqual(machine.memory.readPhysical(pa: Self.data, count: 512)!, Array(before[512..<1024]))
    }

    func backend(_ n: Int = 31) -> BlockBackend { (mmio(n).core!.device as! VirtioBlock).backend }

    /// A completed flush has been through fdatasync (durable on the host);
    /// with the default cache=writeback a write alone is not synced,
    /// cache=writethrough syncs each write, cache=unsafe never syncs.
    func testFlushIsDurableAndCacheModes() throws {
        let all = Virtio.featureVersion1 | VirtioBlock.featureFlush
        let pattern = (0..<512).map { UInt8(truncatingIfNeeded: $0 * 5 + 1) }
        for (cache, syncsAfterWrite, syncsAfterFlush) in [("writeback", 0, 1), ("writethrough", 1, 2), ("unsafe", 0, 0)] {
            nextAvail = 0
            try make(drive: "if=none,id=d0,format=raw,file=\(path),cache=\(cache)", devices: ["virtio-blk-device,drive=d0"])
            let t = mmio(31)
            start(t, features: all)
            pattern.withUnsafeBytes { _ = machine.memory.writePhysical(pa: Self.data, bytes: $0) }
            var (s, _) = request(t, type: VirtioBlock.typeOut, sector: 9, dataLength: 512, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusOK, cache)
            XCTAssertEqual(backend().syncCount.load(ordering: .relaxed), syncsAfterWrite, "cache=\(cache): syncs after a write")
            (s, _) = request(t, type: VirtioBlock.typeFlush, sector: 0, dataLength: 0, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusOK, cache)
            XCTAssertEqual(backend().syncCount.load(ordering: .relaxed), syncsAfterFlush, "cache=\(cache): syncs after a flush")
            XCTAssertEqual(Array(file()[4608..<5120]), pattern, cache)
        }
    }

    /// DISCARD punches a hole with discard=unmap (the sectors read as zeros)
    /// and changes nothing with discard=ignore (QEMU's default); WRITE_ZEROES
    /// zeroes either way, with or without its UNMAP flag; neither is accepted
    /// unless negotiated, and only one segment with known flags.
    func testDiscardAndWriteZeroes() throws {
        let sector4 = 2048..<2560
        for unmap in [false, true] {
            nextAvail = 0
            setUp()
            try make(drive: "if=none,id=d0,format=raw,file=\(path),discard=\(unmap ? "unmap" : "ignore")",
                     devices: ["virtio-blk-device,drive=d0"])
            let t = mmio(31)
            start(t, features: Virtio.featureVersion1 | VirtioBlock.featureDiscard | VirtioBlock.featureWriteZeroes)
            let before = file()
            XCTAssertNotEqual(Array(before[sector4]), [UInt8](repeating: 0, count: 512))
            put(Self.data, 4, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 0, 4)
            var (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusOK)
            XCTAssertEqual(Array(file()[sector4]), unmap ? [UInt8](repeating: 0, count: 512) : Array(before[sector4]),
                           "discard=\(unmap ? "unmap" : "ignore")")
            XCTAssertEqual(Array(file()[0..<2048]), Array(before[0..<2048]), "the sectors before are kept")
            XCTAssertEqual(Array(file()[2560..<4096]), Array(before[2560..<4096]), "the sectors after are kept")
            // Write-zeroes with UNMAP over sectors 10-11, then without it over 12.
            put(Self.data, 10, 8); put(Self.data + 8, 2, 4); put(Self.data + 12, 1, 4)
            (s, _) = request(t, type: VirtioBlock.typeWriteZeroes, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusOK)
            put(Self.data, 12, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 0, 4)
            (s, _) = request(t, type: VirtioBlock.typeWriteZeroes, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusOK)
            XCTAssertEqual(Array(file()[5120..<6656]), [UInt8](repeating: 0, count: 1536))
            XCTAssertEqual(Array(file()[6656..<7168]), Array(before[6656..<7168]))
            // Unknown flags, a discard flag, two segments, past the end.
            put(Self.data, 20, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 2, 4)
            (s, _) = request(t, type: VirtioBlock.typeWriteZeroes, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusUnsupported)
            put(Self.data + 12, 1, 4)
            (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusUnsupported, "discard has no UNMAP flag")
            (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 32, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusUnsupported, "one segment")
            put(Self.data, 127, 8); put(Self.data + 8, 2, 4); put(Self.data + 12, 0, 4)
            (s, _) = request(t, type: VirtioBlock.typeDiscard, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusIOErr, "past the end")
            XCTAssertEqual(Array(file()[10240..<10752]), Array(before[10240..<10752]))
            XCTAssertFalse(t.core!.isBroken)
            machine = nil
            unlink(path)
        }
        setUp()
        // Not negotiated: unsupported, nothing changes.
        try make(drive: "if=none,id=d0,format=raw,file=\(path),discard=unmap", devices: ["virtio-blk-device,drive=d0"])
        nextAvail = 0
        let t = mmio(31)
        start(t, features: Virtio.featureVersion1)
        let before = file()
        for type in [VirtioBlock.typeDiscard, VirtioBlock.typeWriteZeroes] {
            put(Self.data, 4, 8); put(Self.data + 8, 1, 4); put(Self.data + 12, 0, 4)
            let (s, _) = request(t, type: type, sector: 0, dataLength: 16, deviceWrites: false)
            XCTAssertEqual(s, VirtioBlock.statusUnsupported)
        }
        XCTAssertEqual(file(), before)
    }

    func testMachineResetResetsTheDevice() throws {
        try make(devices: ["virtio-rng-device"])
        let t = mmio(31)
        start(t, features: Virtio.featureVersion1)
        XCTAssertEqual(t.read(offset: VirtioMMIO.Reg.status, size: 4), 15)
        machine.resetVirtio()
        XCTAssertEqual(t.read(offset: VirtioMMIO.Reg.status, size: 4), 0)
        XCTAssertEqual(t.read(offset: VirtioMMIO.Reg.queueReady, size: 4), 0)
        XCTAssertFalse(t.irq.level)
    }

    func testRNG() throws {
        try make(devices: ["virtio-rng-device"])
        let t = mmio(31)
        XCTAssertEqual(t.read(offset: 8, size: 4), 4)
        start(t, features: Virtio.featureVersion1)
        put(Self.desc, Self.data, 8); put(Self.desc + 8, 64, 4); put(Self.desc + 12, UInt64(Virtqueue.descWrite), 2)
        put(Self.data, 0, 8)
        put(Self.avail + 4, 0, 2); put(Self.avail + 2, 1, 2)
        t.write(offset: VirtioMMIO.Reg.queueNotify, size: 4, value: 0)
        XCTAssertEqual(get(Self.used + 2, 2), 1)
        XCTAssertEqual(get(Self.used + 8, 4), 64)
        XCTAssertNotEqual(machine.memory.readPhysical(pa: Self.data, count: 64)!, [UInt8](repeating: 0, count: 64))
    }

    func testBadDevicesAndDrives() {
        func message(_ drive: String, _ devices: [String]) -> String? {
            do { try make(drive: drive, devices: devices); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(message("", ["bogus-dev"]), "-device bogus-dev: 'bogus-dev' is not a valid device model name")
        XCTAssertEqual(message("", ["virtio-rng-device,foo=1"]), "-device virtio-rng-device,foo=1: Property 'virtio-rng-device.foo' not found")
        XCTAssertEqual(message("", ["virtio-blk-device"]), "-device virtio-blk-device: drive property not set")
        XCTAssertEqual(message("", ["virtio-blk-device,drive=nope"]),
                       "-device virtio-blk-device,drive=nope: Property 'virtio-blk-device.drive' can't find value 'nope'")
        XCTAssertEqual(message("file=/nonexistent/x.img,format=raw", []),
                       "-drive file=/nonexistent/x.img,format=raw: Could not open '/nonexistent/x.img': No such file or directory")
        XCTAssertNotNil(message("if=none,id=d0,format=raw,file=\(path)", ["virtio-blk-device,drive=d0", "virtio-blk-device,drive=d0"]))
    }
}
