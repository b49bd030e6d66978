import Foundation
import A64
import Engine
import EngineTestSupport

/// Differential fuzzing of two engine configurations: generate a program,
/// run it under both, compare the final states; on a divergence, minimize
/// the program (drop units one at a time while the divergence persists) and
/// describe it.
struct FuzzHarness {
    struct Config {
        var seed: UInt64 = 0x5EED_A64
        /// Generated instructions to run (the sum of the programs' lengths).
        var instructions = 100_000
        /// Stop at the first divergence (false: report every one, up to `maxDivergences`).
        var stopAtFirst = true
        var maxDivergences = 20
        var strict = false

        /// From the environment: ARMATURE_FUZZ_INSTRUCTIONS, ARMATURE_FUZZ_SEED,
        /// ARMATURE_FUZZ_KEEP_GOING=1 (report every divergence, not only the first).
        static func fromEnvironment(defaultInstructions: Int, seed: UInt64) -> Config {
            var c = Config()
            c.seed = seed
            c.instructions = defaultInstructions
            let env = ProcessInfo.processInfo.environment
            if let s = env["ARMATURE_FUZZ_INSTRUCTIONS"], let n = Int(s) { c.instructions = n }
            if let s = env["ARMATURE_FUZZ_SEED"] {
                if let n = UInt64(s) { c.seed = n } else if s.hasPrefix("0x"), let n = UInt64(s.dropFirst(2), radix: 16) { c.seed = n }
            }
            if env["ARMATURE_FUZZ_KEEP_GOING"] == "1" { c.stopAtFirst = false }
            return c
        }
    }

    struct Divergence {
        let programSeed: UInt64
        let original: FuzzProgram
        let minimized: FuzzProgram
        let a: SnippetState
        let b: SnippetState
        let nameA: String
        let nameB: String
        let differences: [String]

        /// What differs, for grouping divergences (field names only).
        var signature: String {
            differences.map { $0.split(separator: ":").first.map(String.init) ?? $0 }
                .filter { !$0.hasPrefix("  ") }.joined(separator: ",")
        }

        var report: String {
            var s = "=== divergence \(nameA) vs \(nameB): program seed 0x\(String(programSeed, radix: 16))"
            s += " (\(original.instructionCount) instructions; minimized to \(minimized.instructionCount))\n"
            s += "reproduce: ARMATURE_FUZZ_SEED=0x\(String(programSeed, radix: 16)) ARMATURE_FUZZ_INSTRUCTIONS=1 (the first program of a run is its seed's)\n"
            s += "--- minimized program (initial state: \(minimized.initialStateText))\n"
            s += minimized.listing() + "\n"
            s += "--- differences (\(nameA) != \(nameB))\n"
            s += differences.joined(separator: "\n") + "\n"
            s += "--- \(nameA) final state\n\(a.summary)\n--- \(nameB) final state\n\(b.summary)\n"
            s += "--- as Swift\n\(minimized.swiftLiteral)\n"
            if original.instructionCount <= 400 {
                s += "--- original program (initial state: \(original.initialStateText))\n" + original.listing() + "\n"
            }
            return s
        }
    }

    struct Summary {
        var programs = 0
        var generated = 0
        var executed: UInt64 = 0
        var halted = 0
        var endedInVector = 0
        var other = 0
        var seconds = 0.0
        var divergences: [Divergence] = []
        var labels: [String: Int] = [:]
        /// Blocks the second side's JIT compiled / left to the interpreter.
        var jitCompiled = 0
        var jitFallback = 0
        /// Programs whose two runs agree on the state but not on the instruction count.
        var countMismatches: [UInt64] = []

        var text: String {
            let ips = seconds > 0 ? Double(generated) / seconds : 0
            let eps = seconds > 0 ? Double(executed) / seconds : 0
            return "\(programs) programs, \(generated) generated instructions (\(executed) executed per engine), "
                + "\(halted) ran to the end, \(endedInVector) ended in an exception vector, \(other) otherwise; "
                + String(format: "%.1f s, %.0f generated (%.0f executed) instructions/s for the pair of runs", seconds, ips, eps)
                + (jitCompiled + jitFallback > 0 ? "; JIT blocks: \(jitCompiled) compiled, \(jitFallback) interpreted" : "")
                + (countMismatches.isEmpty ? "" : "; instruction counts differ on \(countMismatches.count) program(s), e.g. seed 0x\(String(countMismatches[0], radix: 16))")
                + "; \(divergences.count) divergence(s)"
        }
    }

    /// One side of the comparison: an engine configuration or an oracle.
    struct Side {
        let name: String
        let run: (FuzzProgram) -> SnippetState
    }

    let config: Config
    let a: Side
    let b: Side
    /// The differences that count (default: every field of the state).
    var compare: (SnippetState, SnippetState) -> [String] = { $0.differences(from: $1) }
    /// Compare the engines' instruction counts too (reported apart, not a divergence).
    var countInstructions = true
    /// Makes program `seed` (default: `generate(seed:strict:)`).
    var generator: (UInt64) -> FuzzProgram

    init(config: Config, a: Side, b: Side) {
        self.config = config
        self.a = a
        self.b = b
        let strict = config.strict
        generator = { FuzzHarness.generate(seed: $0, strict: strict) }
    }

    /// Compares two engine configurations.
    init(config: Config, a: (String, EngineOptions), b: (String, EngineOptions)) {
        self.init(config: config, a: FuzzHarness.engine(a.0, a.1), b: FuzzHarness.engine(b.0, b.1))
    }

    static func engine(_ name: String, _ options: EngineOptions) -> Side {
        Side(name: name) { p in
            SnippetRunner.run(p.snippet(), options: options, budget: 16 * p.instructionCount + 256, timeoutSeconds: 20)
        }
    }

    /// `reference`: the IR interpreter rather than the threaded one (interp only).
    static func options(_ kind: EngineKind, optimize: Bool, reference: Bool = false) -> EngineOptions {
        var o = EngineOptions()
        o.kind = kind
        o.optimize = optimize
        o.referenceInterpreter = reference
        return o
    }

    /// The seed of program `i` of a run with seed `seed` (program 0 has the run's seed).
    static func programSeed(_ seed: UInt64, _ i: Int) -> UInt64 {
        if i == 0 { return seed }
        var r = FuzzRNG(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
        return r.next()
    }

    static func generate(seed: UInt64, strict: Bool) -> FuzzProgram {
        var g = FuzzGenerator(seed: seed)
        g.strict = strict
        // Lengths: mostly 16-96, some long, some very short.
        let length: Int
        switch g.rng.below(10) {
        case 0: length = g.rng.int(2...15)
        case 1, 2: length = g.rng.int(97...300)
        default: length = g.rng.int(16...96)
        }
        return g.program(length: length)
    }

    func diverges(_ p: FuzzProgram) -> (SnippetState, SnippetState)? {
        let sa = a.run(p), sb = b.run(p)
        return compare(sa, sb).isEmpty ? nil : (sa, sb)
    }

    /// Runs until `config.instructions` generated instructions have run under both.
    func run(log: (String) -> Void = { print($0) }) -> Summary {
        var sum = Summary()
        let start = Date()
        var i = 0
        while sum.generated < config.instructions {
            let seed = FuzzHarness.programSeed(config.seed, i)
            i += 1
            let p = generator(seed)
            let sa = a.run(p), sb = b.run(p)
            sum.programs += 1
            sum.generated += p.instructionCount
            sum.executed += sa.instructions
            sum.jitCompiled += sb.jitCompiledBlocks
            sum.jitFallback += sb.jitFallbackBlocks
            for u in p.units { sum.labels[u.label, default: 0] += 1 }
            switch sa.exit {
            case .halted: if sa.endedInVector { sum.endedInVector += 1 } else { sum.halted += 1 }
            default: sum.other += 1
            }
            if countInstructions && sa.instructions != sb.instructions && compare(sa, sb).isEmpty {
                sum.countMismatches.append(seed)
            }
            if !compare(sa, sb).isEmpty {
                let m = minimize(p)
                let d = Divergence(programSeed: seed, original: p, minimized: m.program, a: m.a, b: m.b,
                                   nameA: a.name, nameB: b.name, differences: compare(m.a, m.b))
                sum.divergences.append(d)
                log(d.report)
                if config.stopAtFirst || sum.divergences.count >= config.maxDivergences { break }
            }
        }
        sum.seconds = Date().timeIntervalSince(start)
        return sum
    }

    /// Drops units (never the final halt) one at a time while the programs
    /// still diverge, to a fixed point; then zeroes initial registers that do
    /// not matter.
    func minimize(_ p0: FuzzProgram) -> (program: FuzzProgram, a: SnippetState, b: SnippetState) {
        var p = p0
        guard var last = diverges(p) else {
            // Not reproducible (should not happen: runs are deterministic).
            return (p, a.run(p), b.run(p))
        }
        var changed = true
        var rounds = 0
        while changed && rounds < 8 {
            changed = false
            rounds += 1
            var i = p.units.count - 2
            while i >= 0 {
                let q = FuzzHarness.removingUnit(i, from: p)
                if let d = diverges(q) {
                    p = q
                    last = d
                    changed = true
                }
                // A removal may take more than one unit (a code patch goes with
                // its target): never reach the final halt.
                i = min(i - 1, p.units.count - 2)
            }
        }
        for r in 0..<31 where r != FuzzGenerator.baseRegister && p.x[r] != 0 {
            var q = p
            q.x[r] = 0
            if let d = diverges(q) { p = q; last = d }
        }
        for field in 0..<3 {
            var q = p
            switch field {
            case 0: if q.spEL0 == 0 { continue }; q.spEL0 = 0
            case 1: if q.spEL1 == 0 { continue }; q.spEL1 = 0
            default: if q.nzcv == 0 { continue }; q.nzcv = 0
            }
            if let d = diverges(q) { p = q; last = d }
        }
        return (p, last.0, last.1)
    }

    /// The program without unit `i` (and without the code patches that
    /// overwrite it): branches to a removed unit now go to the unit after it.
    static func removingUnit(_ i: Int, from p: FuzzProgram) -> FuzzProgram {
        var removed: Set<Int> = [i]
        for (j, u) in p.units.enumerated() where u.patchTarget == i { removed.insert(j) }
        var q = p
        q.units = p.units.enumerated().filter { !removed.contains($0.offset) }.map { $0.element }
        func shift(_ t: Int) -> Int { t - removed.filter { $0 < t }.count }
        for u in 0..<q.units.count {
            if let t = q.units[u].patchTarget { q.units[u].patchTarget = shift(t) }
            for j in 0..<q.units[u].insns.count {
                switch q.units[u].insns[j].fixup {
                case .branch26(let t): q.units[u].insns[j].fixup = .branch26(shift(t))
                case .branch19(let t): q.units[u].insns[j].fixup = .branch19(shift(t))
                case .branch14(let t): q.units[u].insns[j].fixup = .branch14(shift(t))
                case .adr(let t): q.units[u].insns[j].fixup = .adr(shift(t))
                default: break
                }
            }
        }
        return q
    }
}
