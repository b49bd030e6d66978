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
