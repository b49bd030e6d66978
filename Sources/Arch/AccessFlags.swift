/// What a load or store instruction tells the memory system beyond its address
/// and size. The lifter sets them on IR `load`/`store` (their `imm`), the
/// engines pass them unchanged to Machine's slow paths, which read them: one
/// definition for both sides of the Lift/Machine boundary.
public struct AccessFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Must be aligned to its size whatever the memory type (exclusives,
    /// atomics, acquire/release).
    public static let alignmentRequired = AccessFlags(rawValue: 1 << 0)
    /// LDTR/STTR: checked with EL0 permissions when executed at EL1 (or at EL2
    /// in a VHE host): the engines use the unprivileged MMU index.
    public static let unprivileged = AccessFlags(rawValue: 1 << 1)

    /// Bits 20-22: log2 of the alignment an access is checked against (under
    /// SCTLR_ELx.A and for Device memory) plus one, when it is not the access
    /// size; 0: the access size. A 128-bit SIMD&FP access, made of two 8-byte
    /// accesses, checks 16 bytes on the first (Arm ARM Mem[] with
    /// AArch64.CheckAlignment(address, 16)); a structure load/store made of
    /// 8-byte accesses checks each element's size.
    @inlinable static var alignmentShift: UInt64 { 20 }

    /// An access checked for alignment to `bytes` (a power of two, at most 16:
    /// the TLB tag flags sit above the low bits the fast path compares)
    /// rather than to its own size.
    public static func alignment(bytes: Int) -> AccessFlags {
        AccessFlags(rawValue: UInt64(bytes.trailingZeroBitCount + 1) << alignmentShift)
    }

    /// The alignment (bytes) an access of `size` bytes with these flags is
    /// checked against.
    @inlinable public func alignmentBytes(size: Int) -> Int {
        let f = Int((rawValue >> AccessFlags.alignmentShift) & 7)
        return f == 0 ? size : 1 << (f - 1)
    }

    /// The low address bits that send an access of `size` bytes to the slow
    /// path: those of its size (an access that is not size-aligned may cross a
    /// page) and of its alignment check.
    @inlinable public func slowPathMask(size: Int) -> UInt64 {
        UInt64(max(size, alignmentBytes(size: size)) - 1)
    }

    /// Bits 8-18 hold the instruction syndrome of a load or store of one
    /// general-purpose register without writeback, ESR_ELx.ISS[24:14] (ISV,
    /// SAS, SSE, SRT, SF, AR), which a stage 2 Data Abort reports (Arm ARM
    /// D24.2.x, ISS encoding for a Data Abort).
    @inlinable static var syndromeShift: UInt64 { 8 }
    @inlinable static var syndromeMask: UInt64 { 0x7FF }

    /// The flags of an access of 2^`size` bytes to register `rt` with its
    /// syndrome (`signExtend`: LDRS*; `sixtyFour`: the register is Xt;
    /// `acquireRelease`: LDAR/STLR/LDAPR).
    public static func syndrome(size: Int, rt: Int, signExtend: Bool = false, sixtyFour: Bool,
                                acquireRelease: Bool = false) -> AccessFlags {
        let iss = 1 << 10 | UInt64(size) << 8 | (signExtend ? 1 << 7 : 0) | UInt64(rt & 31) << 2
            | (sixtyFour ? 1 << 1 : 0) | (acquireRelease ? 1 : 0)
        return AccessFlags(rawValue: iss << syndromeShift)
    }

    /// ISS bits 24:14 (ISV ... AR) in place, as ESR_ELx holds them; 0 when the
    /// access has no syndrome (ISV = 0).
    @inlinable public var instructionSyndrome: UInt64 {
        ((rawValue >> AccessFlags.syndromeShift) & AccessFlags.syndromeMask) << 14
    }
}
