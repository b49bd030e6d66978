import Synchronization

/// Which entries of each MMU index's TLB were filled since that index was
/// last flushed, so a flush clears only those (a few stores) rather than all
/// `TLB.entries` of the index (8192 entries, 32 KiB of stores). A realm that
/// switches MECID every few thousand instructions flushes the EL2 or EL1&0
/// indices each time (MECRegisters.swift); so does a guest OS on every
/// TTBR/TLBI VMALLE1. Past `capacity` fills an index is marked overflowed and
/// its next flush clears it whole. The TLB fast paths are not involved: only
/// `CPU.fillTLB` (slow path) notes, and the flushes drain.
final class TLBFillLog {
    static let capacity = 64
    private let slots: UnsafeMutablePointer<UInt16>
    /// Per MMU index: fills noted; `capacity + 1`: overflowed.
    private let counts: UnsafeMutablePointer<Int32>

    init() {
        slots = .allocate(capacity: TLBFillLog.capacity * TLB.mmuIndexCount)
        slots.initialize(repeating: 0, count: TLBFillLog.capacity * TLB.mmuIndexCount)
        counts = .allocate(capacity: TLB.mmuIndexCount)
        // Nothing is known about what reset left: every index clears whole once.
        counts.initialize(repeating: Int32(TLBFillLog.capacity + 1), count: TLB.mmuIndexCount)
    }

    deinit {
        slots.deallocate()
        counts.deallocate()
    }

    /// Entry `slot` of MMU index `index` was filled.
    @inline(__always) func note(index: Int, slot: Int) {
        let c = Int(count(index))
        if c < TLBFillLog.capacity {
            atomicView(slots + index * TLBFillLog.capacity + c).pointee.store(UInt16(truncatingIfNeeded: slot), ordering: .relaxed)
            setCount(index, Int32(c + 1))
        } else if c == TLBFillLog.capacity {
            setCount(index, Int32(c + 1))
        }
    }

    // Written by the CPU's thread only; another CPU's `protectCodePage`
    // reads them (`forEachNoted`).
    @inline(__always) private func count(_ index: Int) -> Int32 { atomicView(counts + index).pointee.load(ordering: .relaxed) }
    @inline(__always) private func setCount(_ index: Int, _ c: Int32) { atomicView(counts + index).pointee.store(c, ordering: .relaxed) }

    /// Calls `body` for each slot of `index` noted since its last flush and
    /// returns true, or returns false when the log overflowed (any slot may
    /// have been filled). The log is kept.
    @inline(__always) func forEachNoted(index: Int, _ body: (Int) -> Void) -> Bool {
        let c = Int(count(index))
        if c > TLBFillLog.capacity { return false }
        for k in 0..<c { body(Int(atomicView(slots + index * TLBFillLog.capacity + k).pointee.load(ordering: .relaxed))) }
        return true
    }

    /// Empties the log of `index`: calls `clear` for each noted slot and
    /// returns true, or returns false when it overflowed (the caller clears
    /// the whole index).
    @inline(__always) func drain(index: Int, _ clear: (Int) -> Void) -> Bool {
        let c = Int(count(index))
        setCount(index, 0)
        if c > TLBFillLog.capacity { return false }
        for k in 0..<c { clear(Int(atomicView(slots + index * TLBFillLog.capacity + k).pointee.load(ordering: .relaxed))) }
        return true
    }
}
