import A64
import IR

/// The cryptographic extension (AESE/AESD/AESMC/AESIMC, SHA1*, SHA256*,
/// SHA512*, EOR3, BCAX, RAX1, XAR) and PMULL/PMULL2 (8-bit and 64×64
/// lanes), as `vop`s of the `crypto` group (IR/Vector/Crypto.swift).
extension LiftState {
    mutating func liftSIMDCrypto(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let cop: CryptoOp
        switch op {
        case .aese: cop = .aese
        case .aesd: cop = .aesd
        case .aesmc: cop = .aesmc
        case .aesimc: cop = .aesimc
        case .sha1c: cop = .sha1c
        case .sha1p: cop = .sha1p
        case .sha1m: cop = .sha1m
        case .sha1h: cop = .sha1h
        case .sha1su0: cop = .sha1su0
        case .sha1su1: cop = .sha1su1
        case .sha256h: cop = .sha256h
        case .sha256h2: cop = .sha256h2
        case .sha256su0: cop = .sha256su0
        case .sha256su1: cop = .sha256su1
        case .sha512h: cop = .sha512h
        case .sha512h2: cop = .sha512h2
        case .sha512su0: cop = .sha512su0
        case .sha512su1: cop = .sha512su1
        case .eor3: cop = .eor3
        case .bcax: cop = .bcax
        case .rax1: cop = .rax1
        case .xar: cop = .xar
        case .vPmull: cop = .pmull
        default: return false
        }
        let n = b.getVec(w.rn, .v128)
        let r: Value
        switch cop {
        case .aesmc, .aesimc, .sha1h:
            r = b.vop(VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 8), n)
        case .eor3, .bcax:
            // Vd = f(Vn, Vm, Va): Va is bits 14:10.
            let va = b.getVec(Int(w.field(10, 5)), .v128)
            r = b.vop(VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 8), n, b.getVec(w.rm, .v128), va)
        case .rax1:
            r = b.vop(VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 64), n, b.getVec(w.rm, .v128))
        case .xar:
            r = b.vop(VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 64, param: Int(w.field(10, 6))),
                      n, b.getVec(w.rm, .v128))
        case .pmull:
            let code = VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 8 << Int(w.field(22, 2)), param: w.bit(30) ? 1 : 0)
            r = b.vop(code, n, b.getVec(w.rm, .v128))
        default:
            // The ops that read Vd (and Vm, unless of two registers).
            let d = b.getVec(w.rd, .v128)
            let twoRegister = form == .sha2V || form == .sha512V2 || form == .aes
            let m = twoRegister ? n : b.getVec(w.rm, .v128)
            r = b.vop(VectorOpcode(group: .crypto, op: cop.rawValue, laneBits: 32), n, m, d)
        }
        b.setVec(w.rd, r)
        return true
    }
}
