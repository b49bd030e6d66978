import XCTest
import Glibc
import Machine
@testable import Devices
@testable import Board

/// A boot from flash (`-bios`, pflash drives) as QEMU 7.2's virt does it.
final class FirmwareBootTests: XCTestCase {
    var dir = ""

    override func setUp() {
        dir = NSTemporaryDirectory() + "armature-fw-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let p = dir + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func testBiosLoadsBankZeroAndTheKernelGoesToFWCfg() throws {
        var o = VirtOptions()
        o.virtualization = true
        o.bios = file("fw.bin", [0x00, 0x00, 0x00, 0x14])   // b .
        let m = try VirtMachine(options: o)
        var files = FirmwareBootFiles()
        let kernel = [UInt8](repeating: 0xAB, count: 5000)
        files.kernel = (kernel, "Image")
        files.initrd = ([1, 2, 3], "initrd")
        files.append = "console=ttyAMA0"
        try m.bootFirmware(files)
        XCTAssertTrue(m.hasFirmware)
        XCTAssertEqual(m.memory.readPhysical(pa: 0, count: 4), [0, 0, 0, 0x14])
        // Every CPU at the flash base, at EL2 (virtualization=on, no EL3).
        XCTAssertEqual(m.cpu.pc, 0)
        XCTAssertEqual(m.cpu.el, 2)
        // The device tree at the start of RAM, with bootargs.
        XCTAssertEqual(m.memory.readPhysical(pa: 0x4000_0000, count: 4), [0xD0, 0x0D, 0xFE, 0xED])
        let t = try FlatDeviceTree(blob: try XCTUnwrap(m.deviceTree), name: "dtb")
        XCTAssertEqual(t.property("/chosen", "bootargs"), Array("console=ttyAMA0".utf8) + [0])
        XCTAssertEqual(t.property("/psci", "method"), Array("smc".utf8) + [0])
        // The kernel is not in RAM; fw_cfg has it, its size, the initrd and the command line.
        XCTAssertNotEqual(m.memory.readPhysical(pa: 0x4020_0000, count: 4), [0xAB, 0xAB, 0xAB, 0xAB])
        XCTAssertEqual(m.fwCfg.item(FWCfg.Key.kernelData), kernel)
        XCTAssertEqual(m.fwCfg.item(FWCfg.Key.kernelSize), [0x88, 0x13, 0, 0])
        XCTAssertEqual(m.fwCfg.item(FWCfg.Key.initrdData), [1, 2, 3])
        XCTAssertEqual(m.fwCfg.item(FWCfg.Key.commandLineData), Array("console=ttyAMA0".utf8) + [0])
        XCTAssertEqual(m.fwCfg.item(FWCfg.Key.commandLineSize), [16, 0, 0, 0])
    }

    func testSecureFirmwareGetsNoBuiltInPSCI() throws {
        var o = VirtOptions()
        o.secure = true
        o.bios = file("fw.bin", [0x00, 0x00, 0x00, 0x14])
        let m = try VirtMachine(options: o)
        try m.bootFirmware(FirmwareBootFiles())
        XCTAssertNil(m.psci)
        XCTAssertEqual(m.cpu.el, 3)
        let t = try FlatDeviceTree(blob: try XCTUnwrap(m.deviceTree), name: "dtb")
        XCTAssertFalse(t.hasNode("/psci"))
    }

    func testPFlashWritesGoToTheBackingFileButNeverToAReadOnlyOne() throws {
        let bank = Int(VirtMachine.Map.flashBankSize)
        let vars = dir + "/vars.fd", code = dir + "/code.fd"
        for p in [vars, code] {
            FileManager.default.createFile(atPath: p, contents: nil)
            XCTAssertEqual(truncate(p, off_t(bank)), 0)
        }
        var o = VirtOptions()
        o.pflash = [FlashDrive(path: code, readOnly: true), FlashDrive(path: vars)]
        let m = try VirtMachine(options: o)
        XCTAssertTrue(m.hasFirmware)
        // Program a word in each bank (0x40 then the data), erase a block of bank 1.
        for (unit, value) in [(0, UInt64(0x1234_5678)), (1, UInt64(0xCAFE_F00D))] {
            let f = m.flash[unit]
            f.write(offset: 0x100, size: 4, value: 0x40)
            f.write(offset: 0x100, size: 4, value: value)
            f.write(offset: 0, size: 4, value: 0xFF)
        }
        m.flash[1].write(offset: 0x40000, size: 4, value: 0x20)
        m.flash[1].write(offset: 0x40000, size: 4, value: 0xD0)
        let varsFile = try XCTUnwrap(FileManager.default.contents(atPath: vars))
        XCTAssertEqual(Array(varsFile[0x100..<0x104]), [0x0D, 0xF0, 0xFE, 0xCA])
        XCTAssertEqual(Array(varsFile[0x40000..<0x40004]), [0xFF, 0xFF, 0xFF, 0xFF])
        let codeFile = try XCTUnwrap(FileManager.default.contents(atPath: code))
        XCTAssertEqual(Array(codeFile[0x100..<0x104]), [0, 0, 0, 0])
        XCTAssertEqual(m.memory.readPhysical(pa: 0x100, count: 4), [0, 0, 0, 0])
        // A new machine on the same file sees the write.
        let m2 = try VirtMachine(options: o)
        XCTAssertEqual(m2.memory.readPhysical(pa: VirtMachine.Map.flashBankSize + 0x100, count: 4), [0x0D, 0xF0, 0xFE, 0xCA])
    }

    func testBadImages() {
        var o = VirtOptions()
        o.bios = file("empty.bin", [])
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("empty")) }
        o.bios = dir + "/missing.bin"
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("missing.bin")) }
        o.bios = file("fw.bin", [0, 0, 0, 0x14])
        o.pflash = [FlashDrive(path: file("small.fd", [1, 2, 3])), nil]
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("both -bios")) }
        o.bios = nil
        XCTAssertThrowsError(try VirtMachine(options: o)) { XCTAssertTrue("\($0)".contains("67108864 bytes")) }
    }
}
