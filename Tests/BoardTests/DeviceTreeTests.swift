import XCTest
import Machine
@testable import Board

final class DeviceTreeTests: XCTestCase {
    func fixedInputs() -> DeviceTreeInputs {
        var i = DeviceTreeInputs()
        i.random = { [UInt8](repeating: 0xAB, count: $0) }
        return i
    }

    func testVirtNodes() throws {
        var o = VirtOptions()
        o.ramSize = 256 << 20
        var i = fixedInputs()
        i.gicVersion = 3
        i.bootArgs = "console=ttyAMA0"
        i.initrd = 0x4800_0000..<0x4800_1000
        let t = VirtDeviceTree.build(options: o, inputs: i)
        XCTAssertEqual(t.property("/", "compatible"), Array("linux,dummy-virt\0".utf8))
        XCTAssertEqual(t.property("/memory@40000000", "reg"), [0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0])
        XCTAssertEqual(t.property("/chosen", "bootargs"), Array("console=ttyAMA0\0".utf8))
        XCTAssertEqual(t.cell("/chosen", "linux,initrd-start"), 0x4800_0000)
        XCTAssertEqual(t.cell("/chosen", "linux,initrd-end"), 0x4800_1000)
        XCTAssertEqual(t.property("/chosen", "kaslr-seed"), [UInt8](repeating: 0xAB, count: 8))
        XCTAssertEqual(t.property("/chosen", "rng-seed")?.count, 32)
        XCTAssertEqual(t.property("/chosen", "stdout-path"), Array("/pl011@9000000\0".utf8))
        XCTAssertEqual(t.property("/intc@8000000", "compatible"), Array("arm,gic-v3\0".utf8))
        XCTAssertEqual(t.property("/psci", "method"), Array("hvc\0".utf8))
        XCTAssertEqual(t.cell("/psci", "cpu_on"), 0xC400_0003)
        // The timer's four PPIs, GICv3 flags.
        XCTAssertEqual(t.property("/timer", "interrupts")?.count, 48)
        // SPIs of the PrimeCells.
        XCTAssertEqual(t.property("/pl031@9010000", "interrupts"), [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4])
        XCTAssertEqual(t.property("/pl061@9030000", "interrupts"), [0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 4])
        // gpio-keys points at the PL061's line 3 with KEY_POWER.
        let gpioPhandle = try XCTUnwrap(t.cell("/pl061@9030000", "phandle"))
        let gpios = try XCTUnwrap(t.property("/gpio-keys/poweroff", "gpios"))
        XCTAssertEqual(FlatDeviceTree.be32(gpios, 0), gpioPhandle)
        XCTAssertEqual(FlatDeviceTree.be32(gpios, 4), 3)
        XCTAssertEqual(t.cell("/gpio-keys/poweroff", "linux,code"), 116)
        XCTAssertEqual(t.cell("/", "interrupt-parent"), t.cell("/intc@8000000", "phandle"))
        // Both flash banks in one node, fw_cfg with its DMA-coherent registers (QEMU 7.2).
        XCTAssertEqual(t.property("/flash@0", "reg"), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
                                                       0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0])
        XCTAssertEqual(t.cell("/flash@0", "bank-width"), 4)
        XCTAssertEqual(t.property("/fw-cfg@9020000", "reg"), [0, 0, 0, 0, 9, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x18])
        XCTAssertTrue(t.hasNode("/fw-cfg@9020000") && t.property("/fw-cfg@9020000", "dma-coherent") == [])
    }

    func testGICv2AndVirtualization() {
        var o = VirtOptions()
        o.virtualization = true
        var i = fixedInputs()
        i.gicVersion = 2
        i.psciConduit = .smc
        let t = VirtDeviceTree.build(options: o, inputs: i)
        XCTAssertEqual(t.property("/intc@8000000", "compatible"), Array("arm,cortex-a15-gic\0".utf8))
        XCTAssertEqual(t.property("/intc@8000000", "reg")?.count, 8 * 8, "GICD, GICC, GICH, GICV")
        XCTAssertEqual(t.property("/psci", "method"), Array("smc\0".utf8))
        // GICv2 PPIs carry the CPU mask (one CPU: 0x104).
        let timer = t.property("/timer", "interrupts")!
        XCTAssertEqual(FlatDeviceTree.be32(timer, 8), 0x104)
    }

    func testBlobRoundTripAndUserTree() throws {
        let ours = VirtDeviceTree.build(options: VirtOptions(), inputs: fixedInputs()).blob(size: 1 << 20)
        XCTAssertEqual(ours.count, 1 << 20)
        XCTAssertEqual(FlatDeviceTree.be32(ours, 0), FlatDeviceTree.magic)
        // Given back as the user's tree, the loader replaces memory and sets /chosen.
        let t = try FlatDeviceTree(blob: ours, name: "user.dtb")
        var o = VirtOptions()
        o.ramSize = 1 << 30
        var i = fixedInputs()
        i.bootArgs = "quiet"
        try VirtDeviceTree.applyBootInputs(t, options: o, inputs: i, name: "user.dtb")
        XCTAssertEqual(t.property("/memory@40000000", "reg"), [0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0])
        XCTAssertEqual(t.property("/chosen", "bootargs"), Array("quiet\0".utf8))
    }

    func testNotADeviceTree() {
        XCTAssertThrowsError(try FlatDeviceTree(blob: [], name: "x.dtb")) {
            XCTAssertEqual(String(describing: $0), "x.dtb: not a device tree blob (0 bytes, too short for the header)")
        }
        XCTAssertThrowsError(try FlatDeviceTree(blob: [UInt8](repeating: 0x41, count: 100), name: "x.dtb")) {
            XCTAssertEqual(String(describing: $0), "x.dtb: not a device tree blob (bad magic)")
        }
        var blob = VirtDeviceTree.build(options: VirtOptions(), inputs: fixedInputs()).blob
        XCTAssertThrowsError(try FlatDeviceTree(blob: Array(blob[0..<200]), name: "x.dtb")) {
            XCTAssertTrue(String(describing: $0).hasPrefix("x.dtb: truncated device tree blob"), "\($0)")
        }
        // A structure block with garbage in it.
        let structOff = Int(FlatDeviceTree.be32(blob, 8))
        for j in 0..<16 { blob[structOff + 8 + j] = 0xFF }
        XCTAssertThrowsError(try FlatDeviceTree(blob: blob, name: "x.dtb"))
    }
}
