// armature-bench: running one emulator process and reading what the guest printed.

import Foundation

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
