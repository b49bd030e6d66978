import Foundation
import XCTest
@testable import A64
import TestReferences
import TestRandom

/// The disassembler against the toolchain's llvm-objdump, word by word, on a
/// large generated set: thousands of words per table operation (random fills
/// and edge values), the borders of every encoding, random words of the whole
/// space, and the whole system-instruction space exhaustively.
final class A64DisassemblerLLVMTests: XCTestCase {
    /// Words llvm decodes but our decoder calls unallocated because they belong
    /// to an extension (or encoding space) outside Armature's table. None is
    /// FP/SIMD: objdump runs with exactly the FP/SIMD features we decode. Every such
    /// word must match one entry; anything else is a failure.
    struct Allowed {
        let what: String
        let patterns: [A64Encoding]
        init(_ what: String, _ patterns: [String]) {
            self.what = what
            self.patterns = patterns.map { A64Encoding($0, .unallocated) }
        }
        func matches(_ w: UInt32) -> Bool { patterns.contains { $0.matches(w) } }
    }

    static let allowed: [Allowed] = [
        Allowed("FEAT_LOR: STLLR*/LDLAR*", ["xx0010001x0xxxxx0xxxxxxxxxxxxxxx"]),
        Allowed("FEAT_LRCPC2: LDAPUR*/STLUR*", ["xx011001xx0xxxxxxxxx00xxxxxxxxxx"]),
        Allowed("FEAT_FlagM: CFINV, RMIF, SETF8/SETF16", [
            "11010101000000000100xxxx00011111",
            "10111010000xxxxxx00001xxxxx0xxxx",
            "00111010000000000x0010xxxxx01101",
        ]),
        Allowed("FEAT_SME: SMSTART/SMSTOP", [
            "110101010000001101000x1x01111111",
            "1101010100000011010001xx01111111",
        ]),
        Allowed("Debug state only (UNDEFINED otherwise; Armature has no Debug state): DCPS1-3, DRPS", [
            "11010100101xxxxxxxxxxxxxxxx000xx",
            "11010110101111110000001111100000",
        ]),
        // Last: the specific entries above take precedence.
        Allowed("system op0=0b00 outside hints/barriers/PSTATE, or with Rt!=31: llvm's generic MSR/MRS S0_*", [
            "1101010100x00xxxxxxxxxxxxxxxxxxx",
        ]),
    ]

    struct Report {
        var compared: [A64Op: Int] = [:]
        var allowed: [String: Int] = [:]
        var failures: [String] = []
        var failureCount = 0

        mutating func fail(_ text: String) {
            failureCount += 1
            if failures.count < 100_000 { failures.append(text) }
        }
    }

    /// Disassembles `words` with objdump (one run) and with us, and compares.
    func compare(_ words: [UInt32], base: UInt64, into report: inout Report) throws {
        let theirs = try LLVMObjdump.disassemble(words, base: base)
        for (i, w) in words.enumerated() {
            let pc = base &+ UInt64(i) * 4
            let op = A64Decoder.decode(w)
            let ours = A64Disassembler.text(op, w, pc)
            report.compared[op, default: 0] += 1
            let llvm = theirs[i]
            if ours == llvm { continue }
            let word = "0x" + String(w, radix: 16)
            if op == .unallocated, llvm != "<unknown>",
               let entry = Self.allowed.first(where: { $0.matches(w) }) {
                report.allowed[entry.what, default: 0] += 1
                continue
            }
            report.fail("\(word) [\(op)] pc=0x\(String(pc, radix: 16)): ours \"\(ours)\" llvm \"\(llvm)\"")
        }
    }

    func finish(_ report: Report, _ title: String) {
        var lines = ["\(title): words compared per class"]
        for op in A64Op.allCases where report.compared[op] != nil {
            lines.append("  \(op): \(report.compared[op]!)")
        }
        lines.append("  total: \(report.compared.values.reduce(0, +))")
        for (what, n) in report.allowed.sorted(by: { $0.key < $1.key }) {
            lines.append("  allow-listed (llvm decodes, we do not): \(what): \(n)")
        }
        print(lines.joined(separator: "\n"))
        if report.failureCount > 0 {
            print(report.failures.prefix(50).joined(separator: "\n"))
            // A64_DISASM_FAILURES=<file> keeps the whole list for study.
            if let path = ProcessInfo.processInfo.environment["A64_DISASM_FAILURES"] {
                try? report.failures.joined(separator: "\n").appending("\n")
                    .write(toFile: path + "." + title.replacingOccurrences(of: " ", with: "-"), atomically: true, encoding: .utf8)
            }
            XCTFail("\(report.failureCount) words differ from llvm-objdump (first \(min(50, report.failures.count)) printed)")
        }
    }

    func requireObjdump() throws {
        guard LLVMObjdump.isAvailable else {
            throw References.missing("\(LLVMObjdump.path) not found: the toolchain's llvm-objdump (LLVM 21) is the reference")
        }
        let version = try LLVMObjdump.version()
        guard version.contains("LLVM version 21.") else {
            throw References.missing("\(LLVMObjdump.path) is not LLVM 21 (\(version)): its text is the reference only for 21")
        }
    }

    /// Every operation of the table, its borders, and random words.
    func testTableAgainstObjdump() throws {
        try requireObjdump()
        var words: [UInt32] = []
        for op in A64Op.allCases where op != .unallocated {
            words += WordGenerator.words(for: op, random: 3000, seed: 0xA64)
        }
        words += WordGenerator.nearMisses(perBit: 8, seed: 0xB0DE)
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<100_000 { words.append(rng.word()) }

        var report = Report()
        // Three images at different addresses: low, a typical kernel address, and
        // the top of the address space (targets that wrap).
        let bases: [UInt64] = [0x4008_0000, 0xFFFF_8000_1000_0000, 0x1000]
        let chunk = (words.count + bases.count - 1) / bases.count
        for (i, base) in bases.enumerated() {
            let slice = Array(words[min(words.count, i * chunk)..<min(words.count, (i + 1) * chunk)])
            try compare(slice, base: base, into: &report)
        }
        finish(report, "table")
    }

    /// The FP/SIMD encoding space: random words of the data-processing groups
    /// (bits 28:25 = x111) and of the loads/stores with V = 1, where llvm
    /// (with FP16, FHM, AES, SHA2/SHA3 and FRINTTS) and we must agree on every
    /// word, allocated or not.
    func testFPSIMDSpaceAgainstObjdump() throws {
        try requireObjdump()
        var rng = SplitMix64(seed: 0xF95D)
        var words: [UInt32] = []
        for _ in 0..<150_000 {
            let w = rng.word()
            words.append((w & ~(UInt32(7) << 25)) | (7 << 25))          // data processing, SIMD and FP
            words.append((w & ~(UInt32(0xA) << 24)) | (0x0C << 24))     // loads/stores with V = 1
        }
        // Scalar FP and AdvSIMD rows with their class bits fixed, the rest random.
        for _ in 0..<50_000 {
            let w = rng.word()
            words.append((w & 0x80FF_FFFF) | 0x1E00_0000)   // scalar FP (M = S = 0)
            words.append((w & 0xC0FF_FFFF) | 0x0E00_0000)   // AdvSIMD vector (x0x01110)
            words.append((w & 0xE0FF_FFFF) | 0x5E00_0000)   // AdvSIMD scalar (01x11110)
            words.append((w & 0xE0FF_FFFF) | 0x0F00_0000)   // shift by immediate, by element
        }
        var report = Report()
        try compare(words, base: 0x4008_0000, into: &report)
        finish(report, "FP/SIMD space")
    }

    /// The system space exhaustively: every op0:op1:CRn:CRm:op2 for L = 0 and 1,
    /// with Rt = 31 and a varying Rt (hints, barriers, PSTATE, SYS aliases,
    /// system register names).
    func testSystemSpaceExhaustive() throws {
        try requireObjdump()
        var words: [UInt32] = []
        for l: UInt32 in 0...1 {
            for key: UInt32 in 0..<(1 << 16) {
                let w = 0xD500_0000 | l << 21 | key << 5
                words.append(w | 31)
                words.append(w | (key % 31))
            }
        }
        var report = Report()
        try compare(words, base: 0x8000_0000, into: &report)
        finish(report, "system space")
    }
}
