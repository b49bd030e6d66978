import XCTest
@testable import Machine

/// QARMA5 (PAuth/QARMA.swift) against the published test vectors, and the
/// PAC placement rules of PAuth/PointerAuth.swift. The guest tests sys_pauth
/// and sys_pauth_traps compare the instructions with QEMU 7.2.
final class PointerAuthTests: XCTestCase {
    /// Avanzi, "The QARMA Block Cipher Family", IACR Transactions on
    /// Symmetric Cryptology 2017(1), Appendix "Test Vectors", QARMA-64 with
    /// the S-box sigma-2 (the one FEAT_PACQARMA5 uses): P = fb623599da6e8127,
    /// T = 477d469dec0b8762, w0 = 84be85ce9804e94b, k0 = ec2802d4e0a488e9,
    /// for r = 5, 6, 7 rounds. ComputePAC(data, modifier, key0, key1) is
    /// QARMA-64 with P = data, T = modifier, w0 = key0 (APxKeyHi), k0 = key1 (APxKeyLo).
    static let (p, t, w0, k0): (UInt64, UInt64, UInt64, UInt64) =
        (0xFB62_3599_DA6E_8127, 0x477D_469D_EC0B_8762, 0x84BE_85CE_9804_E94B, 0xEC28_02D4_E0A4_88E9)

    func testReferenceMatchesThePublishedVectors() {
        let expected: [Int: UInt64] = [5: 0xC003_B939_99B3_3765, 6: 0x270A_7872_75C4_8D10, 7: 0x5C06_A750_1B63_B2FD]
        for (rounds, c) in expected {
            XCTAssertEqual(QARMA.reference(data: Self.p, modifier: Self.t, key0: Self.w0, key1: Self.k0, rounds: rounds), c,
                           "\(rounds) rounds")
        }
    }

    func testComputePACMatchesTheVectorAndTheReference() {
        XCTAssertEqual(QARMA.computePAC(data: Self.p, modifier: Self.t, key0: Self.w0, key1: Self.k0), 0xC003_B939_99B3_3765)
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let m = x.byteSwapped &* 31, k0 = x ^ 0x5555, k1 = m.rotate(17)
            XCTAssertEqual(QARMA.computePAC(data: x, modifier: m, key0: k0, key1: k1),
                           QARMA.reference(data: x, modifier: m, key0: k0, key1: k1))
        }
    }

    func testTheWordwideStepsMatchTheCellSteps() {
        var x: UInt64 = 0x0123_4567_89AB_CDEF
        for _ in 0..<500 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            XCTAssertEqual(QARMA.fastMix(x), QARMA.mixColumns(x))
            XCTAssertEqual(QARMA.fastTweak(x), QARMA.tweakForward(x))
            XCTAssertEqual(QARMA.tweakBackward(QARMA.tweakForward(x)), x)
            XCTAssertEqual(QARMA.mixColumns(QARMA.mixColumns(x)), x, "MixColumns is an involution")
            XCTAssertEqual(QARMA.substitute(QARMA.substitute(x, QARMA.sbox), QARMA.inverseSbox), x)
        }
    }

    func testImpdefAlgorithmDependsOnEveryInput() {
        let base = PAuthImpdef.computePAC(data: 1, modifier: 2, key0: 3, key1: 4)
        XCTAssertNotEqual(base, PAuthImpdef.computePAC(data: 1 ^ 1 << 40, modifier: 2, key0: 3, key1: 4))
        XCTAssertNotEqual(base, PAuthImpdef.computePAC(data: 1, modifier: 2 ^ 1 << 63, key0: 3, key1: 4))
        XCTAssertNotEqual(base, PAuthImpdef.computePAC(data: 1, modifier: 2, key0: 3 ^ 1 << 7, key1: 4))
        XCTAssertNotEqual(base, PAuthImpdef.computePAC(data: 1, modifier: 2, key0: 3, key1: 4 ^ 1 << 33))
    }

    private var machines: [TestMachine] = []

    private func cpu(_ model: String = "max", el3: Bool = false) -> CPU {
        var c = CPUConfig.model(named: model)!
        c.hasEL2 = true
        c.hasEL3 = el3
        let m = TestMachine(config: c)
        machines.append(m)
        m.cpu.setEL(1)
        return m.cpu
    }

    private let key: (lo: UInt64, hi: UInt64) = (0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)

    /// TCR_EL1 = 0 (T0SZ acts as 16): the PAC fills bits 63:56 and 54:48.
    func testAddAuthStripWithoutTBI() {
        let c = cpu()
        let p: UInt64 = 0x0000_0000_4008_1234
        let signed = c.pacAdd(p, modifier: 7, key: key, data: false)
        XCTAssertEqual(signed & 0x0080_FFFF_FFFF_FFFF, p, "bits 47:0 and bit 55 kept")
        XCTAssertNotEqual(signed, p)
        XCTAssertEqual(c.pacAuth(signed, modifier: 7, key: key, data: false, keyB: false), p)
        XCTAssertEqual(c.pacAuth(signed, modifier: 8, key: key, data: false, keyB: false), p | 1 << 61, "error code 01")
        XCTAssertEqual(c.pacAuth(signed, modifier: 8, key: key, data: false, keyB: true), p | 2 << 61, "error code 10")
        XCTAssertEqual(c.pacStrip(signed, data: true), p)
    }

    /// TBI0 with T0SZ = 25: bits 54:39 hold the PAC, the top byte is kept.
    func testAddWithTBIKeepsTheTag() {
        let c = cpu()
        c.setSysreg(NamedSysReg.TCR_EL1.slot, 25 | 25 << 16 | 1 << 37 | 1 << 38)
        let p: UInt64 = 0x5A00_0000_4008_1234
        let signed = c.pacAdd(p, modifier: 1, key: key, data: true)
        XCTAssertEqual(signed >> 56, 0x5A)
        XCTAssertEqual(signed & (1 << 39 - 1), p & (1 << 39 - 1))
        XCTAssertEqual(c.pacAuth(signed, modifier: 2, key: key, data: true, keyB: false), p | 1 << 53)
        // TBID0: instruction addresses do not ignore the top byte.
        c.setSysreg(NamedSysReg.TCR_EL1.slot, 25 | 25 << 16 | 1 << 37 | 1 << 38 | 1 << 51)
        XCTAssertEqual(c.pacStrip(signed, data: false), p & (1 << 39 - 1), "the whole field is extension bits")
    }

    /// A non-canonical input gets PAC<top-1> flipped, so AUT* of it fails.
    func testNonCanonicalInputDoesNotAuthenticate() {
        let c = cpu()
        let p: UInt64 = 0x0001_0000_4008_1234   // bit 48 set, above the 48-bit range
        let signed = c.pacAdd(p, modifier: 0, key: key, data: false)
        XCTAssertNotEqual(c.pacAuth(signed, modifier: 0, key: key, data: false, keyB: false) >> 61, 0)
    }

    func testEnablesAndTraps() {
        let c = cpu(el3: true)
        c.setSysreg(SysRegTable.scrEL3, 1 | 1 << 10 | PAuthRegisters.scrAPI | PAuthRegisters.scrAPK)   // NS
        c.setSysreg(SysRegTable.hcrEL2, 1 << 31)   // RW, API = APK = 0
        // EnIA clear: PACIA returns its input, no trap; PACGA has no enable.
        XCTAssertEqual(c.pointerAuth(.add, key: .ia, 0x1234, modifier: 0), 0x1234)
        XCTAssertNil(c.pointerAuth(.generic, key: .ga, 0x1234, modifier: 0))
        XCTAssertEqual(c.el, 2, "PACGA trapped to EL2")
        XCTAssertEqual(c.sysreg(SysRegTable.esr[2]) >> 26, 0x09)
        c.setEL(1)
        XCTAssertEqual(c.pointerAuth(.strip, key: .ia, 0x007F_0000_0000_1234, modifier: 0), 0x1234, "XPACI never traps")
        c.setSysreg(SysRegTable.hcrEL2, 1 << 31 | PAuthRegisters.hcrAPI | PAuthRegisters.hcrAPK)
        c.setSysreg(SysRegTable.sctlr[1], c.sysreg(SysRegTable.sctlr[1]) | 1 << 31)
        XCTAssertNotNil(c.pointerAuth(.add, key: .ia, 0x1234, modifier: 0))
        XCTAssertEqual(c.el, 1)
    }

    func testKeyRegistersAreAdjacentAndModelDependent() {
        for (i, n) in PAuthRegisters.names.enumerated() {
            XCTAssertEqual(SysRegTable.slot(n).slot, PAuthRegisters.keyBase + i)
        }
        let a57 = cpu("cortex-a57")
        XCTAssertNil(a57.readSysReg(key: SysRegTable.all[PAuthRegisters.keyBase].key), "UNDEFINED on cortex-a57")
        let max = cpu()
        max.setSysreg(SysRegTable.hcrEL2, PAuthRegisters.hcrAPK)
        XCTAssertTrue(max.writeSysReg(key: SysRegTable.all[PAuthRegisters.keyBase + 9].key, value: 42))
        XCTAssertEqual(max.pauthKey(.ga).hi, 42)
    }

    func testIDRegisterFields() {
        let maxISA = CPUConfig.model(named: "max")!.isa
        XCTAssertEqual(maxISA.isar1(impdefPAC: false) >> 4 & 0xF, 1, "APA")
        XCTAssertEqual(maxISA.isar1(impdefPAC: false) >> 24 & 0xF, 1, "GPA")
        XCTAssertEqual(maxISA.isar1(impdefPAC: true) >> 8 & 0xF, 1, "API")
        XCTAssertEqual(maxISA.isar1(impdefPAC: true) >> 28 & 0xF, 1, "GPI")
        XCTAssertEqual(maxISA.isar0 >> 60, 1, "RNDR")
        XCTAssertEqual(CPUConfig.model(named: "cortex-a57")!.isa.isar1(impdefPAC: false), 0)
    }
}

private extension UInt64 {
    func rotate(_ n: UInt64) -> UInt64 { self << n | self >> (64 - n) }
}
