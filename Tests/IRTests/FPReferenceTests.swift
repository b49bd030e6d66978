import Glibc
import XCTest
@testable import IR

/// The FP oracle (`FPReference`, the Arm ARM's pseudocode) against known
/// values, and against the host's IEEE 754 arithmetic (x86 SSE through Glibc)
/// where the two architectures agree: results of add, sub, mul, div, sqrt and
/// fma in every rounding mode, and the IOC, DZC, OFC, IXC flags, for operands
/// whose results stay normal (x86 detects tininess after rounding, Arm
/// before; NaN results differ by design and are checked separately).
final class FPReferenceTests: XCTestCase {
    typealias K = FPOpcode.Kind

    func run(_ k: K, _ bits: Int, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0, fpcr: UInt64 = 0,
             rounding: FPRounding? = nil, flag: Bool = false, fbits: Int = 0, outBits: Int? = nil) -> (UInt64, UInt64) {
        var flags: UInt64 = 0
        let r = FPReference.execute(FPOpcode(k, rounding: rounding, flag: flag, fbits: fbits), outBits: outBits ?? bits,
                                    inBits: bits, a, b, c, fpcr: fpcr, flags: &flags)
        return (r, flags)
    }
    func d(_ x: Double) -> UInt64 { x.bitPattern }
    let allExcept: Int32 = 0x3D   // x86: invalid, divide by zero, overflow, underflow, inexact
    func f(_ x: Float) -> UInt64 { UInt64(x.bitPattern) }

    func testKnownValuesAndSpecialCases() {
        XCTAssertEqual(run(.add, 64, d(1), d(2)).0, d(3))
        XCTAssertEqual(run(.add, 64, d(0.1), d(0.2)).0, d(0.1 + 0.2))
        XCTAssertEqual(run(.add, 64, d(0.1), d(0.2)).1, FPBits.ixc)
        XCTAssertEqual(run(.mul, 32, f(3), f(0.5)).0, f(1.5))
        // Default NaN is positive (0x7FF8...), unlike x86's.
        XCTAssertEqual(run(.sub, 64, d(.infinity), d(.infinity)).0, 0x7FF8_0000_0000_0000)
        XCTAssertEqual(run(.sub, 64, d(.infinity), d(.infinity)).1, FPBits.ioc)
        XCTAssertEqual(run(.mul, 32, f(0), f(.infinity)).0, 0x7FC0_0000)
        // Signalling NaN before quiet, first operand first; quieted; IOC.
        let qnan: UInt64 = 0x7FF8_0000_0000_0001, snan: UInt64 = 0x7FF0_0000_0000_0002
        XCTAssertEqual(run(.add, 64, qnan, snan).0, 0x7FF8_0000_0000_0002)
        XCTAssertEqual(run(.add, 64, qnan, snan).1, FPBits.ioc)
        XCTAssertEqual(run(.add, 64, qnan, 0xFFF8_0000_0000_0005).0, qnan)
        XCTAssertEqual(run(.add, 64, qnan, snan, fpcr: FPBits.dn).0, 0x7FF8_0000_0000_0000)
        // FPMulAdd: addend first among the NaNs; quiet addend with 0 * inf is the default NaN + IOC.
        XCTAssertEqual(run(.fma, 64, d(0), d(.infinity), qnan).0, 0x7FF8_0000_0000_0000)
        XCTAssertEqual(run(.fma, 64, d(0), d(.infinity), qnan).1, FPBits.ioc)
        XCTAssertEqual(run(.fma, 64, snan, d(1), qnan).0, 0x7FF8_0000_0000_0002)
        // Division by zero.
        XCTAssertEqual(run(.div, 64, d(-1), d(0)).0, d(-.infinity))
        XCTAssertEqual(run(.div, 64, d(-1), d(0)).1, FPBits.dzc)
        // Exact zero sums: +0, or -0 rounding towards minus infinity.
        XCTAssertEqual(run(.sub, 64, d(1), d(1)).0, d(0))
        XCTAssertEqual(run(.sub, 64, d(1), d(1), fpcr: 2 << 22).0, d(-0.0))
        // Flush to zero: denormal input -> IDC; tiny output -> UFC (no IXC).
        let denorm = d(Double.leastNonzeroMagnitude)
        XCTAssertEqual(run(.add, 64, denorm, d(0), fpcr: FPBits.fz).0, d(0))
        XCTAssertEqual(run(.add, 64, denorm, d(0), fpcr: FPBits.fz).1, FPBits.idc)
        XCTAssertEqual(run(.mul, 64, d(0x1p-1000), d(0x1p-30), fpcr: FPBits.fz).0, d(0))
        XCTAssertEqual(run(.mul, 64, d(0x1p-1000), d(0x1p-30), fpcr: FPBits.fz).1, FPBits.ufc)
        // Underflow without FZ: tiny and inexact -> UFC + IXC; tiny and exact -> nothing.
        XCTAssertEqual(run(.mul, 64, d(0x1p-1000), d(0x1.8p-60)).1, 0)
        XCTAssertEqual(run(.mul, 64, d(0x1.0000000000001p-1000), d(0x1p-60)).1, FPBits.ufc | FPBits.ixc)
        // Tiny before rounding, normal after (Arm: UFC; x86 would not say so).
        let justBelow = d(Double.leastNormalMagnitude.nextDown)
        XCTAssertEqual(run(.mul, 64, justBelow, d(1.0.nextUp)).0, d(Double.leastNormalMagnitude))
        XCTAssertEqual(run(.mul, 64, justBelow, d(1.0.nextUp)).1, FPBits.ufc | FPBits.ixc)
        // Overflow.
        XCTAssertEqual(run(.mul, 64, d(.greatestFiniteMagnitude), d(2)).0, d(.infinity))
        XCTAssertEqual(run(.mul, 64, d(.greatestFiniteMagnitude), d(2)).1, FPBits.ofc | FPBits.ixc)
        XCTAssertEqual(run(.mul, 64, d(.greatestFiniteMagnitude), d(2), fpcr: 3 << 22).0, d(.greatestFiniteMagnitude))
        // FMAX/FMIN of zeros; FMAXNM with one quiet NaN.
        XCTAssertEqual(run(.max, 64, d(-0.0), d(0)).0, d(0))
        XCTAssertEqual(run(.min, 64, d(0), d(-0.0)).0, d(-0.0))
        XCTAssertEqual(run(.maxnm, 64, qnan, d(-5)).0, d(-5))
        XCTAssertEqual(run(.minnm, 64, d(7), qnan).0, d(7))
        XCTAssertEqual(run(.max, 64, qnan, d(-5)).0, qnan)
        // Compare.
        XCTAssertEqual(run(.cmp, 64, d(1), d(2)).0, 0x8000_0000)
        XCTAssertEqual(run(.cmp, 64, d(-0.0), d(0)).0, 0x6000_0000)
        XCTAssertEqual(run(.cmp, 64, d(3), d(2)).0, 0x2000_0000)
        XCTAssertEqual(run(.cmp, 64, qnan, d(2)).0, 0x3000_0000)
        XCTAssertEqual(run(.cmp, 64, qnan, d(2)).1, 0)
        XCTAssertEqual(run(.cmpe, 64, qnan, d(2)).1, FPBits.ioc)
        // Round to integral.
        XCTAssertEqual(run(.roundInt, 64, d(2.5), rounding: .tieEven).0, d(2))
        XCTAssertEqual(run(.roundInt, 64, d(-2.5), rounding: .tieAway).0, d(-3))
        XCTAssertEqual(run(.roundInt, 64, d(-0.25), rounding: .posInf).0, d(-0.0))
        XCTAssertEqual(run(.roundInt, 64, d(0.25), rounding: .posInf).0, d(1))
        XCTAssertEqual(run(.roundInt, 64, d(1.5), rounding: .negInf, flag: true).1, FPBits.ixc)
        XCTAssertEqual(run(.roundInt, 64, d(1.5), rounding: .negInf).1, 0)
        // Conversions between precisions.
        XCTAssertEqual(run(.convert, 64, d(1.5), outBits: 32).0, f(1.5))
        XCTAssertEqual(run(.convert, 64, d(1e300), outBits: 32).0, f(.infinity))
        XCTAssertEqual(run(.convert, 64, d(1e300), outBits: 32).1, FPBits.ofc | FPBits.ixc)
        XCTAssertEqual(run(.convert, 32, f(1), outBits: 16).0, 0x3C00)
        XCTAssertEqual(run(.convert, 16, 0x7BFF, outBits: 32).0, f(65504))
        XCTAssertEqual(run(.convert, 64, 0x7FF0_0000_0000_0001 | 1 << 40, outBits: 32).0, 0x7FC0_0000 | (1 << 40) >> 29)
        XCTAssertEqual(run(.convert, 32, f(1e6), fpcr: FPBits.ahp, outBits: 16).0, 0x7FFF)
        // To and from integers.
        XCTAssertEqual(run(.toInt, 64, d(-1.5), rounding: .zero, outBits: 32).0, 0xFFFF_FFFF)
        XCTAssertEqual(run(.toInt, 64, d(-1.5), rounding: .zero, outBits: 32).1, FPBits.ixc)
        XCTAssertEqual(run(.toInt, 64, d(1e20), rounding: .zero, outBits: 32).0, 0x7FFF_FFFF)
        XCTAssertEqual(run(.toInt, 64, d(1e20), rounding: .zero, outBits: 32).1, FPBits.ioc)
        XCTAssertEqual(run(.toInt, 64, d(-1), rounding: .zero, flag: true, outBits: 64).0, 0)
        XCTAssertEqual(run(.toInt, 64, d(-1), rounding: .zero, flag: true, outBits: 64).1, FPBits.ioc)
        XCTAssertTrue(run(.toInt, 64, qnan, rounding: .zero, outBits: 64) == (0, FPBits.ioc))
        XCTAssertTrue(run(.toInt, 64, d(-0x1p63), rounding: .zero, outBits: 64) == (0x8000_0000_0000_0000, 0))
        XCTAssertEqual(run(.toInt, 64, d(2.75), rounding: .zero, fbits: 4, outBits: 32).0, 44)
        XCTAssertEqual(run(.fromInt, 64, 0xFFFF_FFFF_FFFF_FFFF, outBits: 64).0, d(-1))
        XCTAssertEqual(run(.fromInt, 64, 0xFFFF_FFFF_FFFF_FFFF, flag: true, outBits: 64).0, d(0x1p64))
        XCTAssertEqual(run(.fromInt, 32, 0x8000_0000, outBits: 32).0, f(-0x1p31))
        XCTAssertEqual(run(.fromInt, 32, 3, fbits: 1, outBits: 64).0, d(1.5))
        XCTAssertEqual(run(.sqrt, 64, d(2)).0, d(2.0.squareRoot()))
        XCTAssertTrue(run(.sqrt, 64, d(-1)) == (0x7FF8_0000_0000_0000, FPBits.ioc))
        XCTAssertEqual(run(.sqrt, 64, d(-0.0)).0, d(-0.0))
    }

    /// Random normal operands of wide exponent spread, every rounding mode:
    /// the result bits and IOC/DZC/OFC/IXC equal the host's.
    func testAgreesWithTheHostOnNormalResults() {
        var rng: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return rng
        }
        func randomDouble() -> Double {
            let e = Int(next() % 120) - 60
            let v = Double(sign: next() & 1 == 0 ? .plus : .minus, exponent: e,
                           significand: 1 + Double(next() >> 12) * 0x1p-52)
            return next() % 16 == 0 ? v.rounded() : v
        }
        // x86's FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO.
        let modes: [(FPRounding, Int32)] = [(.tieEven, 0), (.posInf, 0x800), (.negInf, 0x400), (.zero, 0xC00)]
        // x86's FE_INVALID, FE_DIVBYZERO, FE_OVERFLOW, FE_INEXACT.
        let hostFlags: [(Int32, UInt64)] = [(0x01, FPBits.ioc), (0x04, FPBits.dzc), (0x08, FPBits.ofc), (0x20, FPBits.ixc)]
        let saved = fegetround()
        defer { fesetround(saved) }
        for (mode, hostMode) in modes {
            let fpcr = UInt64(mode.rawValue) << 22
            for _ in 0..<3000 {
                let x = randomDouble(), y = randomDouble(), z = randomDouble()
                for k in [K.add, .sub, .mul, .div, .fma, .sqrt] {
                    fesetround(hostMode)
                    feclearexcept(allExcept)
                    let host: Double
                    switch k {
                    case .add: host = x + y
                    case .sub: host = x - y
                    case .mul: host = x * y
                    case .div: host = x / y
                    case .fma: host = Glibc.fma(x, y, z)
                    default: host = Glibc.sqrt(abs(x))
                    }
                    let raised = fetestexcept(allExcept)
                    fesetround(0)
                    var expectFlags: UInt64 = 0
                    for (h, a) in hostFlags where raised & h != 0 { expectFlags |= a }
                    let (r, fl) = k == .sqrt ? run(.sqrt, 64, d(abs(x)), fpcr: fpcr) : run(k, 64, d(x), d(y), d(z), fpcr: fpcr)
                    // x86's default NaN is negative, Arm's positive.
                    XCTAssertEqual(r, host.isNaN ? 0x7FF8_0000_0000_0000 : host.bitPattern, "\(k) \(x) \(y) \(z) \(mode)")
                    XCTAssertEqual(fl, expectFlags, "\(k) \(x) \(y) \(z) \(mode) flags")
                    // Single precision: the same through Float.
                    let xf = Float(x), yf = Float(y)
                    fesetround(hostMode)
                    feclearexcept(allExcept)
                    let hf: Float = k == .add ? xf + yf : k == .mul ? xf * yf : k == .div ? xf / yf : xf - yf
                    let rf = fetestexcept(allExcept)
                    fesetround(0)
                    if k == .fma || k == .sqrt { continue }
                    var ef: UInt64 = 0
                    for (h, a) in hostFlags where rf & h != 0 { ef |= a }
                    let (r32, f32) = run(k, 32, f(xf), f(yf), fpcr: fpcr)
                    XCTAssertEqual(r32, hf.isNaN ? 0x7FC0_0000 : f(hf), "\(k).f32 \(xf) \(yf) \(mode)")
                    XCTAssertEqual(f32, ef, "\(k).f32 \(xf) \(yf) \(mode) flags")
                }
            }
        }
    }

    func testOpcodeImmediateRoundTrips() {
        for k in K.allCases {
            for r in [nil, FPRounding.tieEven, .zero, .tieAway] {
                let op = FPOpcode(k, rounding: r, flag: k == .toInt, fbits: k == .toInt ? 17 : 0)
                XCTAssertEqual(FPOpcode(imm: op.imm), op)
            }
        }
    }
}
