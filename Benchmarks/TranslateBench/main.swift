// armature-translate: the translator's cost per block, in-process. Every
// executable segment of the ELF files given is cut into blocks as the lifter
// would (each block starts where the previous one ended), and each block is
// lifted, optimized and pre-decoded (threaded interpreter) or compiled (JIT),
// `--rounds N` times. Prints µs per block per stage, host bytes per guest
// instruction (JIT), and heap allocations per block and per guest
// instruction when run with Benchmarks/Tools/malloc-count.so preloaded.
// Zero words (padding, data) start no block.
import Engine
import ELF
import Foundation
import Lift

struct Segment { let vaddr: UInt64; let bytes: [UInt8] }

func usage() -> Never {
    FileHandle.standardError.write("usage: armature-translate [--rounds N] [--engine interp|jit|both] FILE.elf...\n".data(using: .utf8)!)
    exit(2)
}

var rounds = 5
var engines = ["interp", "jit"]
var files: [String] = []
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--rounds": guard let n = args.popFirst().flatMap({ Int($0) }), n > 0 else { usage() }; rounds = n
    case "--engine":
        guard let e = args.popFirst() else { usage() }
        engines = e == "both" ? ["interp", "jit"] : [e]
    case "-h", "--help": usage()
    default: files.append(a)
    }
}
if files.isEmpty { usage() }

/// User + system CPU seconds of the process (steadier than the stage clocks on a busy host).
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

var segments: [Segment] = []
for path in files {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write("armature-translate: cannot read \(path)\n".data(using: .utf8)!)
        exit(1)
    }
    do {
        let elf = try ELFFile(bytes: [UInt8](data), name: path)
        for ph in try elf.programHeaders() where ph.type == ELFFile.ProgramHeader.load && ph.flags & 1 != 0 {
            let start = Int(ph.offset), end = start + Int(ph.fileSize)
            guard end <= elf.bytes.count else { continue }
            segments.append(Segment(vaddr: ph.vaddr, bytes: Array(elf.bytes[start..<end])))
        }
    } catch {
        FileHandle.standardError.write("armature-translate: \(path): \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

/// The preloaded counter of malloc/calloc/realloc/memalign calls (malloc-count.so), if any.
let mallocCounter = dlsym(nil, "armature_malloc_calls").map { $0.assumingMemoryBound(to: UInt64.self) }

let context = LiftContext(el: 1, spSel: 1)
print("segments: \(segments.count), \(segments.reduce(0) { $0 + $1.bytes.count }) bytes of code; \(rounds) rounds")
print("engine  blocks  insns/block  lift µs  opt µs  back µs  total µs/block  CPU µs/block  host B/insn  mallocs/block (lift+opt+back)  mallocs/insn")
for engine in engines {
    let probe = try TranslationProbe(jit: engine == "jit")
    probe.allocationCounter = mallocCounter
    var blocks = 0, insns = 0
    let mallocsBefore = mallocCounter?.pointee ?? 0
    let cpuBefore = cpuSeconds()
    for _ in 0..<rounds {
        for seg in segments {
            let count = UInt64(seg.bytes.count / 4)
            var pc = seg.vaddr
            let end = seg.vaddr + count * 4
            while pc < end {
                // Zero words are padding or data (UDF #0): not block starts.
                let off = Int(pc - seg.vaddr)
                if seg.bytes[off] | seg.bytes[off + 1] | seg.bytes[off + 2] | seg.bytes[off + 3] == 0 {
                    pc += 4
                    continue
                }
                let n = seg.bytes.withUnsafeBytes { raw in
                    probe.translate(pc: pc, context: context) { va in
                        let off = Int(va &- seg.vaddr)
                        return off >= 0 && off + 4 <= raw.count ? raw.load(fromByteOffset: off, as: UInt32.self) : 0
                    }
                }
                blocks += 1
                insns += n
                pc += UInt64(max(n, 1)) * 4
            }
        }
    }
    let mallocs = (mallocCounter?.pointee ?? 0) &- mallocsBefore
    let cpu = cpuSeconds() - cpuBefore
    let t = probe.times
    func us(_ ns: UInt64) -> String { String(format: "%.2f", Double(ns) / 1000 / Double(blocks)) }
    let hostPerInsn = engine == "jit" ? String(format: "%.1f", Double(probe.hostBytes) / Double(insns)) : "-"
    let a = probe.allocations
    let mb = mallocCounter == nil ? "-" : String(format: "%.1f (%.1f+%.1f+%.1f)", Double(mallocs) / Double(blocks),
                                                  Double(a.lift) / Double(blocks), Double(a.optimize) / Double(blocks),
                                                  Double(a.backEnd) / Double(blocks))
    let mi = mallocCounter == nil ? "-" : String(format: "%.2f", Double(mallocs) / Double(insns))
    print("\(engine.padding(toLength: 6, withPad: " ", startingAt: 0))  \(blocks / rounds)  "
          + String(format: "%.1f", Double(insns) / Double(blocks))
          + "  \(us(t.lift))  \(us(t.optimize))  \(us(t.backEnd))  \(us(t.lift + t.optimize + t.backEnd))  "
          + String(format: "%.2f", cpu * 1e6 / Double(blocks)) + "  \(hostPerInsn)  \(mb)  \(mi)")
}
