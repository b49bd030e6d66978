import Foundation
import XCTest
@testable import Engine
import TestReferences

/// The x86-64 assembler, every emitter checked by disassembling its bytes with
/// the toolchain's llvm-objdump (Intel syntax) and comparing the text per
/// instruction; the expected texts are also assembled by clang and must
/// disassemble to themselves, with our encoding no longer than clang's.
/// Cases are generated systematically: every register in every position, every
/// operand size, immediates and displacements at the encoding boundaries.
final class X64AssemblerTests: XCTestCase {
    typealias T = X64Text
    static let regs = Reg.allCases
    static let sizes = OpSize.allCases

    static let disps: [Int32] = [0, 1, -1, 127, -128, 128, -129, 0x1234, Int32.max, Int32.min]

    /// Every base with every boundary displacement, and every base x index x scale.
    static let memFull: [Mem] = {
        var ms: [Mem] = []
        for b in regs { for d in disps { ms.append(Mem(b, d)) } }
        let indexDisps: [Int32] = [0, 8, -128, 0x1000, Int32.min, 127, -129]
        var k = 0
        for b in regs {
            for i in regs where i != .rsp {
                for s: UInt8 in [1, 2, 4, 8] {
                    ms.append(Mem(base: b, index: i, scale: s, disp: indexDisps[k % indexDisps.count]))
                    k += 1
                }
            }
        }
        return ms
    }()

    /// Every base with disp 0/disp8/disp32, every index once, and the SIB special cases.
    static let memSmall: [Mem] = {
        var ms: [Mem] = []
        for b in regs { for d: Int32 in [0, -128, 128] { ms.append(Mem(b, d)) } }
        for (n, i) in regs.enumerated() where i != .rsp {
            ms.append(Mem(base: Reg(rawValue: UInt8((n * 5 + 3) % 16))!, index: i,
                          scale: [1, 2, 4, 8][n % 4], disp: [0, 1, -0x1000][n % 3]))
        }
        ms.append(Mem(base: .rbp, index: .rax, scale: 1, disp: 0))
        ms.append(Mem(base: .r13, index: .r12, scale: 8, disp: 0))
        ms.append(Mem(base: .r12, index: .r13, scale: 2, disp: 0))
        ms.append(Mem(base: .rsp, index: .rbp, scale: 4, disp: 0))
        ms.append(Mem(base: .rsp, index: .r12, scale: 1, disp: -1))
        return ms
    }()

    /// Immediates accepted for each ALU operand size (boundaries of imm8 and the size).
    static func imms(_ s: OpSize) -> [Int32] {
        switch s {
        case .b: [0, 1, 127, -128, 128, 255, -1]
        case .w: [0, 1, 127, -128, 128, -129, 0x7FFF, -0x8000, 0xFFFF, 0x8000, -1]
        case .d, .q: [0, 1, -1, 127, -128, 128, -129, 0x1234_5678, Int32.max, Int32.min]
        }
    }

    /// Expected text of `mov dst, imm` (see X64Assembler.mov(_:imm:)).
    static func movImmText(_ r: Reg, _ v: UInt64) -> String {
        if v <= 0xFFFF_FFFF { return "mov \(T.reg(r, .d)), \(T.hex(v))" }
        let s = Int64(bitPattern: v)
        if s >= Int64(Int32.min) && s < 0 { return "mov \(T.reg(r, .q)), \(T.hex(s))" }
        return "movabs \(T.reg(r, .q)), \(T.hex(s))"
    }

    /// Constants for mov(_:imm:) with the form expected: .d `mov r32, imm32`,
    /// .q `mov r64, simm32`, .b (for "big") `movabs`, and the immediate's text.
    static let movImmediates: [(UInt64, OpSize, String)] = [
        (0, .d, "0x0"), (1, .d, "0x1"), (0x7F, .d, "0x7f"), (0x80, .d, "0x80"), (0xFFFF, .d, "0xffff"),
        (0x7FFF_FFFF, .d, "0x7fffffff"), (0x8000_0000, .d, "0x80000000"), (0xFFFF_FFFF, .d, "0xffffffff"),
        (0x1_0000_0000, .b, "0x100000000"), (UInt64.max, .q, "-0x1"), (0xFFFF_FFFF_FFFF_FF80, .q, "-0x80"),
        (0xFFFF_FFFF_8000_0000, .q, "-0x80000000"), (0xFFFF_FFFF_7FFF_FFFF, .b, "-0x80000001"),
        (0x8000_0000_0000_0000, .b, "-0x8000000000000000"), (0x7FFF_FFFF_FFFF_FFFF, .b, "0x7fffffffffffffff"),
        (0x1234_5678_9ABC_DEF0, .b, "0x123456789abcdef0"), (0x0000_7F12_3456_789A, .b, "0x7f123456789a"),
        (0x0000_55FD_8D4A_5E80, .b, "0x55fd8d4a5e80"),
    ]

    // MARK: Data movement

    func testMoves() throws {
        let b = X64Batch()
        for s in Self.sizes {
            for d in Self.regs {
                for r in Self.regs {
                    b.add("mov \(T.reg(d, s)), \(T.reg(r, s))") { $0.mov(d, r, s) }
                }
            }
        }
        // mov r, imm: the shortest flag-preserving form (written out by hand, not computed).
        for r in Self.regs {
            for (v, form, imm) in Self.movImmediates {
                let rex = r.rawValue >= 8 ? 1 : 0
                let (text, length) = switch form {
                case .d: ("mov \(T.reg(r, .d)), \(imm)", 5 + rex)
                case .q: ("mov \(T.reg(r, .q)), \(imm)", 7)
                case .b: ("movabs \(T.reg(r, .q)), \(imm)", 10)
                case .w: ("?", 0)
                }
                b.add(text, length: length) { $0.mov(r, imm: v) }
                XCTAssertEqual(text, Self.movImmText(r, v))
            }
            for v: UInt64 in [0, 0xFFFF_FFFF, 0x8000_0000_0000_0000] {
                b.add("movabs \(T.reg(r, .q)), \(T.hex(Int64(bitPattern: v)))", length: 10) { $0.movabs(r, imm: v) }
            }
        }
        // movzx / movsx / movsxd between registers.
        for d in Self.regs {
            for r in Self.regs {
                b.add("movzx \(T.reg(d, .d)), \(T.reg(r, .b))") { $0.movzx(d, r, from: .b) }
                b.add("movzx \(T.reg(d, .d)), \(T.reg(r, .w))") { $0.movzx(d, r, from: .w) }
                for (from, to) in [(OpSize.b, OpSize.w), (.b, .d), (.b, .q), (.w, .d), (.w, .q)] {
                    b.add("movsx \(T.reg(d, to)), \(T.reg(r, from))") { $0.movsx(d, r, from: from, to: to) }
                }
                b.add("movsxd \(T.reg(d, .q)), \(T.reg(r, .d))") { $0.movsx(d, r, from: .d, to: .q) }
            }
        }
        // xchg (the 90+r short form when one side is rax; never 0x90 itself).
        for s in Self.sizes {
            for x in Self.regs {
                for y in Self.regs {
                    let text: String
                    if s != .b && (x == .rax) != (y == .rax) {
                        text = "xchg \(T.reg(.rax, s)), \(T.reg(x == .rax ? y : x, s))"
                    } else {
                        text = "xchg \(T.reg(x, s)), \(T.reg(y, s))"
                    }
                    // clang encodes `xchg ax, ax`/`xchg rax, rax` as (66/48) 90, which objdump calls nop.
                    b.add([text], clang: !(s != .b && s != .d && x == .rax && y == .rax)) { $0.xchg(x, y, s) }
                }
            }
        }
        try b.check()
    }

    func testLoadsStoresLea() throws {
        let b = X64Batch()
        func loadText(_ d: Reg, _ m: Mem, _ s: OpSize) -> String {
            switch s {
            case .b, .w: "movzx \(T.reg(d, .d)), \(T.ptr(s))\(T.mem(m))"
            case .d, .q: "mov \(T.reg(d, s)), \(T.ptr(s))\(T.mem(m))"
            }
        }
        for s in Self.sizes {
            // Every register with the small memory set, and the full memory set with registers in turn.
            for r in Self.regs {
                for m in Self.memSmall {
                    b.add(loadText(r, m, s)) { $0.load(r, m, s) }
                    b.add("mov \(T.ptr(s))\(T.mem(m)), \(T.reg(r, s))") { $0.store(m, r, s) }
                }
            }
            for (n, m) in Self.memFull.enumerated() {
                let r = Self.regs[n % 16]
                b.add(loadText(r, m, s)) { $0.load(r, m, s) }
                b.add("mov \(T.ptr(s))\(T.mem(m)), \(T.reg(r, s))") { $0.store(m, r, s) }
                if s != .b {
                    b.add("lea \(T.reg(r, s)), \(T.mem(m))") { $0.lea(r, m, s) }
                }
            }
            if s != .b {
                for r in Self.regs {
                    for m in Self.memSmall {
                        b.add("lea \(T.reg(r, s)), \(T.mem(m))") { $0.lea(r, m, s) }
                    }
                }
            }
            // mov [m], imm
            for (n, m) in Self.memSmall.enumerated() {
                for imm in Self.imms(s) where n % 3 == 0 || imm == Self.imms(s)[n % Self.imms(s).count] {
                    b.add("mov \(T.ptr(s))\(T.mem(m)), \(T.imm(T.normalized(imm, s), s))") { $0.store(m, imm: imm, s) }
                }
            }
        }
        // Sign-extending loads.
        for (from, to) in [(OpSize.b, OpSize.w), (.b, .d), (.b, .q), (.w, .d), (.w, .q), (.d, .q)] {
            for r in Self.regs {
                for m in Self.memSmall {
                    let text = from == .d
                        ? "movsxd \(T.reg(r, .q)), dword ptr \(T.mem(m))"
                        : "movsx \(T.reg(r, to)), \(T.ptr(from))\(T.mem(m))"
                    b.add(text) { $0.loadSigned(r, m, from: from, to: to) }
                }
            }
        }
        try b.check()
    }

    /// The ModRM/SIB choices by length: disp8 when it fits, disp8 0 for rbp/r13,
    /// a SIB for rsp/r12, REX only when needed.
    func testMemoryEncodingLengths() throws {
        let b = X64Batch()
        for base in Self.regs {
            for d in Self.disps {
                let sib = base.low3 == 4 ? 1 : 0
                let dispBytes = d == 0 && base.low3 != 5 ? 0 : (d >= -128 && d <= 127 ? 1 : 4)
                let rex = base.rawValue >= 8 ? 1 : 0
                // mov eax, dword ptr [base + d]: [REX] 8B ModRM [SIB] disp
                b.add("mov eax, dword ptr \(T.mem(Mem(base, d)))", length: rex + 2 + sib + dispBytes) {
                    $0.load(.rax, Mem(base, d), .d)
                }
            }
            for index in Self.regs where index != .rsp {
                let m = Mem(base: base, index: index, scale: 4, disp: 0)
                let rex = (base.rawValue >= 8 || index.rawValue >= 8) ? 1 : 0
                let dispBytes = base.low3 == 5 ? 1 : 0
                b.add("mov eax, dword ptr \(T.mem(m))", length: rex + 3 + dispBytes) { $0.load(.rax, m, .d) }
            }
        }
        // 8-bit stores of spl/bpl/sil/dil need a REX 0x40; al..bl do not.
        for r in Self.regs {
            let rex = r.rawValue >= 4 ? 1 : 0
            b.add("mov byte ptr [rax], \(T.reg(r, .b))", length: rex + 2) { $0.store(Mem(.rax), r, .b) }
        }
        try b.check()
    }

    // MARK: Arithmetic

    func testALURegisterForms() throws {
        let b = X64Batch()
        for op in AluOp.allCases {
            for s in Self.sizes {
                for d in Self.regs {
                    for r in Self.regs {
                        b.add("\(T.name(op)) \(T.reg(d, s)), \(T.reg(r, s))") { $0.alu(op, d, r, s) }
                    }
                    for imm in Self.imms(s) {
                        let v = T.normalized(imm, s)
                        let text = "\(T.name(op)) \(T.reg(d, s)), \(T.imm(v, s, imm8Form: s != .b && T.fits8(v)))"
                        b.add(text) { $0.alu(op, d, imm: imm, s) }
                    }
                }
            }
        }
        try b.check()
    }

    func testALUMemoryForms() throws {
        let b = X64Batch()
        for op in AluOp.allCases {
            for s in Self.sizes {
                let imms = Self.imms(s)
                for (n, m) in Self.memSmall.enumerated() {
                    let r = Self.regs[(n + Int(op.rawValue)) % 16]
                    b.add("\(T.name(op)) \(T.reg(r, s)), \(T.ptr(s))\(T.mem(m))") { $0.alu(op, r, m, s) }
                    b.add("\(T.name(op)) \(T.ptr(s))\(T.mem(m)), \(T.reg(r, s))") { $0.alu(op, m, r, s) }
                    let imm = imms[n % imms.count]
                    let v = T.normalized(imm, s)
                    b.add("\(T.name(op)) \(T.ptr(s))\(T.mem(m)), \(T.imm(v, s, imm8Form: s != .b && T.fits8(v)))") {
                        $0.alu(op, m, imm: imm, s)
                    }
                }
                // Every register and every immediate with a few memory operands.
                for m in [Mem(.rbx, 8), Mem(.r12), Mem(.r13), Mem(base: .rsp, index: .r9, scale: 8, disp: -0x100)] {
                    for r in Self.regs {
                        b.add("\(T.name(op)) \(T.reg(r, s)), \(T.ptr(s))\(T.mem(m))") { $0.alu(op, r, m, s) }
                        b.add("\(T.name(op)) \(T.ptr(s))\(T.mem(m)), \(T.reg(r, s))") { $0.alu(op, m, r, s) }
                    }
                    for imm in imms {
                        let v = T.normalized(imm, s)
                        b.add("\(T.name(op)) \(T.ptr(s))\(T.mem(m)), \(T.imm(v, s, imm8Form: s != .b && T.fits8(v)))") {
                            $0.alu(op, m, imm: imm, s)
                        }
                    }
                }
            }
        }
        try b.check()
    }

    func testTestShiftsMulDiv() throws {
        let b = X64Batch()
        for s in Self.sizes {
            for x in Self.regs {
                for y in Self.regs {
                    b.add("test \(T.reg(x, s)), \(T.reg(y, s))") { $0.test(x, y, s) }
                }
                for imm in Self.imms(s) {
                    b.add("test \(T.reg(x, s)), \(T.imm(T.normalized(imm, s), s))") { $0.test(x, imm: imm, s) }
                }
                for op in ShiftOp.allCases {
                    for count: UInt8 in [0, 1, 2, 7, 8, 15, 31, 63] {
                        let text = count == 1
                            ? "\(T.name(op)) \(T.reg(x, s))"
                            : "\(T.name(op)) \(T.reg(x, s)), \(T.hex(UInt64(count)))"
                        b.add(text) { $0.shift(op, x, imm: count, s) }
                    }
                    b.add("\(T.name(op)) \(T.reg(x, s)), cl") { $0.shiftCL(op, x, s) }
                }
                b.add("mul \(T.reg(x, s))") { $0.mul(x, s) }
                b.add("imul \(T.reg(x, s))") { $0.imul1(x, s) }
                b.add("div \(T.reg(x, s))") { $0.div(x, s) }
                b.add("idiv \(T.reg(x, s))") { $0.idiv(x, s) }
                b.add("neg \(T.reg(x, s))") { $0.neg(x, s) }
                b.add("not \(T.reg(x, s))") { $0.not(x, s) }
            }
            for (n, m) in Self.memSmall.enumerated() {
                let imms = Self.imms(s)
                let imm = imms[n % imms.count]
                b.add("test \(T.ptr(s))\(T.mem(m)), \(T.imm(T.normalized(imm, s), s))") { $0.test(m, imm: imm, s) }
            }
        }
        for s in [OpSize.w, .d, .q] {
            for d in Self.regs {
                for r in Self.regs {
                    b.add("imul \(T.reg(d, s)), \(T.reg(r, s))") { $0.imul(d, r, s) }
                    let imms = Self.imms(s)
                    let imm = imms[(Int(d.rawValue) + Int(r.rawValue)) % imms.count]
                    let v = T.normalized(imm, s)
                    b.add("imul \(T.reg(d, s)), \(T.reg(r, s)), \(T.imm(v, s, imm8Form: T.fits8(v)))") {
                        $0.imul(d, r, imm: imm, s)
                    }
                }
            }
        }
        b.add("cqo") { $0.cqo() }
        b.add("cdq") { $0.cdq() }
        b.add("cdqe") { $0.cdqe() }
        try b.check()
    }

    func testBitsAndConditions() throws {
        let b = X64Batch()
        for s in [OpSize.w, .d, .q] {
            for d in Self.regs {
                for r in Self.regs {
                    b.add("bsr \(T.reg(d, s)), \(T.reg(r, s))") { $0.bsr(d, r, s) }
                    b.add("bsf \(T.reg(d, s)), \(T.reg(r, s))") { $0.bsf(d, r, s) }
                    b.add("lzcnt \(T.reg(d, s)), \(T.reg(r, s))") { $0.lzcnt(d, r, s) }
                    b.add("tzcnt \(T.reg(d, s)), \(T.reg(r, s))") { $0.tzcnt(d, r, s) }
                    b.add("popcnt \(T.reg(d, s)), \(T.reg(r, s))") { $0.popcnt(d, r, s) }
                }
                for bit: UInt8 in [0, 1, 15, 31, 63] where Int(bit) < s.bits {
                    b.add("bt \(T.reg(d, s)), \(T.hex(UInt64(bit)))") { $0.bt(d, imm: bit, s) }
                }
            }
        }
        for r in Self.regs {
            b.add("bswap \(T.reg(r, .d))") { $0.bswap(r, .d) }
            b.add("bswap \(T.reg(r, .q))") { $0.bswap(r, .q) }
            b.add("rol \(T.reg(r, .w)), 0x8") { $0.rol16(r) }
        }
        for c in Cond.allCases {
            XCTAssertEqual(c.inverted.inverted, c)
            XCTAssertNotEqual(c.inverted, c)
            for r in Self.regs {
                b.add("set\(T.name(c)) \(T.reg(r, .b))") { $0.setcc(c, r) }
            }
            for s in [OpSize.w, .d, .q] {
                for d in Self.regs {
                    for r in Self.regs where s == .q || (d.rawValue + r.rawValue + c.rawValue) % 4 == 0 {
                        b.add("cmov\(T.name(c)) \(T.reg(d, s)), \(T.reg(r, s))") { $0.cmov(c, d, r, s) }
                    }
                }
            }
        }
        // Inversion pairs, by name.
        let pairs: [(Cond, Cond)] = [(.o, .no), (.b, .ae), (.e, .ne), (.be, .a), (.s, .ns), (.p, .np), (.l, .ge), (.le, .g)]
        for (x, y) in pairs {
            XCTAssertEqual(x.inverted, y)
            XCTAssertEqual(y.inverted, x)
        }
        try b.check()
    }

    // MARK: Control flow

    func testIndirectBranchesStackAndMisc() throws {
        let b = X64Batch()
        for r in Self.regs {
            b.add("jmp \(T.reg(r, .q))") { $0.jmp(r) }
            b.add("call \(T.reg(r, .q))") { $0.call(r) }
            b.add("push \(T.reg(r, .q))") { $0.push(r) }
            b.add("pop \(T.reg(r, .q))") { $0.pop(r) }
            for address: UInt64 in [0x1000, 0x7FFF_FFFF, 0xFFFF_FFFF_8000_0000, 0x7F12_3456_789A] {
                b.add([Self.movImmText(r, address), "call \(T.reg(r, .q))"]) {
                    $0.call(absolute: address, scratch: r)
                }
            }
        }
        for m in Self.memFull {
            b.add("jmp qword ptr \(T.mem(m))") { $0.jmp(m) }
            b.add("call qword ptr \(T.mem(m))") { $0.call(m) }
        }
        b.add("ret", length: 1) { $0.ret() }
        b.add("int3", length: 1) { $0.int3() }
        b.add("ud2", length: 2) { $0.ud2() }
        b.add(["lock", "or dword ptr [rsp], 0x0"], length: 5) { $0.lockedFence() }
        b.add("nop", length: 1) { $0.nop() }
        b.add("nop") { $0.emitBytes([0x90]) }
        let nopTexts = ["nop", "nop", "nop dword ptr [rax]", "nop dword ptr [rax]", "nop dword ptr [rax + rax]",
                        "nop word ptr [rax + rax]", "nop dword ptr [rax]", "nop dword ptr [rax + rax]",
                        "nop word ptr [rax + rax]"]
        for n in 1...9 {
            b.add([nopTexts[n - 1]], notLongerThanClang: false, length: n) { $0.nop(length: n) }
        }
        // align: pads with NOPs to the boundary, nothing when already aligned.
        for n in [1, 2, 4, 8, 16, 32, 64] {
            for misalign in [0, 1, 3, 7, 15, 31] where misalign < n {
                b.asm.align(64)
                for _ in 0..<misalign { b.asm.int3() }
                let start = b.asm.offset
                var texts: [String] = []
                var left = (n - start % n) % n
                while left > 0 {
                    let k = min(left, 9)
                    texts.append(nopTexts[k - 1])
                    left -= k
                }
                b.add(texts, notLongerThanClang: false) { $0.align(n) }
                XCTAssertEqual(b.asm.offset % n, 0)
                XCTAssertLessThan(b.asm.offset - start, n)
            }
        }
        try b.check()
    }

    /// Jumps to labels: backward rel8 at exactly -128 and rel32 at -129, forward
    /// (always rel32) near and far, several jumps to one label, every condition.
    func testLabelsAndJumps() throws {
        let b = X64Batch()
        let a = b.asm
        func filler(_ n: Int) {
            var left = n
            while left > 0 {
                let k = min(left, 9)
                a.nop(length: k)
                left -= k
            }
        }
        func name(_ c: Cond?) -> String { c.map { "j" + T.name($0) } ?? "jmp" }
        func jump(_ c: Cond?, _ l: Label) { if let c { a.jcc(c, l) } else { a.jmp(l) } }
        let kinds: [Cond?] = [nil] + Cond.allCases.map { Optional($0) }
        for c in kinds {
            let long = c == nil ? 5 : 6
            // Backward, to a label just bound: rel8 -2.
            let here = a.newLabel()
            a.bind(here)
            b.add("\(name(c)) \(b.address(a.offset))", clang: false, length: 2) { _ in jump(c, here) }
            // Backward at the rel8 limits: rel = target - (jump + 2).
            let far = c == nil || c == .e ? 70_000 : 1000     // far (beyond 64 KiB) for two kinds only: it costs objdump lines
            for (distance, length) in [(126, 2), (127, long), (1000, long), (far, long)] {
                let l = a.newLabel()
                a.bind(l)
                let target = a.offset
                filler(distance)
                b.add("\(name(c)) \(b.address(target))", clang: false, length: length) { _ in jump(c, l) }
                if distance == 126 { XCTAssertEqual(Int8(bitPattern: a.bytes[a.offset - 1]), -128) }
            }
            // Forward: rel32 whatever the distance; several jumps to one label.
            for distance in [0, 1, 127, 128, 1000, far] {
                let l = a.newLabel()
                let first = b.add([], clang: false, length: long) { _ in jump(c, l) }
                let second = b.add([], clang: false, length: 5) { $0.jmp(l) }
                filler(distance)
                XCTAssertFalse(a.isBound(l))
                a.bind(l)
                XCTAssertEqual(a.labelOffset(l), a.offset)
                b.cases[first].expected = ["\(name(c)) \(b.address(a.offset))"]
                b.cases[second].expected = ["jmp \(b.address(a.offset))"]
                // A jump to the now-bound label just behind: rel8.
                b.add("\(name(c)) \(b.address(a.offset))", clang: false, length: 2) { _ in jump(c, l) }
            }
        }
        // call label, forward and backward.
        let f = a.newLabel()
        let callForward = b.add([], clang: false, length: 5) { $0.call(f) }
        filler(20)
        a.bind(f)
        b.cases[callForward].expected = ["call \(b.address(a.offset))"]
        b.add("call \(b.address(a.offset))", clang: false, length: 5) { $0.call(f) }
        // Placeholders: rel32 0 (falls through) until patched.
        var field = 0
        b.add("jmp \(b.address(a.offset + 5))", clang: false, length: 5) { field = $0.jmpRel32Placeholder() }
        XCTAssertEqual(field, a.offset - 4)
        for c in Cond.allCases {
            b.add("j\(T.name(c)) \(b.address(a.offset + 6))", clang: false, length: 6) { field = $0.jccRel32Placeholder(c) }
            XCTAssertEqual(field, a.offset - 4)
        }
        // Placeholders with the rel32 field 4-byte aligned: NOPs first when needed.
        for misalign in 0..<4 {
            a.align(4)
            for _ in 0..<misalign { a.int3() }
            let pad = (3 - misalign + 4) % 4
            let texts = (pad > 0 ? [pad == 1 ? "nop" : pad == 2 ? "nop" : "nop dword ptr [rax]"] : [])
                + ["jmp \(b.address(a.offset + pad + 5))"]
            b.add(texts, clang: false, length: pad + 5) { field = $0.jmpRel32Placeholder(alignedField: true) }
            XCTAssertEqual(field % 4, 0)
            XCTAssertEqual(field, a.offset - 4)
        }
        try b.check()
    }

    /// patchRel32 redirects a placeholder jump, forward, backward, far and to itself.
    func testPatchRel32() throws {
        guard X64Toolchain.hasObjdump else { throw References.missing("llvm-objdump not found at \(X64Toolchain.objdump)") }
        let a = X64Assembler()
        var fields: [Int] = []
        for _ in 0..<6 {
            fields.append(a.jmpRel32Placeholder())
            a.int3()
        }
        a.finish()
        let base: UInt64 = 0x7F00_0000_0000
        let targets: [UInt64] = [base + 0x1_0000, base - 0x1234, base + 0x7FFF_0000, base, base + UInt64(fields[4] + 4), base + UInt64(fields[5] - 1)]
        var code = a.bytes
        code.withUnsafeMutableBytes { raw in
            for (field, target) in zip(fields, targets) {
                patchRel32(field: raw.baseAddress! + field, fieldAddress: base + UInt64(field), target: target)
            }
        }
        // Only the rel32 fields changed.
        for i in 0..<code.count where !fields.contains(where: { i >= $0 && i < $0 + 4 }) {
            XCTAssertEqual(code[i], a.bytes[i])
        }
        let lines = try X64Toolchain.disassemble(code, base: base).filter { $0.text != "int3" }
        XCTAssertEqual(lines.map(\.text), targets.map { "jmp \(T.hex($0))" })
        XCTAssertEqual(lines.map(\.address), fields.map { base + UInt64($0 - 1) })
    }

    /// Label bookkeeping without the toolchain.
    func testLabelState() {
        let a = X64Assembler()
        let l1 = a.newLabel(), l2 = a.newLabel()
        XCTAssertNotEqual(l1, l2)
        XCTAssertNil(a.labelOffset(l1))
        a.jmp(l1)
        a.jcc(.ne, l1)
        a.nop()
        a.bind(l1)
        XCTAssertEqual(a.labelOffset(l1), 12)
        // Both rel32 fields now point at offset 12.
        XCTAssertEqual(Array(a.bytes[0..<5]), [0xE9, 7, 0, 0, 0])
        XCTAssertEqual(Array(a.bytes[5..<11]), [0x0F, 0x85, 1, 0, 0, 0])
        a.bind(l2)
        a.jmp(l2)
        XCTAssertEqual(Array(a.bytes[12...]), [0xEB, 0xFE])
        a.finish()
        XCTAssertEqual(a.offset, a.bytes.count)
        // reset: an empty buffer and fresh labels.
        a.reset()
        XCTAssertEqual(a.offset, 0)
        let l3 = a.newLabel()
        XCTAssertEqual(l3, l1)
        XCTAssertFalse(a.isBound(l3))
        a.jmp(l3)
        a.bind(l3)
        a.finish()
        XCTAssertEqual(a.bytes, [0xE9, 0, 0, 0, 0])
    }
}
