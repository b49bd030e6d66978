import XCTest
import Machine
@testable import Devices

/// The command state machine of the CFI flash, with the values QEMU 7.2's
/// pflash_cfi01 returns for virt's banks (4-byte bank of two 16-bit devices,
/// 256 KiB blocks, 64 MiB).
final class PFlashTests: XCTestCase {
    static let bankSize: UInt64 = 64 << 20
    var memory: UnsafeMutableRawPointer!
    var stores: [(UInt64, UInt64)] = []

    override func setUp() {
        memory = .allocate(byteCount: Int(Self.bankSize), alignment: 4096)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: Int(Self.bankSize))
        stores = []
    }
    override func tearDown() { memory.deallocate() }

    func makeFlash(readOnly: Bool = false) -> PFlash {
        let f = PFlash(name: "pflash0", storage: memory, size: Self.bankSize, readOnly: readOnly)
        f.onStore = { [unowned self] in self.stores.append(($0, $1)) }
        return f
    }

    func testReadArrayByDefault() {
        memory.storeBytes(of: 0x1122_3344_5566_7788 as UInt64, toByteOffset: 0x100, as: UInt64.self)
        let f = makeFlash()
        XCTAssertTrue(f.isReadArray)
        XCTAssertEqual(f.read(offset: 0x100, size: 8), 0x1122_3344_5566_7788)
        XCTAssertEqual(f.read(offset: 0x101, size: 1), 0x77)
        XCTAssertEqual(f.read(offset: 0x104, size: 4), 0x1122_3344)
    }

    func testQueryTable() {
        let f = makeFlash()
        f.write(offset: 0x55 * 4, size: 4, value: 0x0098_0098)
        XCTAssertFalse(f.isReadArray)
        // "QRY", replicated in both 16-bit devices, at query addresses × 4.
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 4), 0x0051_0051)
        XCTAssertEqual(f.read(offset: 0x11 * 4, size: 4), 0x0052_0052)
        XCTAssertEqual(f.read(offset: 0x12 * 4, size: 4), 0x0059_0059)
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 2), 0x0051)
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 1), 0x51)
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 8), 0x0052_0052_0051_0051)
        let expected: [Int: UInt8] = [
            0x13: 0x01, 0x15: 0x31, 0x1B: 0x45, 0x1C: 0x55, 0x1F: 0x07, 0x20: 0x07, 0x21: 0x0A,
            0x23: 0x04, 0x24: 0x04, 0x25: 0x04,
            0x27: 25,                   // each device: 32 MiB
            0x28: 0x02, 0x2A: 0x0B, 0x2C: 0x01,
            0x2D: 0xFF, 0x2E: 0x00,     // 256 blocks per device (each block spans both)
            0x2F: 0x00, 0x30: 0x02,     // of 128 KiB (in 256-byte units)
            0x31: 0x50, 0x32: 0x52, 0x33: 0x49, 0x34: 0x31, 0x35: 0x30, 0x3F: 0x01,
        ]
        for i in 0x13..<0x60 {
            let v = UInt64(expected[i] ?? 0)
            XCTAssertEqual(f.read(offset: UInt64(i) * 4, size: 4), v | v << 16, "query address \(hex(UInt64(i)))")
        }
        // Another command byte stays in query mode; 0xFF leaves it.
        f.write(offset: 0, size: 4, value: 0x0070_0070)
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 4), 0x0051_0051)
        f.write(offset: 0, size: 4, value: 0x00FF_00FF)
        XCTAssertTrue(f.isReadArray)
        XCTAssertEqual(f.read(offset: 0x10 * 4, size: 4), 0)
    }

    func testIdentifier() {
        let f = makeFlash()
        f.write(offset: 0, size: 4, value: 0x0090_0090)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0089_0089)
        XCTAssertEqual(f.read(offset: 4, size: 4), 0x0018_0018)
        XCTAssertEqual(f.read(offset: 8, size: 4), 0)
        // The low byte of the address (in bank words) selects, in any block.
        XCTAssertEqual(f.read(offset: 0x40000 + 4, size: 4), 0x0018_0018)
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0)
    }

    func testProgramWordAndStatus() {
        let f = makeFlash()
        XCTAssertEqual(f.status, 0x80)
        f.write(offset: 0x1000, size: 4, value: 0x0040_0040)
        f.write(offset: 0x1000, size: 4, value: 0xCAFE_F00D)
        XCTAssertEqual(memory.load(fromByteOffset: 0x1000, as: UInt32.self), 0xCAFE_F00D)
        XCTAssertEqual(stores.count, 1)
        XCTAssertEqual(stores.first?.0, 0x1000); XCTAssertEqual(stores.first?.1, 4)
        // After a program the bank reads status until read-array.
        XCTAssertEqual(f.read(offset: 0x1000, size: 4), 0x0080_0080)
        XCTAssertEqual(f.read(offset: 0x1000, size: 2), 0x0080)
        f.write(offset: 0x1000, size: 4, value: 0x0010_0010)   // 0x10: program too
        f.write(offset: 0x1004, size: 2, value: 0x1234)
        f.write(offset: 0, size: 4, value: 0x00FF_00FF)
        XCTAssertEqual(f.read(offset: 0x1000, size: 8), 0x0000_1234_CAFE_F00D)
        // Read status, then clear status: status 0, back in read array.
        f.write(offset: 0, size: 4, value: 0x70)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0080_0080)
        f.write(offset: 0, size: 4, value: 0x50)
        XCTAssertTrue(f.isReadArray)
        XCTAssertEqual(f.status, 0)
        f.write(offset: 0, size: 4, value: 0x70)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0)
    }

    func testBlockErase() {
        memory.storeBytes(of: 0xAAAA_AAAA as UInt32, toByteOffset: 0x40000 - 4, as: UInt32.self)
        memory.storeBytes(of: 0x5555_5555 as UInt32, toByteOffset: 0x80000, as: UInt32.self)
        memory.storeBytes(of: 0x1234_5678 as UInt32, toByteOffset: 0x40010, as: UInt32.self)
        let f = makeFlash()
        f.write(offset: 0x40010, size: 4, value: 0x0020_0020)   // any address in the block
        f.write(offset: 0x40010, size: 4, value: 0x00D0_00D0)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0080_0080)
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(f.read(offset: 0x40010, size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(f.read(offset: 0x40000, size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(f.read(offset: 0x7FFFC, size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(f.read(offset: 0x40000 - 4, size: 4), 0xAAAA_AAAA, "the block before is kept")
        XCTAssertEqual(f.read(offset: 0x80000, size: 4), 0x5555_5555, "the block after is kept")
        XCTAssertEqual(stores.count, 1)
        XCTAssertEqual(stores.first?.0, 0x40000); XCTAssertEqual(stores.first?.1, 0x40000)
    }

    func testLockBitsAreAccepted() {
        let f = makeFlash()
        f.write(offset: 0, size: 4, value: 0x0060_0060)
        f.write(offset: 0, size: 4, value: 0x0001_0001)       // lock
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0080_0080)
        f.write(offset: 0, size: 4, value: 0x0060_0060)
        f.write(offset: 0, size: 4, value: 0x00D0_00D0)       // unlock
        f.write(offset: 0, size: 4, value: 0x40)
        f.write(offset: 0, size: 4, value: 0x0BAD_CAFE)
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0BAD_CAFE)
    }

    func testBufferedProgram() {
        let f = makeFlash()
        f.write(offset: 0x2000, size: 4, value: 0x00E8_00E8)
        XCTAssertEqual(f.read(offset: 0x2000, size: 4), 0x0080_0080)
        f.write(offset: 0x2000, size: 4, value: 0x0001_0001)   // two words
        f.write(offset: 0x2000, size: 4, value: 0x1111_1111)
        f.write(offset: 0x2004, size: 4, value: 0x2222_2222)
        f.write(offset: 0x2000, size: 4, value: 0x00D0_00D0)
        XCTAssertEqual(f.cycle, 0)
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(f.read(offset: 0x2000, size: 8), 0x2222_2222_1111_1111)
    }

    func testReadOnlyBankReportsErrorsAndKeepsItsContents() {
        memory.storeBytes(of: 0x1234_5678 as UInt32, toByteOffset: 0, as: UInt32.self)
        let f = makeFlash(readOnly: true)
        f.write(offset: 0, size: 4, value: 0x40)
        f.write(offset: 0, size: 4, value: 0)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x0090_0090, "ready + program error")
        f.write(offset: 0, size: 4, value: 0x50)
        f.write(offset: 0, size: 4, value: 0x20)
        f.write(offset: 0, size: 4, value: 0xD0)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x00A0_00A0, "ready + erase error")
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(f.read(offset: 0, size: 4), 0x1234_5678)
        XCTAssertTrue(stores.isEmpty)
    }

    func testModeChangesAreReported() {
        let f = makeFlash()
        var modes: [Bool] = []
        f.onReadArrayMode = { modes.append($0) }
        f.write(offset: 0, size: 4, value: 0x98)
        f.write(offset: 0, size: 4, value: 0xFF)
        f.write(offset: 0, size: 4, value: 0xFF)
        XCTAssertEqual(modes, [false, true])
        var errors: [String] = []
        f.onGuestError = { errors.append($0) }
        f.write(offset: 0, size: 4, value: 0x33)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(f.isReadArray)
    }
}
