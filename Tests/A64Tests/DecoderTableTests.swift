import XCTest
@testable import A64
import TestRandom

/// Spot checks of the decode table on words assembled by the toolchain's clang.
final class DecoderTableTests: XCTestCase {
    func testKnownWordsDecode() {
        let cases: [(UInt32, A64Op)] = [
            (0xdac00c20, .rev), (0x5ac00820, .rev), (0xdac00820, .rev), (0x5ac00462, .rev16),
            (0xdac00041, .rbit), (0x5ac01041, .clz), (0xdac01483, .cls),
            (0x9ac34c41, .crc32), (0x1ac35041, .crc32), (0xf8bfc041, .ldapr), (0xf8210062, .atomicOp),
            (0xb8e18062, .swp), (0x48207c82, .casp), (0x88a17c62, .cas), (0xc8200861, .stxp),
            (0xc8dffc41, .ldar), (0xa9c10be1, .ldpPre), (0x68c10861, .ldpswPost), (0xf8637841, .ldstRegOffset),
            (0x38dfdc41, .ldstPre), (0xf9800020, .ldstUnsigned), (0x18000801, .ldrLiteral),
            (0x9a831441, .condSelect), (0xfa430824, .condCompareImm), (0xba030041, .addSubCarry),
            (0x8b224be1, .addSubExtended), (0xeae30c41, .logicalShifted), (0x9bc37c41, .umulh),
            (0x9b231041, .smaddl), (0x93c31c41, .extr), (0xd3431c41, .ubfm), (0xf2c24681, .movk),
            (0x92089c41, .andImm), (0xd53bd041, .mrs), (0xd50342df, .msrImm), (0xd5033bbf, .dmb),
            (0xd503245f, .hint), (0xd69f03e0, .eret), (0xd65f03c0, .ret), (0xb6f80001, .tbz),
            (0x54000001, .bCond), (0xd45e0000, .hlt), (0x00000003, .udf),
        ]
        for (w, op) in cases {
            XCTAssertEqual(A64Decoder.decode(w), op, "0x\(String(w, radix: 16))")
        }
    }

    /// FP/SIMD words assembled by the toolchain's clang (-march=armv8.5-a+fp16+fp16fml+aes+sha3).
    func testFPSIMDWordsDecode() {
        let cases: [(UInt32, A64Op)] = [
            (0x3dc00420, .fpLdstUnsigned), (0xfc1f8fe2, .fpLdstPre), (0x2cc10440, .fpLdpPost), (0xac001464, .fpStnp),
            (0x3c626827, .fpLdstRegOffset), (0x7c5ff083, .fpLdstUnscaled), (0x1c000805, .fpLdrLiteral), (0x4cdfa000, .simdLdstMultiplePost),
            (0x4c000820, .simdLdstMultiple), (0x4d406840, .simdLdstSingle), (0x4de4ec60, .simdLdstSinglePost), (0x4d9f84a9, .simdLdstSinglePost),
            (0x1e204020, .fmovReg), (0x1e6e1000, .fmovImm), (0x9e660020, .fmovToGeneral), (0x9eaf0040, .fmovFromGeneral),
            (0x1ee70061, .fmovFromGeneral), (0x1e622820, .fadd), (0x1f020c20, .fmadd), (0x1e602008, .fcmp),
            (0x1e212010, .fcmpe), (0x1e611404, .fccmp), (0x1ee2bc20, .fcsel), (0x1ee2c020, .fcvt),
            (0x1e780020, .fcvtzsInt), (0x9e18d820, .fcvtzsFixed), (0x9e620020, .scvtfInt), (0x1ec3f420, .ucvtfFixed),
            (0x1e7e0020, .fjcvtzs), (0x1e284020, .frint32z), (0x1e61c020, .fsqrt), (0x4ea28420, .vAdd),
            (0x4ea11c20, .vOrr), (0x4e420c20, .vFmla), (0x6e828420, .vSqrdmlah), (0x4e829420, .vSdot),
            (0x6e82cc20, .vFcmla), (0x6ec2f420, .vFcadd), (0x0e205820, .vCnt), (0x4ea0c820, .vFcmgtZero),
            (0x4ee1d820, .vFrecpe), (0x4e212820, .vXtn), (0x4eb1b820, .vAddv), (0x6ea2c020, .vUmull),
            (0x0ee2e020, .vPmull), (0x0e023820, .vZip1), (0x6e021820, .vExt), (0x4e032020, .vTbl),
            (0x4e040c20, .vDupGeneral), (0x0e0c3c20, .vUmov), (0x4e0a2c20, .vSmov), (0x6e0c6420, .vInsElement),
            (0x6f05e540, .vMovi), (0x4f04f400, .vFmovImm), (0x4f3d0420, .vSshr), (0x2f08a420, .vUshll),
            (0x4f7be420, .vScvtfFixed), (0x6f720820, .vMlaElem), (0x4fc29820, .vFmulElem), (0x5e220c20, .vSqadd),
            (0x7ee2d420, .vFabd), (0x5ef1b820, .vAddp), (0x5f723020, .vSqdmlalElem), (0x4e30c820, .vFmaxnmv),
            (0x4e284820, .aese), (0x5e024020, .sha256h), (0x5e020020, .sha1c), (0xce628020, .sha512h),
            (0xce020c20, .eor3), (0x0fb20820, .vFmlalElem),
        ]
        for (w, op) in cases {
            XCTAssertEqual(A64Decoder.decode(w), op, "0x\(String(w, radix: 16))")
        }
        // The form says which encoding of a shared op a word is.
        XCTAssertEqual(A64Decoder.form(0x5e220c20), .scalarSame)    // sqadd b0, b1, b2
        XCTAssertEqual(A64Decoder.form(0x4e220c20), .sameBHSD)      // sqadd v0.16b, ...
        XCTAssertEqual(A64Decoder.form(0x1e204020), .fp1)
        XCTAssertEqual(A64Decoder.form(0x8b020020), .none)          // integer
    }

    /// FP/SIMD words llvm-objdump also calls <unknown>: sizes a form does not allow.
    func testFPSIMDUnallocated() {
        let words: [UInt32] = [
            0x1ea04020,   // FMOV (register) with ftype = 10
            0x1e62c020,   // FCVT D to D
            0x0ee08420,   // ADD .1d (size 3 needs Q = 1)
            0x4ee05820,   // CNT .2d
            0x2f00f400,   // modified immediate op = 1, cmode = 1111, Q = 0
            0x7dc00000,   // LDR (unsigned offset) size 01 opc 11
            0x0c404c00,   // LD3 .1d
            0x0d40d000,   // LD1R with S = 1
            0x0d00c000,   // ST1R does not exist
            0x4e000420,   // DUP (element) with imm5 = 0
            0x1efe0020,   // FJCVTZS with ftype 11
            0x5e20b820,   // ABS (scalar) with size 0
            0x1ee84020,   // FRINT32Z with ftype 11 (half)
        ]
        for w in words {
            XCTAssertEqual(A64Decoder.decode(w), .unallocated, "0x\(String(w, radix: 16))")
            XCTAssertEqual(A64Disassembler.disassemble(w, pc: 0), "<unknown>")
        }
    }

    /// Every FP/SIMD line names an A64Op of the FP/SIMD range, with a mnemonic
    /// and a form; every FP/SIMD op has a line.
    func testFPSIMDLinesWellFormed() {
        let first = A64Op.fpLdrLiteral.rawValue
        var seen = Set<A64Op>()
        for line in A64Decoder.table where line.op.rawValue >= first {
            seen.insert(line.op)
            let isLoadStore = line.op.rawValue <= A64Op.simdLdstSinglePost.rawValue
            XCTAssertEqual(line.form == .none, isLoadStore, "\(line.op)")
            XCTAssertEqual(line.mnemonic.isEmpty, isLoadStore, "\(line.op)")
        }
        for op in A64Op.allCases where op.rawValue >= first {
            XCTAssertTrue(seen.contains(op), "\(op) has no table line")
        }
    }

    /// The second-level index finds what a linear first-match scan of the whole
    /// table finds, on random words of the whole space and of the FP/SIMD groups.
    func testIndexMatchesLinearScan() {
        func linear(_ w: UInt32) -> A64Op {
            for e in A64Decoder.table where e.matches(w) {
                if e.op == .unallocated { return .unallocated }
                if e.form == .none { return A64Decoder.isAllocated(e.op, w) ? e.op : .unallocated }
                if e.form.allows(w) { return e.op }
            }
            return .unallocated
        }
        var rng = SplitMix64(seed: 0x1DE)
        for i in 0..<60_000 {
            var w = rng.word()
            if i % 2 == 1 { w = (w & ~(UInt32(7) << 25)) | (7 << 25) }
            XCTAssertEqual(A64Decoder.decode(w), linear(w), "0x\(String(w, radix: 16))")
        }
    }

    func testUnallocatedCarveOuts() {
        XCTAssertEqual(A64Decoder.decode(0x12400000 | (1 << 22)), .unallocated)  // AND (imm) W with N=1
        XCTAssertEqual(A64Decoder.decode(0x52c00000), .unallocated)             // MOVZ W with hw=2
        XCTAssertEqual(A64Decoder.decode(0xdac00c20 & ~(1 << 31)), .unallocated) // REV W with opc=11
        XCTAssertEqual(A64Decoder.decode(0xf8e00000 | (3 << 22) | 0x0800), .unallocated) // LDR reg-offset option<1>=0
    }
}
