/// The QARMA-64 block cipher with the parameters of FEAT_PACQARMA5, the
/// architected pointer authentication algorithm (Arm ARM J1.3.x, pseudocode
/// ComputePAC and its helpers PACCellShuffle, PACCellInvShuffle, PACSub,
/// PACInvSub, PACMult, TweakShuffle, TweakInvShuffle): five forward and five
/// backward rounds around a central reflector, the sigma-2 S-box.
///
/// `reference` follows the pseudocode cell by cell; `computePAC` is the same
/// function with each linear layer (cell shuffle then MixColumns, or
/// MixColumns then the inverse shuffle) and each S-box layer done by table
/// lookups on bytes, built from the reference steps (QARMATests holds the two
/// equal, and both to the published test vectors).
public enum QARMA {
    /// The round constants c0...c7 (the digits of pi; Avanzi, "The QARMA
    /// Block Cipher Family", ToSC 2017(1), section 3) and alpha.
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0000, 0x1319_8A2E_0370_7344, 0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89,
        0x4528_21E6_38D0_1377, 0xBE54_66CF_34E9_0C6C, 0x3F84_D5B5_B547_0917, 0x9216_D5D9_8979_FB1B,
    ]
    static let alpha: UInt64 = 0xC0AC_29B7_C97C_50DD
    /// sigma-2 (PACSub) and its inverse (PACInvSub).
    static let sbox: [UInt8] = [0xB, 0x6, 0x8, 0xF, 0xC, 0x0, 0x9, 0xE, 0x3, 0x7, 0x4, 0x5, 0xD, 0x2, 0x1, 0xA]
    static let inverseSbox: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { t[Int(sbox[i])] = UInt8(i) }
        return t
    }()
    /// PACCellShuffle: output cell i is input cell `cellShuffle[i]` (cell i = bits 4i+3:4i).
    static let cellShuffle: [Int] = [13, 6, 11, 0, 7, 12, 1, 10, 8, 3, 14, 5, 2, 9, 4, 15]
    static let inverseCellShuffle: [Int] = {
        var t = [Int](repeating: 0, count: 16)
        for i in 0..<16 { t[cellShuffle[i]] = i }
        return t
    }()
    /// TweakShuffle: output cell i is input cell `tweakShuffle[i]`, passed
    /// through the LFSR for the output cells in `tweakCell`.
    static let tweakShuffle: [Int] = [4, 5, 6, 7, 11, 2, 3, 8, 12, 13, 14, 15, 0, 1, 10, 9]

    @inline(__always) static func cell(_ v: UInt64, _ i: Int) -> UInt64 { (v >> UInt64(4 * i)) & 0xF }

    // MARK: The pseudocode's steps

    static func shuffleCells(_ v: UInt64, _ perm: [Int]) -> UInt64 {
        var o: UInt64 = 0
        for i in 0..<16 { o |= cell(v, perm[i]) << UInt64(4 * i) }
        return o
    }

    static func substitute(_ v: UInt64, _ box: [UInt8]) -> UInt64 {
        var o: UInt64 = 0
        for i in 0..<16 { o |= UInt64(box[Int(cell(v, i))]) << UInt64(4 * i) }
        return o
    }

    /// RotCell: rotates a 4-bit cell left by `n`.
    @inline(__always) static func rotateCell(_ c: UInt64, _ n: UInt64) -> UInt64 { ((c << n) | (c >> (4 - n))) & 0xF }

    /// PACMult: MixColumns with the involutory matrix circ(0, rho, rho^2, rho).
    static func mixColumns(_ v: UInt64) -> UInt64 {
        var o: UInt64 = 0
        for i in 0..<4 {
            let c0 = cell(v, i), c4 = cell(v, i + 4), c8 = cell(v, i + 8), c12 = cell(v, i + 12)
            let t0 = rotateCell(c8, 1) ^ rotateCell(c4, 2) ^ rotateCell(c0, 1)
            let t1 = rotateCell(c12, 1) ^ rotateCell(c4, 1) ^ rotateCell(c0, 2)
            let t2 = rotateCell(c12, 2) ^ rotateCell(c8, 1) ^ rotateCell(c0, 1)
            let t3 = rotateCell(c12, 1) ^ rotateCell(c8, 2) ^ rotateCell(c4, 1)
            o |= t3 << UInt64(4 * i) | t2 << UInt64(4 * (i + 4)) | t1 << UInt64(4 * (i + 8)) | t0 << UInt64(4 * (i + 12))
        }
        return o
    }

    /// The output cells of TweakShuffle that also go through the LFSR
    /// (omega: b3 b2 b1 b0 -> b0^b1 b3 b2 b1); TweakInvShuffle undoes both.
    static let tweakCell: Set<Int> = [2, 4, 7, 11, 12, 14, 15]

    static func tweakForward(_ v: UInt64) -> UInt64 {
        var o: UInt64 = 0
        for i in 0..<16 {
            var c = cell(v, tweakShuffle[i])
            if tweakCell.contains(i) { c = ((c ^ (c >> 1)) & 1) << 3 | c >> 1 }
            o |= c << UInt64(4 * i)
        }
        return o
    }

    static func tweakBackward(_ v: UInt64) -> UInt64 {
        var o: UInt64 = 0
        for i in 0..<16 {
            var c = cell(v, i)
            if tweakCell.contains(i) { c = ((c << 1) & 0xF) | ((c >> 3) ^ c) & 1 }
            o |= c << UInt64(4 * tweakShuffle[i])
        }
        return o
    }

    /// ComputePAC, step by step as the pseudocode writes it, for `rounds`
    /// rounds each way (5 for PACQARMA5; the published vectors also give 6, 7).
    public static func reference(data: UInt64, modifier: UInt64, key0: UInt64, key1: UInt64, rounds: Int = 5) -> UInt64 {
        let modk0 = (key0 << 63) | (key0 >> 1) ^ (key0 >> 63)   // key0<0>:key0<63:2>:(key0<63> EOR key0<1>)
        var tweak = modifier
        var w = data ^ key0
        for i in 0..<rounds {
            w ^= key1 ^ tweak ^ roundConstants[i]
            if i > 0 { w = mixColumns(shuffleCells(w, cellShuffle)) }
            w = substitute(w, sbox)
            tweak = tweakForward(tweak)
        }
        w ^= modk0 ^ tweak
        w = mixColumns(shuffleCells(w, cellShuffle))
        w = substitute(w, sbox)
        w = mixColumns(shuffleCells(w, cellShuffle))
        w ^= key1
        w = shuffleCells(w, inverseCellShuffle)
        w = substitute(w, inverseSbox)
        w = mixColumns(w)
        w = shuffleCells(w, inverseCellShuffle)
        w ^= key0 ^ tweak
        for i in 0..<rounds {
            w = substitute(w, inverseSbox)
            if i < rounds - 1 { w = shuffleCells(mixColumns(w), inverseCellShuffle) }
            tweak = tweakBackward(tweak)
            w ^= roundConstants[rounds - 1 - i] ^ key1 ^ tweak ^ alpha
        }
        return w ^ modk0
    }

    // MARK: Fast

    /// Every cell rotated left by `n` (RotCell on all 16 cells at once).
    @inline(__always) static func rotateCells(_ x: UInt64, _ n: UInt64) -> UInt64 {
        let keep: UInt64 = n == 1 ? 0xEEEE_EEEE_EEEE_EEEE : 0xCCCC_CCCC_CCCC_CCCC
        return ((x << n) & keep) | ((x >> (4 - n)) & ~keep)
    }

    /// PACMult on the whole word: output row j (cells 4j...4j+3) is
    /// rot1(row j+1) ^ rot2(row j+2) ^ rot1(row j+3), rows taken mod 4.
    @inline(__always) static func fastMix(_ x: UInt64) -> UInt64 {
        let r1 = rotateCells(x, 1), r2 = rotateCells(x, 2)
        return (r1 >> 16 | r1 << 48) ^ (r2 >> 32 | r2 << 32) ^ (r1 >> 48 | r1 << 16)
    }

    /// TweakShuffle on the whole word: the cell moves, then the LFSR on the
    /// cells of `tweakCell` (mask 0xFF0F_F000_F00F_0F00 by cells 2, 4, 7, 11, 12, 14, 15).
    @inline(__always) static func fastTweak(_ x: UInt64) -> UInt64 {
        var o = (x >> 16) & 0x0000_FFFF_0000_FFFF            // cells 0-3 <- 4-7, 8-11 <- 12-15
        o |= (x & 0xFF) << 48                                // 12, 13 <- 0, 1
        o |= (x >> 28) & 0xF << 16                           // 4 <- 11
        o |= (x & 0xFF00) << 12                              // 5, 6 <- 2, 3
        o |= (x >> 32 & 0xF) << 28                           // 7 <- 8
        o |= (x >> 40 & 0xF) << 56                           // 14 <- 10
        o |= (x >> 36 & 0xF) << 60                           // 15 <- 9
        let lfsr = ((o ^ (o >> 1)) & 0x1111_1111_1111_1111) << 3 | (o >> 1) & 0x7777_7777_7777_7777
        let m: UInt64 = 0xFF0F_F000_F00F_0F00
        return (lfsr & m) | (o & ~m)
    }

    /// Byte tables (never freed): 8 x 256 images of a byte at each
    /// position under a map that is linear, or an S-box layer (per byte)
    /// followed by a linear one, so that the XOR of the images is exact. L is
    /// PACCellShuffle then PACMult, L' PACMult then PACCellInvShuffle, S and
    /// S' the S-box layers (PACSub, PACInvSub), P' PACCellInvShuffle.
    struct Tables: @unchecked Sendable {
        let ls: UnsafeMutablePointer<UInt64>      // L(S(x))
        let l: UnsafeMutablePointer<UInt64>       // L(x)
        let pls: UnsafeMutablePointer<UInt64>     // P'(L(S(x)))
        let p: UnsafeMutablePointer<UInt64>       // P'(x)
        let lsInv: UnsafeMutablePointer<UInt64>   // L'(S'(x))
        let inverseSbox: UnsafeMutablePointer<UInt8>
        /// L of the round constants c1...c4.
        let lc: (UInt64, UInt64, UInt64, UInt64)
    }

    static let tables: Tables = {
        /// f(byte value, its position's shift).
        func images(_ f: (UInt64, UInt64) -> UInt64) -> UnsafeMutablePointer<UInt64> {
            let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 8 * 256)
            for p in 0..<8 { for v in 0..<256 { t[p * 256 + v] = f(UInt64(v), UInt64(8 * p)) } }
            return t
        }
        func l(_ x: UInt64) -> UInt64 { mixColumns(shuffleCells(x, cellShuffle)) }
        func p(_ x: UInt64) -> UInt64 { shuffleCells(x, inverseCellShuffle) }
        /// The S-box layer on one byte (the two cells of v) at `shift`.
        func s(_ v: UInt64, _ shift: UInt64, _ box: [UInt8]) -> UInt64 {
            UInt64(box[Int(v & 0xF)] | box[Int(v >> 4)] << 4) << shift
        }
        let si = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for v in 0..<256 { si[v] = inverseSbox[v & 0xF] | inverseSbox[v >> 4] << 4 }
        let c = roundConstants
        return Tables(ls: images { l(s($0, $1, sbox)) }, l: images { l($0 << $1) },
                      pls: images { p(l(s($0, $1, sbox))) }, p: images { p($0 << $1) },
                      lsInv: images { p(mixColumns(s($0, $1, inverseSbox))) }, inverseSbox: si,
                      lc: (l(c[1]), l(c[2]), l(c[3]), l(c[4])))
    }()

    @inline(__always) static func applyImages(_ t: UnsafeMutablePointer<UInt64>, _ x: UInt64) -> UInt64 {
        t[Int(x & 0xFF)] ^ t[256 + Int((x >> 8) & 0xFF)] ^ t[512 + Int((x >> 16) & 0xFF)]
            ^ t[768 + Int((x >> 24) & 0xFF)] ^ t[1024 + Int((x >> 32) & 0xFF)] ^ t[1280 + Int((x >> 40) & 0xFF)]
            ^ t[1536 + Int((x >> 48) & 0xFF)] ^ t[1792 + Int(x >> 56)]
    }

    @inline(__always) static func applyBytes(_ t: UnsafeMutablePointer<UInt8>, _ x: UInt64) -> UInt64 {
        UInt64(t[Int(x & 0xFF)]) | UInt64(t[Int((x >> 8) & 0xFF)]) << 8 | UInt64(t[Int((x >> 16) & 0xFF)]) << 16
            | UInt64(t[Int((x >> 24) & 0xFF)]) << 24 | UInt64(t[Int((x >> 32) & 0xFF)]) << 32
            | UInt64(t[Int((x >> 40) & 0xFF)]) << 40 | UInt64(t[Int((x >> 48) & 0xFF)]) << 48
            | UInt64(t[Int(x >> 56)]) << 56
    }

    /// ComputePAC (PACQARMA5), equal to `reference(rounds: 5)`. The round
    /// structure regrouped so that each round is one table step on the
    /// critical path: with u the state before an S-box layer, the next one is
    /// L(S(u)) ^ L(round key) (L linear), and the round keys' images do not
    /// depend on the state.
    public static func computePAC(data: UInt64, modifier: UInt64, key0: UInt64, key1: UInt64) -> UInt64 {
        let tb = tables
        let ls = tb.ls, l = tb.l, pls = tb.pls, p = tb.p, lsInv = tb.lsInv
        let modk0 = (key0 << 63) | (key0 >> 1) ^ (key0 >> 63)
        let t0 = modifier, t1 = fastTweak(t0), t2 = fastTweak(t1), t3 = fastTweak(t2), t4 = fastTweak(t3)
        let t5 = fastTweak(t4)
        let lk = applyImages(l, key1)
        let k = key1 ^ alpha
        var u = data ^ key0 ^ key1 ^ t0
        u = applyImages(ls, u) ^ lk ^ applyImages(l, t1) ^ tb.lc.0
        u = applyImages(ls, u) ^ lk ^ applyImages(l, t2) ^ tb.lc.1
        u = applyImages(ls, u) ^ lk ^ applyImages(l, t3) ^ tb.lc.2
        u = applyImages(ls, u) ^ lk ^ applyImages(l, t4) ^ tb.lc.3
        u = applyImages(ls, u) ^ applyImages(l, modk0 ^ t5)
        var w = applyImages(pls, u) ^ applyImages(p, key1)
        w = applyImages(lsInv, w) ^ key0 ^ t5
        w = applyImages(lsInv, w) ^ 0x4528_21E6_38D0_1377 ^ k ^ t4
        w = applyImages(lsInv, w) ^ 0x082E_FA98_EC4E_6C89 ^ k ^ t3
        w = applyImages(lsInv, w) ^ 0xA409_3822_299F_31D0 ^ k ^ t2
        w = applyImages(lsInv, w) ^ 0x1319_8A2E_0370_7344 ^ k ^ t1
        w = applyBytes(tb.inverseSbox, w) ^ k ^ t0
        return w ^ modk0
    }
}
