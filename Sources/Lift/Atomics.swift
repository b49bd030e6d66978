import A64
import Arch
import IR

/// Exclusives, acquire/release, compare-and-swap and LSE atomics. The
/// read-modify-write forms are helpers (one host atomic per guest access).
extension LiftState {
    mutating func liftExclusive(_ w: UInt32) {
        let op = A64Decoder.decode(w)
        let pair = op == .stxp || op == .stlxp || op == .ldxp || op == .ldaxp
        let size = w.ldstSize & (pair ? 1 : 3)   // pairs: 32- or 64-bit elements
        let elementSize = pair ? (w.bit(30) ? 3 : 2) : size
        let addr = xsp(w.rn)
        var operand = ExclusiveOperand(sizeLog2: elementSize, pair: pair, rt: w.rt, rt2: w.rt2)
        switch op {
        case .ldxr, .ldaxr, .ldxp, .ldaxp:
            b.call(.loadExclusive, [addr, b.const_(operand.packed)])
        default:
            operand.rs = w.rs
            b.call(.storeExclusive, [addr, b.const_(operand.packed)])
        }
    }

    /// LDAR/LDAPR/STLR: ordinary accesses that must be aligned. A Store-
    /// Release is ordered before a later Load-Acquire (LDAR, RCsc; Arm ARM
    /// B2.3, Barrier-ordered-before), the one order x86-64's TSO does not
    /// keep (a store may wait in the store buffer while a later load reads):
    /// STLR fences the host after its store, as a full DMB does (only with
    /// CPUs on host threads). Exclusives and LSE atomics are locked host
    /// instructions, full fences already.
    mutating func liftAcquireRelease(_ w: UInt32) {
        let size = w.ldstSize
        let addr = xsp(w.rn)
        let flags = AccessFlags.syndrome(size: size, rt: w.rt, sixtyFour: size == 3, acquireRelease: true)
            .union(.alignmentRequired)
        if A64Decoder.decode(w) == .stlr {
            b.store(addr, b.trunc(x(w.rt), to: LiftState.sizeTypes[size]), flags: flags.rawValue)
            b.call(.barrier)
        } else {
            setReg(w.rt, loadValue(addr, size: size, signed: false, toW: false, flags: flags))
        }
    }

    mutating func liftCompareAndSwap(_ w: UInt32, pair: Bool) {
        let size = pair ? (w.bit(30) ? 3 : 2) : w.ldstSize
        if pair && (w.rs & 1 == 1 || w.rt & 1 == 1) { return undefined() }   // CASP needs even registers
        let operand = CompareAndSwapOperand(rs: w.rs, rt: w.rt, sizeLog2: size)
        b.call(pair ? .compareAndSwapPair : .compareAndSwap, [xsp(w.rn), b.const_(operand.packed)])
    }

    /// LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN (opc 0-7) and SWP (8).
    mutating func liftAtomic(_ w: UInt32) {
        let size = w.ldstSize
        let operation = A64Decoder.decode(w) == .swp ? .swap : AtomicOperand.Operation(rawValue: UInt64(w.field(12, 3)))!
        let value = x(w.rs)
        let old = b.call(.atomic, [xsp(w.rn), value, b.const_(AtomicOperand(operation: operation, sizeLog2: size).packed)])
        setReg(w.rt, old)
    }
}
