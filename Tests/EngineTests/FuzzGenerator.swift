import A64
import Engine
import EngineTestSupport
import Machine
import TestRandom

/// SplitMix64: a seed names one program.
struct FuzzRNG: SplitMixGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    /// Uniform in the closed range.
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
    /// Index chosen with the given weights.
    mutating func weighted(_ w: [Int]) -> Int {
        var r = below(w.reduce(0, +))
        for (i, x) in w.enumerated() { if r < x { return i }; r -= x }
        return w.count - 1
    }
}

/// One generated instruction word and, where its bits depend on the layout,
/// what to fill in once every unit has an address.
struct FuzzInsn: Sendable {
    enum Fixup: Sendable {
        case none
        /// A PC-relative branch to the start of unit `target`: B/BL (imm26),
        /// B.cond/CBZ/CBNZ (imm19), TBZ/TBNZ (imm14).
        case branch26(Int), branch19(Int), branch14(Int)
        /// ADR to the start of unit `target` (for BR/BLR/RET).
        case adr(Int)
        /// LDR/LDRSW/PRFM (literal) of an absolute address (a multiple of 4).
        case literal(UInt64)
    }
    var word: UInt32
    var fixup: Fixup = .none

    /// A fixup to a unit (those cannot sit inside a loop unit's body).
    var isBranch: Bool {
        switch fixup {
        case .none, .literal: return false
        default: return true
        }
    }
}

/// A unit: set-up instructions and the instruction under test. Branches only
/// target unit starts, so a unit's set-up always runs before its instruction.
struct FuzzUnit: Sendable {
    var insns: [FuzzInsn]
    /// What the unit exercises (for statistics), e.g. "ldstPre".
    var label: String
    /// For a code patch: the unit whose (single, data-processing) instruction it overwrites.
    var patchTarget: Int? = nil
}

/// A generated program: units (the last one is the final `hlt #0xf000`) and
/// the machine's initial state.
struct FuzzProgram: Sendable {
    var units: [FuzzUnit]
    var x: [UInt64]
    var spEL0: UInt64
    var spEL1: UInt64
    var nzcv: UInt64
    var spSel: UInt64
    var dataSeed: UInt64
    /// The exception level the program starts at (0 or 1).
    var el = 1
    /// Where the code starts (sometimes just before a page boundary).
    var codeAddress = Snippet.codeBase
    /// V0...V31 as (low, high) pairs, FPCR, and whether FP/SIMD is enabled
    /// (CPACR_EL1.FPEN); FuzzGenerator+FPSIMD.swift sets them.
    var v: [UInt64] = []
    var fpcr: UInt64 = 0
    var fpEnabled = false

    var instructionCount: Int { units.reduce(0) { $0 + $1.insns.count } }

    /// The words with branch and literal offsets filled in for the layout.
    func words() -> [UInt32] {
        var starts: [UInt64] = []
        var pc = codeAddress
        for u in units { starts.append(pc); pc += UInt64(u.insns.count * 4) }
        starts.append(pc)
        var out: [UInt32] = []
        pc = codeAddress
        for u in units {
            for i in u.insns {
                out.append(FuzzProgram.resolve(i, pc: pc, starts: starts))
                pc += 4
            }
        }
        return out
    }

    static func resolve(_ i: FuzzInsn, pc: UInt64, starts: [UInt64]) -> UInt32 {
        func words(to addr: UInt64) -> Int64 { (Int64(bitPattern: addr) - Int64(bitPattern: pc)) >> 2 }
        func field(_ v: Int64, _ lo: Int, _ width: Int) -> UInt32 {
            (UInt32(truncatingIfNeeded: v) & ((1 << UInt32(width)) - 1)) << UInt32(lo)
        }
        let target = { (u: Int) in starts[min(u, starts.count - 2)] }
        switch i.fixup {
        case .none: return i.word
        case .branch26(let u): return (i.word & ~0x03FF_FFFF) | field(words(to: target(u)), 0, 26)
        case .branch19(let u): return (i.word & ~(0x7FFFF << 5)) | field(words(to: target(u)), 5, 19)
        case .branch14(let u): return (i.word & ~(0x3FFF << 5)) | field(words(to: target(u)), 5, 14)
        case .literal(let addr): return (i.word & ~(0x7FFFF << 5)) | field(words(to: addr), 5, 19)
        case .adr(let u):
            let off = Int64(bitPattern: target(u)) - Int64(bitPattern: pc)
            return (i.word & ~(0x6000_0000 | 0x7FFFF << 5)) | field(off & 3, 29, 2) | field(off >> 2, 5, 19)
        }
    }

    /// The snippet to run: code, registers and the data area.
    func snippet() -> Snippet {
        var s = Snippet(code: words(), x: x, data: FuzzProgram.data(seed: dataSeed))
        s.spEL0 = spEL0
        s.spEL1 = spEL1
        s.nzcv = nzcv
        s.spSel = spSel
        s.el = el
        s.codeAddress = codeAddress
        s.v = v
        s.fpcr = fpcr
        s.fpEnabled = fpEnabled
        return s
    }

    /// The data area's initial bytes: 8-byte words that are small, edge values,
    /// repeats of a few values (so compare-and-swaps sometimes match) or random.
    static func data(seed: UInt64) -> [UInt8] {
        var rng = FuzzRNG(seed: seed ^ 0xDA7A_DA7A)
        let few = (0..<4).map { _ in rng.next() }
        var out = [UInt8](repeating: 0, count: Snippet.dataSize)
        out.withUnsafeMutableBytes { raw in
            for i in 0..<(Snippet.dataSize / 8) {
                let v: UInt64
                switch rng.below(8) {
                case 0: v = 0
                case 1: v = UInt64(rng.below(256))
                case 2: v = rng.pick(FuzzGenerator.edgeValues)
                case 3: v = few[rng.below(few.count)]
                default: v = rng.next()
                }
                raw.storeBytes(of: v, toByteOffset: i * 8, as: UInt64.self)
            }
        }
        return out
    }

    /// Disassembly of the laid-out program, unit labels as comments.
    func listing() -> String {
        let w = words()
        var lines: [String] = []
        var k = 0
        for (ui, u) in units.enumerated() {
            for j in 0..<u.insns.count {
                let pc = codeAddress + UInt64(k * 4)
                var line = A64Disassembler.disassemble(words: [w[k]], startPC: pc)[0]
                if j == u.insns.count - 1 { line += "    ; unit \(ui) \(u.label)" }
                lines.append(line)
                k += 1
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The initial state as text (registers that are not zero).
    var initialStateText: String {
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        var parts = x.enumerated().filter { $0.element != 0 }.map { "x\($0.offset)=\(h($0.element))" }
        parts.append("sp_el0=\(h(spEL0)) sp_el1=\(h(spEL1)) nzcv=\(h(nzcv >> 28)) spsel=\(spSel) el=\(el) code=\(h(codeAddress)) dataSeed=\(h(dataSeed))")
        if fpEnabled {
            parts.append("fpcr=\(h(fpcr))")
            parts += stride(from: 0, to: v.count - 1, by: 2).filter { v[$0] != 0 || v[$0 + 1] != 0 }
                .map { "v\($0 / 2)=\(h(v[$0 + 1])):\(h(v[$0]))" }
        }
        return parts.joined(separator: " ")
    }

    /// Swift source that rebuilds the snippet (for a regression test).
    var swiftLiteral: String {
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        let code = words().map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
        let regs = x.map(h).joined(separator: ", ")
        return """
            var s = Snippet(code: [\(code)],
                            x: [\(regs)],
                            data: FuzzProgram.data(seed: \(h(dataSeed))))
            s.spEL0 = \(h(spEL0)); s.spEL1 = \(h(spEL1)); s.nzcv = \(h(nzcv)); s.spSel = \(spSel); s.el = \(el); s.codeAddress = \(h(codeAddress))
            """ + (fpEnabled ? "\ns.fpEnabled = true; s.fpcr = \(h(fpcr)); s.v = [\(v.map(h).joined(separator: ", "))]" : "")
    }
}

/// Generates random valid A64 programs from the decoder table: each unit
/// picks an operation, fills the free bits of one of its table lines at
/// random, and constrains what must be constrained so the program is safe:
///
/// - x28 holds the middle of the data area and is never written (a
///   destination field that says 28 is redrawn); memory instructions use x28
///   or a copy of it made just before (`add xN|sp, x28, #k`), with offsets
///   chosen so every access lies in the data area, aligned (unaligned only
///   in a deliberately faulting unit);
/// - branches go forward to unit starts; BR/BLR/RET get their target from an
///   ADR just before them;
/// - no WFI/WFE, ERET, writes to SCTLR_EL1/VBAR_EL1, reads of the counters,
///   or `hlt #0xf000` before the end.
///
/// A program may hold one deliberately faulting unit (unaligned or unmapped
/// access, an exception-generating, UNDEFINED or unallocated instruction):
/// the exception ends the run at its vector.
struct FuzzGenerator {
    static let dataMiddle = Snippet.dataBase + UInt64(Snippet.dataSize / 2)
    static let baseRegister = 28

    static let edgeValues: [UInt64] = [
        0, 1, 2, 3, 31, 32, 63, 64, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_8000_0000,
        0x0000_0000_FFFF_FFFE, 0x5555_5555_5555_5555, 0xAAAA_AAAA_AAAA_AAAA,
    ]

    /// Avoid CONSTRAINED UNPREDICTABLE encodings (writeback to a transferred
    /// register, LDP/LDXP to one register twice, STXR status = data or base).
    var strict = false
    /// Only user-level instructions (no system instructions), for oracles that
    /// do not model the system registers.
    var userOnly = false
    /// No LDSMAX/LDSMIN (Unicorn 2.1's QEMU does not sign-extend their operands).
    var avoidSignedMinMax = false
    /// Probability that a program runs at EL0 (system instructions then mostly UNDEFINED).
    var el0Probability = 0.2
    /// Probability that a program holds one deliberately faulting unit.
    var faultProbability = 0.3

    var rng: FuzzRNG
    /// Registers this program mostly uses (data dependencies between units).
    var pool: [Int] = []   // also read by FuzzGenerator+Memory.swift
    /// The exception level of the program being generated.
    private var programEL = 1
    /// The loop counter of this program's loops (never written elsewhere), if it has loops.
    private(set) var loopRegister: Int? = nil

    /// x28 (the data base) and the loop counter are never written by generated instructions.
    func reserved(_ r: Int) -> Bool { r == FuzzGenerator.baseRegister || r == loopRegister }

    init(seed: UInt64) { rng = FuzzRNG(seed: seed) }

    // MARK: - Programs

    /// A program of about `length` instructions (the last is `hlt #0xf000`).
    mutating func program(length: Int) -> FuzzProgram {
        let el = rng.chance(el0Probability) ? 0 : 1
        programEL = el
        loopRegister = rng.chance(0.5) ? rng.pick([27, 26, 19, 9]) : nil
        var regs = Array(0...30).filter { !reserved($0) }
        for i in stride(from: regs.count - 1, to: 0, by: -1) { regs.swapAt(i, rng.below(i + 1)) }
        pool = Array(regs.prefix(rng.int(3...10)))

        for k in Kind.allCases {
            let scale = [0, 1, 2, 2, 2, 4][rng.below(6)]
            weights[k] = FuzzGenerator.kindWeights[k]! * scale / 2
        }
        weights[.dataRegister] = max(weights[.dataRegister]!, 1)
        if el == 0 { weights[.system] = weights[.system]! / 4 }

        var units: [FuzzUnit] = []
        var count = 0
        let faultAt = rng.chance(faultProbability) ? rng.below(max(1, length)) : -1
        var faultPlaced = false
        while count < length - 1 {
            var u: FuzzUnit
            if !faultPlaced && count >= faultAt && faultAt >= 0 {
                u = faultingUnit(index: units.count)
                if loopRegister != nil && rng.chance(0.3) && !u.insns.contains(where: { $0.isBranch }) {
                    u = loop(fault: u)
                }
                faultPlaced = true
            } else {
                u = unit(index: units.count)
            }
            count += u.insns.count
            units.append(u)
        }
        // A patch's target must be one data-processing instruction: replace the
        // unit there with one (or drop the patch when it points past the end).
        let patchable = Set((FuzzGenerator.dataImmediateOps + FuzzGenerator.dataRegisterOps).map { "\($0)" })
        for i in 0..<units.count {
            guard let t = units[i].patchTarget else { continue }
            if t >= units.count || units[t].patchTarget != nil {
                units[i] = dataProcessing(rng.pick(FuzzGenerator.dataRegisterOps))
            } else if !(units[t].insns.count == 1 && patchable.contains(units[t].label)) {
                units[t] = dataProcessing(rng.pick(FuzzGenerator.dataRegisterOps))
            }
        }
        units.append(FuzzUnit(insns: [FuzzInsn(word: Snippet.haltWord)], label: "halt"))
        // Branch targets past the end go to the final halt.
        let last = units.count - 1
        for i in 0..<units.count {
            for j in 0..<units[i].insns.count {
                switch units[i].insns[j].fixup {
                case .branch26(let t): units[i].insns[j].fixup = .branch26(min(t, last))
                case .branch19(let t): units[i].insns[j].fixup = .branch19(min(t, last))
                case .branch14(let t): units[i].insns[j].fixup = .branch14(min(t, last))
                case .adr(let t): units[i].insns[j].fixup = .adr(min(t, last))
                default: break
                }
            }
        }

        var x = (0..<31).map { _ in value() }
        x[FuzzGenerator.baseRegister] = FuzzGenerator.dataMiddle
        var p = FuzzProgram(units: units, x: x, spEL0: value(), spEL1: value(),
                            nzcv: UInt64(rng.below(16)) << 28, spSel: el == 0 ? 0 : (rng.chance(0.8) ? 1 : 0),
                            dataSeed: rng.next(), el: el)
        // A quarter of the programs straddle a page boundary (blocks end at a page's end).
        if rng.chance(0.25) {
            let n = p.instructionCount
            p.codeAddress = Snippet.codeBase + 0x1000 * UInt64(rng.int(1...8)) - 4 * UInt64(rng.int(1...max(1, n)))
        }
        return p
    }

    /// A register value: edge values, small numbers, data-area addresses, random.
    mutating func value() -> UInt64 {
        switch rng.below(8) {
        case 0, 1: return rng.pick(FuzzGenerator.edgeValues)
        case 2: return UInt64(rng.below(100))
        case 3: return UInt64(bitPattern: Int64(rng.int(-100...100)))
        case 4: return FuzzGenerator.dataMiddle &+ UInt64(bitPattern: Int64(rng.int(-32768...32767)))
        case 5: return UInt64(rng.word())
        default: return rng.next()
        }
    }

    // MARK: - Units

    enum Kind: CaseIterable {
        case dataImmediate, dataRegister, branch, loadStore, loadStorePair, exclusive,
             acquireRelease, atomic, compareAndSwap, literal, system, loop, codePatch
    }
    static let kindWeights: [Kind: Int] = [
        .dataImmediate: 22, .dataRegister: 28, .branch: 12, .loadStore: 14, .loadStorePair: 6,
        .exclusive: 3, .acquireRelease: 2, .atomic: 3, .compareAndSwap: 2, .literal: 2, .system: 4, .loop: 3, .codePatch: 1,
    ]
    /// This program's weights: the defaults, each scaled by 0, 1/2, 1 or 2
    /// (programs without branches have long blocks, some are all memory...).
    private var weights = FuzzGenerator.kindWeights

    static let dataImmediateOps: [A64Op] = [
        .adr, .adrp, .addImm, .addsImm, .subImm, .subsImm, .andImm, .orrImm, .eorImm, .andsImm,
        .movn, .movz, .movk, .sbfm, .bfm, .ubfm, .extr,
    ]
    static let dataRegisterOps: [A64Op] = [
        .logicalShifted, .addSubShifted, .addSubExtended, .addSubCarry, .condCompareReg, .condCompareImm,
        .condSelect, .madd, .msub, .smaddl, .smsubl, .smulh, .umaddl, .umsubl, .umulh, .udiv, .sdiv,
        .lslv, .lsrv, .asrv, .rorv, .crc32, .rbit, .rev16, .rev, .clz, .cls,
    ]
    static let loadStoreOps: [A64Op] = [.ldstUnscaled, .ldstPost, .ldstUnpriv, .ldstPre, .ldstRegOffset, .ldstUnsigned]
    static let pairOps: [A64Op] = [.stnp, .ldnp, .stpPost, .ldpPost, .ldpswPost, .stpOffset, .ldpOffset,
                                   .ldpswOffset, .stpPre, .ldpPre, .ldpswPre]
    static let exclusiveOps: [A64Op] = [.stxr, .stlxr, .ldxr, .ldaxr, .stxp, .stlxp, .ldxp, .ldaxp]

    mutating func unit(index: Int, inLoop: Bool = false) -> FuzzUnit {
        var kinds = Kind.allCases
        if inLoop || loopRegister == nil { kinds.removeAll { $0 == .loop } }
        if inLoop { kinds.removeAll { $0 == .branch || $0 == .literal } }
        if userOnly { kinds.removeAll { $0 == .system } }
        if inLoop || userOnly { kinds.removeAll { $0 == .codePatch } }
        let k = kinds[rng.weighted(kinds.map { weights[$0]! })]
        switch k {
        case .dataImmediate: return dataProcessing(rng.pick(FuzzGenerator.dataImmediateOps))
        case .dataRegister: return dataProcessing(rng.pick(FuzzGenerator.dataRegisterOps))
        case .branch: return branch(index: index)
        case .loadStore: return loadStore(rng.pick(FuzzGenerator.loadStoreOps), fault: nil)
        case .loadStorePair: return loadStorePair(rng.pick(FuzzGenerator.pairOps), fault: nil)
        case .exclusive: return exclusive(fault: nil)
        case .acquireRelease: return acquireRelease(fault: nil)
        case .atomic: return atomic(fault: nil)
        case .compareAndSwap: return compareAndSwap(fault: nil)
        case .literal: return literal(fault: false)
        case .system: return system(faulting: false)
        case .loop: return loop()
        case .codePatch: return codePatch(index: index)
        }
    }

    /// A store of a new data-processing instruction over a later unit's
    /// instruction (often the next one, in the same block): `adr xA, unit;
    /// movz/movk wV, #word; str wV, [xA]`. Self-modifying code: the engines
    /// must drop the stale translation, even of the block running the store.
    mutating func codePatch(index: Int) -> FuzzUnit {
        let a = freeRegister(avoid: [])
        let v = freeRegister(avoid: [a])
        let ops = FuzzGenerator.dataImmediateOps + FuzzGenerator.dataRegisterOps
        let word = dataProcessing(rng.pick(ops)).insns[0].word
        let target = index + 1 + (rng.chance(0.5) ? 0 : rng.below(4))
        var insns = [FuzzInsn(word: 0x1000_0000 | UInt32(a), fixup: .adr(target))]
        insns.append(FuzzInsn(word: 0x5280_0000 | (word & 0xFFFF) << 5 | UInt32(v)))           // movz wV, #lo
        insns.append(FuzzInsn(word: 0x72A0_0000 | (word >> 16) << 5 | UInt32(v)))             // movk wV, #hi, lsl #16
        // The store: a plain one, or one done by a helper (atomic, exclusive).
        let (ra, rv) = (UInt32(a), UInt32(v))
        let how: String
        switch rng.below(5) {
        case 0:
            insns.append(FuzzInsn(word: 0x889F_FC00 | ra << 5 | rv))               // stlr wV, [xA]
            how = "stlr"
        case 1:
            insns.append(FuzzInsn(word: 0xB820_8000 | rv << 16 | ra << 5 | 31))     // swp wV, wzr, [xA]
            how = "swp"
        case 2:
            let t = UInt32(freeRegister(avoid: [a, v]))
            insns.append(FuzzInsn(word: 0x885F_7C00 | ra << 5 | t))               // ldxr wT, [xA]
            insns.append(FuzzInsn(word: 0x8800_7C00 | t << 16 | ra << 5 | rv))     // stxr wT, wV, [xA]
            how = "ldxr/stxr"
        default:
            insns.append(FuzzInsn(word: 0xB900_0000 | ra << 5 | rv))               // str wV, [xA]
            how = "str"
        }
        return FuzzUnit(insns: insns, label: "code patch (\(how))", patchTarget: target)
    }

    /// A counted loop (2-6 iterations) as one unit: `movz xL, #n`, a body of
    /// safe units and short forward skips inside it, `subs xL, xL, #1; b.ne body`.
    /// Loops run blocks more than once (chained branches, the jump cache).
    mutating func loop(fault: FuzzUnit? = nil) -> FuzzUnit {
        let l = UInt32(loopRegister!)
        let n = rng.int(2...6)
        var insns = [FuzzInsn(word: 0xD280_0000 | UInt32(n) << 5 | l)]
        let bodyStart = insns.count
        func add(_ words: [UInt32]) { insns += words.map { FuzzInsn(word: $0) } }
        let parts = rng.int(1...5)
        let faultAt = fault == nil ? -1 : rng.below(parts + 1)
        for part in 0...parts {
            if part == faultAt, let f = fault {
                // The faulting unit runs when the counter reaches k (a later
                // iteration, in chained code): cmp xL, #k; b.ne past it.
                let k = UInt32(rng.int(1...(n - 1)))
                add([0xF100_001F | k << 10 | l << 5, 0x5400_0001 | UInt32(f.insns.count + 1) << 5])
                insns += f.insns
            }
            if part == parts { break }
            switch rng.below(8) {
            case 0:
                // A skip over the next instruction: B.cond, CBZ/CBNZ, TBZ/TBNZ (+8), or ADR+BR.
                switch rng.below(4) {
                case 0: add([0x5400_0040 | UInt32(rng.below(16))])
                case 1: add([(rng.chance(0.5) ? 0xB400_0040 : 0x3500_0040) | UInt32(reg())])
                case 2: add([0x3600_0040 | UInt32(rng.below(2)) << 31 | UInt32(rng.below(32)) << 19
                             | (rng.chance(0.5) ? 1 << 24 : 0) | UInt32(reg())])
                default:
                    var r = dest()
                    if r == 31 { r = 30 }
                    add([0x1000_0000 | 3 << 5 | UInt32(r), 0xD61F_0000 | UInt32(r) << 5])   // adr xr, .+12; br xr
                }
                add(dataProcessing(rng.pick(FuzzGenerator.dataRegisterOps)).insns.map { $0.word })
            case 1 where !userOnly && programEL == 1:
                // MSR SPSel, #0/#1 (ends the block; the same code then runs in
                // another context): only at EL1, where it is allowed.
                if rng.chance(0.5) {
                    add([0xD500_401F | UInt32(rng.below(2)) << 8 | 0 << 16 | 5 << 5])
                } else {
                    add(unit(index: 0, inLoop: true).insns.map { $0.word })
                }
            default:
                insns += unit(index: 0, inLoop: true).insns
            }
        }
        add([0xF100_0400 | l << 5 | l])   // subs xL, xL, #1
        let back = Int64(bodyStart) - Int64(insns.count)
        add([0x5400_0001 | (UInt32(truncatingIfNeeded: back) & 0x7FFFF) << 5])   // b.ne body
        return FuzzUnit(insns: insns, label: fault == nil ? "loop" : "loop with " + fault!.label)
    }

    /// How a memory unit should fault.
    enum MemoryFault { case unaligned, unmapped }

    mutating func faultingUnit(index: Int) -> FuzzUnit {
        let fault: MemoryFault = rng.chance(0.6) ? .unaligned : .unmapped
        switch rng.below(13) {
        case 12: return wildBranch()
        case 0, 1: return loadStore(rng.pick(FuzzGenerator.loadStoreOps), fault: fault)
        case 2: return loadStorePair(rng.pick(FuzzGenerator.pairOps), fault: fault)
        case 3: return exclusive(fault: fault)
        case 4: return acquireRelease(fault: fault)
        case 5: return atomic(fault: fault)
        case 6: return compareAndSwap(fault: fault)
        case 7: return literal(fault: true)
        case 8: return exceptionGenerating()
        case 9: return system(faulting: true)
        case 10:
            // A word the decoder calls unallocated (UNDEFINED).
            while true {
                let w = rng.word()
                if A64Decoder.decode(w) == .unallocated { return FuzzUnit(insns: [FuzzInsn(word: w)], label: "unallocated") }
            }
        default:
            return dcZeroVA()
        }
    }

    // MARK: - Fields

    /// A random word of one of `op`'s table lines.
    mutating func fill(_ op: A64Op) -> UInt32 {
        let lines = FuzzGenerator.lines[op]!
        let line = lines[rng.below(lines.count)]
        return (rng.word() & ~line.mask) | line.value
    }

    static let lines: [A64Op: [A64Encoding]] = Dictionary(grouping: A64Decoder.table, by: { $0.op })

    /// A register number: mostly from the program's pool, sometimes any (31 included).
    mutating func reg() -> Int { rng.chance(0.75) ? rng.pick(pool) : rng.below(32) }
    /// A destination register: never x28.
    mutating func dest() -> Int {
        while true { let r = reg(); if !reserved(r) { return r } }
    }

    static func set(_ w: UInt32, _ lo: Int, _ width: Int, _ v: Int) -> UInt32 {
        let m = UInt32((UInt64(1) << UInt64(width)) - 1) << UInt32(lo)
        return (w & ~m) | ((UInt32(truncatingIfNeeded: v) << UInt32(lo)) & m)
    }

    // MARK: - Data processing

    static let opsWithRm: Set<A64Op> = [
        .extr, .logicalShifted, .addSubShifted, .addSubExtended, .addSubCarry, .condCompareReg, .condSelect,
        .madd, .msub, .smaddl, .smsubl, .smulh, .umaddl, .umsubl, .umulh, .udiv, .sdiv, .lslv, .lsrv,
        .asrv, .rorv, .crc32,
    ]
    static let opsWithRa: Set<A64Op> = [.madd, .msub, .smaddl, .smsubl, .umaddl, .umsubl]
    static let opsWithoutRn: Set<A64Op> = [.adr, .adrp, .movn, .movz, .movk]
    static let opsWithoutRd: Set<A64Op> = [.condCompareReg, .condCompareImm]

    mutating func dataProcessing(_ op: A64Op) -> FuzzUnit {
        while true {
            var w = fill(op)
            if !FuzzGenerator.opsWithoutRd.contains(op) { w = FuzzGenerator.set(w, 0, 5, dest()) }
            if !FuzzGenerator.opsWithoutRn.contains(op) { w = FuzzGenerator.set(w, 5, 5, reg()) }
            if FuzzGenerator.opsWithRm.contains(op) { w = FuzzGenerator.set(w, 16, 5, reg()) }
            if FuzzGenerator.opsWithRa.contains(op) { w = FuzzGenerator.set(w, 10, 5, reg()) }
            if op == .smulh || op == .umulh { w = FuzzGenerator.set(w, 10, 5, 31) }   // Ra is (1)(1)(1)(1)(1)
            if A64Decoder.decode(w) == op { return FuzzUnit(insns: [FuzzInsn(word: w)], label: "\(op)") }
        }
    }
}
