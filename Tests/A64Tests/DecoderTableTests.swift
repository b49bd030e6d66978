import XCTest
@testable import A64

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

    func testUnallocatedCarveOuts() {
        XCTAssertEqual(A64Decoder.decode(0x12400000 | (1 << 22)), .unallocated)  // AND (imm) W with N=1
        XCTAssertEqual(A64Decoder.decode(0x52c00000), .unallocated)             // MOVZ W with hw=2
        XCTAssertEqual(A64Decoder.decode(0xdac00c20 & ~(1 << 31)), .unallocated) // REV W with opc=11
        XCTAssertEqual(A64Decoder.decode(0xf8e00000 | (3 << 22) | 0x0800), .unallocated) // LDR reg-offset option<1>=0
    }
}
