import A64
import Arch
import IR

/// Loads and stores of single registers and pairs (every addressing form).
extension LiftState {
    static let sizeTypes: [IRType] = [.i8, .i16, .i32, .i64]

    /// Loads `size` (log2 bytes) from addr and extends it as opc says:
    /// zero-extend, or sign-extend to 64 (`toW` false) / to 32 bits (`toW` true).
    mutating func loadValue(_ addr: Value, size: Int, signed: Bool, toW: Bool, flags: AccessFlags = []) -> Value {
        let t = LiftState.sizeTypes[size]
        let v = b.load(t, addr, flags: flags.rawValue)
        if !signed { return b.zext(v, to: .i64) }
        return toW ? b.zext(b.sext(v, to: .i32), to: .i64) : b.sext(v, to: .i64)
    }

    mutating func addOffset(_ base: Value, _ off: Int64) -> Value {
        off == 0 ? base : b.add(base, b.const_(UInt64(bitPattern: off)))
    }

    /// How a single-register load or store (general or SIMD&FP) forms its
    /// address (Arm ARM C6.1.3): imm12 scaled by the size, imm9 unscaled
    /// (also LDTR/STTR), imm9 pre- or post-index, or a register offset.
    enum Addressing { case unsigned, unscaled, preIndex, postIndex, register }

    /// The address of a `size` (log2 bytes) access from Xn|SP, and the base's
    /// new value for pre- and post-index (written back by the caller).
    mutating func loadStoreAddress(_ mode: Addressing, _ w: UInt32, size: Int) -> (addr: Value, writeback: Value?) {
        let base = xsp(w.rn)
        switch mode {
        case .unsigned: return (addOffset(base, Int64(w.imm12) << Int64(size)), nil)
        case .unscaled: return (addOffset(base, w.imm9), nil)
        case .preIndex:
            let addr = addOffset(base, w.imm9)
            return (addr, addr)
        case .postIndex: return (base, addOffset(base, w.imm9))
        case .register:   // LSL only with option 011, amount 0 or size
            let shift = w.bit(12) ? size : 0
            return (b.add(base, extendedRegister(w.rm, option: w.option, shift: shift, to: .i64)), nil)
        }
    }

    /// STR/LDR/LDRS*/PRFM in the unscaled, post-index, unprivileged, pre-index,
    /// register-offset and unsigned-offset forms.
    mutating func liftLoadStoreRegister(_ w: UInt32) {
        let op = A64Decoder.decode(w)
        let size = w.ldstSize, opc = w.field(22, 2)
        let mode: Addressing
        switch op {
        case .ldstUnsigned: mode = .unsigned
        case .ldstUnscaled, .ldstUnpriv: mode = .unscaled
        case .ldstPre: mode = .preIndex
        case .ldstPost: mode = .postIndex
        default: mode = .register
        }
        let address = loadStoreAddress(mode, w, size: size)
        let addr = address.addr
        var writeback = address.writeback
        var flags: AccessFlags = []
        // LDTR/STTR: unprivileged at EL1, and at EL2 in a VHE host (E2H = TGE = 1).
        if op == .ldstUnpriv && (ctx.el != 2 || ctx.el2Host) { flags = .unprivileged }
        if size == 3 && opc == 2 { return }   // PRFM/PRFUM: no architectural effect
        if writeback == nil {   // the syndrome a stage 2 Data Abort reports (ISV = 1)
            flags.formUnion(.syndrome(size: size, rt: w.rt, signExtend: opc >= 2,
                                           sixtyFour: opc == 2 || (opc < 2 && size == 3)))
        }
        if opc == 0 {
            let v = b.trunc(x(w.rt), to: LiftState.sizeTypes[size])
            b.store(addr, v, flags: flags.rawValue)
        } else {
            let v = loadValue(addr, size: size, signed: opc >= 2, toW: opc == 3, flags: flags)
            if let wb = writeback, w.rn == w.rt {
                // Writeback to the loaded register is CONSTRAINED UNPREDICTABLE; we
                // keep the loaded value (the writeback is done first).
                setRegSP(w.rn, wb)
                writeback = nil
            }
            setReg(w.rt, v)
        }
        if let wb = writeback { setRegSP(w.rn, wb) }
    }

    /// LDR (literal), LDRSW (literal), PRFM (literal).
    mutating func liftLoadLiteral(_ w: UInt32) {
        let addr = b.const_(pc &+ UInt64(bitPattern: w.imm19Offset))
        switch A64Decoder.decode(w) {
        case .ldrLiteral:
            let size = w.bit(30) ? 3 : 2
            setReg(w.rt, loadValue(addr, size: size, signed: false, toW: false,
                                   flags: AccessFlags.syndrome(size: size, rt: w.rt, sixtyFour: size == 3)))
        case .ldrswLiteral:
            setReg(w.rt, loadValue(addr, size: 2, signed: true, toW: false,
                                   flags: AccessFlags.syndrome(size: 2, rt: w.rt, signExtend: true, sixtyFour: true)))
        default: break
        }
    }

    /// STP/LDP/LDPSW/STNP/LDNP in the offset, pre- and post-index forms. Both
    /// accesses happen before any register is written, so a fault on the second
    /// leaves the registers unchanged.
    mutating func liftLoadStorePair(_ w: UInt32) {
        let op = A64Decoder.decode(w)
        let isLoad = w.bit(22)
        let signed = op == .ldpswPost || op == .ldpswOffset || op == .ldpswPre
        let size = (signed || !w.bit(31)) ? 2 : 3
        let offset = w.imm7 << Int64(size)
        let post: Bool, pre: Bool
        switch op {
        case .stpPost, .ldpPost, .ldpswPost: (post, pre) = (true, false)
        case .stpPre, .ldpPre, .ldpswPre: (post, pre) = (false, true)
        default: (post, pre) = (false, false)
        }
        let (addr, addr2, writeback) = pairAddresses(w, offset: offset, size: size, post: post, pre: pre)
        if isLoad {
            let v1 = loadValue(addr, size: size, signed: signed, toW: false)
            let v2 = loadValue(addr2, size: size, signed: signed, toW: false)
            setReg(w.rt, v1)
            setReg(w.rt2, v2)
        } else {
            let t = LiftState.sizeTypes[size]
            let v1 = b.trunc(x(w.rt), to: t)
            let v2 = b.trunc(x(w.rt2), to: t)
            b.store(addr, v1)
            b.store(addr2, v2)
        }
        if let wb = writeback { setRegSP(w.rn, wb) }
    }

    /// The two element addresses of a load/store pair (integer or SIMD&FP)
    /// from Xn|SP and the scaled offset, and the base's new value for the
    /// post-index (base + offset, the access at the base) and pre-index
    /// (the access at base + offset) forms.
    mutating func pairAddresses(_ w: UInt32, offset: Int64, size: Int, post: Bool, pre: Bool)
        -> (first: Value, second: Value, writeback: Value?) {
        let base = xsp(w.rn)
        let addr = post ? base : addOffset(base, offset)
        let writeback: Value? = post ? addOffset(base, offset) : pre ? addr : nil
        return (addr, addOffset(addr, Int64(1 << size)), writeback)
    }
}
