import A64
import Arch
import IR

/// Loads and stores of SIMD&FP registers (B/H/S/D/Q) in every addressing
/// form. A Q access is two 8-byte accesses (low half first: two single-copy
/// atomic doublewords, Arm ARM B2.2.1) through the same softmmu paths as
/// integer ones (self-modifying code, MEC re-tagging, faults); its alignment
/// check (SCTLR_ELx.A, Device memory) is against 16 bytes, on the first.
/// Every access happens before any register is written, so a fault leaves the
/// registers unchanged. SIMD&FP accesses report no instruction syndrome (ISV = 0).
extension LiftState {
    static let fpSizeTypes: [IRType] = [.i8, .i16, .i32, .i64]

    /// The value of Vt as `size` (log2 bytes, 4 = Q): a scalar, or the two halves.
    mutating func storeFP(_ addr: Value, rt: Int, size: Int) {
        if size == 4 {
            let v = b.getVec(rt, .v128)
            b.store(addr, b.vextract(v, bitOffset: 0, .i64), flags: AccessFlags.alignment(bytes: 16).rawValue)
            b.store(addOffset(addr, 8), b.vextract(v, bitOffset: 64, .i64))
        } else {
            b.store(addr, b.getVec(rt, LiftState.fpSizeTypes[size]))
        }
    }

    /// Loads `size` (log2 bytes, 4 = Q) from addr; the value to write to Vt.
    mutating func loadFP(_ addr: Value, size: Int) -> Value {
        if size == 4 {
            let lo = b.load(.i64, addr, flags: AccessFlags.alignment(bytes: 16).rawValue)
            let hi = b.load(.i64, addOffset(addr, 8))
            return b.vpack(lo, hi)
        }
        return b.load(LiftState.fpSizeTypes[size], addr)
    }

    /// LDR/STR/LDUR/STUR (SIMD&FP) in the unsigned-offset, unscaled, pre-,
    /// post-index and register-offset forms.
    mutating func liftFPLoadStoreRegister(_ op: A64Op, _ w: UInt32) {
        let size = w.ldstSize == 0 && w.bit(23) ? 4 : w.ldstSize
        let isLoad = w.bit(22)
        let mode: Addressing
        switch op {
        case .fpLdstUnsigned: mode = .unsigned
        case .fpLdstUnscaled: mode = .unscaled
        case .fpLdstPre: mode = .preIndex
        case .fpLdstPost: mode = .postIndex
        default: mode = .register
        }
        let (addr, writeback) = loadStoreAddress(mode, w, size: size)
        if isLoad {
            let v = loadFP(addr, size: size)
            b.setVec(w.rt, v)
        } else {
            storeFP(addr, rt: w.rt, size: size)
        }
        if let wb = writeback { setRegSP(w.rn, wb) }
    }

    /// LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q.
    mutating func liftFPLoadLiteral(_ w: UInt32) {
        let size = 2 + Int(w.field(30, 2))
        let addr = b.const_(pc &+ UInt64(bitPattern: w.imm19Offset))
        b.setVec(w.rt, loadFP(addr, size: size))
    }

    /// LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q.
    mutating func liftFPLoadStorePair(_ op: A64Op, _ w: UInt32) {
        let size = 2 + Int(w.field(30, 2))
        let isLoad = w.bit(22)
        let offset = w.imm7 << Int64(size)
        let (addr, addr2, writeback) = pairAddresses(w, offset: offset, size: size,
                                                     post: op == .fpStpPost || op == .fpLdpPost,
                                                     pre: op == .fpStpPre || op == .fpLdpPre)
        if isLoad {
            let v1 = loadFP(addr, size: size)
            let v2 = loadFP(addr2, size: size)
            b.setVec(w.rt, v1)
            b.setVec(w.rt2, v2)
        } else {
            storeFP(addr, rt: w.rt, size: size)
            storeFP(addr2, rt: w.rt2, size: size)
        }
        if let wb = writeback { setRegSP(w.rn, wb) }
    }
}
