import Foundation
import TestRandom

/// Random mutation of untrusted inputs (ELF files, block traces, option
/// strings, semihosting parameters): a seeded generator, the number of cases
/// to run, and mutations that favour the values parsers get wrong (sizes and
/// offsets at 0, at the file's length, near 2^63 and 2^64).
///
/// Each fuzz test runs `inputFuzzIterations(quick:)` (TestRandom) cases: a few thousand in
/// `swift test`, `ARMATURE_INPUT_FUZZ=N` cases each when set, 1,000,000 with
/// `ARMATURE_INPUT_FUZZ_SLOW=1`. `ARMATURE_INPUT_FUZZ_SEED` changes the seed.
/// Every test prints the count it ran ("fuzz ELF: 3000 cases").
/// SplitMix64 (`SplitMixGenerator`) from a seed.
struct InputFuzz: SplitMixGenerator {
    var state: UInt64

    init(salt: UInt64) {
        let env = ProcessInfo.processInfo.environment
        let seed = env["ARMATURE_INPUT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_F00D
        state = seed ^ salt
    }

    static func report(_ what: String, _ count: Int) {
        print("fuzz \(what): \(count) cases")
    }

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// A value a size, offset or count field should be tested with.
    mutating func interestingValue(fileSize: Int) -> UInt64 {
        let f = UInt64(fileSize)
        let choices: [UInt64] = [0, 1, 2, 7, 8, 23, 24, 55, 56, 63, 64, 0xFF, 0xFFFF, 0xFFFF_FFFF,
                                 f, f &- 1, f &+ 1, f &- 24, 1 << 31, 1 << 32, 1 << 40,
                                 UInt64(Int64.max), 1 << 63, UInt64.max, UInt64.max - 7, UInt64.max - 63]
        return below(4) == 0 ? next() : choices[below(choices.count)]
    }

    /// One to four mutations of `bytes`: bit flips, random bytes, a field of
    /// 2, 4 or 8 bytes set to an interesting value (at an offset aligned to the
    /// field, where ELF and trace fields are), truncation, or appended bytes.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        for _ in 0...below(4) {
            switch below(6) {
            case 0 where !b.isEmpty:
                b[below(b.count)] ^= UInt8(1) << UInt8(below(8))
            case 1 where !b.isEmpty:
                b[below(b.count)] = UInt8(truncatingIfNeeded: next())
            case 2, 3:
                let width = [2, 4, 8][below(3)]
                guard b.count >= width else { continue }
                // Mostly inside the headers, where the sizes and offsets are.
                let span = below(2) == 0 ? min(b.count, 256) : b.count
                let o = (below(span - width + 1) / width) * width
                let v = interestingValue(fileSize: b.count)
                for i in 0..<width { b[o + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * i)) }
            case 4:
                b.removeLast(below(b.count + 1))
            default:
                for _ in 0..<below(64) { b.append(UInt8(truncatingIfNeeded: next())) }
            }
        }
        return b
    }
}
