/// Rounding modes of the Arm ARM's FPRounding.
public enum FPRounding: UInt8, Sendable {
    case tieEven = 0, posInf, negInf, zero, tieAway, odd
    /// The mode FPCR.RMode (bits 23:22) selects.
    @inline(__always) public static func fromFPCR(_ fpcr: UInt64) -> FPRounding {
        FPRounding(rawValue: UInt8((fpcr >> 22) & 3))!
    }
}

/// What an IR `fp` op computes: the kind, and for rounding/conversions the
/// rounding mode (nil: FPCR's), FRINTX's exactness or a conversion's
/// signedness, and the fixed-point fraction bits. Encoded in the op's `imm`:
/// kind (bits 7:0), rounding + 1 (bits 11:8, 0 = FPCR), flag (bit 12),
/// fbits (bits 23:16). Operand formats come from the operand types (f32,
/// f64; i16 holds a half-precision value), the result format from the op's type.
public struct FPOpcode: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// FPAdd, FPSub, FPMul, FPDiv, FPMax, FPMin, FPMaxNum, FPMinNum; FNMUL.
        case add, sub, mul, div, max, min, maxnm, minnm, nmul
        /// FPSqrt; FPAbs and FPNeg (bit operations, no flags).
        case sqrt, abs, neg
        /// FPMulAdd(addend c, a, b): c + a * b, rounded once.
        case fma
        /// FPCompare (quiet; FCMPE: signalling): NZCV in bits 31:28 (result i64).
        case cmp, cmpe
        /// FPRoundInt (FRINT*): `exact` is FRINTX/FRINTI's flag (IXC on inexact).
        case roundInt
        /// FPConvert between precisions (FCVT).
        case convert
        /// FPToFixed (FCVT[NPMZA][SU], fixed point): `flag` = unsigned.
        case toInt
        /// FixedToFP (SCVTF/UCVTF): `flag` = unsigned.
        case fromInt
    }

    public var kind: Kind
    public var rounding: FPRounding?
    public var flag: Bool
    public var fbits: Int

    public init(_ kind: Kind, rounding: FPRounding? = nil, flag: Bool = false, fbits: Int = 0) {
        self.kind = kind
        self.rounding = rounding
        self.flag = flag
        self.fbits = fbits
    }

    public init(imm: UInt64) {
        kind = Kind(rawValue: UInt8(imm & 0xFF)) ?? .add
        let r = (imm >> 8) & 0xF
        rounding = r == 0 ? nil : FPRounding(rawValue: UInt8(r - 1))
        flag = (imm >> 12) & 1 == 1
        fbits = Int((imm >> 16) & 0xFF)
    }

    public var imm: UInt64 {
        UInt64(kind.rawValue) | UInt64(rounding.map { $0.rawValue + 1 } ?? 0) << 8 | (flag ? 1 << 12 : 0)
            | UInt64(fbits) << 16
    }

    public var description: String {
        var s = "\(kind)"
        if let rounding { s += ".\(rounding)" }
        if flag { s += kind == .roundInt ? ".exact" : ".unsigned" }
        if fbits != 0 { s += ".fbits\(fbits)" }
        return s
    }
}

/// FPCR and FPSR bits the FP pseudocode uses.
public enum FPBits {
    public static let ahp: UInt64 = 1 << 26
    public static let dn: UInt64 = 1 << 25
    public static let fz: UInt64 = 1 << 24
    public static let fz16: UInt64 = 1 << 19
    // FPSR cumulative flags.
    public static let ioc: UInt64 = 1 << 0
    public static let dzc: UInt64 = 1 << 1
    public static let ofc: UInt64 = 1 << 2
    public static let ufc: UInt64 = 1 << 3
    public static let ixc: UInt64 = 1 << 4
    public static let idc: UInt64 = 1 << 7
}
