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
    /// FEAT_AES and FEAT_PMULL: AESE/AESD/AESMC/AESIMC, PMULL{2} of 64-bit elements.
    public static let aes = ISAFeatures(rawValue: 1 << 7)
    /// FEAT_SHA1: SHA1C/P/M/H/SU0/SU1.
    public static let sha1 = ISAFeatures(rawValue: 1 << 8)
    /// FEAT_SHA256: SHA256H/H2/SU0/SU1.
    public static let sha256 = ISAFeatures(rawValue: 1 << 9)
    /// FEAT_SHA512: SHA512H/H2/SU0/SU1.
    public static let sha512 = ISAFeatures(rawValue: 1 << 10)
    /// FEAT_SHA3: EOR3, RAX1, XAR, BCAX.
    public static let sha3 = ISAFeatures(rawValue: 1 << 11)
    /// FEAT_RDM: SQRDMLAH, SQRDMLSH.
    public static let rdm = ISAFeatures(rawValue: 1 << 12)
    /// FEAT_DotProd: SDOT, UDOT.
    public static let dotProd = ISAFeatures(rawValue: 1 << 13)
    /// FEAT_JSCVT: FJCVTZS.
    public static let jscvt = ISAFeatures(rawValue: 1 << 14)
    /// FEAT_FCMA: FCMLA, FCADD.
    public static let fcma = ISAFeatures(rawValue: 1 << 15)
    /// FEAT_FRINTTS: FRINT32Z/32X/64Z/64X.
    public static let frintts = ISAFeatures(rawValue: 1 << 16)
    /// FEAT_FHM: FMLAL, FMLSL (and their 2 forms).
    public static let fhm = ISAFeatures(rawValue: 1 << 17)
    /// FEAT_RNG: the RNDR and RNDRRS registers (true random numbers from the host).
    public static let rng = ISAFeatures(rawValue: 1 << 18)
    /// FEAT_PAuth: pointer authentication (PAC*, AUT*, XPAC*, PACGA, the
    /// combined branches and LDRAA/LDRAB, the AP*Key_EL1 registers).
    public static let pauth = ISAFeatures(rawValue: 1 << 19)

    /// Every feature above.
    public static let all: ISAFeatures = [.crc32, .lse, .lrcpc, .sb, .dpb, .tlbiOSRange, .fp16, .aes, .sha1, .sha256,
                                          .sha512, .sha3, .rdm, .dotProd, .jscvt, .fcma, .frintts, .fhm,
                                          .rng, .pauth]
}
