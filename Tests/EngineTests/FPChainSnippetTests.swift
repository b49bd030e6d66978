import XCTest
import Machine
@testable import Engine
import EngineTestSupport

/// Scalar FP across chained JIT blocks (JITCompiler+FPScalar.swift): a loop
/// whose block starts with FP work keeps the guest MXCSR loaded from one
/// iteration to the next (the chained jump goes to its guest entry), so
/// FPSR.IXC must still come out right where the run ends (MRS/MSR FPSR), no
/// stale PE may leak into a loop after FPSR is cleared, and a new FPCR.RMode
/// must reach the next chained loop. Both engines, the same state.
extension EngineSnippetTests {
    func testScalarFPFlagsAndRoundingAcrossChainedBlocks() {
        var s = Snippet(code: [
            0x1E2E_1000,   //  0: fmov s0, #1.0
            0x1E21_1001,   //  4: fmov s1, #3.0
            0xD280_0C80,   //  8: mov x0, #100
            0x1E21_1802,   //  c: loop1: fdiv s2, s0, s1      (inexact)
            0x1E22_2863,   // 10: fadd s3, s3, s2
            0xF100_0400,   // 14: subs x0, x0, #1
            0x54FF_FFA1,   // 18: b.ne loop1
            0xD53B_4421,   // 1c: mrs x1, fpsr               (IXC)
            0xD51B_443F,   // 20: msr fpsr, xzr
            0xD280_0C80,   // 24: mov x0, #100
            0x1E20_2804,   // 28: loop2: fadd s4, s0, s0     (exact)
            0x1E20_0885,   // 2c: fmul s5, s4, s0
            0xF100_0400,   // 30: subs x0, x0, #1
            0x54FF_FFA1,   // 34: b.ne loop2
            0xD53B_4422,   // 38: mrs x2, fpsr               (0)
            0xD2A0_1003,   // 3c: mov x3, #(2 << 22)         (RMode = RM)
            0xD51B_4403,   // 40: msr fpcr, x3
            0xD280_0C80,   // 44: mov x0, #100
            0x1E21_1806,   // 48: loop3: fdiv s6, s0, s1     (rounded down)
            0x1E26_28E7,   // 4c: fadd s7, s7, s6
            0xF100_0400,   // 50: subs x0, x0, #1
            0x54FF_FFA1,   // 54: b.ne loop3
            0xD53B_4424,   // 58: mrs x4, fpsr
            0xD51B_441F,   // 5c: msr fpcr, xzr
            0x1E21_1808,   // 60: fdiv s8, s0, s1           (to nearest)
            Snippet.haltWord,
        ])
        s.fpEnabled = true
        let runs = runBoth(s)
        guard runs.count == 2 else { return }
        XCTAssertEqual(runs[0].1, runs[1].1, "interpreter and JIT differ")
        XCTAssertGreaterThan(runs[1].2.chainsMade, 0, "the loops are chained")
        for (kind, st, _) in runs {
            XCTAssertEqual(st.x[1] & 0x10, 0x10, "\(kind): IXC after the inexact loop")
            XCTAssertEqual(st.x[2], 0, "\(kind): no flag from the exact loop after FPSR was cleared")
            XCTAssertEqual(st.x[4] & 0x10, 0x10, "\(kind): IXC after the rounded loop")
            XCTAssertEqual(st.v[12] & 0xFFFF_FFFF, 0x3EAA_AAAA, "\(kind): 1/3 rounded towards minus infinity")
            XCTAssertEqual(st.v[16] & 0xFFFF_FFFF, 0x3EAA_AAAB, "\(kind): 1/3 rounded to nearest")
        }
    }
}

/// Q-register loads and stores, which the JIT makes one 16-byte access when
/// aligned (JITCompiler+QAccess.swift) and two 8-byte ones through its slow
/// path otherwise: single and pair forms, and an unaligned load, which with
/// the MMU off (Device memory) takes the 16-byte alignment fault on its
/// first half, under both engines.
extension EngineSnippetTests {
    func testQRegisterAccessesAlignedAndAnAlignmentFault() {
        var s = Snippet(code: [
            0x3DC0_0020,   //  0: ldr q0, [x1]
            0xAD40_8821,   //  4: ldp q1, q2, [x1, #16]
            0xAD02_0420,   //  8: stp q0, q1, [x1, #64]
            0x3D80_1822,   //  c: str q2, [x1, #96]
            0x3DC0_1023,   // 10: ldr q3, [x1, #64]
            0x3DC0_1824,   // 14: ldr q4, [x1, #96]
            0x3CC0_8025,   // 18: ldur q5, [x1, #8]   (alignment fault)
            Snippet.haltWord,
        ], x: [0, Snippet.dataBase], data: (0..<256).map { UInt8($0) })
        s.fpEnabled = true
        let runs = runBoth(s)
        guard runs.count == 2 else { return }
        XCTAssertEqual(runs[0].1, runs[1].1, "interpreter and JIT differ")
        let bytes = { (k: UInt64) -> UInt64 in (0..<8).reduce(0) { $0 | ((k + UInt64($1)) & 0xFF) << (8 * UInt64($1)) } }
        for (kind, st, _) in runs {
            XCTAssertEqual(Array(st.v[0..<12]), [bytes(0), bytes(8), bytes(16), bytes(24), bytes(32), bytes(40),
                                                 bytes(0), bytes(8), bytes(32), bytes(40), 0, 0], "\(kind)")
            XCTAssertEqual(st.pc, Snippet.vectorBase + 0x204, "\(kind): the unaligned load faulted (then the vector's hlt)")
            XCTAssertEqual(Array(st.data[64..<112]), (0..<48).map { UInt8($0) }, "\(kind)")
        }
    }
}
