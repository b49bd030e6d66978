import Foundation
import XCTest
@testable import Engine

/// The x86-64 assembler's output executed: small functions assembled into
/// executable memory and called (System V ABI), so encodings are checked by
/// behaviour as well as by disassembly (X64AssemblerTests).
final class X64AssemblerExecutionTests: XCTestCase {
    /// A few functions assembled and run (System V ABI: rdi, rsi in; rax out).
    func testExecution() throws {
        // sum(n) = n + (n-1) + ... + 1, with a backward jcc and a forward jmp.
        try withFunction({ a in
            let loop = a.newLabel(), done = a.newLabel()
            a.alu(.xor, .rax, .rax, .d)
            a.test(.rdi, .rdi, .q)
            a.jcc(.e, done)
            a.bind(loop)
            a.alu(.add, .rax, .rdi, .q)
            a.alu(.sub, .rdi, imm: 1, .q)
            a.jcc(.ne, loop)
            a.bind(done)
            a.ret()
        }) { f in
            XCTAssertEqual(f(100, 0), 5050)
            XCTAssertEqual(f(0, 0), 0)
        }
        // 128-bit product high half, quotient, 32-bit zero extension, sign extension, bswap.
        try withFunction({ a in
            a.mov(.rax, .rdi)
            a.mul(.rsi, .q)
            a.mov(.rax, .rdx)
            a.ret()
        }) { f in XCTAssertEqual(f(UInt64.max, 3), 2) }
        try withFunction({ a in
            a.mov(.rax, .rdi)
            a.alu(.xor, .rdx, .rdx, .d)
            a.div(.rsi, .q)
            a.ret()
        }) { f in XCTAssertEqual(f(1000, 7), 142) }
        try withFunction({ a in
            a.mov(.rax, imm: UInt64.max)
            a.mov(.rax, .rdi, .d)
            a.ret()
        }) { f in XCTAssertEqual(f(0xFFFF_FFFF_1234_5678, 0), 0x1234_5678) }
        // Every constant form, into rax and (through r11, which needs REX.B) into rax.
        for (v, _, _) in X64AssemblerTests.movImmediates {
            try withFunction({ a in
                a.mov(.rax, imm: v)
                a.ret()
            }) { f in XCTAssertEqual(f(0, 0), v) }
            try withFunction({ a in
                a.mov(.r11, imm: ~v)
                a.mov(.r11, imm: v)
                a.mov(.rax, .r11)
                a.ret()
            }) { f in XCTAssertEqual(f(0, 0), v) }
        }
        try withFunction({ a in
            a.movsx(.rax, .rsi, from: .b, to: .q)
            a.ret()
        }) { f in XCTAssertEqual(f(0, 0x80), 0xFFFF_FFFF_FFFF_FF80) }
        try withFunction({ a in
            a.mov(.rax, .rdi)
            a.bswap(.rax, .q)
            a.ret()
        }) { f in XCTAssertEqual(f(0x0102_0304_0506_0708, 0), 0x0807_0605_0403_0201) }
        // setcc/cmov: max(a, b) signed, and (a < b) unsigned.
        try withFunction({ a in
            a.mov(.rax, .rdi)
            a.alu(.cmp, .rdi, .rsi, .q)
            a.cmov(.l, .rax, .rsi, .q)
            a.ret()
        }) { f in
            XCTAssertEqual(f(5, 9), 9)
            XCTAssertEqual(f(UInt64(bitPattern: -5), 3), 3)
        }
        try withFunction({ a in
            a.alu(.xor, .rax, .rax, .d)
            a.alu(.cmp, .rdi, .rsi, .q)
            a.setcc(.b, .rax)
            a.ret()
        }) { f in
            XCTAssertEqual(f(1, 2), 1)
            XCTAssertEqual(f(2, 1), 0)
        }
        // 8-bit registers needing REX: sil/dil stored through memory and read back.
        try withFunction({ a in
            a.push(.rbx)
            a.mov(.rbx, .rsp)
            a.alu(.sub, .rsp, imm: 16, .q)
            a.store(Mem(.rsp), imm: 0, .q)
            a.store(Mem(.rsp, 1), .rdi, .b)     // dil
            a.store(Mem(.rsp, 0), .rsi, .b)     // sil
            a.load(.rax, Mem(.rsp), .w)
            a.mov(.rsp, .rbx)
            a.pop(.rbx)
            a.ret()
        }) { f in XCTAssertEqual(f(0x1AB, 0x2CD), 0xABCD) }
        // call(absolute:) to a C function; the push keeps the stack 16-byte aligned.
        let triple: @convention(c) (UInt64) -> UInt64 = { $0 &* 3 }
        let address = UInt64(UInt(bitPattern: unsafeBitCast(triple, to: UnsafeRawPointer.self)))
        try withFunction({ a in
            a.push(.rbx)
            a.mov(.rbx, .rsi)
            a.call(absolute: address, scratch: .r11)
            a.alu(.add, .rax, .rbx, .q)
            a.pop(.rbx)
            a.ret()
        }) { f in XCTAssertEqual(f(14, 100), 142) }
        // A placeholder jump patched in executable memory (through the writable view).
        try withFunction({ a in
            let field = a.jmpRel32Placeholder()
            XCTAssertEqual(field, 1)
            a.mov(.rax, imm: 7)
            a.ret()
            a.align(16)
            XCTAssertEqual(a.offset, 16)
            a.mov(.rax, imm: 42)
            a.ret()
        }, patch: { writable, address in
            patchRel32(field: writable + 1, fieldAddress: address + 1, target: address + 16)
        }) { f in XCTAssertEqual(f(0, 0), 42) }
    }

    typealias Function = @convention(c) (UInt64, UInt64) -> UInt64

    /// Assembles, maps the code executable (written while RW, then RX), runs `body`, unmaps.
    private func withFunction(_ build: (X64Assembler) -> Void,
                              patch: ((UnsafeMutableRawPointer, UInt64) -> Void)? = nil,
                              _ body: (Function) -> Void) throws {
        let a = X64Assembler()
        build(a)
        a.finish()
        let size = 4096
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            return XCTFail("mmap failed: the JIT cannot map code")
        }
        defer { munmap(p, size) }
        a.bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        patch?(p, UInt64(UInt(bitPattern: p)))
        guard mprotect(p, size, PROT_READ | PROT_EXEC) == 0 else { return XCTFail("mprotect(PROT_EXEC) refused: the JIT cannot run code") }
        body(unsafeBitCast(p, to: Function.self))
    }
}
