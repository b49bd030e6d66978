import XCTest
import Machine
@testable import Devices
@testable import Board

/// The PCIe host bridge (Devices/PCI): ECAM decoding, configuration space
/// registers and their masks, BAR sizing and decoding, the windows, INTx and
/// its swizzle, and the board's placing of it.
final class PCIHostTests: XCTestCase {
    /// A function with one BAR of each kind; its BARs echo what they are asked.
    final class Probe: PCIFunction {
        var writes: [(Int, UInt64, Int, UInt64)] = []
        init() {
            super.init(name: "probe", vendorID: 0x1234, deviceID: 0x5678, classCode: 0xFF_00_00, revision: 3,
                       interruptPin: 1)
            addBAR(0, BAR(kind: .io, size: 0x20))
            addBAR(1, BAR(kind: .memory32, size: 0x1000))
            addBAR(2, BAR(kind: .memory64, size: 0x4000, prefetchable: true))
        }
        override func readBAR(_ index: Int, offset: UInt64, size: Int) -> UInt64 { UInt64(index) << 32 | offset }
        override func writeBAR(_ index: Int, offset: UInt64, size: Int, value: UInt64) {
            writes.append((index, offset, size, value))
        }
    }

    private func ecam(dev: Int, fn: Int = 0, bus: Int = 0, reg: Int) -> UInt64 {
        UInt64(bus << 20 | dev << 15 | fn << 12 | reg)
    }

    func testECAMDecodesTheHostBridgeAndAbsentFunctions() {
        let h = PCIExpressHost(busCount: 256)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0), size: 4), 0x0008_1B36)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0), size: 2), 0x1B36)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 3), size: 1), 0x00)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 8), size: 4), 0x0600_0000, "host bridge class, revision 0")
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0x2C), size: 4), 0x1100_1AF4, "QEMU's subsystem IDs")
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0), size: 8), 0x0000_0000_0008_1B36 | 0 << 32)
        // Absent: another slot, function, bus; the extended space of a conventional function.
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 1, reg: 0), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, fn: 1, reg: 0), size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, bus: 1, reg: 0), size: 2), 0xFFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0x100), size: 4), 0xFFFF_FFFF)
        h.ecam.write(offset: ecam(dev: 5, reg: 4), size: 4, value: 7)   // ignored
        // Read-only registers stay; the writable ones take the mask.
        h.ecam.write(offset: ecam(dev: 0, reg: 0), size: 4, value: 0)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0), size: 4), 0x0008_1B36)
        h.ecam.write(offset: ecam(dev: 0, reg: 4), size: 2, value: 0xFFFF)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 4), size: 2), 0x0507, "IO, memory, bus master, SERR, INTx disable")
        h.ecam.write(offset: ecam(dev: 0, reg: 0x3C), size: 1, value: 0x2A)
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 0, reg: 0x3C), size: 1), 0x2A, "interrupt line is scratch")
    }

    func testBARSizingAndDecoding() {
        let h = PCIExpressHost(busCount: 16)
        let p = Probe()
        XCTAssertEqual(h.plug(p), 1)
        let base = ecam(dev: 1, reg: 0)
        XCTAssertEqual(h.ecam.read(offset: base + 0x10, size: 4), 1, "I/O BAR")
        XCTAssertEqual(h.ecam.read(offset: base + 0x18, size: 4), 0xC, "64-bit prefetchable")
        for bar in 0..<6 { h.ecam.write(offset: base + 0x10 + UInt64(4 * bar), size: 4, value: 0xFFFF_FFFF) }
        XCTAssertEqual(h.ecam.read(offset: base + 0x10, size: 4), 0xFFFF_FFE1)
        XCTAssertEqual(h.ecam.read(offset: base + 0x14, size: 4), 0xFFFF_F000)
        XCTAssertEqual(h.ecam.read(offset: base + 0x18, size: 4), 0xFFFF_C00C)
        XCTAssertEqual(h.ecam.read(offset: base + 0x1C, size: 4), 0xFFFF_FFFF, "upper half of the 64-bit BAR")
        XCTAssertEqual(h.ecam.read(offset: base + 0x20, size: 4), 0, "no BAR 4")
        // Assign, then enable decoding.
        h.ecam.write(offset: base + 0x10, size: 4, value: 0x1000)
        h.ecam.write(offset: base + 0x14, size: 4, value: 0x1000_2000)
        h.ecam.write(offset: base + 0x18, size: 4, value: 0x0000_8000)
        h.ecam.write(offset: base + 0x1C, size: 4, value: 0x80)
        XCTAssertNil(p.barAddress(0))
        XCTAssertEqual(h.memoryWindow.read(offset: 0x1000_2004, size: 4), 0xFFFF_FFFF, "memory decoding off")
        h.ecam.write(offset: base + 4, size: 2, value: 0x3)
        XCTAssertEqual(p.barAddress(0), 0x1000)
        XCTAssertEqual(p.barAddress(1), 0x1000_2000)
        XCTAssertEqual(p.barAddress(2), 0x80_0000_8000)
        XCTAssertEqual(h.memoryWindow.read(offset: 0x1000_2004, size: 4), 1 << 32 | 4)
        XCTAssertEqual(h.memoryWindow.read(offset: 0x80_0000_BFF8, size: 8), 2 << 32 | 0x3FF8)
        XCTAssertEqual(h.ioWindow.read(offset: 0x101F, size: 1), 0x1F)
        XCTAssertEqual(h.ioWindow.read(offset: 0x1020, size: 1), 0xFF, "past the I/O BAR")
        h.memoryWindow.view(pciBase: 0x1000_0000).write(offset: 0x2010, size: 2, value: 0xBEEF)
        XCTAssertEqual(p.writes.last?.0, 1)
        XCTAssertEqual(p.writes.last?.1, 0x10)
        XCTAssertEqual(p.writes.last?.3, 0xBEEF)
        // Turning I/O off unmaps only the I/O BAR; sizing (all ones) unmaps a BAR.
        h.ecam.write(offset: base + 4, size: 2, value: 0x2)
        XCTAssertNil(p.barAddress(0))
        XCTAssertEqual(h.ioWindow.read(offset: 0x1000, size: 1), 0xFF)
        h.ecam.write(offset: base + 0x14, size: 4, value: 0xFFFF_FFFF)
        XCTAssertNil(p.barAddress(1), "a 32-bit BAR ending at 4 GiB does not decode")
        XCTAssertEqual(h.memoryWindow.read(offset: 0x1000_2004, size: 8), ~0)
    }

    func testINTxSwizzleAndDisable() {
        let h = PCIExpressHost(busCount: 16)
        let a = Probe(), b = Probe(), c = Probe()
        XCTAssertEqual(h.plug(a), 1)
        XCTAssertEqual(h.plug(b, slot: 5), 5)
        XCTAssertNil(h.plug(c, slot: 5), "slot taken")
        XCTAssertEqual(h.plug(c), 2)
        // Pin A of slots 1, 5 and 2: INTB, INTB, INTC.
        XCTAssertEqual(PCIExpressHost.swizzle(slot: 1, pin: 1), 1)
        XCTAssertEqual(PCIExpressHost.swizzle(slot: 3, pin: 4), 2)
        XCTAssertEqual(PCIExpressHost.swizzle(slot: 0, pin: 4), 3)
        a.setINTx(true)
        XCTAssertEqual(h.intx.map(\.level), [false, true, false, false])
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 1, reg: 6), size: 2) & 0x8, 0x8, "status: interrupt")
        b.setINTx(true)
        a.setINTx(false)
        XCTAssertEqual(h.intx.map(\.level), [false, true, false, false], "b still holds INTB")
        b.setINTx(false)
        XCTAssertEqual(h.intx.map(\.level), [false, false, false, false])
        c.setINTx(true)
        XCTAssertEqual(h.intx.map(\.level), [false, false, true, false])
        // The command register's INTx disable masks the output, not the status.
        h.ecam.write(offset: ecam(dev: 2, reg: 4), size: 2, value: 0x400)
        XCTAssertEqual(h.intx.map(\.level), [false, false, false, false])
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 2, reg: 6), size: 2) & 0x8, 0x8)
        h.ecam.write(offset: ecam(dev: 2, reg: 4), size: 2, value: 0)
        XCTAssertEqual(h.intx.map(\.level), [false, false, true, false])
        XCTAssertEqual(h.ecam.read(offset: ecam(dev: 2, reg: 0x3D), size: 1), 1, "pin A")
    }

    func testCapabilityListAndStatusClearing() {
        let p = Probe()
        XCTAssertEqual(p.readConfig(offset: 6, size: 2) & 0x10, 0)
        let first = p.addCapability(id: 0x09, length: 5)
        let second = p.addCapability(id: 0x11, length: 12)
        XCTAssertEqual(first, 0x40)
        XCTAssertEqual(second, 0x48, "dword aligned")
        XCTAssertEqual(p.readConfig(offset: 0x34, size: 1), 0x40)
        XCTAssertEqual(p.readConfig(offset: 0x40, size: 2), 0x4809)
        XCTAssertEqual(p.readConfig(offset: 0x48, size: 2), 0x0011)
        XCTAssertEqual(p.readConfig(offset: 6, size: 2) & 0x10, 0x10, "capability list")
        XCTAssertEqual(p.findCapability(id: 0x11), 0x48)
        XCTAssertNil(p.findCapability(id: 0x05))
        // Capabilities are read-only unless the device opens them.
        p.writeConfig(offset: 0x42, size: 2, value: 0xFFFF)
        XCTAssertEqual(p.readConfig(offset: 0x42, size: 2), 0)
        p.setWriteMask(0x42, [0xFF])
        p.writeConfig(offset: 0x42, size: 2, value: 0xFFFF)
        XCTAssertEqual(p.readConfig(offset: 0x42, size: 2), 0xFF)
        // Error status bits clear by writing 1; the rest of status is read-only.
        p.set16(6, p.get16(6) | 0x8000)
        p.writeConfig(offset: 6, size: 2, value: 0x0010)
        XCTAssertEqual(p.readConfig(offset: 6, size: 2) & 0x8010, 0x8010)
        p.writeConfig(offset: 6, size: 2, value: 0x8000)
        XCTAssertEqual(p.readConfig(offset: 6, size: 2) & 0x8010, 0x0010)
    }

    func testBoardPlacesTheBridgeAsQEMU() throws {
        func regions(_ o: VirtOptions) throws -> [String: (UInt64, UInt64)] {
            let vm = try VirtMachine(options: o, console: TestConsole().console)
            var r: [String: (UInt64, UInt64)] = [:]
            for m in vm.memory.regions where m.name.hasPrefix("pcie") { r[m.name + "@" + String(m.base, radix: 16)] = (m.base, m.size) }
            // INTA reaches SPI 3 (INTID 35).
            vm.pcie.intx[0].set(true)
            XCTAssertTrue(vm.gic.irq(0, 35).level)
            return r
        }
        var o = VirtOptions()
        let high = try regions(o)
        XCTAssertEqual(high["pcie-ecam@4010000000"]?.1, 0x1000_0000)
        XCTAssertEqual(high["pcie-mmio@10000000"]?.1, 0x2EFF_0000)
        XCTAssertEqual(high["pcie-pio@3eff0000"]?.1, 0x1_0000)
        XCTAssertEqual(high["pcie-mmio@8000000000"]?.1, 0x80_0000_0000)
        o.highmem = false
        let low = try regions(o)
        XCTAssertEqual(low["pcie-ecam@3f000000"]?.1, 0x100_0000)
        XCTAssertNil(low["pcie-mmio@8000000000"])
        XCTAssertEqual(VirtPCILayout(options: o).busCount, 16)
    }

    func testGICv2mRaisesSPIsFromMSIWrites() throws {
        let vm = try VirtMachine(options: VirtOptions(), console: TestConsole().console)
        let v2m = try XCTUnwrap(vm.msiController as? GICv2m)
        XCTAssertEqual(v2m.read(offset: GICv2m.Reg.typer, size: 4), 80 << 16 | 64, "INTIDs 80-143")
        XCTAssertEqual(v2m.read(offset: GICv2m.Reg.iidr, size: 4), 0)
        // Edge-triggered INTID 90 (GICD_ICFGR) latches the message's edge.
        vm.gic.locked { vm.gic.irqs[90].edge = true }
        let p = Probe()
        vm.pcie.plug(p)
        p.sendMSI(address: VirtMap.gicV2M.base + GICv2m.Reg.setSPINS, data: 90)
        XCTAssertFalse(vm.gic.irq(0, 90).latch, "no bus mastering: no message")
        p.writeConfig(offset: PCIFunction.Reg.command, size: 2, value: UInt32(PCIFunction.Command.busMaster))
        p.sendMSI(address: VirtMap.gicV2M.base + GICv2m.Reg.setSPINS, data: 90)
        XCTAssertTrue(vm.gic.irq(0, 90).latch)
        XCTAssertFalse(vm.gic.irq(0, 90).level, "a pulse")
        // INTIDs outside the frame's range are ignored.
        v2m.write(offset: GICv2m.Reg.setSPINS, size: 4, value: 79)
        v2m.write(offset: GICv2m.Reg.setSPINS, size: 4, value: 144)
        XCTAssertFalse(vm.gic.irq(0, 79).latch || vm.gic.irq(0, 144).latch)
        // An MSI to RAM is a memory write.
        p.sendMSI(address: VirtMap.ram.base + 0x100, data: 0xCAFE_F00D)
        XCTAssertEqual(vm.memory.readPhysical(pa: VirtMap.ram.base + 0x100, count: 4), [0x0D, 0xF0, 0xFE, 0xCA])
        // GICv3 machines have no v2m frame: the ITS, or nothing with its=off.
        var o = VirtOptions()
        o.gicVersion = "3"
        XCTAssertTrue(try VirtMachine(options: o, console: TestConsole().console).msiController is GICv3ITS)
        XCTAssertFalse(try VirtMachine(options: o, console: TestConsole().console).memory.regions.contains { $0.name == "gicv2m" })
        o.its = false
        XCTAssertNil(try VirtMachine(options: o, console: TestConsole().console).msiController)
    }
}
