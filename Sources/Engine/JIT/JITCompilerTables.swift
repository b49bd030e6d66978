import IR

// Per-value tables of the JIT compiler, sized to the block by `reset(count:)`
// and kept from block to block (no hashing, no allocation once grown).

/// A set of value indexes of one block.
struct ValueSet {
    private var marks: [Bool] = []

    mutating func reset(count: Int) { JITCompiler.fill(&marks, false, count: count) }
    @inline(__always) func contains(_ i: Int) -> Bool { marks[i] }
    @inline(__always) func contains(_ i: UInt32) -> Bool { marks[Int(i)] }
    @inline(__always) mutating func insert(_ i: Int) { marks[i] = true }
    @inline(__always) mutating func insert(_ i: UInt32) { marks[Int(i)] = true }
}

/// The x86 condition held in the flags for some values of one block.
struct ConditionMap {
    private static let none: UInt8 = 0xFF
    private var conds: [UInt8] = []

    mutating func reset(count: Int) { JITCompiler.fill(&conds, ConditionMap.none, count: count) }

    @inline(__always) subscript(_ i: Int) -> Cond? {
        get { conds[i] == ConditionMap.none ? nil : Cond(rawValue: conds[i]) }
        set { conds[i] = newValue?.rawValue ?? ConditionMap.none }
    }
}

/// The fused Q accesses of one block, by the index of their last op.
struct QAccessMap {
    /// Per op: the first op of the pair ending there, -1 for none; bit 31 for a store.
    private var firsts: [Int32] = []
    private(set) var isEmpty = true

    mutating func reset(count: Int) {
        if !isEmpty || firsts.count < count { JITCompiler.fill(&firsts, -1, count: count) }
        isEmpty = true
    }

    @inline(__always) subscript(_ i: Int) -> QAccess? {
        get {
            guard !isEmpty, i < firsts.count, firsts[i] >= 0 else { return nil }
            return QAccess(first: Int(firsts[i] & 0x3FFF_FFFF), isStore: firsts[i] & 0x4000_0000 != 0)
        }
        set {
            guard let q = newValue else { firsts[i] = -1; return }
            firsts[i] = Int32(q.first) | (q.isStore ? 0x4000_0000 : 0)
            isEmpty = false
        }
    }
}

/// A set of x86 registers (bit n: register n).
struct RegSet: ExpressibleByArrayLiteral {
    var bits: UInt16 = 0
    init(arrayLiteral elements: Reg...) {
        for r in elements { bits |= 1 << UInt16(r.rawValue) }
    }
    @inline(__always) func contains(_ r: Reg) -> Bool { bits & (1 << UInt16(r.rawValue)) != 0 }
}
