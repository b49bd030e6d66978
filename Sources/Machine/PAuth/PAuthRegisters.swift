/// The FEAT_PAuth key registers AP{IA,IB,DA,DB,GA}Key{Lo,Hi}_EL1 (Arm ARM
/// D24.2, e.g. APIAKeyLo_EL1): 64-bit storage each, accessible from EL1;
/// UNDEFINED without FEAT_PAuth (`-cpu cortex-a57`, `-cpu max,pauth=off`).
/// From EL1 with EL2 enabled, HCR_EL2.APK = 0 traps an access to EL2; from
/// EL1 or EL2, SCR_EL3.APK = 0 traps it to EL3 (EC 0x18).
enum PAuthRegisters {
    static let hcrAPK: UInt64 = 1 << 40
    static let hcrAPI: UInt64 = 1 << 41
    static let scrAPK: UInt64 = 1 << 16
    static let scrAPI: UInt64 = 1 << 17

    static let names = ["APIAKeyLo_EL1", "APIAKeyHi_EL1", "APIBKeyLo_EL1", "APIBKeyHi_EL1", "APDAKeyLo_EL1",
                        "APDAKeyHi_EL1", "APDBKeyLo_EL1", "APDBKeyHi_EL1", "APGAKeyLo_EL1", "APGAKeyHi_EL1"]

    /// In this order (CRm 1: IA, IB; 2: DA, DB; 3: GA; op2 0/2: Lo, 1/3: Hi),
    /// adjacent in `SysRegTable.all` (`keyBase`).
    static let definitions: [SysRegDef] = names.enumerated().map { i, name in
        SysRegDef(name, 3, 0, 2, UInt32(1 + i / 4), UInt32(i % 4), el: 1).checked { cpu, _ in
            guard cpu.config.isa.contains(.pauth) else { return .undefined }
            if cpu.el == 1 && cpu.el2Enabled && cpu.sysreg(SysRegTable.hcrEL2) & hcrAPK == 0 { return .trap(toEL: 2) }
            if cpu.el < 3 && cpu.config.hasEL3 && cpu.sysreg(SysRegTable.scrEL3) & scrAPK == 0 { return .trap(toEL: 3) }
            return .allowed
        }
    }

    /// The slot of APIAKeyLo_EL1; the other nine follow it.
    static let keyBase: Int = {
        let base = SysRegTable.slot(names[0]).slot
        for (i, n) in names.enumerated() { precondition(SysRegTable.slot(n).slot == base + i, "\(n) is not adjacent") }
        return base
    }()
}

/// The IMPLEMENTATION DEFINED PAC algorithm of `-cpu max,pauth-impdef=on`
/// (ID_AA64ISAR1_EL1.API/GPI = 1): Armature's own, a few multiply-xorshift
/// mixing steps of the data and the modifier under the 128-bit key, much
/// cheaper than QARMA5. Not a cipher of any standing: it only needs to make
/// PACs depend on every input bit, which is all software can observe.
public enum PAuthImpdef {
    public static func computePAC(data: UInt64, modifier: UInt64, key0: UInt64, key1: UInt64) -> UInt64 {
        var x = data ^ key0
        var y = modifier ^ key1
        x = (x ^ (y << 29 | y >> 35)) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        y = (y ^ x) &* 0xD6E8_FEB8_6659_FD93
        y ^= y >> 32
        x = (x ^ y ^ key1) &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 29) ^ key0
    }
}

/// The PACs a CPU computed last (one per CPU, never shared: CPUs may run on
/// host threads): 1024 direct-mapped entries of (data, modifier, key, PAC).
/// ComputePAC is a pure function of those, so a hit is exact. Kernel code
/// signs its return address at entry (PACIASP) and authenticates the same
/// (LR, SP) at exit (AUTIASP); a function called again from the same place
/// at the same depth signs the same pair: most AUT* and many PAC* hit.
final class PACCache {
    static let entries = 1024
    /// Per entry: data, modifier, key lo, key hi, PAC, valid (0/1).
    private let words = UnsafeMutablePointer<UInt64>.allocate(capacity: PACCache.entries * 6)

    init() { words.initialize(repeating: 0, count: PACCache.entries * 6) }
    deinit { words.deallocate() }

    @inline(__always) func value(_ data: UInt64, _ modifier: UInt64, _ key: (lo: UInt64, hi: UInt64),
                                 compute: (UInt64, UInt64, (lo: UInt64, hi: UInt64)) -> UInt64) -> UInt64 {
        let h = ((data ^ modifier &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9) >> 54
        let e = words + Int(h) * 6
        if e[5] == 1 && e[0] == data && e[1] == modifier && e[2] == key.lo && e[3] == key.hi { return e[4] }
        let pac = compute(data, modifier, key)
        e[0] = data; e[1] = modifier; e[2] = key.lo; e[3] = key.hi; e[4] = pac; e[5] = 1
        return pac
    }
}
