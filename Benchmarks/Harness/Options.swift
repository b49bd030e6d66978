// armature-bench: its command-line options.

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
