import XCTest
import Machine
import Devices
import ELF
@testable import Board

final class VirtMachineTests: XCTestCase {
    func testMemoryMap() throws {
        let tc = TestConsole()
        let vm = try VirtMachine(options: VirtOptions(), console: tc.console)
        let regions = vm.memory.regions.map { ($0.name, $0.base, $0.size) }
        XCTAssertTrue(regions.contains { $0 == ("virt.flash0", 0, 64 << 20) })
        XCTAssertTrue(regions.contains { $0 == ("virt.flash1", 64 << 20, 64 << 20) })
        XCTAssertTrue(regions.contains { $0 == ("pl011", 0x0900_0000, 0x1000) })
        XCTAssertTrue(regions.contains { $0 == ("mach-virt.ram", 0x4000_0000, 128 << 20) })
        XCTAssertTrue(vm.memory.region(containing: 0x4000_0000)!.isRAM)
        XCTAssertFalse(vm.memory.region(containing: 0)!.isRAM, "flash is ROM")
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x100, count: 4), [0, 0, 0, 0], "zero-filled flash")
        // The UART answers at its address.
        XCTAssertEqual(vm.cpu.loadSlow(va: 0x0900_0FE0, size: 4, mmuIndex: vm.cpu.mmuIndex), 0x11)
        vm.cpu.storeSlow(va: 0x0900_0000, size: 4, value: 0x21, mmuIndex: vm.cpu.mmuIndex)
        XCTAssertEqual(tc.output.drainString(), "!")
        XCTAssertEqual(vm.system.cpus.count, 1)
    }

    func testRAMSize() throws {
        var o = VirtOptions()
        o.ramSize = 1 << 30
        let vm = try VirtMachine(options: o)
        XCTAssertEqual(vm.ram.size, 1 << 30)
        XCTAssertNotNil(vm.memory.region(containing: 0x4000_0000 + (1 << 30) - 1))
        XCTAssertNil(vm.memory.region(containing: 0x4000_0000 + (1 << 30)))
    }

    func testResetExceptionLevel() throws {
        var o = VirtOptions()
        XCTAssertEqual(try VirtMachine(options: o).cpu.el, 1)
        o.virtualization = true
        let v = try VirtMachine(options: o)
        XCTAssertEqual(v.cpu.el, 2)
        XCTAssertTrue(v.cpu.config.hasEL2)
        XCTAssertFalse(v.cpu.config.hasEL3)
        o.secure = true
        let s = try VirtMachine(options: o)
        XCTAssertEqual(s.cpu.el, 3)
        XCTAssertTrue(s.cpu.config.hasEL3)
        o.virtualization = false
        XCTAssertEqual(try VirtMachine(options: o).cpu.el, 3)
    }

    func testSemihostingRegistration() throws {
        var o = VirtOptions()
        let plain = try VirtMachine(options: o)
        XCTAssertNil(plain.semihosting)
        XCTAssertNil(plain.system.semihosting)
        o.semihosting = true
        let vm = try VirtMachine(options: o)
        XCTAssertNotNil(vm.semihosting)
        XCTAssertTrue(vm.system.semihosting === vm.semihosting, "registered, and kept alive by the board")
    }

    func testLoadKernelSetsPCAndHeapInfo() throws {
        var o = VirtOptions()
        o.semihosting = true
        let vm = try VirtMachine(options: o)
        var e = ELFBuilder()
        e.entry = 0x4008_0040
        e.load(0x4008_0000, [UInt8](repeating: 0xD5, count: 0x100), memsz: 0x2000)
        let img = try vm.loadKernel(bytes: e.build(), name: "k.elf")
        XCTAssertEqual(img.entry, 0x4008_0040)
        XCTAssertEqual(vm.cpu.pc, 0x4008_0040)
        let h = vm.semihosting!.heapInfo
        XCTAssertEqual(h.heapBase, 0x4008_2000)
        XCTAssertEqual(h.heapLimit, 0x4800_0000)
        XCTAssertEqual(h.stackBase, 0x4800_0000)
        XCTAssertEqual(vm.semihosting!.commandLine, "k.elf")
    }

    func testKernelOutsideMemory() throws {
        let vm = try VirtMachine(options: VirtOptions())
        var e = ELFBuilder()
        e.load(0x4800_0000, [1])   // just past 128 MiB of RAM
        XCTAssertThrowsError(try vm.loadKernel(bytes: e.build(), name: "big.elf")) { error in
            XCTAssertEqual((error as? ELFLoadError)?.description, "big.elf: segment 0 [0x48000000, 0x48000001) is outside RAM and ROM")
        }
    }

    func testBadOptions() {
        var o = VirtOptions()
        o.ramSize = 256 << 30
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("255 GiB")) }
        o.ramSize = 4 << 30
        o.highmem = false
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("highmem=off")) }
        o = VirtOptions()
        o.cpuCount = 17
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("1 to 16 CPUs")) }
        o.cpuCount = 0
        XCTAssertThrowsError(try VirtMachine(options: o))
    }

    func testDefaultGuestLoads() throws {
        var o = VirtOptions()
        o.semihosting = true
        let vm = try VirtMachine(options: o)
        let img = try vm.loadKernel(bytes: defaultGuestELF, name: "(built-in demo guest)")
        XCTAssertEqual(img.entry, 0x4008_0000)
        XCTAssertEqual(vm.cpu.pc, 0x4008_0000)
        // EL3 firmware, host, RMM, and the realm kernel (linked at its realm VA, loaded in the RMM's region).
        XCTAssertEqual(img.segments.count, 4)
        XCTAssertTrue(img.segments.allSatisfy { $0.physicalAddress >= 0x4008_0000 && $0.physicalAddress < 0x4020_0000 })
        // The image contains the banner.
        let text = vm.memory.readPhysical(pa: img.lowAddress, count: Int(img.highAddress - img.lowAddress))!
        XCTAssertNotNil(String(decoding: text, as: UTF8.self).range(of: "Armature \u{2014} AArch64 system emulator"))
    }
}
