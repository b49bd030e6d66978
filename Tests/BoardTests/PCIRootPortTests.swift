import XCTest
import Machine
@testable import Devices
@testable import Board
import Options

/// The PCI Express root port (Devices/PCI/PCIRootPort.swift): its type 1
/// header and capabilities as QEMU 7.2's pcie-root-port, configuration
/// cycles to its secondary bus, its windows, INTx through its swizzle, MSIs
/// through its bus mastering, the hot-plug slot's commands, and the board's
/// `-device pcie-root-port` and `bus=` with QEMU's errors.
final class PCIRootPortTests: XCTestCase {
    typealias Probe = PCIHostTests.Probe
    typealias B = PCIRootPort.Bridge

    private func ecam(bus: Int = 0, dev: Int, reg: Int) -> UInt64 { UInt64(bus << 20 | dev << 15 | reg) }

    /// A host with a root port in slot 1 and a probe behind it.
    private func rig(hotplug: Bool = true) -> (PCIExpressHost, PCIRootPort, Probe) {
        let h = PCIExpressHost(busCount: 256)
        let port = PCIRootPort(name: "rp1", chassis: 1, slot: 1, port: 0, hotplug: hotplug)
        XCTAssertEqual(h.plug(port), 1)
        let p = Probe()
        XCTAssertEqual(h.plug(p, behind: port), 0)
        return (h, port, p)
    }

    func testHeaderAndCapabilitiesAsQEMU() {
        let (h, port, _) = rig()
        let r = { (reg: Int, size: Int) in h.ecam.read(offset: self.ecam(dev: 1, reg: reg), size: size) }
        XCTAssertEqual(r(0, 4), 0x000C_1B36)
        XCTAssertEqual(r(8, 4), 0x0604_0000, "PCI bridge, revision 0")
        XCTAssertEqual(r(0x0E, 1), 1, "type 1 header")
        XCTAssertEqual(r(0x3D, 1), 1, "INTA")
        XCTAssertEqual(r(0x24, 4), 0x0001_0001, "64-bit prefetchable window")
        XCTAssertEqual(r(0x1C, 2), 0, "16-bit I/O window")
        // QEMU's list: PCI Express (0x54) -> MSI-X (0x48) -> subsystem IDs (0x40).
        XCTAssertEqual(r(0x34, 1), 0x54)
        XCTAssertEqual(r(0x54, 4), 0x0142_4810, "PCIe v2 root port with a slot, next 0x48")
        XCTAssertEqual(r(0x48, 4), 0x0000_4011, "MSI-X, one vector, next 0x40")
        XCTAssertEqual(r(0x4C, 4), 0, "table in BAR 0")
        XCTAssertEqual(r(0x50, 4), 0x800, "PBA at 0x800 of BAR 0")
        XCTAssertEqual(r(0x40, 4), 0x0000_000D)
        XCTAssertEqual(r(0x44, 4), 0x0000_1B36, "subsystem 1b36:0000")
        XCTAssertEqual(r(0x54 + 0x0C, 4), 0x0030_0604, "16 GT/s x32, port 0")
        XCTAssertEqual(r(0x54 + 0x14, 4), 0x000A_007B, "hot-plug slot 1")
        XCTAssertEqual(r(0x54 + 0x1A, 2) & 0x40, 0x40, "presence detected")
        XCTAssertEqual(r(0x54 + 0x12, 2), 0x2011, "link active")
        XCTAssertEqual(r(0x100, 4), 0x1482_0001, "AER v2 at 0x100, next 0x148 (PCIExtendedConfigTests)")
        // BAR 0 sizes as 4 KiB; a type 1 header has no BARs 2-5 (its bus numbers are there).
        h.ecam.write(offset: ecam(dev: 1, reg: 0x10), size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(r(0x10, 4), 0xFFFF_F000)
        XCTAssertNil(port.bars[2])
        let empty = PCIRootPort(name: "rp", chassis: 0, slot: 0, port: 0)
        XCTAssertEqual(empty.readConfig(offset: 0x54 + 0x1A, size: 2) & 0x40, 0, "an empty slot")
        XCTAssertEqual(PCIRootPort(name: "rp", chassis: 0, slot: 3, port: 0, hotplug: false).readConfig(offset: 0x54 + 0x14, size: 4),
                       3 << 19, "hotplug=off: no hot-plug capabilities")
    }

    func testConfigurationCyclesReachTheSecondaryBusSoftwareNumbered() {
        let (h, port, p) = rig()
        // Before software numbers the buses nothing answers behind the port.
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(p.requesterID, 0x0000)
        // What Linux does: primary 0, secondary 1, subordinate 1.
        h.ecam.write(offset: ecam(dev: 1, reg: B.primaryBus), size: 4, value: 0x0001_0100)
        XCTAssertEqual(port.secondaryBus, 1)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0), size: 4), 0x5678_1234)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 1, reg: 0), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 2, dev: 0, reg: 0), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(p.requesterID, 0x0100, "bus 1, device 0")
        // Renumbered (secondary 5, subordinate 7): bus 5 reaches it, 6 and 7 have nothing.
        h.ecam.write(offset: ecam(dev: 1, reg: B.primaryBus), size: 4, value: 0x0007_0500)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 5, dev: 0, reg: 0), size: 2), 0x1234)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0), size: 2), 0xFFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 6, dev: 0, reg: 0), size: 2), 0xFFFF)
        XCTAssertEqual(p.requesterID, 0x0500)
        // A machine reset unnumbers it.
        h.reset()
        XCTAssertEqual(port.secondaryBus, 0)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 5, dev: 0, reg: 0), size: 2), 0xFFFF)
        XCTAssertNil(h.plug(Probe(), slot: 0, behind: port), "slot 0 of its bus is taken")
        let other = PCIRootPort(name: "rp2", chassis: 1, slot: 2, port: 0)
        XCTAssertNil(h.plug(Probe(), behind: other), "a port that is not on bus 0")
    }

    func testWindowsForwardOnlyWhatTheyCover() {
        let (h, port, p) = rig()
        let mem: PCIExpressHost.Window = h.memoryWindow, io: PCIExpressHost.Window = h.ioWindow
        h.ecam.write(offset: ecam(dev: 1, reg: B.primaryBus), size: 4, value: 0x0001_0100)
        // The probe's BARs, as Linux assigns them in the port's windows.
        p.writeConfig(offset: 0x10, size: 4, value: 0x1000)                // I/O 0x1000
        p.writeConfig(offset: 0x14, size: 4, value: 0x1010_0000)           // memory 0x10100000
        p.writeConfig(offset: 0x18, size: 4, value: 0x0000_0000)           // 64-bit 0x80_0000_0000
        p.writeConfig(offset: 0x1C, size: 4, value: 0x80)
        p.writeConfig(offset: 4, size: 2, value: 3)
        XCTAssertEqual(mem.read(offset: 0x1010_0010, size: 4), 0xFFFF_FFFF, "the port's windows are closed")
        XCTAssertEqual(io.read(offset: 0x1004, size: 4), 0xFFFF_FFFF)
        // Memory window 0x10000000-0x101fffff, prefetchable 0x8000000000-0x80001fffff, I/O 0x1000-0x1fff.
        h.ecam.write(offset: ecam(dev: 1, reg: B.memoryBase), size: 4, value: 0x1010_1000)
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableBase), size: 4, value: 0x0011_0001)
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableBaseUpper), size: 4, value: 0x80)
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableLimitUpper), size: 4, value: 0x80)
        h.ecam.write(offset: ecam(dev: 1, reg: B.ioBase), size: 2, value: 0x1010)
        XCTAssertEqual(port.memoryWindow, 0x1000_0000...0x101F_FFFF)
        XCTAssertEqual(port.prefetchableWindow, 0x80_0000_0000...0x80_001F_FFFF)
        XCTAssertEqual(port.ioWindow, 0x1000...0x1FFF)
        XCTAssertEqual(mem.read(offset: 0x1010_0010, size: 4), 0xFFFF_FFFF, "the port decodes nothing yet")
        h.ecam.write(offset: ecam(dev: 1, reg: 4), size: 2, value: 2)      // memory only
        XCTAssertEqual(mem.read(offset: 0x1010_0010, size: 4), 1 << 32 | 0x10, "BAR 1 (the probe echoes BAR and offset)")
        XCTAssertEqual(mem.read(offset: 0x80_0000_0008, size: 8), 2 << 32 | 8)
        XCTAssertEqual(io.read(offset: 0x1004, size: 4), 0xFFFF_FFFF, "I/O not enabled at the port")
        h.ecam.write(offset: ecam(dev: 1, reg: 4), size: 2, value: 3)
        XCTAssertEqual(io.read(offset: 0x1004, size: 4), 4)
        // Windows move: the BAR is reached where the prefetchable window now is, and not past it.
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableBaseUpper), size: 4, value: 0x8)
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableLimitUpper), size: 4, value: 0x8)
        h.ecam.write(offset: ecam(dev: 1, reg: B.prefetchableBase), size: 4, value: 0x0001_0001)
        XCTAssertEqual(port.prefetchableWindow, 0x8_0000_0000...0x8_000F_FFFF)
        XCTAssertEqual(mem.read(offset: 0x80_0000_0008, size: 8), ~0, "the old window")
        p.writeConfig(offset: 0x18, size: 4, value: 0x000F_C000)           // 0x8000FC000-0x8000FFFFF
        p.writeConfig(offset: 0x1C, size: 4, value: 0x8)
        XCTAssertEqual(mem.read(offset: 0x8_000F_FFFC, size: 4), 2 << 32 | 0x3FFC)
        p.writeConfig(offset: 0x18, size: 4, value: 0x0010_0000)           // just past the window
        XCTAssertEqual(mem.read(offset: 0x8_0010_0000, size: 4), 0xFFFF_FFFF)
        // Closed (base above limit): nothing.
        h.ecam.write(offset: ecam(dev: 1, reg: B.memoryBase), size: 4, value: 0x1000_1010)
        XCTAssertNil(port.memoryWindow)
        XCTAssertEqual(mem.read(offset: 0x1010_0010, size: 4), 0xFFFF_FFFF)
        h.ecam.write(offset: ecam(dev: 1, reg: B.memoryBase), size: 4, value: 0x1010_1000)
        // A memory write through the window reaches the BAR.
        mem.write(offset: 0x1010_0020, size: 4, value: 0xAB)
        XCTAssertEqual(p.writes.last?.0, 1)
        XCTAssertEqual(p.writes.last?.1, 0x20)
    }

    func testINTxThroughThePortSwizzleAndMSIsThroughItsBusMastering() {
        let (h, port, p) = rig()
        // Device 0 pin A behind the port in slot 1: INTA at the port's side, INTB at the host.
        p.setINTx(true)
        XCTAssertEqual(h.intx.map(\.level), [false, true, false, false])
        p.setINTx(false)
        XCTAssertEqual(h.intx.map(\.level), [false, false, false, false])
        var msis: [(UInt64, UInt32, UInt16)] = []
        h.msiHandler = { msis.append(($0, $1, $2)) }
        h.ecam.write(offset: ecam(dev: 1, reg: B.primaryBus), size: 4, value: 0x0001_0100)
        p.writeConfig(offset: 4, size: 2, value: UInt32(PCIFunction.Command.busMaster))
        p.sendMSI(address: 0x0809_0040, data: 7)
        XCTAssertTrue(msis.isEmpty, "the port does not forward upstream writes yet")
        h.ecam.write(offset: ecam(dev: 1, reg: 4), size: 2, value: UInt64(PCIFunction.Command.busMaster))
        p.sendMSI(address: 0x0809_0040, data: 7)
        XCTAssertEqual(msis.count, 1)
        XCTAssertEqual(msis.first?.2, 0x0100, "the requester ID carries the secondary bus")
        XCTAssertEqual(port.requesterID, 0x0008)
    }

    func testHotPlugCommandsCompleteAtOnce() {
        let (h, port, _) = rig()
        let e = port.expressCapability
        let ctl = ecam(dev: 1, reg: e + PCIRootPort.Express.slotControl)
        let status = ecam(dev: 1, reg: e + PCIRootPort.Express.slotStatus)
        var msis: [UInt32] = []
        h.msiHandler = { _, data, _ in msis.append(data) }
        // MSI-X vector 0 of the port, enabled, bus mastering on.
        h.ecam.write(offset: ecam(dev: 1, reg: 0x10), size: 4, value: 0x1020_0000)
        h.ecam.write(offset: ecam(dev: 1, reg: 4), size: 2, value: 6)
        h.memoryWindow.write(offset: 0x1020_0000, size: 4, value: 0x0809_0040)
        h.memoryWindow.write(offset: 0x1020_0008, size: 4, value: 0x33)
        h.memoryWindow.write(offset: 0x1020_000C, size: 4, value: 0)
        h.ecam.write(offset: ecam(dev: 1, reg: 0x4A), size: 2, value: UInt64(MSIX.enableBit))
        // A command without the interrupt enables: Command Completed, no message.
        h.ecam.write(offset: ctl, size: 2, value: 0x01C0)
        XCTAssertEqual(h.ecam.read(offset: status, size: 2) & 0x10, 0x10)
        XCTAssertTrue(msis.isEmpty)
        h.ecam.write(offset: status, size: 2, value: 0x10)
        XCTAssertEqual(h.ecam.read(offset: status, size: 2) & 0x10, 0, "write 1 to clear")
        // HPIE and CCIE (what Linux's pciehp writes): a message per command.
        h.ecam.write(offset: ctl, size: 2, value: 0x11F1)
        XCTAssertEqual(msis, [0x33])
        XCTAssertEqual(h.ecam.read(offset: ctl, size: 2), 0x01F1, "data link layer state changed enable is not writable")
        h.ecam.write(offset: status, size: 2, value: 0x10)
        h.ecam.write(offset: ctl, size: 2, value: 0x0DF1)
        XCTAssertEqual(msis, [0x33, 0x33])
        XCTAssertEqual(h.ecam.read(offset: ctl, size: 2), 0x05F1, "interlock control reads as 0")
        // With hotplug=off the slot takes no commands.
        let (h2, port2, _) = rig(hotplug: false)
        h2.ecam.write(offset: ecam(dev: 1, reg: port2.expressCapability + PCIRootPort.Express.slotControl), size: 2, value: 0x30)
        XCTAssertEqual(h2.ecam.read(offset: ecam(dev: 1, reg: port2.expressCapability + PCIRootPort.Express.slotStatus), size: 2) & 0x10, 0)
    }

    // MARK: The board

    private func machine(_ devices: [String]) throws -> VirtMachine {
        var o = VirtOptions()
        o.ramSize = 16 << 20
        o.devices = try devices.map { try DeviceOption.parse($0) }
        return try VirtMachine(options: o, console: TestConsole().console)
    }

    private func error(_ devices: [String]) -> String {
        do { _ = try machine(devices); return "no error" } catch { return "\(error)" }
    }

    func testBoardRootPortsAndBusProperty() throws {
        let vm = try machine(["pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1", "virtio-rng-pci,bus=rp1",
                              "virtio-rng-pci", "pcie-root-port,id=rp2,chassis=1,slot=2,addr=6"])
        let port = try XCTUnwrap(vm.pcie.devices[1] as? PCIRootPort)
        XCTAssertEqual(port.name, "rp1")
        XCTAssertEqual(vm.pcie.devices[2]?.readConfig(offset: 0, size: 4), 0x1005_1AF4, "transitional on bus 0")
        XCTAssertTrue(vm.pcie.devices[6] is PCIRootPort)
        let behind = try XCTUnwrap(port.devices[0] as? VirtioPCI)
        XCTAssertEqual(behind.mode, .modern, "modern only behind a PCI Express port (QEMU's disable-legacy=auto)")
        XCTAssertEqual(behind.readConfig(offset: 0, size: 4), 0x1044_1AF4)
        XCTAssertEqual(behind.readConfig(offset: 0x2C, size: 4), 0x1100_1AF4)
        XCTAssertEqual(behind.readConfig(offset: 8, size: 1), 1, "revision 1")
        // A PCI Express endpoint: its capability at 0x40, power management at 0x7c, as QEMU's.
        XCTAssertEqual(behind.readConfig(offset: 0x40, size: 4), 0x0002_0010)
        XCTAssertEqual(behind.readConfig(offset: 0x7C, size: 2), 0x4001)
        XCTAssertEqual(behind.readConfig(offset: 0x34, size: 1), 0xDC, "MSI-X heads the list, as QEMU's")
        XCTAssertEqual(behind.readConfig(offset: 0xDC, size: 1), 0x11)
        // Function Level Reset.
        behind.writeConfig(offset: 4, size: 2, value: 6)
        behind.writeConfig(offset: 0x48, size: 2, value: 0x8000)
        XCTAssertEqual(behind.readConfig(offset: 4, size: 2), 0)
        XCTAssertEqual(behind.readConfig(offset: 0x48, size: 2), 0)
        // addr= on the port's bus.
        let two = try machine(["pcie-root-port,id=rp1,chassis=1,slot=1", "virtio-rng-pci,bus=rp1,addr=0",
                               "virtio-rng-pci,bus=rp1,disable-legacy=off"])
        let p = try XCTUnwrap(two.pcie.devices[1] as? PCIRootPort)
        XCTAssertEqual((p.devices[1] as? VirtioPCI)?.mode, .transitional)
        XCTAssertEqual(p.devices[1]?.readConfig(offset: 0, size: 4), 0x1005_1AF4)
    }

    func testBoardErrorsAsQEMU() {
        XCTAssertEqual(error(["pcie-root-port,id=rp1,chassis=1,slot=1", "virtio-rng-pci,bus=rp2"]),
                       "-device virtio-rng-pci,bus=rp2: Bus 'rp2' not found")
        XCTAssertEqual(error(["virtio-rng-pci,bus=rp1", "pcie-root-port,id=rp1"]),
                       "-device virtio-rng-pci,bus=rp1: Bus 'rp1' not found", "a bus must be made before it is used")
        XCTAssertEqual(error(["pcie-root-port,id=rp1,chassis=1,slot=1", "pcie-root-port,id=rp2,chassis=1,slot=1"]),
                       "-device pcie-root-port,id=rp2,chassis=1,slot=1: Can't add chassis slot, error -16")
        XCTAssertEqual(error(["pcie-root-port,id=rp1", "pcie-root-port,id=rp2"]),
                       "-device pcie-root-port,id=rp2: Can't add chassis slot, error -16", "both chassis 0 slot 0")
        XCTAssertEqual(error(["pcie-root-port,id=rp1,chassis=1,slot=1", "pcie-root-port,id=rp1,chassis=1,slot=2"]),
                       "-device pcie-root-port,id=rp1,chassis=1,slot=2: Duplicate ID 'rp1' for device")
        XCTAssertEqual(error(["pcie-root-port,id=rp1,foo=3"]), "-device pcie-root-port,id=rp1,foo=3: Property 'pcie-root-port.foo' not found")
        XCTAssertEqual(error(["pcie-root-port,id=rp1,chassis=300"]), "-device pcie-root-port,id=rp1,chassis=300: Parameter 'chassis' expects uint8_t")
        XCTAssertEqual(error(["pcie-root-port,id=rp1,bus=pcie.1"]), "-device pcie-root-port,id=rp1,bus=pcie.1: Bus 'pcie.1' not found")
        XCTAssertTrue(error(["pcie-root-port,id=rp1,chassis=1", "pcie-root-port,id=rp2,bus=rp1,chassis=2"]).contains("pcie.0 only"))
        XCTAssertTrue(error(["pcie-root-port,id=rp1,io-reserve=4k"]).contains("not supported"))
        XCTAssertEqual(error(["pcie-root-port,chassis=1,slot=1,addr=0"]),
                       "-device pcie-root-port,chassis=1,slot=1,addr=0: PCI: slot 0 function 0 not available for pcie-root-port, in use by gpex-root")
        XCTAssertEqual(error(["pcie-root-port,id=a,chassis=1,addr=5", "pcie-root-port,id=b,chassis=2,addr=5"]),
                       "-device pcie-root-port,id=b,chassis=2,addr=5: PCI: slot 5 function 0 not available for pcie-root-port, in use by a")
        XCTAssertEqual(error(["pcie-root-port,id=rp1", "virtio-rng-pci,bus=rp1,addr=0", "virtio-rng-pci,bus=rp1,addr=0"]),
                       "-device virtio-rng-pci,bus=rp1,addr=0: PCI: slot 0 function 0 not available for virtio-rng-pci, in use by virtio-rng-pci")
        XCTAssertEqual(error(["virtio-rng-pci,disable-legacy=on,disable-modern=on"]),
                       "-device virtio-rng-pci,disable-legacy=on,disable-modern=on: device cannot work as neither modern nor legacy mode is enabled")
        XCTAssertEqual(error(["virtio-rng-pci,disable-legacy=maybe"]),
                       "-device virtio-rng-pci,disable-legacy=maybe: Parameter 'disable-legacy' does not accept value 'maybe'")
    }
}
