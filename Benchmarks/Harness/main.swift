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
