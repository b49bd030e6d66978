@testable import A64
import TestRandom


/// Words for each table line: random fills of its field bits, plus targeted
/// edge values of the usual A64 fields (registers = 31, zero/maximal
/// immediates, every condition/shift/extend/size/opc value, Rm = Rn, and the
/// immr x imms grid of the bitfield and logical-immediate forms).
enum WordGenerator {
    /// (lo, width) of the A64 fields worth edge values.
    static let fields: [(Int, Int)] = [
        (0, 5), (5, 5), (10, 5), (16, 5),                  // Rd/Rt, Rn, Ra/Rt2, Rm/Rs
        (10, 6), (16, 6), (10, 12), (5, 16), (12, 9), (15, 7), (10, 3),
        (5, 19), (0, 26), (5, 14), (19, 5), (0, 4), (5, 7), (8, 4), (5, 3), (16, 3),
        (12, 4), (13, 3), (12, 1), (22, 2), (21, 2), (22, 1), (23, 1), (15, 1), (29, 2), (30, 2), (31, 1),
        (5, 15), (29, 1), (30, 1), (10, 2), (12, 3),
        // FP/SIMD: immh, immh:immb, H:L:M, imm4, FMOV imm8, rmode:opcode, S:size
        (19, 4), (16, 7), (11, 1), (20, 2), (11, 4), (13, 8), (10, 3), (15, 2),
    ]
    static let registerFields = [0, 5, 10, 16]

    static func edgeValues(width: Int) -> [UInt32] {
        let max = UInt32((1 << width) - 1)
        if width <= 4 { return Array(0...max) }
        var v: Set<UInt32> = [0, 1, 2, max, max - 1, max >> 1, (max >> 1) + 1]
        if width == 5 { v.formUnion([30, 31]) }
        return v.sorted()
    }

    /// `random` words that decode to `op` (fewer if its encodings hold fewer;
    /// fills that land elsewhere are kept too), then the targeted words.
    static func words(for op: A64Op, random: Int, seed: UInt64) -> [UInt32] {
        var rng = SplitMix64(seed: seed ^ (UInt64(op.rawValue) &* 0x1000_0001))
        var out: [UInt32] = []
        let lines = A64Decoder.table.filter { $0.op == op }
        var hits = 0, attempts = 0
        while hits < random && attempts < 20 * random {
            let line = lines[attempts % lines.count]
            let w = (rng.word() & ~line.mask) | line.value
            attempts += 1
            if A64Decoder.decode(w) == op { hits += 1 }
            if attempts <= 2 * random || A64Decoder.decode(w) == op { out.append(w) }
        }
        for line in lines {
            let free = ~line.mask
            // Small encodings (RBIT, LDAPR, BR, ...): every word.
            if free.nonzeroBitCount <= 14 {
                var sub: UInt32 = 0
                repeat {
                    out.append(line.value | sub)
                    sub = (sub &- free) & free
                } while sub != 0
            }
            func fill(_ bits: UInt32) -> UInt32 { (bits & free) | line.value }
            func isFree(_ lo: Int, _ width: Int) -> Bool {
                let m = UInt32((UInt64(1) << UInt64(width)) - 1) << UInt32(lo)
                return m & free == m
            }
            func set(_ w: UInt32, _ lo: Int, _ width: Int, _ v: UInt32) -> UInt32 {
                let m = UInt32((UInt64(1) << UInt64(width)) - 1) << UInt32(lo)
                return fill((w & ~m) | ((v << UInt32(lo)) & m))
            }
            // Edge values of each field, three random backgrounds each.
            for (lo, width) in fields where isFree(lo, width) {
                for v in edgeValues(width: width) {
                    for _ in 0..<3 { out.append(set(rng.word(), lo, width, v)) }
                }
            }
            // Every combination of "register field is 31", on random and on
            // otherwise-zero backgrounds (MOV/CMP/TST/NEG/CSET... aliases).
            let regs = registerFields.filter { isFree($0, 5) }
            var regMask: UInt32 = 0
            for lo in regs { regMask |= 0x1F << UInt32(lo) }
            for combo in 0..<(1 << regs.count) {
                for background in 0..<6 {
                    var w = rng.word()
                    if background >= 3 { w &= regMask }            // zero immediates, shifts, conditions
                    for (i, lo) in regs.enumerated() where combo & (1 << i) != 0 { w = set(w, lo, 5, 31) }
                    out.append(fill(w))
                }
            }
            // Rm = Rn (ROR, CINC/CINV/CNEG and CSET/CSETM).
            if isFree(5, 5) && isFree(16, 5) {
                for i in 0..<64 {
                    var w = rng.word()
                    if i % 4 == 0 { w = (w & ~(0xF << 12)) | UInt32(i / 4) << 12 }
                    out.append(set(w, 16, 5, UInt32((w >> 5) & 0x1F)))
                }
            }
            // immr x imms grid (bitfield aliases, logical immediates, EXTR amounts).
            // Once with a random background, once with sf = N = 0 and once with
            // sf = N = 1 (bitfield and EXTR need N = sf).
            if isFree(10, 6) && isFree(16, 6) {
                for immr in 0..<64 {
                    for imms in 0..<64 {
                        var w = set(rng.word(), 16, 6, UInt32(immr))
                        w = set(w, 10, 6, UInt32(imms))
                        out.append(w)
                        if isFree(22, 1) && isFree(31, 1) {
                            out.append(fill(w & ~(1 << 31 | 1 << 22)))
                            out.append(fill(w | 1 << 31 | 1 << 22))
                        }
                    }
                }
            }
        }
        var seen = Set<UInt32>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Random words with one fixed bit of a table line flipped: the borders of
    /// each encoding, which mostly decode as unallocated or as a neighbour.
    static func nearMisses(perBit: Int, seed: UInt64) -> [UInt32] {
        var rng = SplitMix64(seed: seed)
        var out: [UInt32] = []
        for line in A64Decoder.table where line.op != .unallocated {
            for bit in 0..<32 where line.mask & (1 << UInt32(bit)) != 0 {
                for _ in 0..<perBit {
                    out.append(((rng.word() & ~line.mask) | line.value) ^ (1 << UInt32(bit)))
                }
            }
        }
        return out
    }
}
