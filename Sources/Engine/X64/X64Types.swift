// Operand types of the x86-64 assembler (see X64Assembler.swift).

/// A general-purpose x86-64 register; the raw value is its 4-bit encoding
/// (bit 3 goes into REX.R/X/B). As an 8-bit operand, 4...7 are spl/bpl/sil/dil
/// (the assembler always emits a REX prefix for them, so ah/ch/dh/bh are never used).
public enum Reg: UInt8, Sendable, CaseIterable {
    case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15

    /// Low three bits (the ModRM/SIB/opcode field).
    @inline(__always) var low3: UInt8 { rawValue & 7 }
    /// Bit 3 (the REX extension bit).
    @inline(__always) var ext: UInt8 { rawValue >> 3 }
    /// spl/bpl/sil/dil: need a REX prefix when used as an 8-bit operand.
    @inline(__always) var needsRexAsByte: Bool { rawValue >= 4 && rawValue <= 7 }
}

/// Operand size: 8, 16, 32 or 64 bits.
public enum OpSize: Sendable, Hashable, CaseIterable {
    case b, w, d, q

    public var bits: Int {
        switch self {
        case .b: 8
        case .w: 16
        case .d: 32
        case .q: 64
        }
    }
}

/// x86 condition codes, raw value = the tttn field of Jcc/SETcc/CMOVcc.
public enum Cond: UInt8, Sendable, CaseIterable {
    case o = 0, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
}

extension Cond {
    /// The opposite condition (flips the low bit of tttn).
    public var inverted: Cond { Cond(rawValue: rawValue ^ 1)! }
}

/// A position in the code, created by `X64Assembler.newLabel()` and bound once.
public struct Label: Hashable, Sendable {
    let id: Int
}

/// A memory operand `[base + index*scale + disp]`.
public struct Mem: Hashable, Sendable {
    public var base: Reg
    public var index: Reg?
    /// 1, 2, 4 or 8 (ignored without an index).
    public var scale: UInt8
    public var disp: Int32

    public init(_ base: Reg, _ disp: Int32 = 0) {
        self.base = base
        self.index = nil
        self.scale = 1
        self.disp = disp
    }

    /// `index` must not be rsp (not encodable as an index).
    public init(base: Reg, index: Reg, scale: UInt8, disp: Int32 = 0) {
        precondition(index != .rsp, "rsp cannot be an index register")
        precondition(scale == 1 || scale == 2 || scale == 4 || scale == 8, "scale must be 1, 2, 4 or 8")
        self.base = base
        self.index = index
        self.scale = scale
        self.disp = disp
    }
}

/// The group-1 ALU operations; raw value = the /digit of 0x80/0x81/0x83 and
/// bits 5:3 of the one-byte opcodes (`op*8 + 0...5`).
public enum AluOp: UInt8, Sendable, CaseIterable {
    case add = 0, or, adc, sbb, and, sub, xor, cmp
}

/// The group-2 shift/rotate operations; raw value = the /digit of C0/C1/D0-D3.
/// `sal` is the same operation as `shl` and is encoded as /4.
public enum ShiftOp: UInt8, Sendable, CaseIterable {
    case rol = 0, ror, rcl, rcr, shl, shr, sal, sar
}
