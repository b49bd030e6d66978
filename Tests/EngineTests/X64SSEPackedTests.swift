import XCTest
@testable import Engine
import TestReferences

/// The emitters of X64SSEPacked.swift (packed FP, 128-bit FMA3, shuffles,
/// extensions, SHA-NI), checked as X64SSETests does: every register in each
/// position, disassembled by llvm-objdump and compared with clang's encoding.
final class X64SSEPackedTests: XCTestCase {
    func testPackedFPShufflesAndSHA() throws {
        let b = X64Batch()
        let x = X64SSETests.x
        for (d, s) in X64SSETests.pairs {
            for op in PackedFPOp.allCases {
                b.add("\(op)ps \(x(d)), \(x(s))") { $0.packedFP(op, d, s, double: false) }
                b.add("\(op)pd \(x(d)), \(x(s))") { $0.packedFP(op, d, s, double: true) }
            }
            for op in PackedExtend.allCases {
                b.add("\(op) \(x(d)), \(x(s))") { $0.pmovx(op, d, s) }
            }
            for op in SHAOp.allCases {
                b.add("\(op) \(x(d)), \(x(s))\(op == .sha256rnds2 ? ", xmm0" : "")") { $0.sha(op, d, s) }
            }
            b.add("cmpunordps \(x(d)), \(x(s))") { $0.cmpFP(d, s, predicate: 3, double: false) }
            b.add("cmpltpd \(x(d)), \(x(s))") { $0.cmpFP(d, s, predicate: 1, double: true) }
            b.add("haddps \(x(d)), \(x(s))") { $0.haddFP(d, s, double: false) }
            b.add("haddpd \(x(d)), \(x(s))") { $0.haddFP(d, s, double: true) }
            b.add("cvtdq2ps \(x(d)), \(x(s))") { $0.cvtdq2ps(d, s) }
            b.add("cvttps2dq \(x(d)), \(x(s))") { $0.cvttps2dq(d, s) }
            b.add("shufps \(x(d)), \(x(s)), 0xbb") { $0.shufps(d, s, 0xBB) }
            b.add("palignr \(x(d)), \(x(s)), 0x4") { $0.palignr(d, s, 4) }
            b.add("sha1rnds4 \(x(d)), \(x(s)), 0x3") { $0.sha1rnds4(d, s, 3) }
            let c = XReg(rawValue: (d.rawValue &+ 5) & 15)!
            for double in [false, true] {
                let p = double ? "pd" : "ps"
                b.add("vfmadd231\(p) \(x(d)), \(x(s)), \(x(c))") { $0.vfma231p(.madd, d, s, c, double: double) }
                b.add("vfnmadd231\(p) \(x(d)), \(x(s)), \(x(c))") { $0.vfma231p(.nmadd, d, s, c, double: double) }
            }
        }
        try b.check()
    }
}
