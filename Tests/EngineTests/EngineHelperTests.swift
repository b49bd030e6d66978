import XCTest
import IR
import Machine
@testable import Engine

/// The helper table: one C-ABI function per `HelperID`, and the libffi call
/// path the interpreter uses returning what a direct call returns.
final class EngineHelperTests: XCTestCase {
    static func address(_ f: HelperFunction) -> UInt {
        UInt(bitPattern: unsafeBitCast(f, to: UnsafeRawPointer.self))
    }

    func testEveryHelperIDHasItsOwnFunction() {
        XCTAssertEqual(HelperTable.functions.count, HelperID.allCases.count)
        var seen: [UInt: HelperID] = [:]
        for id in HelperID.allCases {
            XCTAssertEqual(Int(id.rawValue), HelperID.allCases.firstIndex(of: id), "raw values index the table")
            let f = HelperTable.functions[Int(id.rawValue)]
            let a = EngineHelperTests.address(f)
            XCTAssertNotEqual(a, 0)
            XCTAssertEqual(a, EngineHelperTests.address(HelperTable.function(for: id)), "\(id)")
            if let other = seen[a] { XCTFail("\(id) and \(other) share one function") }
            seen[a] = id
        }
    }

    func testHelperInfoIsConsistent() {
        let names = HelperID.allCases.map(\.info.name)
        XCTAssertEqual(Set(names).count, names.count, "helper names are unique (the IR printer shows them)")
        for id in HelperID.allCases {
            let info = id.info
            XCTAssertTrue((0...3).contains(info.argCount), "\(id)")
            if info.pure { XCTAssertFalse(info.mayRaise, "\(id): a pure helper cannot raise") }
            // The builder enforces the argument count.
            var b = IRBuilder(guestPC: 0)
            let args = (0..<info.argCount).map { _ in b.const_(0) }
            let v = b.call(id, args)
            XCTAssertEqual(b.block[v].type, info.returnsValue ? .i64 : .void)
        }
        XCTAssertTrue(HelperID.crc32.info.pure)
        XCTAssertTrue(HelperID.svc.info.mayRaise)
    }

    func testCRC32ThroughLibFFIEqualsADirectCall() {
        let rig = EngineRig(vbar: 0x4000_0800)
        let ffi = FFIHelperCaller()
        let f = HelperTable.functions[Int(HelperID.crc32.rawValue)]
        var rng: UInt64 = 0x5EED
        for i in 0..<2000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let acc = rng >> 16
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let data = rng
            let variant = UInt64(i % 8)
            let direct = f(rig.cpu.state, acc, data, variant)
            let viaFFI = ffi.call(f, state: rig.cpu.state, acc, data, variant)
            XCTAssertEqual(viaFFI, direct, "variant \(variant)")
            let poly: UInt32 = variant & 4 != 0 ? 0x82F6_3B78 : 0xEDB8_8320
            XCTAssertEqual(direct, UInt64(referenceCRC(UInt32(truncatingIfNeeded: acc), data, bytes: 1 << Int(variant & 3), poly: poly)))
        }
        // The standard check values of "123456789": CRC-32 0xcbf43926, CRC-32C 0xe3069283
        // (initial value and final XOR all ones, one byte at a time).
        for (variant, check) in [(UInt64(0), UInt32(0xCBF4_3926)), (4, 0xE306_9283)] {
            var crc: UInt64 = 0xFFFF_FFFF
            for byte in Array("123456789".utf8) {
                crc = ffi.call(f, state: rig.cpu.state, crc, UInt64(byte), variant)
            }
            XCTAssertEqual(UInt32(crc) ^ 0xFFFF_FFFF, check)
        }
    }

    func testStateHelpersThroughLibFFI() {
        let rig = EngineRig(vbar: 0x4000_0800)
        let cpu = rig.cpu
        let ffi = FFIHelperCaller()
        func fn(_ id: HelperID) -> HelperFunction { HelperTable.functions[Int(id.rawValue)] }
        let tpidr = UInt64(SysRegTable.all[SysRegTable.slot("TPIDR_EL0").slot].key)
        // MSR then MRS, one direct, one through libffi.
        _ = ffi.call(fn(.msr), state: cpu.state, tpidr, 0x1234_5678_9ABC_DEF0, 0)
        XCTAssertEqual(cpu.sysreg(SysRegTable.slot("TPIDR_EL0")), 0x1234_5678_9ABC_DEF0)
        XCTAssertEqual(ffi.call(fn(.mrs), state: cpu.state, tpidr, 0, 0), 0x1234_5678_9ABC_DEF0)
        XCTAssertEqual(fn(.mrs)(cpu.state, tpidr, 0, 0), 0x1234_5678_9ABC_DEF0)
        XCTAssertFalse(cpu.exceptionTaken)
        // An UNDEFINED access raises at faultPC, through libffi as directly.
        cpu.faultPC = 0x4000_0100
        _ = ffi.call(fn(.mrs), state: cpu.state, 0xFFFF, 0, 0)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.pc, 0x4000_0800 + 0x200)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x0200_0000)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0100)
        // SVC: ELR is the next instruction.
        cpu.faultPC = 0x4000_0200
        _ = ffi.call(fn(.svc), state: cpu.state, 0x99, 0, 0)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x5600_0099)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0204)
        // An atomic add on RAM returns the old value and writes the sum.
        XCTAssertTrue([UInt8](arrayLiteral: 5, 0, 0, 0, 0, 0, 0, 0).withUnsafeBytes {
            rig.memory.writePhysical(pa: 0x4000_2000, bytes: $0)
        })
        cpu.exceptionTaken = false
        XCTAssertEqual(ffi.call(fn(.atomic), state: cpu.state, 0x4000_2000, 7, 0 | 3 << 4), 5)
        XCTAssertEqual(rig.memory.readPhysical(pa: 0x4000_2000, count: 8), [12, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertFalse(cpu.exceptionTaken)
        // CLREX clears the monitor.
        cpu.state.storeBytes(of: 8, toByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
        _ = ffi.call(fn(.clrex), state: cpu.state, 0, 0, 0)
        XCTAssertEqual(cpu.state.load(fromByteOffset: StateLayout.exclusiveSize, as: UInt64.self), 0)
    }
}
