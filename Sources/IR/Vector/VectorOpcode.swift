/// A 128-bit vector value: lanes in little-endian order (lane 0 in the low bits of `lo`).
public struct V128: Equatable, Sendable, CustomStringConvertible {
    public var lo: UInt64
    public var hi: UInt64
    public init(lo: UInt64, hi: UInt64) { self.lo = lo; self.hi = hi }
    public static let zero = V128(lo: 0, hi: 0)

    /// The lane of `bits` bits at bit offset `offset` (a multiple of the lane size).
    @inline(__always) public func lane(at offset: Int, bits: Int) -> UInt64 {
        let word = offset < 64 ? lo : hi
        let shift = UInt64(offset & 63)
        return bits == 64 ? word : (word >> shift) & ((1 << UInt64(bits)) - 1)
    }

    @inline(__always) public mutating func setLane(at offset: Int, bits: Int, _ v: UInt64) {
        let shift = UInt64(offset & 63)
        let mask: UInt64 = bits == 64 ? ~0 : ((1 << UInt64(bits)) - 1) << shift
        let w = (v << shift) & mask
        if offset < 64 { lo = lo & ~mask | w } else { hi = hi & ~mask | w }
    }

    /// Lane `index` of `bits` bits.
    @inline(__always) public func lane(_ index: Int, bits: Int) -> UInt64 { lane(at: index * bits, bits: bits) }
    @inline(__always) public mutating func setLane(_ index: Int, bits: Int, _ v: UInt64) { setLane(at: index * bits, bits: bits, v) }

    public var description: String {
        "0x" + String(hi, radix: 16) + "_" + String(repeating: "0", count: 16 - String(lo, radix: 16).count) + String(lo, radix: 16)
    }
}

/// The families of `vop` operations. Each family is an enum of operations in
/// its own file under IR/Vector/ with an `evaluate` that the interpreter and
/// the JIT's helper both call, so both engines compute the same thing.
public enum VectorGroup: UInt8, Sendable, CaseIterable {
    /// Lane-wise integer and bitwise ops (`VectorOp`, Lanes.swift).
    case lanes
    /// ZIP/UZP/TRN, EXT, TBL/TBX steps (`VectorPermuteOp`, Permute.swift).
    case permute
    /// Across-lane and pairwise ops (`VectorReduceOp`, Reduce.swift).
    case reduce
    /// CNT, CLZ, CLS, RBIT, REV16/32/64 (`VectorBitCountOp`, BitCount.swift).
    case bitCount
    /// Shifts by immediate and by register, narrowing and lengthening shifts (`VectorShiftOp`, Shift.swift).
    case shift
    /// Long, wide and narrow ops, XTN and SHLL (`VectorWidenOp`, WidenNarrow.swift).
    case widen
    /// AES, SHA1, SHA256, SHA512, SHA3 and PMULL (`CryptoOp`, Crypto.swift).
    case crypto
    /// FCMLA, FCADD, FMLAL/FMLSL(2) (`FPComplexOp`, FPComplex.swift).
    case fpComplex
    /// AdvSIMD floating point (`VectorFPOp`, FPVector.swift).
    case fp
    /// Saturating add/subtract/abs/negate (`SaturatingOp`, Saturating.swift).
    case saturating
    /// Halving add/subtract, absolute difference (`HalvingOp`, Halving.swift).
    case halving
    /// Same-size integer multiplies, saturating doubling, dot product (`MultiplyOp`, Multiply.swift).
    case multiply
}

/// What an IR `vop` computes, packed into the op's `imm`:
/// op within the group (bits 7:0), lane bits (15:8: 8, 16, 32, 64; the
/// group says whether of the source or the result), group (23:16), param
/// (31:24: a shift amount, element index, rotation, table number...),
/// param2 (39:32), and bit 40 set when the op reads FPCR or may set FPSR bits
/// (QC, the FP cumulative flags): such a `vop` is not pure.
///
/// Operands a, b, c are v128 (b and c optional): c is the accumulator or the
/// destination's old value for the ops that read it (MLA, SLI, TBX, BSL...).
public struct VectorOpcode: Sendable, Equatable, CustomStringConvertible {
    public var group: VectorGroup
    public var op: UInt8
    public var laneBits: Int
    public var param: Int
    public var param2: Int
    public var usesFPSR: Bool

    public init(group: VectorGroup, op: UInt8, laneBits: Int, param: Int = 0, param2: Int = 0, usesFPSR: Bool = false) {
        self.group = group
        self.op = op
        self.laneBits = laneBits
        self.param = param
        self.param2 = param2
        self.usesFPSR = usesFPSR
    }

    public init(imm: UInt64) {
        op = UInt8(imm & 0xFF)
        laneBits = Int((imm >> 8) & 0xFF)
        group = VectorGroup(rawValue: UInt8((imm >> 16) & 0xFF)) ?? .lanes
        param = Int((imm >> 24) & 0xFF)
        param2 = Int((imm >> 32) & 0xFF)
        usesFPSR = (imm >> 40) & 1 == 1
    }

    public var imm: UInt64 {
        UInt64(op) | UInt64(laneBits & 0xFF) << 8 | UInt64(group.rawValue) << 16 | UInt64(param & 0xFF) << 24
            | UInt64(param2 & 0xFF) << 32 | (usesFPSR ? 1 << 40 : 0)
    }

    /// True when the `vop` with this `imm` has no side effect.
    @inline(__always) public static func isPure(imm: UInt64) -> Bool { (imm >> 40) & 1 == 0 }

    public var description: String {
        var s: String
        switch group {
        case .lanes: s = VectorOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .permute: s = VectorPermuteOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .reduce: s = VectorReduceOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .bitCount: s = VectorBitCountOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .shift: s = VectorShiftOp(rawValue: op).map { "\($0)" } ?? "shift\(op)"
        case .widen: s = VectorWidenOp(rawValue: op).map { "\($0)" } ?? "widen\(op)"
        case .crypto: s = CryptoOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .fpComplex: s = FPComplexOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .fp: s = VectorFPOp(rawValue: op).map { "f.\($0)" } ?? "op\(op)"
        case .saturating: s = SaturatingOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .halving: s = HalvingOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        case .multiply: s = MultiplyOp(rawValue: op).map { "\($0)" } ?? "op\(op)"
        }
        s += ".\(laneBits)"
        if param != 0 || param2 != 0 { s += "#\(param)" }
        if param2 != 0 { s += ",\(param2)" }
        return s
    }
}

/// FPCR in, FPSR cumulative bits out, for the `vop`s that use them.
public struct VectorFPState {
    public var fpcr: UInt64
    /// Bits to OR into FPSR (QC = bit 27, IDC/IXC/UFC/OFC/DZC/IOC).
    public var fpsrFlags: UInt64 = 0
    public init(fpcr: UInt64) { self.fpcr = fpcr }

    /// FPSR.QC: a saturating op saturated.
    public static let qc: UInt64 = 1 << 27
}

extension VectorSemantics {
    /// The meaning of every `vop`: the interpreter and the JIT's helper call this.
    public static func evaluate(_ code: VectorOpcode, _ a: V128, _ b: V128, _ c: V128, _ fp: inout VectorFPState) -> V128 {
        switch code.group {
        case .lanes: return evaluate(VectorOp(rawValue: code.op)!, laneBits: code.laneBits, a, b)
        case .permute:
            return evaluate(VectorPermuteOp(rawValue: code.op)!, laneBits: code.laneBits, param: code.param,
                            shape: VectorShape(rawValue: code.param2), a, b, c)
        case .reduce:
            return evaluate(VectorReduceOp(rawValue: code.op)!, laneBits: code.laneBits, shape: VectorShape(rawValue: code.param2), a, b, c)
        case .bitCount:
            return evaluate(VectorBitCountOp(rawValue: code.op)!, laneBits: code.laneBits, container: code.param,
                            shape: VectorShape(rawValue: code.param2), a)
        case .shift:
            return evaluate(VectorShiftOp(rawValue: code.op)!, laneBits: code.laneBits, param: code.param,
                            shape: VectorShape(rawValue: code.param2), a, b, c, &fp)
        case .widen:
            return evaluate(VectorWidenOp(rawValue: code.op)!, laneBits: code.laneBits,
                            shape: VectorShape(rawValue: code.param2), a, b, c, &fp)
        case .crypto: return evaluate(CryptoOp(rawValue: code.op)!, laneBits: code.laneBits, param: code.param, a, b, c)
        case .fpComplex:
            return evaluate(FPComplexOp(rawValue: code.op)!, laneBits: code.laneBits, param: code.param, param2: code.param2,
                            a, b, c, &fp)
        case .fp: return evaluateFP(code, a, b, c, &fp)
        case .saturating:
            return evaluate(SaturatingOp(rawValue: code.op)!, laneBits: code.laneBits, shape: VectorShape(rawValue: code.param2),
                            a, b, &fp)
        case .halving:
            return evaluate(HalvingOp(rawValue: code.op)!, laneBits: code.laneBits, shape: VectorShape(rawValue: code.param2), a, b, c)
        case .multiply:
            return evaluate(MultiplyOp(rawValue: code.op)!, laneBits: code.laneBits, shape: VectorShape(rawValue: code.param2),
                            a, b, c, &fp)
        }
    }
}
