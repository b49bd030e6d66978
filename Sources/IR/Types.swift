/// Value types of the IR.
public enum IRType: UInt8, Sendable, CustomStringConvertible {
    case void, i1, i8, i16, i32, i64, i128, f32, f64, v128

    public var bits: Int {
        switch self {
        case .void: return 0
        case .i1: return 1
        case .i8: return 8
        case .i16: return 16
        case .i32, .f32: return 32
        case .i64, .f64: return 64
        case .i128, .v128: return 128
        }
    }

    /// All-ones mask of an integer type up to 64 bits.
    @inline(__always) public var mask: UInt64 {
        switch self {
        case .i1: return 1
        case .i8: return 0xFF
        case .i16: return 0xFFFF
        case .i32: return 0xFFFF_FFFF
        default: return ~0
        }
    }

    public static func int(bits: Int) -> IRType {
        switch bits {
        case 1: return .i1
        case 8: return .i8
        case 16: return .i16
        case 32: return .i32
        case 64: return .i64
        default: precondition(false, "no integer type of \(bits) bits"); return .void
        }
    }

    public var description: String {
        switch self {
        case .void: return "void"
        case .i1: return "i1"
        case .i8: return "i8"
        case .i16: return "i16"
        case .i32: return "i32"
        case .i64: return "i64"
        case .i128: return "i128"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        }
    }
}

/// IR operations. Integer values up to 64 bits are held zero-extended in a
/// 64-bit slot (i1 is 0 or 1); every op's result is masked to its type.
public enum Opcode: UInt8, Sendable, CaseIterable {
    /// Removed by a pass; compaction drops it.
    case nop
    /// Guest instruction boundary; `imm` = guest PC. Faults before the next
    /// marker belong to this instruction.
    case insnStart
    case const_
    /// Guest register file: `imm` = guest register id (0...30 X, 31...34 SP_EL0...3).
    case getReg, setReg
    /// NZCV in bits 31:28.
    case getFlags, setFlags
    // Pure integer ops: a, b (and c) are values.
    case add, sub, mul, and, or, xor, shl, lshr, ashr, ror
    /// High 64 bits of the 128-bit product (i64 only).
    case umulh, smulh
    /// Division with A64 semantics: x / 0 = 0; INT_MIN / -1 = INT_MIN.
    case udiv, sdiv
    case not, neg
    case clz, rbit, bswap
    /// Type changes: the operand's type is the source, the inst's type the destination.
    case zext, sext, trunc
    /// `imm` = Predicate; result i1.
    case cmp
    /// a ? b : c
    case select
    /// a + b + c (c: i1 carry in), result of a's type.
    case addCarry
    /// NZCV (bits 31:28) of a + b + c, computed at a's width (AddWithCarry, Arm ARM J1).
    case nzcvAdd
    /// NZCV of a logical result a: N and Z from a, C = V = 0.
    case nzcvLogic
    /// ConditionHolds(imm, a) where a is NZCV (Arm ARM J1 shared/functions/system).
    case condHolds
    /// Memory: load `type` bytes from address a; `imm` = the access's flags (module
    /// Arch's `AccessFlags`, set by the lifter, read by Machine's slow paths;
    /// IR does not look at them). Store value b at a.
    case load, store
    /// Helper call: `imm` = HelperID raw value, a, b, c = arguments (absent = none).
    case call
    /// Leaves the block for guest PC `imm`.
    case exitJump
    /// Leaves the block for the guest PC in value a.
    case exitIndirect
    /// If a (i1) is true, leaves the block for guest PC `imm`; else falls through.
    case exitIf
    /// Leaves the block with the PC a helper has already written (exceptions,
    /// ERET, context changes).
    case exitState

    // FP/SIMD (Vector.swift, FP/). Values of type v128 are 128 bits wide;
    // f32 and f64 values are held as their bit patterns, like i32 and i64.
    /// The V register file: `imm` = register (0...31). getVec reads the low
    /// `type` bits of Vn (v128: all of it); setVec writes a and zeroes the
    /// rest of Vn, as A64 writes of a scalar or 64-bit vector do.
    case getVec, setVec
    /// a's bits as `type`, of the same width (f64 <-> i64, f32 <-> i32).
    case bitcast
    /// A v128 from two i64 halves: a = bits 63:0, b = bits 127:64.
    case vpack
    /// The lane of a (v128) at bit offset `imm`, as `type` (i8...i64, f32, f64).
    case vextract
    /// a (v128) with the lane at bit offset `imm` replaced by b (b's type is the lane).
    case vinsert
    /// A v128 with every lane equal to a (the lane is a's type).
    case vdup
    /// A vector operation on v128 values a[, b[, c]]: `imm` = VectorOpcode
    /// (Vector/VectorOpcode.swift). Pure unless the opcode uses FPCR/FPSR.
    case vop
    /// Scalar floating point as the Arm ARM's FP pseudocode defines it
    /// (FPAdd, FPMulAdd, FPRoundInt, FPToFixed...): `imm` = FPOpcode (FP/FPOpcode.swift);
    /// reads FPCR and ORs the cumulative exception flags into FPSR.
    case fp
}

/// Comparison predicates of `cmp`.
public enum Predicate: UInt64, Sendable, CaseIterable {
    case eq, ne, ult, ule, ugt, uge, slt, sle, sgt, sge
    public var name: String {
        switch self {
        case .eq: return "eq"
        case .ne: return "ne"
        case .ult: return "ult"
        case .ule: return "ule"
        case .ugt: return "ugt"
        case .uge: return "uge"
        case .slt: return "slt"
        case .sle: return "sle"
        case .sgt: return "sgt"
        case .sge: return "sge"
        }
    }
}

/// A value: the index of the instruction that defines it.
public struct Value: Hashable, Sendable, CustomStringConvertible {
    public var index: UInt32
    public init(_ i: Int) { index = UInt32(i) }
    public static let none = Value(Int(UInt32.max))
    public var isNone: Bool { index == UInt32.max }
    public var description: String { isNone ? "_" : "v\(index)" }
}

/// One IR instruction: a small flat struct; blocks are arrays of these.
public struct Inst: Sendable, Equatable {
    public var op: Opcode
    public var type: IRType
    public var a: Value
    public var b: Value
    public var c: Value
    public var imm: UInt64

    public init(_ op: Opcode, _ type: IRType = .void, a: Value = .none, b: Value = .none, c: Value = .none, imm: UInt64 = 0) {
        self.op = op
        self.type = type
        self.a = a
        self.b = b
        self.c = c
        self.imm = imm
    }

    public static func == (l: Inst, r: Inst) -> Bool {
        l.op == r.op && l.type == r.type && l.a == r.a && l.b == r.b && l.c == r.c && l.imm == r.imm
    }

    /// Operands in order.
    @inline(__always) public var operands: [Value] { [a, b, c].filter { !$0.isNone } }

    /// Calls `body` with each operand in order, without building an array (hot loops).
    @inline(__always) public func forEachOperand(_ body: (Value) throws -> Void) rethrows {
        if !a.isNone { try body(a) }
        if !b.isNone { try body(b) }
        if !c.isNone { try body(c) }
    }

    /// How many operands are value `index` (0 when none is).
    @inline(__always) public func useCount(of index: Int) -> Int {
        let i = UInt32(truncatingIfNeeded: index)
        return (a.index == i ? 1 : 0) + (b.index == i ? 1 : 0) + (c.index == i ? 1 : 0)
    }

    public var isTerminator: Bool { op == .exitJump || op == .exitIndirect || op == .exitState }
    public var isExit: Bool { isTerminator || op == .exitIf }

    /// No side effect: removable when unused.
    public var isPure: Bool {
        switch op {
        case .const_, .getReg, .getFlags, .add, .sub, .mul, .and, .or, .xor, .shl, .lshr, .ashr, .ror,
             .umulh, .smulh, .udiv, .sdiv, .not, .neg, .clz, .rbit, .bswap, .zext, .sext, .trunc,
             .cmp, .select, .addCarry, .nzcvAdd, .nzcvLogic, .condHolds,
             .getVec, .bitcast, .vpack, .vextract, .vinsert, .vdup:
            return true
        case .vop:
            return VectorOpcode.isPure(imm: imm)
        case .call:
            return HelperID(rawValue: UInt16(imm))?.info.pure ?? false
        default:
            return false
        }
    }

    /// Observes the guest registers in the state block (a fault, a helper, an exit):
    /// every pending register write must be in the state before it.
    public var observesGuestState: Bool {
        switch op {
        case .load, .store, .exitIf, .exitJump, .exitIndirect, .exitState: return true
        case .call: return !(HelperID(rawValue: UInt16(imm))?.info.pure ?? false)
        default: return false
        }
    }
}

/// Guest register names for printing.
public func guestRegisterName(_ id: Int) -> String {
    switch id {
    case 0...30: return "x\(id)"
    case 31...34: return "sp_el\(id - 31)"
    default: return "r\(id)"
    }
}
