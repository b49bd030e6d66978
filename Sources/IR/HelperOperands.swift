/// The packed constant operands of helper calls: the lifter builds one of
/// these and passes `packed` as an argument; the engine's helper unpacks it
/// with `init(packed:)`. One definition of each layout for both sides.

/// MRS and MSR (register): the system register's key (op0:op1:CRn:CRm:op2, as
/// bits 20:5 of the instruction) in bits 0-15, Rt in bits 16-20 (a trap's
/// syndrome names it).
public struct SysRegOperand: Equatable, Sendable {
    public var key: UInt32
    public var rt: Int
    public init(key: UInt32, rt: Int) { self.key = key; self.rt = rt }
    @inline(__always) public init(packed p: UInt64) { key = UInt32(p & 0xFFFF); rt = Int((p >> 16) & 31) }
    public var packed: UInt64 { UInt64(key & 0xFFFF) | UInt64(rt & 31) << 16 }
}

/// MSR (immediate) and SYS/SYSL (DC, IC, AT, TLBI): op1 in bits 11-13, CRn
/// in bits 7-10, CRm in bits 3-6, op2 in bits 0-2 (CRn is 4 for MSR
/// immediate, which names a PSTATE field by op1 and op2, its value in CRm).
public struct SystemOperand: Equatable, Sendable {
    public var op1: UInt64, crn: UInt64, crm: UInt64, op2: UInt64
    public init(op1: UInt64, crn: UInt64, crm: UInt64, op2: UInt64) {
        self.op1 = op1; self.crn = crn; self.crm = crm; self.op2 = op2
    }
    @inline(__always) public init(packed p: UInt64) {
        op1 = (p >> 11) & 7; crn = (p >> 7) & 0xF; crm = (p >> 3) & 0xF; op2 = p & 7
    }
    public var packed: UInt64 { (op1 & 7) << 11 | (crn & 0xF) << 7 | (crm & 0xF) << 3 | (op2 & 7) }
}

/// Load- and store-exclusive: log2 of the element size in bits 0-1, a pair in
/// bit 2, Rt in bits 8-12, Rt2 in bits 16-20, Rs (the status register of a
/// store) in bits 24-28.
public struct ExclusiveOperand: Equatable, Sendable {
    public var sizeLog2: Int, pair: Bool, rt: Int, rt2: Int, rs: Int
    public init(sizeLog2: Int, pair: Bool, rt: Int, rt2: Int, rs: Int = 0) {
        self.sizeLog2 = sizeLog2; self.pair = pair; self.rt = rt; self.rt2 = rt2; self.rs = rs
    }
    @inline(__always) public init(packed p: UInt64) {
        sizeLog2 = Int(p & 3); pair = p & 4 != 0
        rt = Int((p >> 8) & 31); rt2 = Int((p >> 16) & 31); rs = Int((p >> 24) & 31)
    }
    public var packed: UInt64 {
        UInt64(sizeLog2 & 3) | (pair ? 4 : 0) | UInt64(rt & 31) << 8 | UInt64(rt2 & 31) << 16 | UInt64(rs & 31) << 24
    }
}

/// CAS and CASP: Rs in bits 0-4, Rt in bits 8-12, log2 of the (element) size
/// in bits 16-17.
public struct CompareAndSwapOperand: Equatable, Sendable {
    public var rs: Int, rt: Int, sizeLog2: Int
    public init(rs: Int, rt: Int, sizeLog2: Int) { self.rs = rs; self.rt = rt; self.sizeLog2 = sizeLog2 }
    @inline(__always) public init(packed p: UInt64) {
        rs = Int(p & 31); rt = Int((p >> 8) & 31); sizeLog2 = Int((p >> 16) & 3)
    }
    public var packed: UInt64 { UInt64(rs & 31) | UInt64(rt & 31) << 8 | UInt64(sizeLog2 & 3) << 16 }
}

/// LSE atomics: the operation in bits 0-3, log2 of the size in bits 4-5.
public struct AtomicOperand: Equatable, Sendable {
    /// LD<op> by its opc field (0-7), and SWP.
    public enum Operation: UInt64, Sendable {
        case add = 0, clear, exclusiveOr, set, signedMax, signedMin, unsignedMax, unsignedMin, swap
    }
    public var operation: Operation, sizeLog2: Int
    public init(operation: Operation, sizeLog2: Int) { self.operation = operation; self.sizeLog2 = sizeLog2 }
    @inline(__always) public init(packed p: UInt64) {
        operation = Operation(rawValue: p & 0xF) ?? .swap; sizeLog2 = Int((p >> 4) & 3)
    }
    public var packed: UInt64 { operation.rawValue | UInt64(sizeLog2 & 3) << 4 }
}

/// CRC32: log2 of the data size in bits 0-1, CRC32C (Castagnoli) in bit 2.
public struct CRC32Operand: Equatable, Sendable {
    public var sizeLog2: Int, castagnoli: Bool
    public init(sizeLog2: Int, castagnoli: Bool) { self.sizeLog2 = sizeLog2; self.castagnoli = castagnoli }
    @inline(__always) public init(packed p: UInt64) { sizeLog2 = Int(p & 3); castagnoli = p & 4 != 0 }
    public var packed: UInt64 { UInt64(sizeLog2 & 3) | (castagnoli ? 4 : 0) }
}

/// FEAT_PAuth: the operation in bits 0-1 (0 add a PAC, 1 authenticate, 2
/// strip, 3 PACGA), the key in bits 4-6 (0 IA, 1 IB, 2 DA, 3 DB, 4 GA; a
/// strip uses it for instruction (IA) or data (DA) pointers).
public struct PAuthOperand: Equatable, Sendable {
    public var operation: Int, key: Int
    public init(operation: Int, key: Int) { self.operation = operation; self.key = key }
    @inline(__always) public init(packed p: UInt64) { operation = Int(p & 3); key = Int((p >> 4) & 7) }
    public var packed: UInt64 { UInt64(operation & 3) | UInt64(key & 7) << 4 }
}
