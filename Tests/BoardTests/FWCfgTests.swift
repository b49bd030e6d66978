import XCTest
import Machine
@testable import Devices
@testable import Board

/// fw_cfg's registers as QEMU 7.2's MMIO fw_cfg answers them on virt: the
/// selector and DMA address big-endian, data in memory order, the DMA
/// request's fields big-endian.
final class FWCfgTests: XCTestCase {
    var memory: AddressSpace!
    var fw: FWCfg!
    let ram: UInt64 = 0x4000_0000

    override func setUp() {
        memory = AddressSpace()
        _ = try! memory.addRAM(name: "ram", base: ram, size: 1 << 20)
        fw = FWCfg(memory: memory, cpuCount: 2)
    }

    func select(_ key: UInt16) { fw.write(offset: 8, size: 2, value: UInt64(key.byteSwapped)) }

    func testSignatureAndIDThroughTheDataRegister() {
        // Selected at reset: the signature.
        XCTAssertEqual(fw.read(offset: 0, size: 4), 0x554D_4551)       // "QEMU" in memory order
        select(FWCfg.Key.signature)
        XCTAssertEqual(fw.read(offset: 0, size: 1), 0x51)               // 'Q'
        XCTAssertEqual(fw.read(offset: 0, size: 2), 0x4D45)             // "EM"
        XCTAssertEqual(fw.read(offset: 0, size: 2), 0x0055)             // "U", then zeros past the end
        select(FWCfg.Key.id)
        XCTAssertEqual(fw.read(offset: 0, size: 4), 3)                  // traditional + DMA
        select(FWCfg.Key.cpuCount)
        XCTAssertEqual(fw.read(offset: 0, size: 8), 2)
        select(0x7FFF)                                                   // beyond the slots: reads zero
        XCTAssertEqual(fw.read(offset: 0, size: 8), 0)
    }

    func testDMARegisterReadsTheSignature() {
        XCTAssertEqual(fw.read(offset: 16, size: 8), FWCfg.dmaSignature.byteSwapped)
        XCTAssertEqual(fw.read(offset: 16, size: 4), UInt64(UInt32(FWCfg.dmaSignature >> 32).byteSwapped))
        XCTAssertEqual(fw.read(offset: 20, size: 4), UInt64(UInt32(truncatingIfNeeded: FWCfg.dmaSignature).byteSwapped))
    }

    func testFileDirectorySortedByName() {
        fw.addFile("etc/zzz", [1, 2, 3])
        fw.addFile("etc/aaa", [4])
        select(FWCfg.Key.fileDirectory)
        var dir: [UInt8] = []
        for _ in 0..<(4 + 64 * FWCfg.fileSlots) { dir.append(UInt8(fw.read(offset: 0, size: 1))) }
        func be32(_ o: Int) -> Int { dir[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(0), 5)
        var names: [String] = []
        for i in 0..<5 {
            let e = 4 + 64 * i
            let name = String(decoding: dir[(e + 8)..<(e + 64)].prefix { $0 != 0 }, as: UTF8.self)
            names.append(name)
            XCTAssertEqual(Int(dir[e + 4]) << 8 | Int(dir[e + 5]), 0x20 + i)
            if name == "etc/zzz" { XCTAssertEqual(be32(e), 3) }
            if name == "etc/boot-fail-wait" { XCTAssertEqual(be32(e), 4) }
        }
        XCTAssertEqual(names, ["bios-geometry", "bootorder", "etc/aaa", "etc/boot-fail-wait", "etc/zzz"])
        // A file's key reads its data.
        select(0x22)
        XCTAssertEqual(fw.read(offset: 0, size: 1), 4)
    }

    /// Writes a DMA request at `at` and starts it with the write form given.
    func dma(control: UInt32, length: UInt32, address: UInt64, at: UInt64, split: Bool = false) -> UInt32 {
        let request = FWCfg.be(UInt64(control), bytes: 4) + FWCfg.be(UInt64(length), bytes: 4) + FWCfg.be(address, bytes: 8)
        _ = request.withUnsafeBytes { memory.writePhysical(pa: at, bytes: $0) }
        if split {
            fw.write(offset: 16, size: 4, value: UInt64(UInt32(at >> 32).byteSwapped))
            fw.write(offset: 20, size: 4, value: UInt64(UInt32(truncatingIfNeeded: at).byteSwapped))
        } else {
            fw.write(offset: 16, size: 8, value: at.byteSwapped)
        }
        return UInt32(memory.readPhysical(pa: at, count: 4)!.reduce(0) { $0 << 8 | UInt64($1) })
    }

    func testDMAReadSelectSkipAndErrors() {
        fw.setItem(FWCfg.Key.kernelData, Array(0..<100).map { UInt8($0) })
        // Select + read 10 bytes.
        let sel = UInt32(FWCfg.Key.kernelData) << 16
        XCTAssertEqual(dma(control: sel | 0x08 | 0x02, length: 10, address: ram + 0x1000, at: ram), 0)
        XCTAssertEqual(memory.readPhysical(pa: ram + 0x1000, count: 10)!, Array(0..<10))
        // Skip 80, then read 20: 10 bytes of data and 10 zeros past the end.
        XCTAssertEqual(dma(control: 0x04, length: 80, address: 0, at: ram, split: true), 0)
        _ = memory.fillPhysical(pa: ram + 0x2000, byte: 0xEE, count: 20)
        XCTAssertEqual(dma(control: 0x02, length: 20, address: ram + 0x2000, at: ram), 0)
        XCTAssertEqual(memory.readPhysical(pa: ram + 0x2000, count: 20)!, Array(90..<100) + [UInt8](repeating: 0, count: 10))
        // The data register continues where DMA left off (past the end: zero).
        XCTAssertEqual(fw.read(offset: 0, size: 1), 0)
        // Writes are refused; a read to nowhere is an error.
        XCTAssertEqual(dma(control: sel | 0x08 | 0x10, length: 4, address: ram + 0x3000, at: ram), 1)
        XCTAssertEqual(dma(control: sel | 0x08 | 0x02, length: 4, address: 0x1000, at: ram), 1)
        // No operation bit: nothing happens, no error.
        XCTAssertEqual(dma(control: 0, length: 4, address: ram + 0x3000, at: ram), 0)
    }
}

/// QEMU 7.2's SMBIOS tables for virt with 1 GiB and one CPU, as EDK2 hands
/// them to Linux (its own type 0 aside): the bytes /sys/firmware/dmi/tables/DMI
/// shows under QEMU, type 19 added (EDK2 does not pass that one on).
final class SMBIOSTests: XCTestCase {
    func testTablesOfOneGiBOneCPU() {
        let t = SMBIOS.tables(ramBase: 0x4000_0000, ramSize: 1 << 30, sockets: 1, cores: 1, threads: 1)
        let got = t.map { String(format: "%02x", $0) }.joined()
        // Types 1, 3, 4, 16, 17 and 32 as QEMU 7.2 + EDK2 gave them to Linux.
        let qemu = "011b0001010203000000000000000000000000000000000006000051454d550051454d55205669727475616c204d616368696e65"
            + "00766972742d372e3200000316000301010200000303030200000000000000000051454d5500766972742d372e320000043000"
            + "0401030102000000000000000003000000d007d0074101ffffffffffff0000000101010200010001000100010043505520300051"
            + "454d5500766972742d372e3200001017001001030600001000feff01000000000000000000000011280011001" + "0feffffffffff00"
            + "04090001000702000000020000000000000000000000000000000044494d4d20300051454d550000200b00200000000000000000"
            + "0000"
        // Type 19 (0x40000000 to 0x7fffffff in KiB, array 0x1000) before 32, and 127 last.
        let type19 = "131f0013" + "00001000" + "ffff1f00" + "0010" + "01" + String(repeating: "0", count: 32) + "0000"
        let type32 = "200b0020" + String(repeating: "0", count: 18)   // 7 bytes of body, then no strings
        guard let split = qemu.range(of: type32) else { return XCTFail("no type 32") }
        XCTAssertEqual(got, qemu[..<split.lowerBound] + type19 + type32 + "7f04007f0000")
        let a = SMBIOS.anchor(tableLength: t.count)
        XCTAssertEqual(Array(a[0..<5]), Array("_SM3_".utf8))
        XCTAssertEqual(a.reduce(0) { $0 &+ $1 }, 0)
        XCTAssertEqual(a.count, 24)
    }
}
