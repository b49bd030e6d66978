import XCTest
@testable import IR

/// Each pass on small blocks, checked on the printed IR.
final class OptimizerTests: XCTestCase {
    private func text(_ b: IRBlock) -> String { IRPrinter.print(b) }

    func testGetForwardingReusesKnownValues() {
        var b = IRBuilder(guestPC: 0x1000)
        let x1 = b.getReg(1)
        let again = b.getReg(1)
        b.setReg(0, b.add(x1, again))
        b.exitJump(0x1004)
        var block = b.block
        GetSetForwarding.run(&block)
        DeadCodeElimination.compact(&block)
        XCTAssertEqual(text(block), """
        v0 = get x1
        v1 = add.i64 v0, v0
        set x0, v1
        exit.jump 0x1004

        """)
    }

    func testSetForwardingFeedsLaterGetsAndDropsOverwrittenSets() {
        var b = IRBuilder(guestPC: 0x1000)
        let c = b.const_(5)
        b.setReg(2, c)
        let g = b.getReg(2)
        b.setReg(2, b.add(g, g))
        b.exitJump(0x1008)
        var block = b.block
        GetSetForwarding.run(&block)
        DeadCodeElimination.compact(&block)
        XCTAssertEqual(text(block), """
        v0 = const.i64 0x5
        v1 = add.i64 v0, v0
        set x2, v1
        exit.jump 0x1008

        """)
    }

    func testSetsBeforeAMemoryAccessStay() {
        // The load may fault: the first set must be in the state when it does.
        var b = IRBuilder(guestPC: 0x1000)
        b.setReg(3, b.const_(1))
        _ = b.load(.i64, b.const_(0x4000_0000))
        b.setReg(3, b.const_(2))
        b.exitJump(0x1008)
        var block = b.block
        GetSetForwarding.run(&block)
        XCTAssertEqual(block.insts.filter { $0.op == .setReg }.count, 2)
    }

    func testSetsOfAStoringInstructionStayAcrossItsBoundary() {
        // str x0, [x1], #4; mov x1, #0: a store into translated code ends the
        // block at the boundary after it, so the writeback must be in the state.
        var b = IRBuilder(guestPC: 0x1000)
        b.insnStart(pc: 0x1000)
        let base = b.getReg(1)
        b.store(base, b.getReg(0))
        b.setReg(1, b.add(base, b.const_(4)))
        b.insnStart(pc: 0x1004)
        b.setReg(1, b.const_(0))
        b.insnStart(pc: 0x1008)
        b.setReg(2, b.const_(7))
        b.insnStart(pc: 0x100C)
        b.setReg(2, b.const_(8))
        b.exitJump(0x1010)
        var block = b.block
        GetSetForwarding.run(&block)
        let sets = block.insts.filter { $0.op == .setReg }
        XCTAssertEqual(sets.filter { $0.imm == 1 }.count, 2, "the writeback before the boundary stays")
        XCTAssertEqual(sets.filter { $0.imm == 2 }.count, 1, "without a store, the overwritten set goes")
    }

    func testHelperCallsForgetKnownRegisters() {
        var b = IRBuilder(guestPC: 0x1000)
        _ = b.getReg(4)
        b.call(.clrex)
        _ = b.getReg(4)
        b.exitJump(0x1008)
        var block = b.block
        GetSetForwarding.run(&block)
        XCTAssertEqual(block.insts.filter { $0.op == .getReg }.count, 2)
    }

    func testConstantFoldingEvaluatesThroughSemantics() {
        var b = IRBuilder(guestPC: 0x1000)
        let a = b.const_(0xFFFF_FFFF, .i32)
        let one = b.const_(1, .i32)
        let sum = b.add(a, one)                        // wraps to 0 at 32 bits
        let flags = b.emit(Inst(.nzcvAdd, .i64, a: a, b: one, c: b.const_(0, .i32)))
        b.setReg(0, b.zext(sum, to: .i64))
        b.setFlags(flags)
        b.exitJump(0x1004)
        var block = b.block
        Optimizer.run(&block)
        XCTAssertEqual(text(block), """
        v0 = const.i64 0x60000000
        v1 = const.i64 0x0
        set x0, v1
        set nzcv, v0
        exit.jump 0x1004

        """)
    }

    func testIdentitiesAndConstantExitIf() {
        var b = IRBuilder(guestPC: 0x1000)
        let x = b.getReg(1)
        let y = b.add(x, b.const_(0))
        b.setReg(0, b.and(y, b.const_(~0)))
        let never = b.cmp(.eq, b.const_(1), b.const_(2))
        b.exitIf(never, 0x2000)
        b.exitJump(0x1004)
        var block = b.block
        Optimizer.run(&block)
        XCTAssertEqual(text(block), """
        v0 = get x1
        set x0, v0
        exit.jump 0x1004

        """)
    }

    func testConversionChainsCollapse() {
        var b = IRBuilder(guestPC: 0x1000)
        let byte = b.load(.i8, b.getReg(1))
        let wide = b.zext(byte, to: .i64)
        let narrow = b.trunc(wide, to: .i32)              // trunc(zext(i8)) -> zext to i32
        b.setReg(0, b.zext(narrow, to: .i64))             // zext(zext(i8)) -> zext to i64
        let back = b.trunc(wide, to: .i8)                 // trunc(zext(x)) of x's type -> x
        b.store(b.getReg(2), back)
        b.exitJump(0x1004)
        var block = b.block
        Optimizer.run(&block)
        XCTAssertEqual(text(block), """
        v0 = get x1
        v1 = load.i8 [v0]
        v2 = zext.i64 v1
        set x0, v2
        v4 = get x2
        store [v4], v1
        exit.jump 0x1004

        """)
        XCTAssertTrue(IRVerifier.verify(block).isEmpty)
    }

    func testDeadCodeEliminationKeepsSideEffects() {
        var b = IRBuilder(guestPC: 0x1000)
        let x = b.getReg(1)
        _ = b.binary(.mul, x, x)                        // unused: removed
        let v = b.load(.i32, x)                         // unused but may fault: kept
        _ = v
        b.store(x, b.const_(7, .i8))
        b.exitJump(0x1004)
        var block = b.block
        DeadCodeElimination.run(&block)
        XCTAssertEqual(text(block), """
        v0 = get x1
        v1 = load.i32 [v0]
        v2 = const.i8 0x7
        store [v0], v2
        exit.jump 0x1004

        """)
        XCTAssertTrue(IRVerifier.verify(block).isEmpty)
    }

    func testVerifierCatchesMalformedBlocks() {
        var b = IRBuilder(guestPC: 0)
        let a = b.const_(1, .i32)
        let c = b.const_(1, .i64)
        _ = b.emit(Inst(.add, .i32, a: a, b: c))
        XCTAssertFalse(IRVerifier.verify(b.block).isEmpty)   // type mismatch and no terminator
    }

    func testSemanticsEdgeCases() {
        XCTAssertEqual(IRSemantics.binary(.sdiv, .i64, UInt64(bitPattern: Int64.min), ~0), UInt64(bitPattern: Int64.min))
        XCTAssertEqual(IRSemantics.binary(.udiv, .i32, 5, 0), 0)
        XCTAssertEqual(IRSemantics.binary(.ror, .i32, 1, 33), 0x8000_0000)
        XCTAssertEqual(IRSemantics.binary(.ashr, .i32, 0x8000_0000, 31), 0xFFFF_FFFF)
        XCTAssertEqual(IRSemantics.unary(.clz, .i32, 1), 31)
        XCTAssertEqual(IRSemantics.unary(.rbit, .i32, 1), 0x8000_0000)
        // 0x7fffffff + 1: N and V set.
        XCTAssertEqual(IRSemantics.nzcvAdd(.i32, 0x7FFF_FFFF, 1, 0), 0x9000_0000)
        // 0 - 0 as 0 + ~0 + 1: Z and C set.
        XCTAssertEqual(IRSemantics.nzcvAdd(.i64, 0, ~0, 1), 0x6000_0000)
        XCTAssertEqual(IRSemantics.conditionHolds(0xE, 0), 1)    // AL
        XCTAssertEqual(IRSemantics.conditionHolds(0xF, 0), 1)    // NV behaves as AL
        XCTAssertEqual(IRSemantics.conditionHolds(0xC, 0x9000_0000), 1) // GT: N == V, Z clear
    }
    func testVectorRegisterForwardingByType() {
        var b = IRBuilder(guestPC: 0x1000)
        let x = b.bitcast(b.trunc(b.getReg(0), to: .i32), to: .f32)
        b.setVec(0, x)                        // kept: the get of another width below reads the state
        let h = b.getVec(0, .i16)
        let same = b.getVec(0, .f32)          // forwarded from the set
        b.setVec(1, same)
        b.setVec(0, b.fp(FPOpcode(.convert), .f32, h))
        b.setVec(2, b.getVec(3, .v128))
        b.setVec(2, b.getVec(4, .f64))        // overwrites v2 with nothing in between: the first set goes
        b.exitJump(0x1004)
        var block = b.block
        GetSetForwarding.run(&block)
        DeadCodeElimination.run(&block)
        XCTAssertEqual(text(block), """
        v0 = get x0
        v1 = trunc.i32 v0
        v2 = bitcast.f32 v1
        set v0, v2
        v4 = get.i16 v0
        set v1, v2
        v6 = fp.convert.f32 v4
        set v0, v6
        v8 = get.f64 v4
        set v2, v8
        exit.jump 0x1004

        """)
    }
}
