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
