import A64
import Engine
import EngineTestSupport
import IR
import Lift
import Machine

/// FP/SIMD programs: every FP/SIMD operation of the decoder table (scalar FP,
/// AdvSIMD integer and FP vectors, permutes, shifts, crypto, FP/SIMD loads and
/// stores to the data area), mixed with some integer data processing, moves
/// to and from FPCR/FPSR, from random V0-V31 biased to special values (±0,
/// ±inf, NaNs with payloads, denormals, largest/smallest normals, integer
/// saturation edges) and a random FPCR (RMode, FZ, DN, FZ16, AHP).
///
/// Words the lifter makes UNDEFINED (not lifted yet, or a reserved form) are
/// mostly redrawn, so programs run to their end; `unliftedOps` names them.
extension FuzzGenerator {
    static let fpsimdOps: [A64Op] = A64Op.allCases.filter { $0.isFPSIMD }
    /// FP/SIMD loads and stores (the ops from `fpLdrLiteral` to `simdLdstSinglePost`).
    static func isFPSIMDMemory(_ op: A64Op) -> Bool {
        op.rawValue >= A64Op.fpLdrLiteral.rawValue && op.rawValue <= A64Op.simdLdstSinglePost.rawValue
    }

    static let fp64Specials: [UInt64] = [
        0, 1 << 63, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000, 0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0123,
        0x7FF0_0000_0000_0001, 0xFFF4_0000_0000_0456, 0x0000_0000_0000_0001, 0x800F_FFFF_FFFF_FFFF,
        0x0010_0000_0000_0000, 0x7FEF_FFFF_FFFF_FFFF, 1.0.bitPattern, (-1.5).bitPattern, 0.1.bitPattern,
        4294967296.5.bitPattern, (-9.3e18).bitPattern, 2.5.bitPattern,
    ]
    static let fp32Specials: [UInt32] = [
        0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0123, 0x7F80_0001, 0xFFA0_0456,
        0x0000_0001, 0x807F_FFFF, 0x0080_0000, 0x7F7F_FFFF, Float(1).bitPattern, Float(-1.5).bitPattern,
        Float(0.1).bitPattern, Float(2147483648).bitPattern, Float(-65536.5).bitPattern, Float(2.5).bitPattern,
    ]
    static let fp16Specials: [UInt16] = [
        0, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE12, 0x7C01, 0xFD45, 0x0001, 0x83FF, 0x0400, 0x7BFF,
        0x3C00, 0xBE00, 0x2E66, 0x4100,
    ]

    /// 64 bits of a V register: special FP values in every lane size, integer
    /// edges (saturation), or random.
    mutating func vectorHalf() -> UInt64 {
        switch rng.below(7) {
        case 0: return rng.pick(FuzzGenerator.fp64Specials)
        case 1: return UInt64(rng.pick(FuzzGenerator.fp32Specials)) | UInt64(rng.pick(FuzzGenerator.fp32Specials)) << 32
        case 2: return (0..<4).reduce(0) { $0 | UInt64(rng.pick(FuzzGenerator.fp16Specials)) << (16 * UInt64($1)) }
        case 3:
            return rng.pick([0, ~0, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8080_8080_8080_8080,
                             0x7F7F_7F7F_7F7F_7F7F, 0x8000_7FFF_0001_FFFF, 0xFFFF_FFFF_0000_0000, 0x0101_0101_0101_0101])
        case 4:   // FP values of moderate exponent in both lane sizes
            let d = (rng.next() & 0x800F_FFFF_FFFF_FFFF) | UInt64(1023 - 40 + rng.below(80)) << 52
            let f = (rng.next() & 0x807F_FFFF_807F_FFFF) | UInt64(127 - 20 + rng.below(40)) << 23 | UInt64(127 - 20 + rng.below(40)) << 55
            return rng.chance(0.5) ? d : f
        default: return rng.next()
        }
    }

    /// FPCR: RMode (23:22), FZ (24), DN (25), AHP (26), FZ16 (19); often 0.
    mutating func randomFPCR() -> UInt64 {
        if rng.chance(0.25) { return 0 }
        return UInt64(rng.below(4)) << 22 | (rng.chance(0.3) ? 1 << 24 : 0) | (rng.chance(0.3) ? 1 << 25 : 0)
            | (rng.chance(0.2) ? 1 << 26 : 0) | (rng.chance(0.2) ? 1 << 19 : 0)
    }

    /// Whether the lifter lifts `w` (rather than making it UNDEFINED).
    static func lifts(_ w: UInt32) -> Bool {
        var ctx = LiftContext(el: 1, spSel: 1)
        ctx.features = FuzzGenerator.snippetFeatures
        let ir = Lifter.lift(pc: 0x1000, context: ctx) { $0 == 0x1000 ? w : Snippet.haltWord }
        let undefined = UInt64(HelperID.undefined.rawValue)
        return !ir.insts.contains { $0.op == .call && UInt64($0.imm) == undefined }
    }
    /// The instruction-set features of the snippet machine's CPU.
    static let snippetFeatures = CPUConfig().isa

    /// A word of `op` whose GPR destination (bits 4:0 for FP/SIMD data
    /// processing) is not x28 / the loop counter; V28 then is never a destination
    /// of those, which costs little.
    mutating func fpsimdWord(_ op: A64Op, allowUndefined: Bool) -> UInt32? {
        for _ in 0..<40 {
            let w = fill(op)
            if reserved(Int(w & 31)) { continue }
            if A64Decoder.decode(w) != op { continue }
            if !allowUndefined && !FuzzGenerator.lifts(w) { continue }
            return w
        }
        return nil
    }

    /// One FP/SIMD data-processing, load/store or FPCR/FPSR unit.
    mutating func fpsimdUnit() -> FuzzUnit {
        let allowUndefined = rng.chance(0.02)
        switch rng.below(40) {
        case 0:   // msr fpcr, xT (a new rounding mode, FZ, DN... in the middle of a block)
            let t = UInt32(freeRegister(avoid: []))
            let v = randomFPCR()
            return FuzzUnit(insns: [FuzzInsn(word: 0xD2A0_0000 | UInt32(v >> 16) << 5 | t),   // movz xT, #v>>16, lsl #16
                                    FuzzInsn(word: 0xD51B_4400 | t)], label: "msr fpcr")
        case 1:   // mrs xT, fpsr / msr fpsr, xT (clears or keeps the flags)
            let t = UInt32(freeRegister(avoid: []))
            return FuzzUnit(insns: [FuzzInsn(word: 0xD53B_4420 | t),
                                    FuzzInsn(word: rng.chance(0.5) ? 0xD51B_4420 | 31 : 0xD51B_4420 | t)], label: "mrs/msr fpsr")
        case 2, 3, 4:
            return dataProcessing(rng.pick(FuzzGenerator.dataRegisterOps + FuzzGenerator.dataImmediateOps))
        default:
            break
        }
        while true {
            let op = rng.pick(FuzzGenerator.fpsimdOps)
            if !allowUndefined && FuzzGenerator.unlifted.contains(op) { continue }
            if FuzzGenerator.isFPSIMDMemory(op) {
                if let u = fpsimdMemory(op, allowUndefined: allowUndefined) { return u }
            } else if let w = fpsimdWord(op, allowUndefined: allowUndefined) {
                return FuzzUnit(insns: [FuzzInsn(word: w)], label: "\(op)")
            }
        }
    }

    /// An FP/SIMD load or store to the data area: a base register B set to
    /// x28 plus a multiple of 16 just before (the access may write B back), an
    /// offset register set to a small multiple of 16, immediates mostly
    /// multiples of 16 (Device memory: unaligned accesses fault).
    mutating func fpsimdMemory(_ op: A64Op, allowUndefined: Bool) -> FuzzUnit? {
        if op == .fpLdrLiteral {
            guard let w = fpsimdWord(op, allowUndefined: allowUndefined) else { return nil }
            let addr = Snippet.dataBase + UInt64(rng.below(Snippet.dataSize / 16)) * 16
            return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .literal(addr))], label: "\(op)")
        }
        let b = freeRegister(avoid: [])
        let m = freeRegister(avoid: [b])
        for _ in 0..<40 {
            var w = fill(op)
            w = FuzzGenerator.set(w, 5, 5, b)
            switch op {
            case .fpLdstRegOffset:
                w = FuzzGenerator.set(w, 16, 5, m)
            case .simdLdstMultiplePost, .simdLdstSinglePost:
                w = FuzzGenerator.set(w, 16, 5, rng.chance(0.5) ? 31 : m)
            case .fpLdstUnscaled, .fpLdstPost, .fpLdstPre:
                if rng.chance(0.9) { w &= ~(0xF << 12) }   // imm9 a multiple of 16
            default:
                break
            }
            if A64Decoder.decode(w) != op { continue }
            if !allowUndefined && !FuzzGenerator.lifts(w) { continue }
            let k = UInt32(rng.below(256)) * 16
            let sub: UInt32 = rng.chance(0.5) ? 0x4000_0000 : 0
            var insns = [FuzzInsn(word: 0x9100_0000 | sub | k << 10 | UInt32(FuzzGenerator.baseRegister) << 5 | UInt32(b))]   // add/sub xB, x28, #k
            insns.append(FuzzInsn(word: 0xD280_0000 | UInt32(rng.below(64)) << 9 | UInt32(m)))   // movz xM, #16*j
            insns.append(FuzzInsn(word: w))
            return FuzzUnit(insns: insns, label: "\(op)")
        }
        return nil
    }

    /// A program of about `length` instructions, mostly FP/SIMD (the last is `hlt #0xf000`).
    mutating func fpsimdProgram(length: Int) -> FuzzProgram {
        var regs = Array(0...30).filter { !reserved($0) }
        for i in stride(from: regs.count - 1, to: 0, by: -1) { regs.swapAt(i, rng.below(i + 1)) }
        pool = Array(regs.prefix(rng.int(3...10)))
        var units: [FuzzUnit] = []
        var count = 0
        while count < length - 1 {
            let u = fpsimdUnit()
            count += u.insns.count
            units.append(u)
        }
        units.append(FuzzUnit(insns: [FuzzInsn(word: Snippet.haltWord)], label: "halt"))
        var x = (0..<31).map { _ in value() }
        x[FuzzGenerator.baseRegister] = FuzzGenerator.dataMiddle
        var p = FuzzProgram(units: units, x: x, spEL0: value(), spEL1: value(),
                            nzcv: UInt64(rng.below(16)) << 28, spSel: 1, dataSeed: rng.next(), el: 1)
        p.fpEnabled = true
        p.fpcr = randomFPCR()
        p.v = (0..<64).map { _ in vectorHalf() }
        return p
    }

    static func generateFPSIMD(seed: UInt64) -> FuzzProgram {
        var g = FuzzGenerator(seed: seed)
        let length: Int
        switch g.rng.below(10) {
        case 0: length = g.rng.int(2...15)
        case 1: length = g.rng.int(97...200)
        default: length = g.rng.int(16...96)
        }
        return g.fpsimdProgram(length: length)
    }

    static let unlifted: Set<A64Op> = Set(unliftedOps())

    /// FP/SIMD operations none of whose words (of `tries` random fills) the lifter lifts.
    static func unliftedOps(tries: Int = 64) -> [A64Op] {
        var g = FuzzGenerator(seed: 0xF9)
        return fpsimdOps.filter { op in
            !(0..<tries).contains { _ in
                let w = g.fill(op)
                return A64Decoder.decode(w) == op && lifts(w)
            }
        }
    }
}
