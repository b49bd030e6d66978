/// The optional A64 instruction-set features a CPU model implements. Machine's
/// CPU models choose them and the ID registers report them; the lifter treats
/// an instruction of a missing one as UNDEFINED (`LiftContext.features`).
public struct ISAFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// FEAT_CRC32: CRC32{B,H,W,X}, CRC32C*.
    public static let crc32 = ISAFeatures(rawValue: 1 << 0)
    /// FEAT_LSE: CAS, CASP, LD<op>, SWP.
    public static let lse = ISAFeatures(rawValue: 1 << 1)
    /// FEAT_LRCPC: LDAPR.
    public static let lrcpc = ISAFeatures(rawValue: 1 << 2)
    /// FEAT_SB: SB.
    public static let sb = ISAFeatures(rawValue: 1 << 3)
    /// FEAT_DPB and FEAT_DPB2: DC CVAP, DC CVADP (no-ops: no caches modelled).
    public static let dpb = ISAFeatures(rawValue: 1 << 4)
    /// FEAT_TLBIOS and FEAT_TLBIRANGE: the Outer Shareable and range TLBI
    /// forms (a range form empties more than it names, as the Arm ARM allows).
    public static let tlbiOSRange = ISAFeatures(rawValue: 1 << 5)
    /// FEAT_FP16: half-precision FP arithmetic (scalar; FCVT to and from
    /// half precision is in the base FP instruction set).
    public static let fp16 = ISAFeatures(rawValue: 1 << 6)

    /// Every feature above.
    public static let all: ISAFeatures = [.crc32, .lse, .lrcpc, .sb, .dpb, .tlbiOSRange, .fp16]
}
