import Foundation

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", 2014): the seeded generator of the randomized tests, so that
/// a seed names one run. A generator with more methods of its own conforms
/// with its `state`.
public protocol SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64 { get set }
}

extension SplitMixGenerator {
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func word() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
}

/// The plain generator.
public struct SplitMix64: SplitMixGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
}

/// How many cases an input fuzz test runs: `quick` in `swift test`,
/// `ARMATURE_INPUT_FUZZ=N` cases when set, 1,000,000 with
/// `ARMATURE_INPUT_FUZZ_SLOW=1`.
public func inputFuzzIterations(quick: Int) -> Int {
    let env = ProcessInfo.processInfo.environment
    if let s = env["ARMATURE_INPUT_FUZZ"], let n = Int(s), n > 0 { return n }
    return env["ARMATURE_INPUT_FUZZ_SLOW"] == "1" ? 1_000_000 : quick
}
