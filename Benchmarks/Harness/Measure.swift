// armature-bench: measuring one workload under one emulator, and finding the tools.

import Foundation

// MARK: - Measurements

enum Outcome {
    case notRun(String)          // e.g. binary missing
    case failed(String)
    case ok(seconds: Double, checksum: String, instructions: UInt64?)

    var seconds: Double? { if case .ok(let s, _, _) = self { return s }; return nil }
    var checksum: String? { if case .ok(_, let c, _) = self { return c }; return nil }
    var instructions: UInt64? { if case .ok(_, _, let i) = self { return i }; return nil }
    var isFailure: Bool { if case .failed = self { return true }; return false }
}

func describeFailure(_ r: RunResult, checksumMissing: Bool) -> String {
    if let e = r.launchError { return e }
    if r.timedOut { return "timed out after \(String(format: "%.1f", r.seconds)) s" }
    if r.status < 0 { return "killed by signal \(-r.status)" }
    if r.status != 0 { return "exit status \(r.status)" }
    if checksumMissing { return "exit 0 but no `checksum` line" }
    return "?"
}

/// Best-of-`reps` run of one command; stops at the first failing repetition.
func measure(label: String, path: String, args: [String], opts: Options,
             wantInstructions: Bool) -> Outcome {
    var best: Double = .infinity
    var checksum: String? = nil
    var insns: UInt64? = nil
    for rep in 1...opts.reps {
        if opts.verbose { warn("  $ \(path) \(args.joined(separator: " "))") }
        let r = runProcess(path, args, timeout: opts.timeout)
        guard r.ok, let sum = checksumLine(r) else {
            let why = describeFailure(r, checksumMissing: checksumLine(r) == nil)
            warn("""
                  !! \(label): run \(rep) FAILED: \(why)
                     stdout tail:
                \(tail(r.stdout))
                     stderr tail:
                \(tail(r.stderr))
                """)
            return .failed(why)
        }
        if let c = checksum, c != sum {
            warn("  !! \(label): repetitions disagree: '\(c)' then '\(sum)'")
            return .failed("nondeterministic checksum")
        }
        checksum = sum
        if wantInstructions {
            let n = guestInstructions(r)
            if let a = insns, let b = n, a != b {
                warn("  note: \(label): instruction counts differ between runs (\(a) vs \(b))")
            }
            insns = n ?? insns
        }
        best = min(best, opts.cpuTime ? r.cpuSeconds : r.seconds)
        if opts.verbose {
            warn("    \(label) rep \(rep): \(String(format: "%.3f", r.seconds)) s wall, \(String(format: "%.3f", r.cpuSeconds)) s cpu  \(sum)")
        }
    }
    return .ok(seconds: best, checksum: checksum!, instructions: insns)
}

// MARK: - Finding things

func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

func absolute(_ p: String) -> String {
    if p.hasPrefix("/") { return p }
    return FileManager.default.currentDirectoryPath + "/" + p
}
