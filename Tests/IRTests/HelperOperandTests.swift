import XCTest
import IR

/// The packed helper operands (IR/HelperOperands.swift): what the lifter packs
/// is what the engine's helper unpacks, field by field, at the field limits.
final class HelperOperandTests: XCTestCase {
    func testSysRegOperand() {
        for (key, rt) in [(UInt32(0xFFFF), 31), (0xC000, 0), (0xDE82, 17)] {
            let op = SysRegOperand(key: key, rt: rt)
            XCTAssertEqual(SysRegOperand(packed: op.packed), op)
        }
        // MRS TPIDR_EL0, X3: key 0xDE82, Rt 3.
        XCTAssertEqual(SysRegOperand(key: 0xDE82, rt: 3).packed, 0x3_DE82)
    }

    func testSystemOperand() {
        for v in [(UInt64(7), UInt64(15), UInt64(15), UInt64(7)), (3, 7, 4, 1), (0, 0, 0, 0)] {
            let op = SystemOperand(op1: v.0, crn: v.1, crm: v.2, op2: v.3)
            XCTAssertEqual(SystemOperand(packed: op.packed), op)
        }
        XCTAssertEqual(SystemOperand(op1: 3, crn: 7, crm: 4, op2: 1).packed, 3 << 11 | 7 << 7 | 4 << 3 | 1)
    }

    func testExclusiveOperand() {
        for pair in [false, true] {
            for size in 0...3 {
                let op = ExclusiveOperand(sizeLog2: size, pair: pair, rt: 31, rt2: 30, rs: 29)
                XCTAssertEqual(ExclusiveOperand(packed: op.packed), op)
            }
        }
    }

    func testCompareAndSwapAtomicAndCRC() {
        let cas = CompareAndSwapOperand(rs: 30, rt: 31, sizeLog2: 3)
        XCTAssertEqual(CompareAndSwapOperand(packed: cas.packed), cas)
        for raw in 0...8 {
            let op = AtomicOperand(operation: AtomicOperand.Operation(rawValue: UInt64(raw))!, sizeLog2: raw & 3)
            XCTAssertEqual(AtomicOperand(packed: op.packed), op)
        }
        for size in 0...3 {
            for c in [false, true] {
                let op = CRC32Operand(sizeLog2: size, castagnoli: c)
                XCTAssertEqual(CRC32Operand(packed: op.packed), op)
            }
        }
    }
}
