import XCTest
import A64
import IR
import Lift

/// The lifter on hand-assembled A64 words. Words come from the toolchain's
/// clang (`--target=aarch64-none-elf -c`) and llvm-objdump at authoring time;
/// the disassembly is in the comment next to each.
final class LiftTests: XCTestCase {
    static let pc: UInt64 = 0x4008_0000

    /// Lifts one instruction on its own (`maxInstructions` = 1), unoptimized.
    func lift1(_ word: UInt32, pc: UInt64 = LiftTests.pc, el: Int = 1, spSel: Int = 1) -> IRBlock {
        var ctx = LiftContext(el: el, spSel: spSel)
        ctx.maxInstructions = 1
        return Lifter.lift(pc: pc, context: ctx) { va in
            XCTAssertEqual(va, pc, "fetched past a one-instruction block")
            return word
        }
    }

    /// Lifts `words` laid out from `pc`; records every fetch.
    func lift(_ words: [UInt32], pc: UInt64 = LiftTests.pc, context: LiftContext = LiftContext(el: 1, spSel: 1),
              fetched: inout [UInt64]) -> IRBlock {
        var seen: [UInt64] = []
        let b = Lifter.lift(pc: pc, context: context) { va in
            seen.append(va)
            let i = Int((va &- pc) / 4)
            return i < words.count ? words[i] : 0xD503_201F   // nop beyond the list
        }
        fetched = seen
        return b
    }

    func assertIR(_ word: UInt32, _ expected: String, el: Int = 1, spSel: Int = 1,
                  file: StaticString = #filePath, line: UInt = #line) {
        let b = lift1(word, el: el, spSel: spSel)
        XCTAssertEqual(IRPrinter.print(b), expected, file: file, line: line)
        XCTAssertEqual(IRVerifier.verify(b).map(\.description), [], file: file, line: line)
        XCTAssertEqual(b.guestInstructionCount, 1, file: file, line: line)
        XCTAssertEqual(b.guestPC, LiftTests.pc, file: file, line: line)
    }

    // MARK: Data processing

    func testAddsRegisterSetsFlagsThenResult() {
        // adds x0, x1, x2
        assertIR(0xAB02_0020, """
        ; insn 0x40080000
        v1 = get x1
        v2 = get x2
        v3 = add.i64 v1, v2
        v4 = const.i64 0x0
        v5 = nzcvAdd.i64 v1, v2, v4
        set nzcv, v5
        set x0, v3
        exit.jump 0x40080004

        """)
    }

    func testAddsImmediate32BitZeroExtends() {
        // adds w3, w4, #0x1
        assertIR(0x3100_0483, """
        ; insn 0x40080000
        v1 = get x4
        v2 = trunc.i32 v1
        v3 = const.i32 0x1
        v4 = add.i32 v2, v3
        v5 = const.i32 0x0
        v6 = nzcvAdd.i64 v2, v3, v5
        set nzcv, v6
        v8 = zext.i64 v4
        set x3, v8
        exit.jump 0x40080004

        """)
    }

    func testCmpIsSubtractionAsAddOfNotPlusOneAndTheDeadResultIsDropped() {
        // cmp x1, x2 (subs xzr, x1, x2)
        assertIR(0xEB02_003F, """
        ; insn 0x40080000
        v1 = get x1
        v2 = get x2
        v3 = sub.i64 v1, v2
        v4 = not.i64 v2
        v5 = const.i64 0x1
        v6 = nzcvAdd.i64 v1, v4, v5
        set nzcv, v6
        exit.jump 0x40080004

        """)
        var b = lift1(0xEB02_003F)
        Optimizer.run(&b)
        XCTAssertFalse(b.insts.contains { $0.op == .sub }, "the discarded difference is dead code")
        XCTAssertFalse(b.insts.contains { $0.op == .setReg }, "XZR is not written")
        XCTAssertEqual(b.insts.filter { $0.op == .setFlags }.count, 1)
        XCTAssertEqual(IRVerifier.verify(b).count, 0)
    }

    func testRegister31IsSPOrZRByOperand() {
        // add sp, sp, #0x10: SP of the current EL / SPSel.
        for (el, spSel, name) in [(1, 1, "sp_el1"), (1, 0, "sp_el0"), (0, 0, "sp_el0"), (2, 1, "sp_el2"), (3, 1, "sp_el3")] {
            assertIR(0x9100_43FF, """
            ; insn 0x40080000
            v1 = get \(name)
            v2 = const.i64 0x10
            v3 = add.i64 v1, v2
            set \(name), v3
            exit.jump 0x40080004

            """, el: el, spSel: spSel)
        }
        // cmn sp, #0x1 (adds xzr, sp, #1): Rn is SP, Rd is XZR (no write).
        let b = lift1(0xB100_07FF)
        XCTAssertTrue(IRPrinter.print(b).contains("get sp_el1"))
        XCTAssertFalse(b.insts.contains { $0.op == .setReg })
    }

    func testConditionalSelect() {
        // csel x0, x1, x2, lt
        assertIR(0x9A82_B020, """
        ; insn 0x40080000
        v1 = get x1
        v2 = get x2
        v3 = get nzcv
        v4 = cond.lt v3
        v5 = select.i64 v4, v1, v2
        set x0, v5
        exit.jump 0x40080004

        """)
        // csinc w3, w4, w5, eq
        assertIR(0x1A85_0483, """
        ; insn 0x40080000
        v1 = get x4
        v2 = trunc.i32 v1
        v3 = get x5
        v4 = trunc.i32 v3
        v5 = const.i32 0x1
        v6 = add.i32 v4, v5
        v7 = get nzcv
        v8 = cond.eq v7
        v9 = select.i32 v8, v2, v6
        v10 = zext.i64 v9
        set x3, v10
        exit.jump 0x40080004

        """)
    }

    func testCRC32CallsThePureHelper() {
        // crc32x w0, w1, x2: variant 3 (8 bytes), CRC-32 polynomial.
        assertIR(0x9AC2_4C20, """
        ; insn 0x40080000
        v1 = get x1
        v2 = trunc.i32 v1
        v3 = zext.i64 v2
        v4 = get x2
        v5 = const.i64 0x3
        v6 = call crc32(v3, v4, v5)
        v7 = trunc.i32 v6
        v8 = zext.i64 v7
        set x0, v8
        exit.jump 0x40080004

        """)
    }

    // MARK: Loads and stores

    func testLoadPreIndexWritesBackTheAddress() {
        // ldr x1, [x2, #0x10]!
        assertIR(0xF841_0C41, """
        ; insn 0x40080000
        v1 = get x2
        v2 = const.i64 0x10
        v3 = add.i64 v1, v2
        v4 = load.i64 [v3]
        set x1, v4
        set x2, v3
        exit.jump 0x40080004

        """)
    }

    func testLoadPostIndexLoadsFromTheBase() {
        // ldr x1, [x2], #0x8
        assertIR(0xF840_8441, """
        ; insn 0x40080000
        v1 = get x2
        v2 = const.i64 0x8
        v3 = add.i64 v1, v2
        v4 = load.i64 [v1]
        set x1, v4
        set x2, v3
        exit.jump 0x40080004

        """)
    }

    func testLoadUnsignedOffsetFromSPAndSignedRegisterOffset() {
        // ldr w5, [sp, #0x8]; flags: the stage 2 abort syndrome ISS[24:14] << 8
        // (ISV, SAS = 2, SRT = 5; for LDRSB X6: SAS = 0, SSE, SRT = 6, SF)
        assertIR(0xB940_0BE5, """
        ; insn 0x40080000
        v1 = get sp_el1
        v2 = const.i64 0x8
        v3 = add.i64 v1, v2
        v4 = load.i32 [v3] flags=0x61400
        v5 = zext.i64 v4
        set x5, v5
        exit.jump 0x40080004

        """)
        // ldrsb x6, [x7, x8]
        assertIR(0x38A8_68E6, """
        ; insn 0x40080000
        v1 = get x7
        v2 = get x8
        v3 = add.i64 v1, v2
        v4 = load.i8 [v3] flags=0x49a00
        v5 = sext.i64 v4
        set x6, v5
        exit.jump 0x40080004

        """)
    }

    func testStorePairPreIndexStoresBothBeforeWriteback() {
        // stp x29, x30, [sp, #-0x10]!
        assertIR(0xA9BF_7BFD, """
        ; insn 0x40080000
        v1 = get sp_el1
        v2 = const.i64 0xfffffffffffffff0
        v3 = add.i64 v1, v2
        v4 = const.i64 0x8
        v5 = add.i64 v3, v4
        v6 = get x29
        v7 = get x30
        store [v3], v6
        store [v5], v7
        set sp_el1, v3
        exit.jump 0x40080004

        """)
    }

    func testQRegisterAccessesCheckSixteenByteAlignmentOnTheirFirstDoubleword() {
        // ldr q0, [x1]: flags = AccessFlags.alignment(bytes: 16) on the low doubleword
        assertIR(0x3DC0_0020, """
        ; insn 0x40080000
        v1 = get x1
        v2 = load.i64 [v1] flags=0x500000
        v3 = const.i64 0x8
        v4 = add.i64 v1, v3
        v5 = load.i64 [v4]
        v6 = vpack.v128 v2, v5
        set v0, v6
        exit.jump 0x40080004

        """)
    }

    func testStructureLoadsAndStores() {
        // ld1 {v0.16b}, [x1], #16: two doublewords checked against the element size (1)
        assertIR(0x4CDF_7020, """
        ; insn 0x40080000
        v1 = get x1
        v2 = load.i64 [v1] flags=0x100000
        v3 = const.i64 0x8
        v4 = add.i64 v1, v3
        v5 = load.i64 [v4] flags=0x100000
        v6 = vpack.v128 v2, v5
        set v0, v6
        v8 = const.i64 0x10
        v9 = add.i64 v1, v8
        set x1, v9
        exit.jump 0x40080004

        """)
        // ld2r {v0.4s, v1.4s}, [x1], x2
        assertIR(0x4DE2_C820, """
        ; insn 0x40080000
        v1 = get x1
        v2 = load.i32 [v1]
        v3 = const.i64 0x4
        v4 = add.i64 v1, v3
        v5 = load.i32 [v4]
        v6 = vdup.v128 v2
        set v0, v6
        v8 = vdup.v128 v5
        set v1, v8
        v10 = get x2
        v11 = add.i64 v1, v10
        set x1, v11
        exit.jump 0x40080004

        """)
        // st1 {v3.s}[1], [x1]
        assertIR(0x0D00_9023, """
        ; insn 0x40080000
        v1 = get x1
        v2 = get.v128 v3
        v3 = vextract.i32 v2 @32
        store [v1], v3
        exit.jump 0x40080004

        """)
        // ld1 {v31.2s, v0.2s}, [sp]: the list wraps; Q = 0 writes the low doublewords
        assertIR(0x0C40_ABFF, """
        ; insn 0x40080000
        v1 = get sp_el1
        v2 = load.i64 [v1] flags=0x300000
        v3 = const.i64 0x8
        v4 = add.i64 v1, v3
        v5 = load.i64 [v4] flags=0x300000
        set v31, v2
        set v0, v5
        exit.jump 0x40080004

        """)
    }

    // MARK: Branches

    func testConditionalBranches() {
        // b.eq .+0x40
        assertIR(0x5400_0200, """
        ; insn 0x40080000
        v1 = get nzcv
        v2 = cond.eq v1
        exit.if v2, 0x40080040
        exit.jump 0x40080004

        """)
        // b.ne .-8
        assertIR(0x54FF_FFC1, """
        ; insn 0x40080000
        v1 = get nzcv
        v2 = cond.ne v1
        exit.if v2, 0x4007fff8
        exit.jump 0x40080004

        """)
        // cbz w3, .+0x10
        assertIR(0x3400_0083, """
        ; insn 0x40080000
        v1 = get x3
        v2 = trunc.i32 v1
        v3 = const.i32 0x0
        v4 = cmp.eq.i1 v2, v3
        exit.if v4, 0x40080010
        exit.jump 0x40080004

        """)
        // tbnz x4, #40, .-0x20
        assertIR(0xB747_FF04, """
        ; insn 0x40080000
        v1 = get x4
        v2 = const.i64 0x28
        v3 = lshr.i64 v1, v2
        v4 = const.i64 0x1
        v5 = and.i64 v3, v4
        v6 = const.i64 0x0
        v7 = cmp.ne.i1 v5, v6
        exit.if v7, 0x4007ffe0
        exit.jump 0x40080004

        """)
    }

    func testDirectAndIndirectBranches() {
        // bl .+0x100
        assertIR(0x9400_0040, """
        ; insn 0x40080000
        v1 = const.i64 0x40080004
        set x30, v1
        exit.jump 0x40080100

        """)
        // b .+0x20
        assertIR(0x1400_0008, """
        ; insn 0x40080000
        exit.jump 0x40080020

        """)
        // ret
        assertIR(0xD65F_03C0, """
        ; insn 0x40080000
        v1 = get x30
        exit.indirect v1

        """)
        // br x5
        assertIR(0xD61F_00A0, """
        ; insn 0x40080000
        v1 = get x5
        exit.indirect v1

        """)
        // blr x6: the target is read before X30 is written.
        assertIR(0xD63F_00C0, """
        ; insn 0x40080000
        v1 = get x6
        v2 = const.i64 0x40080004
        set x30, v2
        exit.indirect v1

        """)
        // b .-0x8000000 from near the bottom of the address space wraps.
        let b = lift1(0x1600_0000, pc: 0x1000)
        XCTAssertEqual(IRPrinter.print(b).split(separator: "\n").last, "exit.jump 0xfffffffff8001000")
    }

    // MARK: Exceptions and system instructions

    func testExceptionGeneratingAndSystemInstructions() {
        // svc #0x1
        assertIR(0xD400_0021, """
        ; insn 0x40080000
        v1 = const.i64 0x1
        call svc(v1)
        exit.jump 0x40080004

        """)
        // hvc #0 (may be a firmware call that returns: falls through to the next PC)
        assertIR(0xD400_0002, """
        ; insn 0x40080000
        v1 = const.i64 0x0
        call hvc(v1)
        exit.jump 0x40080004

        """)
        // brk #0x7
        assertIR(0xD420_00E0, """
        ; insn 0x40080000
        v1 = const.i64 0x7
        call brk(v1)
        exit.jump 0x40080004

        """)
        // mrs x0, NZCV: the argument is the register key op0:op1:CRn:CRm:op2 =
        // 3:3:4:2:0 = 0xda10 in bits 15:0 and Rt (for a trap's syndrome) in 20:16.
        assertIR(0xD53B_4200, """
        ; insn 0x40080000
        v1 = const.i64 0xda10
        v2 = call mrs(v1)
        set x0, v2
        exit.jump 0x40080004

        """)
        // msr TPIDR_EL0, x3: key 3:3:13:0:2 = 0xde82, Rt = 3
        assertIR(0xD51B_D043, """
        ; insn 0x40080000
        v1 = const.i64 0x3de82
        v2 = get x3
        call msr(v1, v2)
        exit.jump 0x40080004

        """)
        // msr DAIFSet, #2: op1 = 3, CRn = 4, CRm = 2, op2 = 6 as a SystemOperand (0x1a16)
        assertIR(0xD503_42DF, """
        ; insn 0x40080000
        v1 = const.i64 0x1a16
        call msr_imm(v1)
        exit.jump 0x40080004

        """)
        // eret
        assertIR(0xD69F_03E0, """
        ; insn 0x40080000
        call eret()
        exit.state

        """)
        // udf #0
        assertIR(0x0000_0000, """
        ; insn 0x40080000
        call undefined()
        exit.state

        """)
        // nop
        assertIR(0xD503_201F, """
        ; insn 0x40080000
        exit.jump 0x40080004

        """)
    }

    func testOnlyBarriersOrderingStoresBeforeLoadsCallTheBarrierHelper() {
        func callsBarrier(_ w: UInt32) -> Bool {
            lift1(w).insts.contains { $0.op == .call && $0.imm == UInt64(HelperID.barrier.rawValue) }
        }
        // dmb ish, dmb sy, dmb osh, dsb ish, dsb sy, dsb nsh
        for w: UInt32 in [0xD503_3BBF, 0xD503_3FBF, 0xD503_33BF, 0xD503_3B9F, 0xD503_3F9F, 0xD503_379F] {
            XCTAssertTrue(callsBarrier(w), String(w, radix: 16))
        }
        // dmb ishld, dmb ishst, dmb st, dsb ishst, dsb ld, ssbb, pssbb, isb
        for w: UInt32 in [0xD503_39BF, 0xD503_3ABF, 0xD503_3EBF, 0xD503_3A9F, 0xD503_3D9F, 0xD503_309F,
                          0xD503_349F, 0xD503_3FDF] {
            XCTAssertFalse(callsBarrier(w), String(w, radix: 16))
        }
    }

    // MARK: Where blocks end

    func testABranchEndsTheBlock() {
        var fetched: [UInt64] = []
        // add x0, x0, #1; add x0, x0, #1; b .+8; add x0, x0, #1
        let b = lift([0x9100_0400, 0x9100_0400, 0x1400_0002, 0x9100_0400], fetched: &fetched)
        XCTAssertEqual(b.guestInstructionCount, 3)
        XCTAssertEqual(fetched, [LiftTests.pc, LiftTests.pc + 4, LiftTests.pc + 8])
        XCTAssertEqual(b.insts.last, Inst(.exitJump, imm: LiftTests.pc + 16))
        XCTAssertEqual(b.insts.filter(\.isTerminator).count, 1)
        // b.cond and cbz end it too, with the fall-through as the final exit.
        for branch: UInt32 in [0x5400_0200, 0x3400_0083, 0xD65F_03C0, 0xD400_0021, 0xD69F_03E0, 0xD518_1000, 0xD503_42DF, 0x0000_0000, 0xD503_207F] {
            let b = lift([0x9100_0400, branch, 0x9100_0400], fetched: &fetched)
            XCTAssertEqual(b.guestInstructionCount, 2, "after \(String(branch, radix: 16))")
            XCTAssertEqual(fetched.count, 2)
            XCTAssertTrue(b.insts.last!.isTerminator)
        }
        // Instructions that do not end a block: mrs, dmb, isb, nop, loads/stores,
        // exclusives and atomics, msr tpidr_el0 (MSRBlockRule), dc civac.
        let straight: [UInt32] = [0xD53B_4200, 0xD503_3BBF, 0xD503_3FDF, 0xD503_201F, 0xF841_0C41, 0xA9BF_7BFD,
                                  0xC85F_7C20, 0xC802_7C23, 0xF820_0041, 0x9AC2_4C20, 0xD51B_D043, 0xD50B_7E20]
        let s = lift(straight + [0xD65F_03C0], fetched: &fetched)
        XCTAssertEqual(s.guestInstructionCount, straight.count + 1)
        XCTAssertEqual(s.insts.last?.op, .exitIndirect)
    }

    func testThePageEndEndsTheBlock() {
        var fetched: [UInt64] = []
        let start = LiftTests.pc + 0xFF4
        let b = lift([UInt32](repeating: 0x9100_0400, count: 8), pc: start, fetched: &fetched)
        XCTAssertEqual(b.guestInstructionCount, 3)
        XCTAssertEqual(fetched, [start, start + 4, start + 8], "never fetches from the next page")
        XCTAssertEqual(b.insts.last, Inst(.exitJump, imm: LiftTests.pc + 0x1000))
        // A block starting on the last word of a page has one instruction.
        let one = lift([0x9100_0400], pc: LiftTests.pc + 0xFFC, fetched: &fetched)
        XCTAssertEqual(one.guestInstructionCount, 1)
        XCTAssertEqual(one.insts.last, Inst(.exitJump, imm: LiftTests.pc + 0x1000))
    }

    func testAtMost128InstructionsPerBlock() {
        var fetched: [UInt64] = []
        let b = lift([UInt32](repeating: 0x9100_0400, count: 1024), fetched: &fetched)
        XCTAssertEqual(LiftContext(el: 1, spSel: 1).maxInstructions, 128)
        XCTAssertEqual(b.guestInstructionCount, 128)
        XCTAssertEqual(fetched.count, 128)
        XCTAssertEqual(b.insts.filter { $0.op == .insnStart }.count, 128)
        XCTAssertEqual(b.insts.last, Inst(.exitJump, imm: LiftTests.pc + 128 * 4))
        XCTAssertEqual(IRVerifier.verify(b).count, 0)
        // Optimized: the 128 increments of x0 fold into one set.
        var o = b
        Optimizer.run(&o)
        XCTAssertEqual(o.insts.filter { $0.op == .setReg }.count, 1)
        XCTAssertEqual(IRVerifier.verify(o).count, 0)
        // A smaller cap is honoured.
        var ctx = LiftContext(el: 1, spSel: 1)
        ctx.maxInstructions = 5
        let small = lift([UInt32](repeating: 0x9100_0400, count: 64), context: ctx, fetched: &fetched)
        XCTAssertEqual(small.guestInstructionCount, 5)
        XCTAssertEqual(small.insts.last, Inst(.exitJump, imm: LiftTests.pc + 20))
    }

    func testInstructionMarkersCarryEachPC() {
        var fetched: [UInt64] = []
        let b = lift([0xAB02_0020, 0xF841_0C41, 0x9A82_B020, 0xD65F_03C0], fetched: &fetched)
        let marks = b.insts.filter { $0.op == .insnStart }.map(\.imm)
        XCTAssertEqual(marks, [0, 4, 8, 12].map { LiftTests.pc + $0 })
        XCTAssertEqual(b.insts.first?.op, .insnStart)
    }
}
