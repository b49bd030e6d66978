import XCTest
@testable import Machine
@testable import Devices
@testable import Board
import Options
import Foundation

/// The virtio-pci transport (Devices/Virtio/VirtioPCI.swift) and MSI-X
/// (Devices/PCI/MSIX.swift): the capabilities a driver looks for, the common
/// configuration, notifications, the ISR with INTx, MSI-X vectors with masking
/// and pending bits, the configuration access capability.
final class VirtioPCITests: XCTestCase {
    var machine: VirtMachine!
    var dev: RecordingVirtioDevice!
    var pci: VirtioPCI!
    var msis: [(UInt64, UInt32, UInt16)] = []
    static let modern: UInt64 = 0x1000_4000, table: UInt64 = 0x1000_0000

    override func setUp() {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        machine = try! VirtMachine(options: o, console: TestConsole().console)
        dev = RecordingVirtioDevice()
        pci = try! machine.addVirtioPCI(dev, name: "virtio-test-pci")
        XCTAssertEqual(machine.pcie.ecam.read(offset: 1 << 15, size: 4), 0x10BF_1AF4, "slot 1")
        machine.pcie.msiHandler = { [unowned self] in self.msis.append(($0, $1, $2)) }
        // What Linux does: BAR 1 and BAR 4 placed, memory decoding and bus mastering on.
        pci.writeConfig(offset: 0x14, size: 4, value: UInt32(Self.table))
        pci.writeConfig(offset: 0x20, size: 4, value: UInt32(Self.modern))
        pci.writeConfig(offset: 0x24, size: 4, value: 0)
        pci.writeConfig(offset: 4, size: 2, value: 0x6)
    }

    var window: PCIExpressHost.Window { machine.pcie.memoryWindow }
    func common(_ off: UInt64, _ size: Int) -> UInt64 { window.read(offset: Self.modern + off, size: size) }
    func setCommon(_ off: UInt64, _ size: Int, _ v: UInt64) { window.write(offset: Self.modern + off, size: size, value: v) }

    func testIdentityAndCapabilities() {
        XCTAssertEqual(pci.readConfig(offset: 0, size: 4), 0x10BF_1AF4, "1af4:(1040 + device ID)")
        XCTAssertEqual(pci.readConfig(offset: 8, size: 4), 0x00FF_0001, "class, revision 1")
        XCTAssertEqual(pci.readConfig(offset: 0x3D, size: 1), 1, "INTA")
        // Walk the list as a driver does: every virtio structure type, in BAR 4.
        var found: [UInt8: (bar: UInt8, offset: UInt32, length: UInt32)] = [:]
        var p = Int(pci.readConfig(offset: 0x34, size: 1)), msixAt = 0
        while p != 0 {
            switch pci.readConfig(offset: p, size: 1) {
            case 0x09:
                found[UInt8(pci.readConfig(offset: p + 3, size: 1))] = (UInt8(pci.readConfig(offset: p + 4, size: 1)),
                    pci.readConfig(offset: p + 8, size: 4), pci.readConfig(offset: p + 12, size: 4))
            case 0x11: msixAt = p
            default: XCTFail("unexpected capability")
            }
            p = Int(pci.readConfig(offset: p + 1, size: 1))
        }
        XCTAssertEqual(found[1]?.offset, 0x0000)
        XCTAssertEqual(found[3]?.offset, 0x1000)
        XCTAssertEqual(found[4]?.offset, 0x2000)
        XCTAssertEqual(found[2]?.offset, 0x3000)
        XCTAssertEqual(found[2]?.bar, 4)
        XCTAssertNotNil(found[5])
        XCTAssertNotEqual(msixAt, 0)
        XCTAssertEqual(pci.readConfig(offset: msixAt + 2, size: 2), 1, "two vectors: table size - 1")
        XCTAssertEqual(pci.readConfig(offset: msixAt + 4, size: 4), 1, "table in BAR 1 at 0")
        XCTAssertEqual(pci.readConfig(offset: msixAt + 8, size: 4), 0x801, "PBA in BAR 1 at 0x800")
        // BAR sizes as QEMU's: 4 KiB, 16 KiB 64-bit prefetchable.
        XCTAssertEqual(pci.bars[1]?.size, 0x1000)
        XCTAssertEqual(pci.bars[4], PCIFunction.BAR(kind: .memory64, size: 0x4000, prefetchable: true))
    }

    /// The driver's side of 3.1.1 and 4.1.5 through the common configuration.
    func start() {
        typealias C = VirtioPCI.Common
        setCommon(C.deviceStatus, 1, 3)
        setCommon(C.deviceFeatureSelect, 4, 1)
        XCTAssertEqual(common(C.deviceFeature, 4), 1, "VERSION_1")
        setCommon(C.deviceFeatureSelect, 4, 0)
        XCTAssertEqual(common(C.deviceFeature, 4), 1 << 3 | 1 << 28 | 1 << 29)
        setCommon(C.driverFeatureSelect, 4, 1)
        setCommon(C.driverFeature, 4, 1)
        setCommon(C.deviceStatus, 1, 11)
        XCTAssertEqual(common(C.deviceStatus, 1), 11)
        XCTAssertEqual(common(C.numQueues, 2), 1)
        setCommon(C.queueSelect, 2, 0)
        XCTAssertEqual(common(C.queueSize, 2), 8)
        XCTAssertEqual(common(C.queueNotifyOff, 2), 0)
        setCommon(C.queueDesc, 4, 0x4000_1000)
        setCommon(C.queueDesc + 4, 4, 0)
        setCommon(C.queueDriver, 8, 0x4000_2000)
        setCommon(C.queueDevice, 4, 0x4000_3000)
        XCTAssertEqual(common(C.queueDriver, 8), 0x4000_2000)
        setCommon(C.queueEnable, 2, 1)
        XCTAssertEqual(common(C.queueEnable, 2), 1)
        setCommon(C.deviceStatus, 1, 15)
    }

    func put(_ pa: UInt64, _ v: UInt64, _ n: Int) {
        let b = (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
        b.withUnsafeBytes { XCTAssertTrue(machine.memory.writePhysical(pa: pa, bytes: $0)) }
    }

    /// One chain (one writable buffer) made available in queue 0, then the kick.
    func kick(slot: UInt16) {
        put(0x4000_1000, 0x4001_0000, 8); put(0x4000_1008, 16, 4); put(0x4000_100C, 2, 2)
        put(0x4000_2004 + 2 * UInt64(slot % 8), 0, 2)
        put(0x4000_2002, UInt64(slot + 1), 2)
        window.write(offset: Self.modern + VirtioPCI.notifyOffset, size: 2, value: 0)
    }

    func testQueueNotificationAndINTx() {
        start()
        // Addresses are fixed while the queue is enabled.
        setCommon(VirtioPCI.Common.queueDesc, 4, 0x5000)
        XCTAssertEqual(common(VirtioPCI.Common.queueDesc, 4), 0x4000_1000)
        kick(slot: 0)
        XCTAssertEqual(dev.notified, [0])
        XCTAssertEqual(dev.chains.count, 1)
        // No MSI-X: INTA (slot 1: INTB at the bridge) follows the ISR; reading it clears both.
        XCTAssertTrue(machine.pcie.intx[1].level)
        XCTAssertEqual(pci.readConfig(offset: 6, size: 2) & 0x8, 0x8)
        XCTAssertEqual(window.read(offset: Self.modern + VirtioPCI.isrOffset, size: 1), 1)
        XCTAssertFalse(machine.pcie.intx[1].level)
        XCTAssertEqual(window.read(offset: Self.modern + VirtioPCI.isrOffset, size: 1), 0)
        // The device configuration reaches the device.
        XCTAssertEqual(window.read(offset: Self.modern + VirtioPCI.deviceOffset, size: 4), 0x1234_5678)
        XCTAssertEqual(window.read(offset: Self.modern + VirtioPCI.deviceOffset + 4, size: 4), 0, "past configSize")
        // A notification of a queue that does not exist is ignored.
        window.write(offset: Self.modern + VirtioPCI.notifyOffset + 4 * 7, size: 2, value: 7)
        XCTAssertEqual(dev.notified, [0])
        // Reset: status 0 resets the device, queues and vectors.
        setCommon(VirtioPCI.Common.deviceStatus, 1, 0)
        XCTAssertEqual(dev.resets, 1)
        XCTAssertEqual(common(VirtioPCI.Common.queueEnable, 2), 0)
    }

    func testMSIXVectorsMaskingAndPending() {
        let cap = pci.msix.capability
        // Vector 1 for queue 0, vector 0 for configuration; a vector past the table is NO_VECTOR.
        setCommon(VirtioPCI.Common.msixConfig, 2, 5)
        XCTAssertEqual(common(VirtioPCI.Common.msixConfig, 2), 0xFFFF)
        setCommon(VirtioPCI.Common.msixConfig, 2, 0)
        start()
        setCommon(VirtioPCI.Common.queueMSIXVector, 2, 1)
        XCTAssertEqual(common(VirtioPCI.Common.queueMSIXVector, 2), 1)
        // Table entry 1: address, data, unmasked. Masked entries reset to 1.
        XCTAssertEqual(window.read(offset: Self.table + 16 + 12, size: 4), 1)
        window.write(offset: Self.table + 16, size: 8, value: 0x0802_0040)
        window.write(offset: Self.table + 16 + 8, size: 4, value: 81)
        window.write(offset: Self.table + 16 + 12, size: 4, value: 0)
        // Enable MSI-X with the function masked: the message waits in the PBA.
        pci.writeConfig(offset: cap + 2, size: 2, value: UInt32(MSIX.enableBit | MSIX.functionMaskBit))
        kick(slot: 0)
        XCTAssertTrue(msis.isEmpty)
        XCTAssertFalse(machine.pcie.intx[1].level, "no INTx with MSI-X on")
        XCTAssertEqual(window.read(offset: Self.table + 0x800, size: 8), 0b10, "vector 1 pending")
        pci.writeConfig(offset: cap + 2, size: 2, value: UInt32(MSIX.enableBit))
        XCTAssertEqual(msis.count, 1)
        XCTAssertEqual(msis.last?.0, 0x0802_0040)
        XCTAssertEqual(msis.last?.1, 81)
        XCTAssertEqual(msis.last?.2, 1 << 3, "requester ID: bus 0, device 1")
        XCTAssertEqual(window.read(offset: Self.table + 0x800, size: 8), 0)
        kick(slot: 1)
        XCTAssertEqual(msis.count, 2, "sent at once when unmasked")
        // Masking the entry holds the next one; unmasking sends it.
        window.write(offset: Self.table + 16 + 12, size: 4, value: 1)
        kick(slot: 2)
        XCTAssertEqual(msis.count, 2)
        window.write(offset: Self.table + 16 + 12, size: 4, value: 0)
        XCTAssertEqual(msis.count, 3)
        // Without bus mastering nothing leaves the function.
        pci.writeConfig(offset: 4, size: 2, value: 0x2)
        kick(slot: 3)
        XCTAssertEqual(msis.count, 3)
    }

    func testConfigurationAccessCapability() {
        var p = Int(pci.readConfig(offset: 0x34, size: 1)), cfg = 0
        while p != 0 {
            if pci.readConfig(offset: p, size: 1) == 0x09 && pci.readConfig(offset: p + 3, size: 1) == 5 { cfg = p }
            p = Int(pci.readConfig(offset: p + 1, size: 1))
        }
        XCTAssertNotEqual(cfg, 0)
        // Read numQueues (BAR 4, offset 0x12, 2 bytes) through pci_cfg_data.
        pci.writeConfig(offset: cfg + 4, size: 1, value: 4)
        pci.writeConfig(offset: cfg + 8, size: 4, value: 0x12)
        pci.writeConfig(offset: cfg + 12, size: 4, value: 2)
        XCTAssertEqual(pci.readConfig(offset: cfg + 16, size: 4), 1)
        // Write the device status through it.
        pci.writeConfig(offset: cfg + 8, size: 4, value: 0x14)
        pci.writeConfig(offset: cfg + 12, size: 4, value: 1)
        pci.writeConfig(offset: cfg + 16, size: 4, value: 1)
        XCTAssertEqual(pci.core.status, 1)
        // A bad length or BAR does nothing.
        pci.writeConfig(offset: cfg + 12, size: 4, value: 3)
        pci.writeConfig(offset: cfg + 16, size: 4, value: 0)
        XCTAssertEqual(pci.core.status, 1)
        pci.writeConfig(offset: cfg + 4, size: 1, value: 6)
        pci.writeConfig(offset: cfg + 12, size: 4, value: 1)
        pci.writeConfig(offset: cfg + 16, size: 4, value: 0)
        XCTAssertEqual(pci.core.status, 1)
    }

    func testMachineResetResetsTheFunction() {
        start()
        pci.writeConfig(offset: pci.msix.capability + 2, size: 2, value: UInt32(MSIX.enableBit))
        window.write(offset: Self.table + 12, size: 4, value: 0)
        pci.setINTx(true)
        XCTAssertTrue(machine.pcie.intx[1].level)
        machine.resetMachine()
        XCTAssertEqual(pci.readConfig(offset: 4, size: 2), 0, "decoding and bus mastering off")
        XCTAssertEqual(pci.readConfig(offset: 0x20, size: 4), 0xC, "BAR 4 unassigned")
        XCTAssertNil(pci.barAddress(4))
        XCTAssertFalse(pci.msix.enabled)
        XCTAssertEqual(pci.msix.readBAR(offset: 12, size: 4), 1, "table entries masked")
        XCTAssertEqual(pci.core.status, 0)
        XCTAssertFalse(pci.core.queues[0].ready)
        XCTAssertFalse(machine.pcie.intx[1].level)
        XCTAssertFalse(machine.gic.irq(0, 36).level, "INTB (SPI 4) low at the GIC")
        XCTAssertEqual(pci.readConfig(offset: 0, size: 4), 0x10BF_1AF4)
    }

    func testDriveIfVirtioIsVirtioBlkPCI() throws {
        let path = NSTemporaryDirectory() + "armature-pci-\(getpid()).img"
        FileManager.default.createFile(atPath: path, contents: Data(count: 4096))
        defer { unlink(path) }
        var o = VirtOptions()
        o.ramSize = 16 << 20
        o.drives = [try DriveOption.parse("file=\(path),format=raw,if=virtio")]
        o.devices = [try DeviceOption.parse("virtio-rng-pci"), try DeviceOption.parse("virtio-rng-pci,addr=0x5")]
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        // -device first (slot 1, then the addr=5 one), then the drive (slot 2), as
        // QEMU; transitional on bus 0, as QEMU 7.2's default there.
        XCTAssertEqual(vm.pcie.ecam.read(offset: 1 << 15, size: 4), 0x1005_1AF4)
        XCTAssertEqual(vm.pcie.ecam.read(offset: 2 << 15, size: 4), 0x1001_1AF4)
        XCTAssertEqual(vm.pcie.ecam.read(offset: 5 << 15, size: 4), 0x1005_1AF4)
        XCTAssertEqual(vm.pcie.ecam.read(offset: 2 << 15 | 8, size: 4), 0x0100_0000, "SCSI storage class, revision 0")
        XCTAssertEqual(vm.pcie.ecam.read(offset: 2 << 15 | 0x2C, size: 4), 0x0002_1AF4, "subsystem: the virtio device ID")
        XCTAssertTrue(vm.virtioTransports.allSatisfy { $0.core == nil }, "nothing on virtio-mmio")
    }

    func testFsdevAndNetdevThroughDevice() throws {
        let dir = NSTemporaryDirectory() + "armature-fsdev-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = VirtOptions()
        o.ramSize = 16 << 20
        o.fsdevs = [try FsdevOption.parseFsdev("local,id=fs0,path=\(dir),security_model=none")]
        o.netdevs = [try NetdevOption.parseNetdev("user,id=n0")]
        o.devices = [try DeviceOption.parse("virtio-9p-pci,fsdev=fs0,mount_tag=t"),
                     try DeviceOption.parse("virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc"),
                     try DeviceOption.parse("virtio-9p-device,fsdev=fs0,mount_tag=u"),
                     try DeviceOption.parse("virtio-net-pci,addr=4")]
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        XCTAssertEqual(vm.pcie.ecam.read(offset: 1 << 15, size: 4), 0x1009_1AF4, "virtio-9p-pci in slot 1")
        XCTAssertEqual(vm.pcie.ecam.read(offset: 4 << 15, size: 4), 0x1000_1AF4, "virtio-net-pci in slot 4")
        // -device virtio-*-device: the last transports first, as QEMU's bus order.
        let mmio = vm.virtioTransports
        XCTAssertEqual(mmio[31].read(offset: 8, size: 4), 1, "virtio-net-device on the last transport")
        XCTAssertEqual(mmio[30].read(offset: 8, size: 4), 9, "virtio-9p-device on the one before")
        XCTAssertEqual(mmio[31].read(offset: 0x100, size: 4), 0xAA00_5452, "its MAC (config space)")
    }

    /// A transitional device (QEMU 7.2's default on bus 0) driven through
    /// its legacy I/O BAR as a legacy driver does: features, one page
    /// number per queue, notify, the ISR; and a legacy-only device
    /// (disable-modern=on) has no modern capabilities.
    func testLegacyInterfaceOfATransitionalDevice() throws {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        o.devices = [try DeviceOption.parse("virtio-rng-pci"), try DeviceOption.parse("virtio-rng-pci,disable-modern=on")]
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        let f = try XCTUnwrap(vm.pcie.devices[1] as? VirtioPCI)
        XCTAssertEqual(f.mode, .transitional)
        XCTAssertEqual(f.readConfig(offset: 0, size: 4), 0x1005_1AF4)
        XCTAssertEqual(f.readConfig(offset: 0x2C, size: 4), 0x0004_1AF4, "subsystem: virtio device ID 4")
        XCTAssertEqual(f.readConfig(offset: 8, size: 1), 0, "revision 0")
        XCTAssertEqual(f.bars[0], PCIFunction.BAR(kind: .io, size: 32), "QEMU's I/O BAR for a device without configuration")
        XCTAssertNotNil(f.bars[4], "and the modern interface")
        XCTAssertEqual(f.readConfig(offset: 0x34, size: 1), 0x98, "MSI-X heads the list at 0x98, as QEMU's")
        f.writeConfig(offset: 0x10, size: 4, value: 0x1000)
        f.writeConfig(offset: 4, size: 2, value: 0x5)   // I/O, bus mastering
        let io: PCIExpressHost.Window = vm.pcie.ioWindow
        typealias L = VirtioPCI.Legacy
        let features = io.read(offset: 0x1000 + L.hostFeatures, size: 4)
        XCTAssertEqual(features & (1 << 28 | 1 << 29), 1 << 28 | 1 << 29, "indirect descriptors, event index")
        io.write(offset: 0x1000 + L.deviceStatus, size: 1, value: 3)
        io.write(offset: 0x1000 + L.guestFeatures, size: 4, value: 0)
        io.write(offset: 0x1000 + L.queueSelect, size: 2, value: 0)
        let n = io.read(offset: 0x1000 + L.queueSize, size: 2)
        XCTAssertEqual(n, 8)
        io.write(offset: 0x1000 + L.queuePFN, size: 4, value: 0x4000_4000 >> 12)
        let q = f.core.queues[0]
        XCTAssertEqual(q.descAddress, 0x4000_4000)
        XCTAssertEqual(q.driverAddress, 0x4000_4000 + 16 * n)
        XCTAssertEqual(q.deviceAddress, 0x4000_5000, "the used ring on the next page")
        XCTAssertTrue(q.ready)
        XCTAssertEqual(io.read(offset: 0x1000 + L.queuePFN, size: 4), 0x4000_4)
        io.write(offset: 0x1000 + L.deviceStatus, size: 1, value: 7)
        XCTAssertEqual(io.read(offset: 0x1000 + L.deviceStatus, size: 1), 7)
        // One 16-byte buffer for the entropy.
        func put(_ pa: UInt64, _ v: UInt64, _ n: Int) {
            let b = (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
            b.withUnsafeBytes { XCTAssertTrue(vm.memory.writePhysical(pa: pa, bytes: $0)) }
        }
        put(0x4000_4000, 0x4001_0000, 8); put(0x4000_4008, 16, 4); put(0x4000_400C, 2, 2)
        put(UInt64(0x4000_4000) + 16 * n + 4, 0, 2)
        put(UInt64(0x4000_4000) + 16 * n + 2, 1, 2)
        io.write(offset: 0x1000 + L.queueNotify, size: 2, value: 0)
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4000_5002, count: 2), [1, 0], "used->idx")
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4000_5008, count: 4), [16, 0, 0, 0], "16 bytes written")
        XCTAssertTrue(vm.pcie.intx[1].level, "INTx (slot 1, pin A: INTB)")
        XCTAssertEqual(io.read(offset: 0x1000 + L.isr, size: 1), 1)
        XCTAssertEqual(io.read(offset: 0x1000 + L.isr, size: 1), 0, "read to clear")
        XCTAssertFalse(vm.pcie.intx[1].level)
        // With MSI-X on, the vectors sit at 0x14 and 0x16.
        f.writeConfig(offset: f.msix.capability + 2, size: 2, value: UInt32(MSIX.enableBit))
        io.write(offset: 0x1000 + L.configVector, size: 2, value: 0)
        io.write(offset: 0x1000 + L.queueVector, size: 2, value: 1)
        XCTAssertEqual(io.read(offset: 0x1000 + L.configVector, size: 2), 0)
        XCTAssertEqual(io.read(offset: 0x1000 + L.queueVector, size: 2), 1)
        io.write(offset: 0x1000 + L.queueVector, size: 2, value: 7)
        XCTAssertEqual(io.read(offset: 0x1000 + L.queueVector, size: 2), UInt64(VirtioPCI.noVector), "no such vector")
        // Page number 0 resets the device.
        io.write(offset: 0x1000 + L.queuePFN, size: 4, value: 0)
        XCTAssertEqual(f.core.status, 0)
        XCTAssertFalse(q.ready)

        let legacy = try XCTUnwrap(vm.pcie.devices[2] as? VirtioPCI)
        XCTAssertEqual(legacy.mode, .legacy)
        XCTAssertEqual(legacy.readConfig(offset: 0, size: 4), 0x1005_1AF4)
        XCTAssertNil(legacy.bars[4], "no modern BAR")
        var caps: [UInt32] = []
        var p = Int(legacy.readConfig(offset: 0x34, size: 1))
        while p != 0 { caps.append(legacy.readConfig(offset: p, size: 1)); p = Int(legacy.readConfig(offset: p + 1, size: 1)) }
        XCTAssertEqual(caps, [0x11], "MSI-X only")
    }
}
