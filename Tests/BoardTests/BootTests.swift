import XCTest
import Machine
@testable import Board

final class BootTests: XCTestCase {
    /// An arm64 Image: the header (Documentation/arm64/booting.rst) and code.
    func image(textOffset: UInt64 = 0, imageSize: UInt64 = 0x10000, body: Int = 4096) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: max(64, body))
        func put64(_ o: Int, _ v: UInt64) { for i in 0..<8 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        b[0] = 0x00; b[1] = 0x00; b[2] = 0x00; b[3] = 0x14   // b .
        put64(8, textOffset)
        put64(16, imageSize)
        b[56] = 0x41; b[57] = 0x52; b[58] = 0x4D; b[59] = 0x64
        return b
    }

    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("armature-boot-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("Image")
        try Data(bytes).write(to: f)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-9", f.path]
        try p.run()
        p.waitUntilExit()
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent("Image.gz")))
    }

    func testImageHeader() throws {
        let k = try KernelImage.parse(image(textOffset: 0), name: "Image")
        XCTAssertEqual(k.format, .image)
        XCTAssertEqual(k.loadOffset, 2 << 20, "text_offset below 4 KiB: moved up by 2 MiB")
        XCTAssertEqual(try KernelImage.parse(image(textOffset: 0x80000), name: "Image").loadOffset, 0x80000)
        XCTAssertEqual(try KernelImage.parse(image(textOffset: 0x80000, imageSize: 0), name: "Image").loadOffset,
                       0x80000, "image_size 0: text_offset is not valid, the default offset")
        let raw = try KernelImage.parse([0x1F, 0x20, 0x03, 0xD5], name: "raw")
        XCTAssertEqual(raw.format, .raw)
        XCTAssertEqual(raw.loadOffset, 0x80000)
    }

    func testGzipImage() throws {
        let plain = image(body: 100_000)
        let k = try KernelImage.parse(try gzip(plain), name: "Image.gz")
        XCTAssertTrue(k.compressed)
        XCTAssertEqual(k.bytes, plain)
        XCTAssertEqual(k.format, .image)
        var bad = try gzip(plain)
        bad.removeLast(bad.count / 2)
        XCTAssertThrowsError(try KernelImage.parse(bad, name: "Image.gz")) {
            XCTAssertEqual(String(describing: $0), "Image.gz: corrupt or truncated gzip data in the kernel")
        }
    }

    func testUnbootableKernels() {
        func message(_ b: [UInt8]) -> String {
            do { _ = try KernelImage.parse(b, name: "k"); return "" } catch { return String(describing: error) }
        }
        XCTAssertEqual(message([]), "k: the kernel file is empty")
        XCTAssertTrue(message([0xD0, 0x0D, 0xFE, 0xED, 0, 0]).contains("device tree blob"))
        XCTAssertTrue(message(Array("070701000000".utf8)).contains("cpio archive"))
        XCTAssertTrue(message([0x27, 0x05, 0x19, 0x56] + [UInt8](repeating: 0, count: 60)).contains("uImage"))
        var zImage = [UInt8](repeating: 0, count: 0x30)
        zImage[0x24] = 0x18; zImage[0x25] = 0x28; zImage[0x26] = 0x6F; zImage[0x27] = 0x01
        XCTAssertTrue(message(zImage).contains("32-bit Arm zImage"))
    }

    func testLinuxBootLayout() throws {
        var o = VirtOptions()
        o.ramSize = 256 << 20
        let vm = try VirtMachine(options: o)
        var files = BootFiles(kernel: (image(), "Image"))
        files.initrd = ([UInt8](repeating: 7, count: 5000), "initrd")
        files.append = "console=ttyAMA0"
        let l = try vm.boot(files)
        XCTAssertTrue(l.linux)
        XCTAssertEqual(l.entry, 0x4020_0000)
        XCTAssertEqual(l.initrd, 0x4800_0000..<0x4800_1388, "128 MiB into RAM")
        XCTAssertEqual(l.dtb?.lowerBound, 0x4820_0000, "after the initrd, 2 MiB aligned")
        XCTAssertEqual(vm.cpu.pc, 0x4020_0000)
        XCTAssertEqual(vm.cpu.x(0), 0x4820_0000)
        XCTAssertEqual(vm.cpu.el, 1)
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4820_0000, count: 4), [0xD0, 0x0D, 0xFE, 0xED])
        XCTAssertEqual(vm.memory.readPhysical(pa: 0x4800_0000, count: 1), [7])
        XCTAssertNotNil(vm.psci)
    }

    func testLinuxBootWithEL3() throws {
        var o = VirtOptions()
        o.secure = true
        o.virtualization = true
        let vm = try VirtMachine(options: o)
        XCTAssertNil(vm.psci, "an ELF at EL3 brings its own firmware")
        try vm.boot(BootFiles(kernel: (image(), "Image")))
        XCTAssertEqual(vm.cpu.el, 2, "entered at EL2")
        XCTAssertEqual(vm.cpu.spSel, 1)
        let scr = vm.cpu.sysreg(SysRegTable.scrEL3)
        XCTAssertEqual(scr & 0x501, 0x501, "SCR_EL3.NS, HCE, RW")
        XCTAssertEqual(vm.cpu.sysreg(SysRegTable.hcrEL2) >> 31 & 1, 1, "HCR_EL2.RW")
        XCTAssertEqual(vm.psci?.conduit, .smc, "PSCI answered by the emulator over SMC")
        // Without EL2: EL1.
        o.virtualization = false
        let v1 = try VirtMachine(options: o)
        try v1.boot(BootFiles(kernel: (image(), "Image")))
        XCTAssertEqual(v1.cpu.el, 1)
        XCTAssertEqual(v1.cpu.sysreg(SysRegTable.scrEL3) & 0x501, 0x401)
    }

    func testSmallRAM() throws {
        // 64 MiB: the initrd goes half-way into RAM.
        var o = VirtOptions()
        o.ramSize = 64 << 20
        let vm = try VirtMachine(options: o)
        var files = BootFiles(kernel: (image(), "Image"))
        files.initrd = ([1, 2, 3], "initrd")
        let l = try vm.boot(files)
        XCTAssertEqual(l.initrd?.lowerBound, 0x4200_0000)
    }

    func testDoesNotFit() throws {
        var o = VirtOptions()
        o.ramSize = 8 << 20
        func message(_ f: BootFiles) -> String {
            do { _ = try VirtMachine(options: o).boot(f); return "" } catch { return String(describing: error) }
        }
        var f = BootFiles(kernel: (image(), "Image"))
        f.initrd = ([UInt8](repeating: 0, count: 5 << 20), "big.img")
        XCTAssertTrue(message(f).hasPrefix("big.img: the initrd"), message(f))
        XCTAssertTrue(message(f).contains("does not fit in RAM"))
        // A kernel bigger than RAM.
        XCTAssertTrue(message(BootFiles(kernel: ([UInt8](repeating: 1, count: 9 << 20), "huge"))).contains("does not fit in RAM"))
        // An initrd at 4 MiB ending past 7 MiB in 8 MiB: the DTB's 2 MiB boundary is the end of RAM.
        f.initrd = ([UInt8](repeating: 0, count: (3 << 20) + 1), "initrd")
        XCTAssertTrue(message(f).contains("the device tree"), message(f))
        // A user's DTB that is not one.
        f.initrd = nil
        f.dtb = ([1, 2, 3, 4], "bad.dtb")
        XCTAssertEqual(message(f), "bad.dtb: not a device tree blob (4 bytes, too short for the header)")
    }
}
