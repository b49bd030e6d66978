import Foundation
import XCTest
import A64
import Engine
import EngineTestSupport
import TestReferences

/// QEMU 7.2 (`qemu-system-aarch64 -M virt -cpu max`, the reference of the
/// guest tests) as a third oracle of the FP/SIMD fuzzer, beside the JIT
/// (FPSIMDSequenceFuzzTests) and Unicorn (FuzzUnicornFPSIMD.swift): the
/// same data-processing programs run on the interpreter and in a QEMU
/// process, and X0-X30, SP, NZCV, V0-V31, FPSR and FPCR must be equal.
///
/// Each program becomes an ELF (`QEMUSnippetImage`): a stub enables FP/SIMD,
/// loads the program's registers and FPCR (FPSR 0, as the snippet machine),
/// and branches to the program at its snippet address; the program's final
/// HLT (a semihosting call to QEMU) is replaced by an epilogue that stores
/// every register and writes them to a host file through semihosting
/// (SYS_OPEN/SYS_WRITE), then exits. An exception (none is expected: the
/// programs only use what the snippet CPU lifts) is reported with its ESR.
/// One QEMU process a program (about 0.1 s): bounded by default,
/// ARMATURE_FUZZ_INSTRUCTIONS=N for a long run.
final class FuzzQEMUFPSIMDTests: XCTestCase {
    static var qemu: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/qemu-system-aarch64"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    func testFPSIMDInterpreterVersusQEMU() throws {
        guard let qemu = FuzzQEMUFPSIMDTests.qemu else {
            throw References.missing("qemu-system-aarch64 (QEMU 7.2) is not on PATH (scripts/setup.sh installs it)")
        }
        let version = QEMUSnippetRunner.version(qemu)
        guard version.hasPrefix("7.2") else {
            throw References.missing("\(qemu) is QEMU \(version), not 7.2: 7.2 is the reference")
        }
        let runner = QEMUSnippetRunner(qemu: qemu)
        var config = FuzzHarness.Config.fromEnvironment(defaultInstructions: 600, seed: 0xF9_0E7A)
        config.strict = true
        var h = FuzzHarness(config: config,
                            a: FuzzHarness.engine("interp", FuzzHarness.options(.interp, optimize: true)),
                            b: FuzzHarness.Side(name: "qemu") { runner.run($0) })
        h.compare = { a, b in
            // No program touches memory: the data area is not compared.
            var x = a, y = b
            x.data = []; y.data = []; x.dataChecksum = 0; y.dataChecksum = 0
            return UnicornOracle.userDifferences(x, y)
        }
        h.countInstructions = false
        h.generator = { FuzzUnicornFPSIMDTests.program(seed: $0) }
        let summary = h.run()
        print("fuzz fp/simd interp vs qemu 7.2: \(summary.text)")
        for d in summary.divergences {
            XCTFail("fp/simd interp vs qemu: divergence on program seed 0x\(String(d.programSeed, radix: 16)) (\(d.signature)); the report is printed above")
        }
    }

    /// The image's stub and epilogue carry a state through QEMU unchanged:
    /// a program of one NOP gives back the registers it started with.
    func testImageRoundTripsTheState() throws {
        guard let qemu = FuzzQEMUFPSIMDTests.qemu, QEMUSnippetRunner.version(qemu).hasPrefix("7.2") else {
            throw References.missing("qemu-system-aarch64 7.2 is not on PATH (scripts/setup.sh installs it)")
        }
        var p = FuzzUnicornFPSIMDTests.program(seed: 0xF9_0E7B)
        p.units = [FuzzUnit(insns: [FuzzInsn(word: 0xD503_201F)], label: "nop"),
                   FuzzUnit(insns: [FuzzInsn(word: Snippet.haltWord)], label: "halt")]
        p.fpcr = 0x0300_0000 | 2 << 22
        let s = QEMUSnippetRunner(qemu: qemu).run(p)
        XCTAssertEqual(s.exit, .halted, s.summary)
        XCTAssertEqual(s.x, p.x)
        XCTAssertEqual(s.spEL1, p.spEL1)
        XCTAssertEqual(s.nzcv, p.nzcv)
        XCTAssertEqual(s.v, p.v)
        XCTAssertEqual(s.fpcr, p.fpcr)
        XCTAssertEqual(s.fpsr, 0)
    }
}

/// Runs one FuzzProgram in QEMU (see FuzzQEMUFPSIMDTests).
final class QEMUSnippetRunner {
    let qemu: String
    private let dir = NSTemporaryDirectory() + "armature-qemu-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init(qemu: String) {
        self.qemu = qemu
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    static func version(_ qemu: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: qemu)
        p.arguments = ["--version"]
        let out = Pipe()
        p.standardOutput = out
        guard (try? p.run()) != nil else { return "" }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // "QEMU emulator version 7.2.22 (Debian ...)"
        return text.split(separator: " ").dropFirst(3).first.map(String.init) ?? ""
    }

    func run(_ program: FuzzProgram) -> SnippetState {
        let elf = dir + "/snippet.elf", dump = dir + "/state.bin"
        try? FileManager.default.removeItem(atPath: dump)
        let image = QEMUSnippetImage(program, dumpPath: dump)
        FileManager.default.createFile(atPath: elf, contents: Data(image.elf()))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: qemu)
        p.arguments = ["-M", "virt", "-cpu", "max", "-display", "none", "-monitor", "none", "-serial", "null",
                       "-semihosting", "-kernel", elf]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        guard (try? p.run()) != nil else { return SnippetState(exit: .fatal("cannot start \(qemu)")) }
        if done.wait(timeout: .now() + 60) == .timedOut {
            p.terminate()
            done.wait()
            return SnippetState(exit: .fatal("qemu did not finish in 60 s"))
        }
        guard let bytes = FileManager.default.contents(atPath: dump), bytes.count == QEMUSnippetImage.outSize else {
            return SnippetState(exit: .fatal("qemu wrote no state (exit status \(p.terminationStatus))"))
        }
        let words = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
        var s = SnippetState()
        s.v = Array(words[0..<64])
        s.x = Array(words[64..<95])
        s.spEL1 = words[95]
        s.nzcv = words[96]
        s.fpsr = words[97]
        s.fpcr = words[98]
        s.el = 1
        s.spSel = 1
        s.pc = program.codeAddress + UInt64(4 * program.instructionCount)   // past the final HLT, as the snippet machine
        if words[99] != 0 {
            s.exit = .fatal("qemu took an exception: ESR_EL1 0x\(String(words[100], radix: 16)), ELR_EL1 0x\(String(words[101], radix: 16))")
        }
        return s
    }
}

/// The ELF of one program for QEMU's `-kernel` (MMU off, EL1): the stub, the
/// input state, the output block, the semihosting blocks and the vectors at
/// `base`; the program at its own address (below `base`: QEMU puts the
/// device tree under the lowest address of the ELF) followed by the epilogue.
struct QEMUSnippetImage {
    static let base: UInt64 = 0x400C_0000   // after the program, before the data area
    static let stateIn: UInt64 = base + 0x800      // V0-V31, X0-X30, SP, NZCV, FPCR
    static let out: UInt64 = base + 0x1000         // V0-V31, X0-X30, SP, NZCV, FPSR, FPCR, taken, ESR, ELR
    static let outSize = 8 * 102
    static let blocks: UInt64 = base + 0x1400      // SYS_OPEN, SYS_WRITE, SYS_EXIT parameter blocks
    static let path: UInt64 = base + 0x1500
    static let vectors: UInt64 = base + 0x2000

    var memory: [UInt64: UInt32] = [:]            // word address -> word
    let entry = QEMUSnippetImage.base

    init(_ p: FuzzProgram, dumpPath: String) {
        typealias I = QEMUSnippetImage
        // Stub: enable FP/SIMD, the vectors, then the registers from stateIn.
        var stub: [UInt32] = [
            0xD2A0_0600,                                   // mov x0, #(3 << 20)
            0xD518_1040,                                   // msr cpacr_el1, x0
            0xD503_3FDF,                                   // isb
        ]
        stub += I.movImmediate(0, I.vectors)
        stub += [0xD518_C000,                              // msr vbar_el1, x0
                 0xD503_3FDF]
        stub += I.movImmediate(30, I.stateIn)
        for k in 0..<16 { stub.append(I.pair(0xAD40_0000, 2 * k, 2 * k + 1, 30, imm: 2 * k)) }   // ldp q, q, [x30, #32k]
        stub += [0x9108_03DE,                              // add x30, x30, #512
                 I.uimm(0xF940_0000, 0, 30, 33),           // ldr x0, [x30, #264] (FPCR)
                 0xD51B_4400,                              // msr fpcr, x0
                 0xD51B_443F,                              // msr fpsr, xzr
                 I.uimm(0xF940_0000, 0, 30, 32),           // ldr x0, [x30, #256] (NZCV)
                 0xD51B_4200,                              // msr nzcv, x0
                 I.uimm(0xF940_0000, 0, 30, 31),           // ldr x0, [x30, #248] (SP)
                 0x9100_001F]                              // mov sp, x0
        for k in 0..<15 { stub.append(I.pair(0xA940_0000, 2 * k, 2 * k + 1, 30, imm: 2 * k)) }   // ldp x, x, [x30, #16k]
        stub.append(I.uimm(0xF940_0000, 30, 30, 30))       // ldr x30, [x30, #240]
        let stubBranch = entry + UInt64(4 * stub.count)
        stub.append(I.branch(from: stubBranch, to: p.codeAddress))
        place(entry, stub)

        // The exception handler and the dump, after the stub.
        let handler = entry + 0x400
        var h: [UInt32] = I.movImmediate(0, I.out + 8 * 99)
        h += [0xD280_0021,                                 // mov x1, #1
              0xD538_5202,                                 // mrs x2, esr_el1
              I.pair(0xA900_0000, 1, 2, 0, imm: 0),        // stp x1, x2, [x0]
              0xD538_4021,                                 // mrs x1, elr_el1
              I.uimm(0xF900_0000, 1, 0, 2)]                // str x1, [x0, #16]
        let dump = handler + UInt64(4 * h.count)
        h += I.movImmediate(1, I.blocks)                  // SYS_OPEN(path, "wb", length)
        h += [0xD280_0020,                                 // mov x0, #1
              0xD45E_0000]                                 // hlt #0xf000
        h += I.movImmediate(1, I.blocks + 24)              // SYS_WRITE(handle, out, size)
        h += [I.uimm(0xF900_0000, 0, 1, 0),                // str x0, [x1]
              0xD280_00A0,                                 // mov x0, #5
              0xD45E_0000]
        h += I.movImmediate(1, I.blocks + 24)              // SYS_CLOSE(handle)
        h += [0xD280_0040,                                 // mov x0, #2
              0xD45E_0000]
        h += I.movImmediate(1, I.blocks + 48)              // SYS_EXIT(ApplicationExit, 0)
        h += [0xD280_0300,                                 // mov x0, #0x18
              0xD45E_0000]
        place(handler, h)
        for k in 0..<16 {
            let v = I.vectors + UInt64(0x80 * k)
            place(v, [I.branch(from: v, to: handler)])
        }

        // The program, its final HLT replaced by the epilogue.
        var code = p.words()
        code.removeLast()
        var e: [UInt32] = [0xD518_D080]                    // msr tpidr_el1, x0
        e += I.movImmediate(0, I.out)
        for k in 0..<16 { e.append(I.pair(0xAD00_0000, 2 * k, 2 * k + 1, 0, imm: 2 * k)) }   // stp q, q, [x0, #32k]
        e.append(0x9108_0000)                              // add x0, x0, #512
        for k in 0..<15 { e.append(I.pair(0xA900_0000, 2 * k + 1, 2 * k + 2, 0, imm: 2 * k + 1)) }   // stp x1..x30
        e += [0xD538_D081,                                 // mrs x1, tpidr_el1
              I.uimm(0xF900_0000, 1, 0, 0),                // str x1, [x0]
              0x9100_03E1,                                 // mov x1, sp
              I.uimm(0xF900_0000, 1, 0, 31),
              0xD53B_4201,                                 // mrs x1, nzcv
              I.uimm(0xF900_0000, 1, 0, 32),
              0xD53B_4421,                                 // mrs x1, fpsr
              I.uimm(0xF900_0000, 1, 0, 33),
              0xD53B_4401,                                 // mrs x1, fpcr
              I.uimm(0xF900_0000, 1, 0, 34)]
        let epilogueBranch = p.codeAddress + UInt64(4 * (code.count + e.count))
        e.append(I.branch(from: epilogueBranch, to: dump))
        place(p.codeAddress, code + e)

        // Data: the input state, the semihosting blocks, the path.
        var input = p.v + p.x
        input += [p.spEL1, p.nzcv, p.fpcr]
        place64(I.stateIn, input)
        let pathBytes = Array(dumpPath.utf8) + [0]
        place64(I.blocks, [I.path, 5, UInt64(pathBytes.count - 1),          // "wb"
                           0, I.out, UInt64(I.outSize),
                           0x20026, 0])
        var padded = pathBytes
        while padded.count % 4 != 0 { padded.append(0) }
        for k in stride(from: 0, to: padded.count, by: 4) {
            memory[I.path + UInt64(k)] = UInt32(padded[k]) | UInt32(padded[k + 1]) << 8
                | UInt32(padded[k + 2]) << 16 | UInt32(padded[k + 3]) << 24
        }
        place64(I.out, [UInt64](repeating: 0, count: I.outSize / 8))
    }

    private mutating func place(_ address: UInt64, _ words: [UInt32]) {
        for (k, w) in words.enumerated() { memory[address + UInt64(4 * k)] = w }
    }

    private mutating func place64(_ address: UInt64, _ values: [UInt64]) {
        for (k, v) in values.enumerated() {
            memory[address + UInt64(8 * k)] = UInt32(truncatingIfNeeded: v)
            memory[address + UInt64(8 * k + 4)] = UInt32(truncatingIfNeeded: v >> 32)
        }
    }

    /// LDP/STP (signed offset) of `base` (Q or X) with imm7 in units of the size.
    static func pair(_ base: UInt32, _ t1: Int, _ t2: Int, _ n: Int, imm: Int) -> UInt32 {
        base | UInt32(imm & 0x7F) << 15 | UInt32(t2) << 10 | UInt32(n) << 5 | UInt32(t1)
    }

    /// LDR/STR (unsigned offset) of `base` with the offset in units of 8 bytes.
    static func uimm(_ base: UInt32, _ t: Int, _ n: Int, _ imm: Int) -> UInt32 {
        base | UInt32(imm) << 10 | UInt32(n) << 5 | UInt32(t)
    }

    static func branch(from: UInt64, to: UInt64) -> UInt32 {
        0x1400_0000 | UInt32(truncatingIfNeeded: (Int64(bitPattern: to) - Int64(bitPattern: from)) >> 2) & 0x03FF_FFFF
    }

    /// MOVZ/MOVK of a 32-bit address into Xd.
    static func movImmediate(_ d: Int, _ value: UInt64) -> [UInt32] {
        [0xD280_0000 | UInt32(value & 0xFFFF) << 5 | UInt32(d),
         0xF2A0_0000 | UInt32(value >> 16 & 0xFFFF) << 5 | UInt32(d)]
    }

    /// An ELF64 executable with one loadable segment from the lowest to the
    /// highest word placed (zeros between).
    func elf() -> [UInt8] {
        let lo = memory.keys.min()! & ~0xFFF, hi = memory.keys.max()! + 4
        var segment = [UInt8](repeating: 0, count: Int(hi - lo))
        for (a, w) in memory {
            for k in 0..<4 { segment[Int(a - lo) + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt32(k))) }
        }
        var f: [UInt8] = []
        func put(_ v: UInt64, _ n: Int) { for k in 0..<n { f.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
        f += [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)   // ELF64, little-endian
        put(2, 2); put(183, 2); put(1, 4)                  // ET_EXEC, EM_AARCH64, EV_CURRENT
        put(entry, 8); put(64, 8); put(0, 8)               // entry, phoff, shoff
        put(0, 4); put(64, 2); put(56, 2); put(1, 2)       // flags, ehsize, phentsize, phnum
        put(64, 2); put(0, 2); put(0, 2)                   // shentsize, shnum, shstrndx
        put(1, 4); put(7, 4)                               // PT_LOAD, RWX
        put(0x1000, 8); put(lo, 8); put(lo, 8)             // offset, vaddr, paddr
        put(UInt64(segment.count), 8); put(UInt64(segment.count), 8); put(0x1000, 8)
        f += [UInt8](repeating: 0, count: 0x1000 - f.count)
        return f + segment
    }
}
