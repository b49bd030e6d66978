import XCTest
import Machine
@testable import Devices
@testable import Board

/// The PCI Express extended configuration space (PCIFunction's 0x100-0xFFF):
/// a conventional function has none (all ones through ECAM), a PCI Express
/// function has 4 KiB (zeros where nothing is implemented), and the root
/// port's AER and ACS capabilities with QEMU 7.2's values and write rules.
final class PCIExtendedConfigTests: XCTestCase {
    private func ecam(bus: Int = 0, dev: Int, reg: Int) -> UInt64 { UInt64(bus << 20 | dev << 15 | reg) }

    /// A host with a root port in slot 1 (bus 1 behind it) and a conventional probe in slot 2.
    private func rig() -> (PCIExpressHost, PCIRootPort) {
        let h = PCIExpressHost(busCount: 256)
        let port = PCIRootPort(name: "rp1", chassis: 1, slot: 1, port: 0)
        XCTAssertEqual(h.plug(port), 1)
        XCTAssertEqual(h.plug(PCIHostTests.Probe()), 2)
        h.ecam.write(offset: ecam(dev: 1, reg: 0x18), size: 4, value: 0x0001_0100)   // buses 0, 1, 1
        return (h, port)
    }

    func testConventionalFunctionHasNoExtendedSpace() {
        let (h, _) = rig()
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 2, reg: 0x100), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 2, reg: 0xFFC), size: 2), 0xFFFF)
        h.ecam.write(offset: ecam(dev: 2, reg: 0x100), size: 4, value: 0)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 2, reg: 0x100), size: 4), 0xFFFF_FFFF, "writes ignored")
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0x100), size: 4), 0xFFFF_FFFF, "the host bridge: 256 bytes")
    }

    func testExpressEndpointReadsZerosUpTo4KiB() throws {
        let (h, port) = rig()
        let core = VirtioCore(device: RecordingVirtioDevice(), dma: DMAMemory(memory: AddressSpace(), gptCPU: nil))
        let endpoint = VirtioPCI(name: "virtio-test-pci", core: core, express: true)
        XCTAssertEqual(h.plug(endpoint, behind: port), 0)
        XCTAssertEqual(endpoint.configSize, 4096)
        // 0 at 0x100: no extended capability, yet a 4 KiB space (Linux's pci_cfg_space_size), as QEMU's.
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0x100), size: 4), 0)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0xFFC), size: 4), 0)
        h.ecam.write(offset: ecam(bus: 1, dev: 0, reg: 0x200), size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0x200), size: 4), 0, "read-only")
        XCTAssertEqual(h.ecam.read(offset: ecam(bus: 1, dev: 0, reg: 0x1000), size: 4), 0xFFFF_FFFF,
                       "function 1: absent")
    }

    func testRootPortAERAsQEMU() {
        let (h, port) = rig()
        let r = { (reg: Int) in h.ecam.read(offset: self.ecam(dev: 1, reg: reg), size: 4) }
        let w = { (reg: Int, v: UInt64) in h.ecam.write(offset: self.ecam(dev: 1, reg: reg), size: 4, value: v) }
        typealias A = PCIRootPort.AER
        let a = A.offset
        XCTAssertEqual(port.findExtendedCapability(id: 1), a)
        XCTAssertEqual(r(a), 0x1482_0001, "AER, version 2, next 0x148")
        XCTAssertEqual(r(a + A.uncorrectableSeverity), 0x0046_2030)
        XCTAssertEqual(r(a + A.correctableMask), 0xE000)
        XCTAssertEqual(r(a + A.capabilitiesAndControl), 0x2A0)
        // Masks and severities take the supported bits only.
        w(a + A.uncorrectableMask, 0xFFFF_FFFF)
        XCTAssertEqual(r(a + A.uncorrectableMask), UInt64(A.uncorrectableSupported))
        w(a + A.correctableMask, 0xFFFF_FFFF)
        XCTAssertEqual(r(a + A.correctableMask), UInt64(A.correctableSupported))
        w(a + A.capabilitiesAndControl, 0xFFFF_FFFF)
        XCTAssertEqual(r(a + A.capabilitiesAndControl), 0x7E0, "the ECRC and multiple header enables")
        // Status registers: nothing to set them, and a write of ones keeps them clear.
        w(a + A.uncorrectableStatus, 0xFFFF_FFFF)
        XCTAssertEqual(r(a + A.uncorrectableStatus), 0)
        // Linux's AER service: the root's three reporting enables.
        w(a + A.rootCommand, 0xFFFF_FFFF)
        XCTAssertEqual(r(a + A.rootCommand), 7)
        XCTAssertEqual(r(a + A.errorSourceID), 0)
        // A machine reset returns to the defaults.
        h.reset()
        XCTAssertEqual(r(a + A.rootCommand), 0)
        XCTAssertEqual(r(a + A.correctableMask), 0xE000)
    }

    func testRootPortACSAsQEMU() {
        let (h, port) = rig()
        let r = { (reg: Int) in h.ecam.read(offset: self.ecam(dev: 1, reg: reg), size: 4) }
        XCTAssertEqual(port.findExtendedCapability(id: 0x0D), 0x148)
        XCTAssertEqual(r(0x148), 0x0001_000D, "ACS, version 1, the end of the list")
        XCTAssertEqual(r(0x14C), 0x5F, "SV, TB, RR, CR, UF, DT; control 0")
        h.ecam.write(offset: ecam(dev: 1, reg: 0x14E), size: 2, value: 0xFFFF)
        XCTAssertEqual(r(0x14C), 0x005F_005F, "the enables of what it offers")
        XCTAssertEqual(r(0x150), 0, "after the list: zeros")
    }
}
