import XCTest
import Machine
@testable import Devices
@testable import Board
import Options
import Foundation

/// Run-time hot plug behind a root port (Devices/PCI/PCIRootPortHotPlug.swift,
/// Board/VirtioHotplug.swift): the slot's presence, events and interrupt as
/// QEMU 7.2's pcie-root-port signals them to Linux's pciehp, the power
/// controller hiding the functions, the unplug handshake, and the board's
/// device_add/device_del with QEMU's errors and DEVICE_DELETED events.
final class PCIHotPlugTests: XCTestCase {
    typealias X = PCIRootPort.Express
    private func ecam(bus: Int = 0, dev: Int, reg: Int) -> UInt64 { UInt64(bus << 20 | dev << 15 | reg) }

    /// A host with an empty hot-plug port in slot 1 (bus 1 behind it), its
    /// MSI-X vector 0 sending 0x33 with bus mastering on.
    private func rig() -> (PCIExpressHost, PCIRootPort, () -> [UInt32]) {
        let h = PCIExpressHost(busCount: 256)
        let port = PCIRootPort(name: "rp1", chassis: 1, slot: 1, port: 0)
        XCTAssertEqual(h.plug(port), 1)
        var msis: [UInt32] = []
        h.msiHandler = { _, data, _ in msis.append(data) }
        h.ecam.write(offset: ecam(dev: 1, reg: 0x18), size: 4, value: 0x0001_0100)
        h.ecam.write(offset: ecam(dev: 1, reg: 0x10), size: 4, value: 0x1020_0000)
        h.ecam.write(offset: ecam(dev: 1, reg: 4), size: 2, value: 6)
        h.memoryWindow.write(offset: 0x1020_0000, size: 4, value: 0x0809_0040)
        h.memoryWindow.write(offset: 0x1020_0008, size: 4, value: 0x33)
        h.memoryWindow.write(offset: 0x1020_000C, size: 4, value: 0)
        h.ecam.write(offset: ecam(dev: 1, reg: 0x4A), size: 2, value: UInt64(MSIX.enableBit))
        return (h, port, { msis })
    }

    private func slot(_ h: PCIExpressHost, _ port: PCIRootPort) -> (control: UInt64, status: UInt64) {
        (h.ecam.read(offset: ecam(dev: 1, reg: port.expressCapability + X.slotControl), size: 2),
         h.ecam.read(offset: ecam(dev: 1, reg: port.expressCapability + X.slotStatus), size: 2))
    }

    private func writeControl(_ h: PCIExpressHost, _ port: PCIRootPort, _ v: UInt64) {
        h.ecam.write(offset: ecam(dev: 1, reg: port.expressCapability + X.slotControl), size: 2, value: v)
    }

    private func clearStatus(_ h: PCIExpressHost, _ port: PCIRootPort, _ v: UInt64) {
        h.ecam.write(offset: ecam(dev: 1, reg: port.expressCapability + X.slotStatus), size: 2, value: v)
    }

    func testPlugPowerOnAndUnplugAsPciehpDoesIt() {
        let (h, port, msis) = rig()
        // An empty slot after reset: power off, both indicators off (QEMU 7.2: 0x07C0 before pciehp).
        XCTAssertEqual(slot(h, port).control, 0x07C0)
        XCTAssertEqual(slot(h, port).status & 0x40, 0, "nothing present")
        // pciehp's enables: attention button, command completed, hot-plug interrupt.
        writeControl(h, port, 0x07F1)
        XCTAssertEqual(msis(), [0x33], "the command completed")
        clearStatus(h, port, 0x10)
        // A card arrives: presence, link up, Presence Detect Changed and Attention Button Pressed, one message.
        let p = PCIHostTests.Probe()
        XCTAssertEqual(h.plug(p, behind: port, hot: true), 0)
        XCTAssertEqual(slot(h, port).status & 0x59, 0x49)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 1, reg: port.expressCapability + X.linkStatus), size: 2) & 0x2000, 0x2000)
        XCTAssertEqual(msis(), [0x33, 0x33])
        // Unpowered: the card does not answer yet.
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0), size: 4), 0xFFFF_FFFF)
        // pciehp clears the events, powers the slot on with the power indicator blinking, then on.
        clearStatus(h, port, 0x09)
        writeControl(h, port, 0x02F1)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0), size: 4), 0x5678_1234)
        clearStatus(h, port, 0x10)
        writeControl(h, port, 0x01F1)
        clearStatus(h, port, 0x10)
        // device_del: the attention button; the guest powers the slot off and the card goes.
        var removed: [PCIFunction] = []
        h.removed = { removed.append($0) }
        XCTAssertNil(port.requestUnplug())
        XCTAssertEqual(slot(h, port).status & 0x01, 0x01)
        let before = msis().count
        clearStatus(h, port, 0x01)
        writeControl(h, port, 0x02F1)                       // blinking while it waits
        XCTAssertEqual(port.requestUnplug(), "Hot-unplug failed: guest is busy (power indicator blinking)")
        clearStatus(h, port, 0x10)
        writeControl(h, port, 0x07F1)                       // power off, indicator off
        XCTAssertTrue(removed.first === p)
        XCTAssertNil(port.devices[0])
        XCTAssertEqual(slot(h, port).status & 0x48, 0x08, "not present, Presence Detect Changed")
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 1, reg: port.expressCapability + X.linkStatus), size: 2) & 0x2000, 0)
        XCTAssertGreaterThan(msis().count, before)
        // A slot already off loses a card at once, without the guest.
        let q = PCIHostTests.Probe()
        XCTAssertEqual(h.plug(q, behind: port, hot: true), 0)
        XCTAssertNil(port.requestUnplug())
        XCTAssertTrue(removed.last === q)
    }

    func testClearingEventsThatWereNotSetKeepsThemAndINTxFollowsTheEvents() {
        let (h, port, _) = rig()
        h.ecam.write(offset: ecam(dev: 1, reg: 0x4A), size: 2, value: 0)   // MSI-X off: INTx
        writeControl(h, port, 0x07F1)
        XCTAssertTrue(port.intxLevel, "command completed, enabled")
        clearStatus(h, port, 0x10)
        XCTAssertFalse(port.intxLevel)
        XCTAssertEqual(h.plug(PCIHostTests.Probe(), behind: port, hot: true), 0)
        XCTAssertTrue(port.intxLevel, "attention button pressed")
        // As QEMU: clearing all five events when some were not set keeps them (none is lost).
        clearStatus(h, port, 0x1F)
        XCTAssertEqual(slot(h, port).status & 0x1F, 0x09)
        XCTAssertTrue(port.intxLevel)
        clearStatus(h, port, 0x09)
        XCTAssertEqual(slot(h, port).status & 0x1F, 0)
        XCTAssertFalse(port.intxLevel)
        // The interlock command toggles the interlock's state.
        writeControl(h, port, 0x0FF1)
        XCTAssertEqual(slot(h, port).status & 0x80, 0x80)
        XCTAssertEqual(slot(h, port).control & 0x0800, 0)
    }

    func testBoardDeviceAddAndDel() throws {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        o.devices = try ["pcie-root-port,id=rp1,chassis=1,slot=1", "pcie-root-port,id=rp2,chassis=2,slot=2,hotplug=off",
                         "virtio-rng-pci,id=rng0"].map { try DeviceOption.parse($0) }
        let image = FileManager.default.temporaryDirectory.appendingPathComponent("hotplug-\(getpid()).img").path
        XCTAssertTrue(FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20)))
        defer { try? FileManager.default.removeItem(atPath: image) }
        o.drives = [try DriveOption.parse("if=none,id=d0,file=\(image),format=raw")]
        let m = try VirtMachine(options: o, console: TestConsole().console)
        var events: [String] = []
        m.pciHotplug.deviceDeleted = { events.append(($0 ?? "-") + " " + $1) }
        XCTAssertEqual(m.deviceAdd(driver: nil, properties: []), "Parameter 'driver' is missing")
        XCTAssertEqual(m.deviceAdd(driver: "nonesuch", properties: []), "'nonesuch' is not a valid device model name")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-rng-pci", properties: [("id", "x")]), "Bus 'pcie.0' does not support hotplugging")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-rng-pci", properties: [("bus", "rp2")]),
                       "Hot-plug failed: unsupported by the port device 'rp2'")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-rng-pci", properties: [("bus", "rpX")]), "Bus 'rpX' not found")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-rng-pci", properties: [("bus", "rp1"), ("id", "rng0")]),
                       "Duplicate device ID 'rng0'")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-blk-pci", properties: [("bus", "rp1")]), "drive property not set")
        XCTAssertEqual(m.deviceDel(id: "nosuch")?.0, "DeviceNotFound")
        XCTAssertEqual(m.deviceDel(id: "rng0")?.1, "Bus 'pcie.0' does not support hotplugging")
        // A disk behind rp1; its drive is then taken.
        XCTAssertNil(m.deviceAdd(driver: "virtio-blk-pci", properties: [("bus", "rp1"), ("drive", "d0"), ("id", "hp")]))
        XCTAssertEqual(m.deviceAdd(driver: "virtio-blk-pci", properties: [("bus", "rp1"), ("drive", "d0"), ("id", "hp2")]),
                       "Drive 'd0' is already in use by another device")
        let port = try XCTUnwrap(m.pcie.devices.compactMap { $0 as? PCIRootPort }.first)
        XCTAssertTrue(port.devices[0] is VirtioPCI)
        // The guest's pciehp powers the slot on (power indicator on).
        port.writeConfig(offset: port.expressCapability + X.slotControl, size: 2, value: 0x01C0)
        // device_del: the button is pressed, a second one is refused while it is pending.
        XCTAssertNil(m.deviceDel(id: "hp"))
        XCTAssertEqual(m.deviceDel(id: "hp")?.1, "Device hp is already in the process of unplug")
        XCTAssertTrue(events.isEmpty, "nothing gone before the guest powers the slot off")
        // The guest powers the slot off: the device goes with QEMU's two events, and so does its drive.
        port.writeConfig(offset: port.expressCapability + X.slotControl, size: 2, value: 0x07C0)
        XCTAssertNil(port.devices[0])
        XCTAssertEqual(events, ["- /machine/peripheral/hp/virtio-backend", "hp /machine/peripheral/hp"])
        XCTAssertEqual(m.deviceDel(id: "hp")?.0, "DeviceNotFound")
        XCTAssertEqual(m.deviceAdd(driver: "virtio-blk-pci", properties: [("bus", "rp1"), ("drive", "d0")]),
                       "Property 'virtio-blk-pci.drive' can't find value 'd0'")
        // The slot is off now: a new device is removed at once on device_del.
        XCTAssertNil(m.deviceAdd(driver: "virtio-rng-pci", properties: [("bus", "rp1"), ("id", "r")]))
        XCTAssertNil(m.deviceDel(id: "r"))
        XCTAssertEqual(events.last, "r /machine/peripheral/r")
    }
}
