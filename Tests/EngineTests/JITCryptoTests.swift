import XCTest
@testable import Engine
@testable import IR

/// Random blocks of `crypto` vops (AESE, AESD, AESMC, AESIMC, PMULL/PMULL2 of
/// bytes and of 64-bit lanes, EOR3, BCAX, RAX1, XAR, and SHA ops the JIT
/// leaves to its helper) on the interpreter and the JIT: with the host's
/// AES-NI and PCLMULQDQ, and without them (the helper path).
extension FPSIMDFuzzTests {
    static func cryptoBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        let ops3: [CryptoOp] = [.aese, .aesd, .aesmc, .aesimc, .pmull, .pmull, .sha256h, .sha1su0, .eor3, .bcax, .rax1, .xar]
        for k in 0..<ops {
            if k % 4 == 3 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let x = r.pick(pool), y = r.pick(pool), z = r.pick(pool)
            let op = r.pick(ops3)
            let bits = op == .pmull ? r.pick([8, 64]) : op == .eor3 || op == .bcax ? 8 : op == .rax1 || op == .xar ? 64 : 32
            let code = VectorOpcode(group: .crypto, op: op.rawValue, laneBits: bits, param: op == .xar ? r.pick([0, 1, 63, r.below(64)]) : r.below(2))
            let v: Value
            switch op {
            case .aesmc, .aesimc: v = b.vop(code, x)
            case .aese, .aesd: v = b.vop(code, x, .none, r.below(4) == 0 ? x : y)   // a = Vn, c = Vd
            case .pmull, .rax1, .xar: v = b.vop(code, x, r.below(4) == 0 ? x : y)
            default: v = b.vop(code, x, y, z)
            }
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    func testCryptoAgainstTheInterpreter() throws {
        var r = Random(s: 0xAE5_C0DE)
        let host = try JITEngine(chaining: false).info.features
        var noCrypto = host
        noCrypto.aes = false
        noCrypto.pclmul = false
        for trial in 0..<120 {
            var ir = FPSIMDFuzzTests.cryptoBlock(&r, ops: 8 + r.below(30))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let vregs = (0..<32).map { _ in V128(lo: r.next(), hi: r.next()) }
            try compare(ir, vregs: vregs, fpcr: 0, features: trial % 3 == 2 ? noCrypto : nil, "crypto trial \(trial)")
        }
    }
}
