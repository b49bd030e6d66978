import Foundation
import XCTest
@testable import Engine
import TestReferences

/// The SSE/FMA emitters, checked like the integer ones (X64AssemblerTests):
/// each form with every XMM register in each position and the memory
/// operands at the encoding boundaries, disassembled by llvm-objdump and
/// compared with clang's encoding of the same text.
final class X64SSETests: XCTestCase {
    typealias T = X64Text
    static let xregs = XReg.allCases

    static func x(_ r: XReg) -> String { "xmm\(r.rawValue)" }

    /// Pairs covering every register in each position (and the REX boundary).
    static let pairs: [(XReg, XReg)] = xregs.map { ($0, XReg(rawValue: ($0.rawValue &* 7 &+ 3) & 15)!) }

    func testMovesAndLanes() throws {
        let b = X64Batch()
        for (d, s) in Self.pairs {
            b.add("movaps \(Self.x(d)), \(Self.x(s))") { $0.movaps(d, s) }
            b.add("movq \(Self.x(d)), \(Self.x(s))") { $0.movq(d, s) }
        }
        for (n, xr) in Self.xregs.enumerated() {
            let g = Reg(rawValue: UInt8((n * 5 + 1) % 16))!
            b.add("movq \(Self.x(xr)), \(T.reg(g, .q))") { $0.movq(xr, g, .q) }
            b.add("movd \(Self.x(xr)), \(T.reg(g, .d))") { $0.movq(xr, g, .d) }
            b.add("movq \(T.reg(g, .q)), \(Self.x(xr))") { $0.movq(g, xr, .q) }
            b.add("movd \(T.reg(g, .d)), \(Self.x(xr))") { $0.movq(g, xr, .d) }
            for (lane, size) in [(15, OpSize.b), (7, .w), (3, .d), (1, .q)] {
                let gs = size == .q ? OpSize.q : .d
                let name = ["b", "w", "d", "q"][[OpSize.b, .w, .d, .q].firstIndex(of: size)!]
                b.add("pinsr\(name) \(Self.x(xr)), \(T.reg(g, gs)), 0x\(String(lane, radix: 16))") {
                    $0.pinsr(xr, g, lane: UInt8(lane), size)
                }
                b.add("pextr\(name) \(T.reg(g, gs)), \(Self.x(xr)), 0x\(String(lane, radix: 16))") {
                    $0.pextr(g, xr, lane: UInt8(lane), size)
                }
            }
        }
        for (k, m) in X64AssemblerTests.memSmall.enumerated() {
            let xr = Self.xregs[k % 16]
            b.add("movdqu \(Self.x(xr)), xmmword ptr \(T.mem(m))") { $0.movdqu(xr, m) }
            b.add("movdqu xmmword ptr \(T.mem(m)), \(Self.x(xr))") { $0.movdqu(m, xr) }
            b.add("movdqa \(Self.x(xr)), xmmword ptr \(T.mem(m))") { $0.movdqa(xr, m) }
            b.add("movdqa xmmword ptr \(T.mem(m)), \(Self.x(xr))") { $0.movdqa(m, xr) }
            b.add("movq \(Self.x(xr)), qword ptr \(T.mem(m))") { $0.movq(xr, m) }
            b.add("movq qword ptr \(T.mem(m)), \(Self.x(xr))") { $0.movq(m, xr) }
            b.add("movd \(Self.x(xr)), dword ptr \(T.mem(m))") { $0.movd(xr, m) }
            b.add("movd dword ptr \(T.mem(m)), \(Self.x(xr))") { $0.movd(m, xr) }
            b.add("stmxcsr dword ptr \(T.mem(m))") { $0.stmxcsr(m) }
            b.add("ldmxcsr dword ptr \(T.mem(m))") { $0.ldmxcsr(m) }
        }
        try b.check()
    }

    func testPackedOps() throws {
        let b = X64Batch()
        for op in PackedOp.allCases {
            for (d, s) in Self.pairs {
                b.add("\(op) \(Self.x(d)), \(Self.x(s))") { $0.packed(op, d, s) }
            }
            for (k, m) in X64AssemblerTests.memSmall.enumerated() where k % 3 == 0 {
                let xr = Self.xregs[k % 16]
                b.add("\(op) \(Self.x(xr)), xmmword ptr \(T.mem(m))") { $0.packed(op, xr, m) }
            }
        }
        for (d, s) in Self.pairs {
            b.add("pshufd \(Self.x(d)), \(Self.x(s)), 0x1b") { $0.pshufd(d, s, 0x1B) }
            b.add("pshuflw \(Self.x(d)), \(Self.x(s)), 0x0") { $0.pshuflw(d, s, 0) }
            b.add("pclmulqdq \(Self.x(d)), \(Self.x(s)), 0x11") { $0.pclmulqdq(d, s, 0x11) }
            b.add("pblendvb \(Self.x(d)), \(Self.x(s)), xmm0") { $0.pblendvb(d, s) }
            for op in PackedShift.allCases {
                b.add("\(op) \(Self.x(d)), 0x7") { $0.shift(op, d, imm: 7) }
            }
        }
        try b.check()
    }

    func testScalarFP() throws {
        let b = X64Batch()
        for (d, s) in Self.pairs {
            for op in ScalarFPOp.allCases {
                b.add("\(op)ss \(Self.x(d)), \(Self.x(s))") { $0.scalarFP(op, d, s, double: false) }
                b.add("\(op)sd \(Self.x(d)), \(Self.x(s))") { $0.scalarFP(op, d, s, double: true) }
            }
            b.add("ucomiss \(Self.x(d)), \(Self.x(s))") { $0.ucomis(d, s, double: false) }
            b.add("ucomisd \(Self.x(d)), \(Self.x(s))") { $0.ucomis(d, s, double: true) }
            b.add("comiss \(Self.x(d)), \(Self.x(s))") { $0.ucomis(d, s, double: false, signalling: true) }
            b.add("comisd \(Self.x(d)), \(Self.x(s))") { $0.ucomis(d, s, double: true, signalling: true) }
            b.add("cvtss2sd \(Self.x(d)), \(Self.x(s))") { $0.cvtFP(d, s, fromDouble: false) }
            b.add("cvtsd2ss \(Self.x(d)), \(Self.x(s))") { $0.cvtFP(d, s, fromDouble: true) }
            b.add("roundss \(Self.x(d)), \(Self.x(s)), 0xc") { $0.rounds(d, s, imm: 12, double: false) }
            b.add("roundsd \(Self.x(d)), \(Self.x(s)), 0x4") { $0.rounds(d, s, imm: 4, double: true) }
            let c = XReg(rawValue: (d.rawValue &+ 5) & 15)!
            b.add("vfmadd231ss \(Self.x(d)), \(Self.x(s)), \(Self.x(c))") { $0.vfmadd231s(d, s, c, double: false) }
            b.add("vfmadd231sd \(Self.x(d)), \(Self.x(s)), \(Self.x(c))") { $0.vfmadd231s(d, s, c, double: true) }
        }
        for (n, xr) in Self.xregs.enumerated() {
            let g = Reg(rawValue: UInt8((n * 3 + 2) % 16))!
            for size in [OpSize.d, .q] {
                b.add("cvtsi2ss \(Self.x(xr)), \(T.reg(g, size))") { $0.cvtsi2s(xr, g, size, double: false) }
                b.add("cvtsi2sd \(Self.x(xr)), \(T.reg(g, size))") { $0.cvtsi2s(xr, g, size, double: true) }
                b.add("cvtss2si \(T.reg(g, size)), \(Self.x(xr))") { $0.cvts2si(g, xr, size, double: false) }
                b.add("cvttsd2si \(T.reg(g, size)), \(Self.x(xr))") { $0.cvts2si(g, xr, size, double: true, truncate: true) }
            }
        }
        try b.check()
    }
}
