/// Named fields of an A64 instruction word, shared by the disassembler and the lifter.
extension UInt32 {
    @inline(__always) public func bit(_ i: Int) -> Bool { (self >> UInt32(i)) & 1 == 1 }
    @inline(__always) public func field(_ lo: Int, _ width: Int) -> Int {
        Int((self >> UInt32(lo)) & ((1 << UInt32(width)) - 1))
    }
    /// Sign-extended field.
    @inline(__always) public func sfield(_ lo: Int, _ width: Int) -> Int64 {
        let v = Int64(field(lo, width))
        let shift = Int64(64 - width)
        return (v << shift) >> shift
    }

    public var rd: Int { field(0, 5) }
    public var rt: Int { field(0, 5) }
    public var rn: Int { field(5, 5) }
    public var rt2: Int { field(10, 5) }
    public var ra: Int { field(10, 5) }
    public var rm: Int { field(16, 5) }
    public var rs: Int { field(16, 5) }
    /// 64-bit operation (sf, bit 31).
    public var sf: Bool { bit(31) }
    public var imm12: Int { field(10, 12) }
    public var imm16: Int { field(5, 16) }
    public var imm6: Int { field(10, 6) }
    public var imm3: Int { field(10, 3) }
    public var imms: Int { field(10, 6) }
    public var immr: Int { field(16, 6) }
    public var shiftType: Int { field(22, 2) }
    public var cond: Int { field(12, 4) }
    public var option: Int { field(13, 3) }
    public var hw: Int { field(21, 2) }
    /// Load/store access size log2 (bits 31:30).
    public var ldstSize: Int { field(30, 2) }

    /// Branch offsets in bytes.
    public var imm26Offset: Int64 { sfield(0, 26) << 2 }
    public var imm19Offset: Int64 { sfield(5, 19) << 2 }
    public var imm14Offset: Int64 { sfield(5, 14) << 2 }
    /// ADR: immhi:immlo; ADRP: the same, in pages.
    public var adrImmediate: Int64 { (sfield(5, 19) << 2) | Int64(field(29, 2)) }
    /// Signed 9-bit offset of the unscaled/pre/post load/store forms.
    public var imm9: Int64 { sfield(12, 9) }
    /// Signed 7-bit offset of the pair forms (unscaled: multiply by the element size).
    public var imm7: Int64 { sfield(15, 7) }
    /// The system register key op0:op1:CRn:CRm:op2 of MRS/MSR (bits 20:5, op0 = 2 + o0).
    public var sysRegKey: UInt32 { (self >> 5) & 0xFFFF }
}

/// DecodeBitMasks (Arm ARM J1, shared/functions/bitmasks): the logical immediate
/// and bitfield masks. Returns nil for reserved encodings.
public func decodeBitMasks(n: Bool, imms: Int, immr: Int, immediate: Bool, dataSize: Int) -> (wmask: UInt64, tmask: UInt64)? {
    let combined = (n ? 0x40 : 0) | (~imms & 0x3F)
    guard combined != 0 else { return nil }
    let len = (Int.bitWidth - 1) - combined.leadingZeroBitCount   // HighestSetBit
    guard len >= 1, (1 << len) <= dataSize else { return nil }
    let levels = (1 << len) - 1
    if immediate && (imms & levels) == levels { return nil }
    let s = imms & levels
    let r = immr & levels
    let diff = (s - r) & levels
    let esize = 1 << len
    let d = diff
    let welem: UInt64 = s + 1 >= 64 ? ~0 : (UInt64(1) << UInt64(s + 1)) - 1
    let telem: UInt64 = d + 1 >= 64 ? ~0 : (UInt64(1) << UInt64(d + 1)) - 1
    func ror(_ x: UInt64, _ amount: Int, _ width: Int) -> UInt64 {
        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1
        let a = amount % width
        if a == 0 { return x & mask }
        return ((x >> UInt64(a)) | (x << UInt64(width - a))) & mask
    }
    func replicate(_ x: UInt64, _ e: Int) -> UInt64 {
        var out: UInt64 = 0
        var i = 0
        while i < dataSize { out |= x << UInt64(i); i += e }
        return dataSize == 64 ? out : out & ((UInt64(1) << UInt64(dataSize)) - 1)
    }
    let wmask = replicate(ror(welem, r, esize), esize)
    let tmask = replicate(telem, esize)
    return (wmask, tmask)
}

/// FP/SIMD fields (Arm ARM C4.1.96 names).
extension UInt32 {
    /// Q (bit 30): 128-bit vector.
    public var q: Bool { bit(30) }
    /// size (bits 23:22) of AdvSIMD encodings.
    public var simdSize: Int { field(22, 2) }
    /// sz (bit 22): double precision in the AdvSIMD FP forms.
    public var sz: Bool { bit(22) }
    /// ftype (bits 23:22) of scalar FP: 0 single, 1 double, 3 half.
    public var fpType: Int { field(22, 2) }
    /// imm8 of FMOV (scalar, immediate), bits 20:13.
    public var fpImm8: Int { field(13, 8) }
    /// Fixed-point fraction bits of the scalar FP <-> fixed conversions (64 - scale).
    public var fpFractionBits: Int { 64 - field(10, 6) }
    /// Rounding mode field (bits 20:19) of the FP <-> integer conversions.
    public var fpRmode: Int { field(19, 2) }
    /// Ra (bits 14:10) of EOR3/BCAX.
    public var ra4: Int { field(10, 5) }
    /// immh:immb (bits 22:16) of AdvSIMD shift by immediate.
    public var immhb: Int { field(16, 7) }
    /// immh (bits 22:19): its highest set bit gives the element size.
    public var immh: Int { field(19, 4) }
    /// log2 of the element size in bytes given by immh (0 B .. 3 D); immh must not be 0.
    public var immhSize: Int { 3 - (UInt8(truncatingIfNeeded: immh).leadingZeroBitCount - 4) }
    /// Right shift amount of a shift-by-immediate (2 * esize - immh:immb).
    public var shiftRightAmount: Int { (16 << immhSize) - immhb }
    /// Left shift amount of a shift-by-immediate (immh:immb - esize).
    public var shiftLeftAmount: Int { immhb - (8 << immhSize) }
    /// imm5 (bits 20:16) of the copy group: lowest set bit = element size.
    public var imm5: Int { field(16, 5) }
    /// log2 of the element size in bytes of DUP/INS/UMOV/SMOV.
    public var imm5Size: Int { (imm5 & 0xF).trailingZeroBitCount }
    /// Element index of DUP/INS/UMOV/SMOV (imm5 above the size bit).
    public var imm5Index: Int { imm5 >> (imm5Size + 1) }
    /// Source index of INS (element): imm4 (bits 14:11) above the size.
    public var imm4Index: Int { field(11, 4) >> imm5Size }
    /// cmode (bits 15:12) and op (bit 29) of AdvSIMD modified immediate.
    public var cmode: Int { field(12, 4) }
    /// a:b:c:d:e:f:g:h of AdvSIMD modified immediate (bits 18:16, 9:5).
    public var simdImm8: Int { field(16, 3) << 5 | field(5, 5) }
    /// By element, for element size log2 `size` (1 H, 2 S, 3 D): the index
    /// (H:L:M, H:L, H) and the register (Rm 4 bits for H, M:Rm otherwise).
    public func elementIndex(size: Int) -> Int {
        switch size {
        case 1: return field(11, 1) << 2 | field(21, 1) << 1 | field(20, 1)
        case 2: return field(11, 1) << 1 | field(21, 1)
        default: return field(11, 1)
        }
    }
    public func elementRegister(size: Int) -> Int { size == 1 ? field(16, 4) : field(16, 5) }
}

/// AdvSIMDExpandImm for op = 1, cmode = 1110 (MOVI Dd / Vd.2D): each bit of
/// imm8 becomes a byte of ones or zeros.
public func advSIMDExpandBytes(_ imm8: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 where imm8 & (1 << i) != 0 { v |= 0xFF << UInt64(8 * i) }
    return v
}
