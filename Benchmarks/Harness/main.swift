// armature-bench: runs the benchmark workloads (.build/bench/*.elf) under
// Armature's engines and, when it is on PATH, under qemu-system-aarch64, then
// prints a table of guest instructions, wall times, MIPS and speed ratios.
//
// Every run must print the same `checksum <name> 0x<hex>` line as the
// reference (QEMU when present, else the first engine that produced one).
// A mismatch is reported loudly and makes the harness exit non-zero.
//
// Exit status: 0 all good (a missing armature binary is only a warning),
// 1 a checksum mismatch, 2 bad usage / nothing to run, 3 some run failed
// (non-zero exit, timeout, no checksum line).
//
// Imports Foundation only (see Package.swift: target armature-bench).
// See Benchmarks/README.md.

import Foundation

// MARK: - Options

struct Options {
    var engines: [String] = ["interp"]
    var reps = 3
    var workloads: [String] = []
    var armature = ".build/release/armature"
    var benchDir = ".build/bench"
    var qemu: String? = nil          // explicit path; nil = look on PATH
    var useQEMU = true
    var qemuPlugin: String? = nil    // instruction-count plugin; nil = default location
    var qemuCount = true
    var timeout: Double = 600
    var expected: String? = nil      // expected-checksums file; nil = default
    var csvPath: String? = nil
    var verbose = false
    var cpuTime = false              // measure user+sys CPU time instead of wall time
    var extraArgs: [String] = []     // appended to every armature command line
    var mec = false                  // also run every engine with -M ...,mec=on
}

let usage = """
    usage: armature-bench [options]

      --engines LIST      comma-separated Armature engines (-accel values) to run;
                          default: interp   (e.g. --engines interp,jit)
      --reps N            repetitions per run; the best (minimum) wall time is
                          kept; default: 3
      --workload NAME     run only this workload (repeatable, or comma-separated)
      --armature PATH     the armature binary; default: .build/release/armature
      --bench-dir DIR     where the workload ELFs are; default: .build/bench
      --qemu PATH         qemu-system-aarch64 to compare against; default: PATH
      --no-qemu           do not run QEMU
      --qemu-plugin PATH  QEMU plugin printing `qemu-guest-instructions: N`;
                          default: <bench-dir>/qemu-insncount.so if present.
                          One extra, untimed QEMU run per workload uses it to
                          count instructions (and cross-check Armature's count)
      --no-qemu-count     skip that extra run
      --expected FILE     known checksums (lines `checksum <name> 0x<hex>`), used
                          when the workloads were built with SCALE=1; default:
                          Benchmarks/expected-checksums.txt beside the bench dir's
                          source tree (../../Benchmarks from .build/bench)
      --timeout SECONDS   kill a run after this long; default: 600
      --csv PATH          also write the results as CSV
      --arg ARG           extra argument for every armature run (repeatable)
      --mec               also run every engine with mec=on added to -M (the
                          FEAT_MEC tag model), and show the mec=on/off ratio
      --cpu-time          measure the runs' user+sys CPU time instead of wall
                          time (steadier on a busy machine; counts all threads)
      --verbose           print every run's command line, time and checksum
      -h, --help          this text

    Build the workloads first: Benchmarks/build-workloads.sh
    """

func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

func fail(_ message: String, status: Int32 = 2) -> Never {
    warn("armature-bench: \(message)")
    exit(status)
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    func value(_ flag: String) -> String {
        if args.isEmpty { fail("\(flag) needs a value\n\(usage)") }
        return args.removeFirst()
    }
    while !args.isEmpty {
        var a = args.removeFirst()
        // Accept --flag=value as well as --flag value.
        if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
            args.insert(String(a[a.index(after: eq)...]), at: 0)
            a = String(a[..<eq])
        }
        switch a {
        case "--engines", "--engine":
            o.engines = value(a).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        case "--reps":
            guard let n = Int(value(a)), n >= 1 else { fail("--reps needs a positive integer") }
            o.reps = n
        case "--workload", "--workloads":
            o.workloads += value(a).split(separator: ",").map(String.init)
        case "--armature": o.armature = value(a)
        case "--bench-dir": o.benchDir = value(a)
        case "--qemu": o.qemu = value(a); o.useQEMU = true
        case "--no-qemu": o.useQEMU = false
        case "--qemu-plugin": o.qemuPlugin = value(a)
        case "--no-qemu-count": o.qemuCount = false
        case "--timeout":
            guard let t = Double(value(a)), t > 0 else { fail("--timeout needs a positive number") }
            o.timeout = t
        case "--csv": o.csvPath = value(a)
        case "--expected": o.expected = value(a)
        case "--arg": o.extraArgs.append(value(a))
        case "--mec": o.mec = true
        case "--verbose", "-v": o.verbose = true
        case "--cpu-time": o.cpuTime = true
        case "-h", "--help": print(usage); exit(0)
        default: fail("unknown option \(a)\n\(usage)")
        }
    }
    return o
}

// MARK: - Running one process

struct RunResult {
    var seconds: Double          // wall time
    var cpuSeconds: Double = 0   // user + sys CPU time of the process (all threads)
    var status: Int32            // exit status, or -signal
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var launchError: String?

    var ok: Bool { launchError == nil && !timedOut && status == 0 }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func tempFile(_ tag: String) -> URL {
    let dir = FileManager.default.temporaryDirectory
    return dir.appendingPathComponent("armature-bench-\(getpid())-\(tag)-\(UUID().uuidString)")
}

/// Runs `path args` in its own process group, stdin from /dev/null, stdout
/// and stderr captured to files (so a chatty child can never block on a full
/// pipe), and returns its wall time. On timeout the whole group gets SIGTERM,
/// then SIGKILL.
func runProcess(_ path: String, _ args: [String], timeout: Double) -> RunResult {
    let outPath = tempFile("out").path, errPath = tempFile("err").path
    defer {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
    func readBack() -> (String, String) {
        let read = { (p: String) -> String in
            FileManager.default.contents(atPath: p).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return (read(outPath), read(errPath))
    }
    func failure(_ why: String) -> RunResult {
        RunResult(seconds: 0, status: -1, timedOut: false, stdout: "", stderr: "",
                  launchError: why)
    }
    guard FileManager.default.isExecutableFile(atPath: path) else {
        return failure("cannot start \(path): not an executable file")
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attr, 0)

    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] =
        ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }

    var pid: pid_t = 0
    let start = monotonicSeconds()
    let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
    guard rc == 0 else { return failure("cannot start \(path): \(String(cString: strerror(rc)))") }

    var status: Int32 = 0
    var usage = rusage()
    var timedOut = false
    var killAt: Double? = nil
    // Poll so a hung guest can be killed; 0.2 ms granularity is far below
    // the runs' lengths.
    while true {
        let r = wait4(pid, &status, WNOHANG, &usage)
        if r == pid { break }
        if r < 0 && errno != EINTR { break }
        let now = monotonicSeconds()
        if !timedOut && now - start > timeout {
            timedOut = true
            kill(-pid, SIGTERM)
            killAt = now + 2
        } else if let k = killAt, now > k {
            kill(-pid, SIGKILL)
            killAt = nil
        }
        usleep(200)
    }
    let seconds = monotonicSeconds() - start
    if timedOut { kill(-pid, SIGKILL) }        // stragglers in the group
    // Decode the wait status: low 7 bits = terminating signal, else exit code.
    let sig = status & 0x7f
    let code: Int32 = sig == 0 ? (status >> 8) & 0xff : -sig
    let (out, err) = readBack()
    func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return RunResult(seconds: seconds, cpuSeconds: secs(usage.ru_utime) + secs(usage.ru_stime),
                     status: code, timedOut: timedOut, stdout: out, stderr: err, launchError: nil)
}

// MARK: - Parsing guest output

func lines(_ text: String) -> [Substring] {
    text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
}

/// The `checksum <name> 0x<hex>` line, from stdout or stderr (QEMU prints
/// semihosting output on stderr; Armature may use either).
func checksumLine(_ r: RunResult) -> String? {
    for text in [r.stdout, r.stderr] {
        for raw in lines(text) {
            let fields = raw.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 3, fields[0] == "checksum", fields[2].hasPrefix("0x") {
                return fields.joined(separator: " ")
            }
        }
    }
    return nil
}

/// The guest instruction count from `-d stats`: a line like
/// `guest-instructions: 123456`. Tolerant: any case, `-`/`_`/space between
/// the words, "instructions"/"insns"/"instrs", `:` or `=`, digit separators
/// `,` `_` `'`; the last such line wins. `qemu-guest-instructions:` is the
/// QEMU plugin's line and is read only when `fromQEMUPlugin` is set.
func guestInstructions(_ r: RunResult, fromQEMUPlugin: Bool = false) -> UInt64? {
    var found: UInt64? = nil
    for text in [r.stdout, r.stderr] {
        for raw in lines(text) {
            let line = raw.lowercased()
            guard let range = line.range(of: "guest") else { continue }
            if line[..<range.lowerBound].hasSuffix("qemu-") != fromQEMUPlugin { continue }
            var rest = line[range.upperBound...].drop { $0 == "-" || $0 == "_" || $0 == " " }
            guard rest.hasPrefix("instructions") || rest.hasPrefix("insns") || rest.hasPrefix("instrs")
            else { continue }
            rest = rest.drop { $0.isLetter }
            rest = rest.drop { $0 == " " || $0 == ":" || $0 == "=" || $0 == "\t" }
            let digits = rest.prefix { $0.isNumber || $0 == "," || $0 == "_" || $0 == "'" }
                .filter { $0.isNumber }
            if let n = UInt64(digits) { found = n }
        }
    }
    return found
}

func tail(_ s: String, lines n: Int = 8) -> String {
    let ls = s.split(separator: "\n", omittingEmptySubsequences: false)
    return ls.suffix(n).map { "      | " + $0 }.joined(separator: "\n")
}

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

// MARK: - Table formatting

func fmtTime(_ s: Double?) -> String { s.map { String(format: "%.3f", $0) } ?? "-" }
func fmtMIPS(_ m: Double?) -> String {
    guard let m else { return "-" }
    return m >= 100 ? String(format: "%.0f", m) : String(format: "%.1f", m)
}
func fmtRatio(_ r: Double?) -> String {
    guard let r else { return "-" }
    return r >= 10 ? String(format: "%.1fx", r) : String(format: "%.2fx", r)
}
func fmtCount(_ n: Double?) -> String {
    guard let n = n?.rounded() else { return "-" }
    if n >= 1e9 { return String(format: "%.2fG", n / 1e9) }
    if n >= 1e6 { return String(format: "%.1fM", n / 1e6) }
    if n >= 1e3 { return String(format: "%.1fk", n / 1e3) }
    return String(format: "%.0f", n)
}

/// Geometric mean over the rows; nil unless every row has a value.
func geomean(_ xs: [Double?]) -> Double? {
    let v = xs.compactMap { $0 }.filter { $0 > 0 && $0.isFinite }
    guard !v.isEmpty, v.count == xs.count else { return nil }
    return exp(v.map { log($0) }.reduce(0, +) / Double(v.count))
}

func printTable(_ header: [String], _ rows: [[String]], footerFrom: Int) {
    var width = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { width[i] = max(width[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: width[i] - c.count)
            return i == 0 ? c + pad : pad + c
        }.joined(separator: "  ")
    }
    let rule = width.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    print(line(header))
    print(rule)
    for (i, r) in rows.enumerated() {
        if i == footerFrom { print(rule) }
        print(line(r))
    }
}

// MARK: - Main

let opts = parseOptions()
if opts.engines.isEmpty && !opts.useQEMU { fail("nothing to run: no engines and --no-qemu") }

let benchDir = absolute(opts.benchDir)
let allELFs = ((try? FileManager.default.contentsOfDirectory(atPath: benchDir)) ?? [])
    .filter { $0.hasSuffix(".elf") }
    .map { String($0.dropLast(4)) }
    .sorted()
if allELFs.isEmpty {
    fail("no workloads in \(benchDir); build them with Benchmarks/build-workloads.sh")
}
var workloads = allELFs
if !opts.workloads.isEmpty {
    let unknown = opts.workloads.filter { !allELFs.contains($0) }
    if !unknown.isEmpty {
        fail("unknown workload(s) \(unknown.joined(separator: ", ")); have: \(allELFs.joined(separator: ", "))")
    }
    workloads = allELFs.filter { opts.workloads.contains($0) }
}

let armaturePath = absolute(opts.armature)
let haveArmature = FileManager.default.isExecutableFile(atPath: armaturePath)
if !haveArmature && !opts.engines.isEmpty {
    warn("""
        armature-bench: WARNING: no armature binary at \(armaturePath)
                        (build it with `swift build -c release`); engine columns will be empty.
        """)
}
var qemuPath: String? = nil
var qemuPluginPath: String? = nil
if opts.useQEMU {
    qemuPath = opts.qemu.map(absolute) ?? findOnPath("qemu-system-aarch64")
    if let q = qemuPath, !FileManager.default.isExecutableFile(atPath: q) {
        fail("no qemu-system-aarch64 at \(q)")
    }
    if qemuPath == nil {
        warn("armature-bench: note: qemu-system-aarch64 not on PATH; QEMU columns will be empty.")
    }
    if qemuPath != nil && opts.qemuCount {
        let p = absolute(opts.qemuPlugin ?? "\(benchDir)/qemu-insncount.so")
        if FileManager.default.fileExists(atPath: p) { qemuPluginPath = p }
        else if opts.qemuPlugin != nil { fail("no QEMU plugin at \(p)") }
    }
}

// Known-good checksums (made with QEMU at SCALE=1): the reference when QEMU
// is not run, and a cross-check when it is.
var expected: [String: String] = [:]
do {
    let path = absolute(opts.expected ?? "\(benchDir)/../../Benchmarks/expected-checksums.txt")
    let scale = FileManager.default.contents(atPath: "\(benchDir)/scale")
        .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    if let data = FileManager.default.contents(atPath: path) {
        if scale == nil || scale == "1" {
            for l in lines(String(decoding: data, as: UTF8.self)) {
                let f = l.split(separator: " ", omittingEmptySubsequences: true)
                if f.count == 3, f[0] == "checksum" { expected[String(f[1])] = f.joined(separator: " ") }
            }
        } else {
            warn("armature-bench: note: workloads built with SCALE=\(scale!); not using \(path)")
        }
    } else if opts.expected != nil {
        fail("cannot read \(path)")
    }
}

let qemuArgs = ["-M", "virt", "-cpu", "max", "-nographic", "-semihosting",
                "-monitor", "none", "-serial", "stdio"]
/// The armature machine options of a workload: `<name>.args` (written by
/// build-workloads.sh from a BENCH-ARGS line) or -M virt -cpu max; with
/// `mec`, mec=on is added to -M.
@MainActor func armatureArgs(_ w: String, mec: Bool) -> [String] {
    var a = workloadArgs[w] ?? ["-M", "virt", "-cpu", "max"]
    if mec, let i = a.firstIndex(where: { $0 == "-M" || $0 == "-machine" }), i + 1 < a.count { a[i + 1] += ",mec=on" }
    return a + ["-nographic", "-semihosting"]
}

func readSmallFile(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map {
        String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
var workloadArgs: [String: [String]] = [:]
var noQEMU: [String: String] = [:]   // workloads QEMU cannot run, with the reason
for w in workloads {
    if let a = readSmallFile("\(benchDir)/\(w).args") { workloadArgs[w] = a.split(separator: " ").map(String.init) }
    if let r = readSmallFile("\(benchDir)/\(w).noqemu") { noQEMU[w] = r }
}
var qemuNotes: [String] = []

/// The armature runs of every workload: each engine, and with --mec each
/// engine again with mec=on (labelled "<engine> mec").
struct EngineRun { var label: String; var accel: String; var mec: Bool }
let runs: [EngineRun] = opts.engines.map { EngineRun(label: $0, accel: $0, mec: false) }
    + (opts.mec ? opts.engines.map { EngineRun(label: "\($0) mec", accel: $0, mec: true) } : [])
let labels = runs.map(\.label)

struct Row {
    var name: String
    var qemu: Outcome = .notRun("not run")
    var qemuInsns: UInt64? = nil
    var engines: [String: Outcome] = [:]
    var mismatch = false
}

var rows: [Row] = []
var anyFailure = false
var mismatches: [String] = []

warn("armature-bench: \(workloads.count) workload(s), engines [\(labels.joined(separator: ","))], best of \(opts.reps)\(qemuPath != nil ? ", vs QEMU" : "")")

for w in workloads {
    let elf = "\(benchDir)/\(w).elf"
    var row = Row(name: w)
    if let why = noQEMU[w] {
        qemuNotes.append("\(w): not run under QEMU \(why)")
    } else if let q = qemuPath {
        warn("[\(w)] qemu ...")
        row.qemu = measure(label: "\(w)/qemu", path: q, args: qemuArgs + ["-kernel", elf],
                           opts: opts, wantInstructions: false)
        if row.qemu.isFailure { anyFailure = true }
        if let plugin = qemuPluginPath, let ref = row.qemu.checksum {
            let r = runProcess(q, qemuArgs + ["-plugin", plugin, "-kernel", elf], timeout: opts.timeout)
            row.qemuInsns = guestInstructions(r, fromQEMUPlugin: true)
            if row.qemuInsns == nil {
                warn("  note: \(w): QEMU with the instruction-count plugin printed no count (\(describeFailure(r, checksumMissing: false)))")
            } else if let c = checksumLine(r), c != ref {
                warn("  note: \(w): QEMU printed '\(c)' with the plugin, '\(ref)' without")
            }
        }
    }
    for run in runs {
        let e = run.label
        guard haveArmature else { row.engines[e] = .notRun("no armature binary"); continue }
        warn("[\(w)] armature -accel \(run.accel)\(run.mec ? " (mec=on)" : "") ...")
        let out = measure(
            label: "\(w)/\(e)", path: armaturePath,
            args: armatureArgs(w, mec: run.mec) + ["-accel", run.accel, "-d", "stats"] + opts.extraArgs + ["-kernel", elf],
            opts: opts, wantInstructions: true)
        if out.isFailure { anyFailure = true }
        row.engines[e] = out
    }
    // Checksums: QEMU is the reference when it ran; else the expected file;
    // else the first engine.
    if let q = row.qemu.checksum, let x = expected[w], q != x {
        warn("  note: \(w): QEMU printed '\(q)' but expected-checksums.txt says '\(x)'")
    }
    let reference: (String, String)? = row.qemu.checksum.map { ("qemu", $0) }
        ?? expected[w].map { ("expected-checksums.txt", $0) }
        ?? labels.lazy.compactMap { e in row.engines[e]?.checksum.map { (e, $0) } }.first
    if let (refName, ref) = reference {
        var here: [String] = []
        for e in labels {
            if let c = row.engines[e]?.checksum, c != ref {
                here.append("\(w): \(e) printed '\(c)', \(refName) has '\(ref)'")
            }
        }
        if !here.isEmpty {
            row.mismatch = true
            mismatches += here
            warn("""

                ************************************************************
                *** CHECKSUM MISMATCH in \(w)
                \(here.map { "***   " + $0 }.joined(separator: "\n"))
                ************************************************************

                """)
        }
        if !ref.hasPrefix("checksum \(w) ") {
            warn("  note: \(w): the checksum line names another workload: '\(ref)'")
        }
    }
    rows.append(row)
}

// Instruction count per workload: the engines should agree; take the first,
// else QEMU's (from the plugin), marked with a "q".
func insns(_ r: Row) -> Double? {
    for e in labels { if let n = r.engines[e]?.instructions { return Double(n) } }
    return r.qemuInsns.map { Double($0) }
}
var countNotes: [String] = []
for r in rows {
    var counts: [(String, UInt64)] = labels.compactMap { e in r.engines[e]?.instructions.map { (e, $0) } }
    if let q = r.qemuInsns { counts.append(("qemu", q)) }
    if let first = counts.first, counts.contains(where: { $0.1 != first.1 }) {
        countNotes.append("\(r.name): " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
    }
}

var header = ["workload", "guest insns"]
for e in labels { header += ["\(e) s", "\(e) MIPS"] }
header += ["qemu s", "qemu-eq MIPS"]
for e in labels { header.append("\(e) vs qemu") }
if opts.mec { for e in opts.engines { header.append("\(e) mec on/off") } }
let jitSpeedup = opts.engines.contains("interp") && opts.engines.contains("jit")
if jitSpeedup { header.append("jit/interp") }
header.append("check")

var numeric: [[Double?]] = []   // per row, values aligned with header[1 ..< count-1]
var table: [[String]] = []
for r in rows {
    let n = insns(r)
    let fromQEMU = n != nil && !labels.contains { r.engines[$0]?.instructions != nil }
    var vals: [Double?] = [n]
    var cells = [r.name, fmtCount(n) + (fromQEMU ? " q" : "")]
    for e in labels {
        let t = r.engines[e]?.seconds
        let mips = (n != nil && t != nil) ? n! / t! / 1e6 : nil
        vals += [t, mips]
        cells += [fmtTime(t), fmtMIPS(mips)]
    }
    let qt = r.qemu.seconds
    let qmips = (n != nil && qt != nil) ? n! / qt! / 1e6 : nil
    vals += [qt, qmips]
    cells += [fmtTime(qt), fmtMIPS(qmips)]
    for e in labels {
        let t = r.engines[e]?.seconds
        let rel = (qt != nil && t != nil) ? qt! / t! : nil
        vals.append(rel)
        cells.append(fmtRatio(rel))
    }
    if opts.mec {
        for e in opts.engines {
            let off = r.engines[e]?.seconds, on = r.engines["\(e) mec"]?.seconds
            let rel = (off != nil && on != nil) ? on! / off! : nil
            vals.append(rel)
            cells.append(fmtRatio(rel))
        }
    }
    if jitSpeedup {
        let ti = r.engines["interp"]?.seconds, tj = r.engines["jit"]?.seconds
        let s = (ti != nil && tj != nil) ? ti! / tj! : nil
        vals.append(s)
        cells.append(fmtRatio(s))
    }
    let status: String
    let engineSums = labels.filter { r.engines[$0]?.checksum != nil }
    if r.mismatch { status = "MISMATCH" }
    else if r.qemu.isFailure { status = "qemu FAIL" }
    else if labels.contains(where: { r.engines[$0]?.isFailure ?? false }) { status = "FAIL" }
    else if (r.qemu.checksum != nil || expected[r.name] != nil) && !engineSums.isEmpty { status = "ok" }
    else if r.qemu.checksum != nil { status = "qemu only" }
    else if engineSums.count > 1 { status = "engines agree" }
    else if engineSums.count == 1 { status = "unchecked" }
    else { status = "-" }
    cells.append(status)
    numeric.append(vals)
    table.append(cells)
}
let footerFrom = table.count
if rows.count > 1 {
    var cells = ["geomean"]
    let cols = numeric.first?.count ?? 0
    for c in 0..<cols {
        let g = geomean(numeric.map { $0[c] })
        let h = header[c + 1]
        if c == 0 { cells.append(fmtCount(g)) }
        else if h.hasSuffix(" s") { cells.append(fmtTime(g)) }
        else if h.hasSuffix("MIPS") { cells.append(fmtMIPS(g)) }
        else { cells.append(fmtRatio(g)) }
    }
    cells.append("")
    table.append(cells)
}

print("")
printTable(header, table, footerFrom: footerFrom)
print("")
print("""
    guest insns: instructions Armature executed (-d stats; "q": counted by QEMU's plugin instead).
    <engine> s, qemu s: best \(opts.cpuTime ? "CPU time (user+sys)" : "wall time (process start to exit)") of \(opts.reps) runs.
    MIPS: guest insns / time / 1e6; qemu-eq MIPS: the same guest insns / QEMU time.
    <engine> vs qemu: QEMU time / engine time (>1 = faster than QEMU)\(jitSpeedup ? "; jit/interp: interp time / jit time" : "").
    """)
if opts.mec {
    print("<engine> mec: the same engine with mec=on added to -M; <engine> mec on/off: its time / the mec=off time (>1 = mec=on is slower).")
}
for n in qemuNotes { print("note: \(n)") }
if !countNotes.isEmpty {
    print("note: guest instruction counts differ:")
    for n in countNotes { print("  \(n)") }
}
if opts.verbose {
    for r in rows {
        if let c = r.qemu.checksum ?? labels.lazy.compactMap({ r.engines[$0]?.checksum }).first {
            print("  \(c)")
        }
    }
}

if let csv = opts.csvPath {
    var text = header.joined(separator: ",") + "\n"
    for (i, r) in rows.enumerated() {
        let vals = numeric[i].map { $0.map { String($0) } ?? "" }
        text += ([r.name] + vals + [table[i].last ?? ""]).joined(separator: ",") + "\n"
    }
    do { try text.write(toFile: csv, atomically: true, encoding: .utf8) }
    catch { warn("armature-bench: cannot write \(csv): \(error)") }
}

if !mismatches.isEmpty {
    warn("""

        ############################################################
        ### CHECKSUM MISMATCH (\(mismatches.count)): Armature computed a different result
        \(mismatches.map { "###   " + $0 }.joined(separator: "\n"))
        ############################################################
        """)
    exit(1)
}
if anyFailure {
    warn("armature-bench: some runs FAILED (see above)")
    exit(3)
}
if !haveArmature && !opts.engines.isEmpty {
    warn("armature-bench: note: armature was not run (no binary at \(armaturePath))")
}
exit(0)
