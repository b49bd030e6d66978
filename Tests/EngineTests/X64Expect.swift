import Foundation
import XCTest
@testable import Engine
import TestReferences

/// Expected llvm-objdump (Intel syntax) text for the assembler's operands.
enum X64Text {
    static let names64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                          "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
    static let names32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                          "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"]
    static let names16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                          "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"]
    static let names8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                         "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"]

    static func reg(_ r: Reg, _ s: OpSize) -> String {
        switch s {
        case .b: names8[Int(r.rawValue)]
        case .w: names16[Int(r.rawValue)]
        case .d: names32[Int(r.rawValue)]
        case .q: names64[Int(r.rawValue)]
        }
    }

    static func ptr(_ s: OpSize) -> String {
        switch s {
        case .b: "byte ptr "
        case .w: "word ptr "
        case .d: "dword ptr "
        case .q: "qword ptr "
        }
    }

    static func hex(_ v: Int64) -> String {
        v < 0 ? "-0x" + String(0 &- UInt64(bitPattern: v), radix: 16) : "0x" + String(v, radix: 16)
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// `[base + scale*index +/- disp]`, as LLVM prints it.
    static func mem(_ m: Mem) -> String {
        var t = "[" + reg(m.base, .q)
        if let i = m.index {
            t += " + " + (m.scale == 1 ? "" : "\(m.scale)*") + reg(i, .q)
        }
        if m.disp > 0 { t += " + " + hex(Int64(m.disp)) }
        if m.disp < 0 { t += " - " + hex(-Int64(m.disp)) }
        return t + "]"
    }

    /// An immediate (`v` already sign-extended from the operand size) as LLVM prints it:
    /// a sign-extended imm8 (83/6B forms) and 8/64-bit operands signed, 16/32-bit ones unsigned.
    static func imm(_ v: Int64, _ s: OpSize, imm8Form: Bool = false) -> String {
        if imm8Form { return hex(v) }
        switch s {
        case .b, .q: return hex(v)
        case .w: return hex(UInt64(UInt16(truncatingIfNeeded: v)))
        case .d: return hex(UInt64(UInt32(truncatingIfNeeded: v)))
        }
    }

    /// An ALU immediate (as accepted by the assembler) sign-extended from the operand size.
    static func normalized(_ imm: Int32, _ s: OpSize) -> Int64 {
        switch s {
        case .b: Int64(Int8(truncatingIfNeeded: imm))
        case .w: Int64(Int16(truncatingIfNeeded: imm))
        case .d, .q: Int64(imm)
        }
    }

    static func fits8(_ v: Int64) -> Bool { v >= -128 && v <= 127 }

    static func name(_ op: AluOp) -> String { String(describing: op) }
    static func name(_ op: ShiftOp) -> String { op == .sal ? "shl" : String(describing: op) }
    static func name(_ c: Cond) -> String { String(describing: c) }
}

/// Many small emissions into one assembler, each with its expected instruction
/// texts, checked with one llvm-objdump run (and one clang run for the
/// independent check of the expectations).
final class X64Batch {
    struct Case {
        var start: Int
        var end: Int
        var expected: [String]
        /// Assemble `expected` with clang too (not for texts with absolute branch targets).
        var clang: Bool
        /// Ours must be no longer than clang's encoding of the same text (off for
        /// long NOPs, whose text does not show their displacement).
        var notLongerThanClang: Bool
        /// Total byte length the case must have, if given.
        var length: Int?
    }

    let asm = X64Assembler()
    let base: UInt64 = 0x10000
    var cases: [Case] = []

    /// Emits one case; returns its index (expectations may be filled in later, e.g. for jumps).
    @discardableResult
    func add(_ expected: [String], clang: Bool = true, notLongerThanClang: Bool = true, length: Int? = nil,
             _ emit: (X64Assembler) -> Void) -> Int {
        let start = asm.offset
        emit(asm)
        cases.append(Case(start: start, end: asm.offset, expected: expected, clang: clang,
                          notLongerThanClang: notLongerThanClang, length: length))
        return cases.count - 1
    }

    @discardableResult
    func add(_ expected: String, clang: Bool = true, length: Int? = nil, _ emit: (X64Assembler) -> Void) -> Int {
        add([expected], clang: clang, length: length, emit)
    }

    /// The absolute address objdump shows for an offset of this batch.
    func address(_ offset: Int) -> String { X64Text.hex(base + UInt64(offset)) }

    private func hexBytes(_ r: Range<Int>) -> String {
        asm.bytes[r].map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined(separator: " ")
    }

    /// Disassembles everything and compares; returns the number of instructions compared.
    @discardableResult
    func check(file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        guard X64Toolchain.hasObjdump else {
            throw References.missing("llvm-objdump not found at \(X64Toolchain.objdump): the x86-64 assembler tests need the Swift toolchain's LLVM tools")
        }
        asm.finish()
        let lines = try X64Toolchain.disassemble(asm.bytes, base: base)
        var failures: [String] = []
        var failureCount = 0
        func fail(_ s: String) {
            failureCount += 1
            if failures.count < 60 { failures.append(s) }
        }
        var li = 0
        var compared = 0
        // Our encoding length of each expected instruction, for the clang comparison.
        var clangTexts: [String] = []
        var ourLengths: [Int] = []
        var checkLength: [Bool] = []
        for c in cases {
            let start = base + UInt64(c.start), end = base + UInt64(c.end)
            while li < lines.count && lines[li].address < start { li += 1 }
            var got: [X64Toolchain.Line] = []
            while li < lines.count && lines[li].address < end {
                got.append(lines[li])
                li += 1
            }
            let bytes = hexBytes(c.start..<c.end)
            compared += c.expected.count
            if let n = c.length, n != c.end - c.start {
                fail("\(c.expected): \(c.end - c.start) bytes, expected \(n) [\(bytes)]")
            }
            if (got.first?.address ?? start) != start || got.map(\.text) != c.expected {
                fail("expected \(c.expected), objdump \(got.map(\.text)) [\(bytes)]")
                continue
            }
            if c.clang {
                for (k, g) in got.enumerated() {
                    let next = k + 1 < got.count ? got[k + 1].address : end
                    clangTexts.append(g.text)
                    ourLengths.append(Int(next - g.address))
                    checkLength.append(c.notLongerThanClang)
                }
            }
        }
        if X64Toolchain.hasClang && !clangTexts.isEmpty {
            // A trailing int3 gives the length of the last instruction.
            let reference = try X64Toolchain.assembleAndDisassemble(clangTexts + ["int3"])
            if reference.count != clangTexts.count + 1 {
                fail("clang round trip: \(reference.count) instructions for \(clangTexts.count + 1) lines")
            } else {
                for (k, text) in clangTexts.enumerated() {
                    let clangLength = Int(reference[k + 1].address - reference[k].address)
                    if reference[k].text != text {
                        fail("clang assembles '\(text)' to something objdump prints as '\(reference[k].text)'")
                    } else if checkLength[k] && ourLengths[k] > clangLength {
                        fail("'\(text)': ours is \(ourLengths[k]) bytes, clang's \(clangLength)")
                    }
                }
            }
        }
        if failureCount > 0 {
            XCTFail("\(failureCount) of \(cases.count) cases differ:\n" + failures.joined(separator: "\n"), file: file, line: line)
        }
        return compared
    }
}
