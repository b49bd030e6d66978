import Machine

/// The registers the gdb stub shows, in gdb's numbering: the AArch64 core
/// feature (x0-x30, sp, pc, cpsr: `org.gnu.gdb.aarch64.core`), the FP/SIMD
/// feature (v0-v31, fpsr, fpcr: `org.gnu.gdb.aarch64.fpu`), then a feature
/// of system registers read straight from their slots (no EL checks; writes
/// have no side effects beyond a TLB flush).
public enum GDBRegisters {
    public struct Register: Sendable {
        public let name: String
        public let bits: Int
        let kind: Kind
    }

    enum Kind: Sendable {
        case x(Int)
        case sp, pc, cpsr
        case currentEL
        case v(Int)
        case fpsr, fpcr
        /// SP_ELn (guest register id 31 + n).
        case spEL(Int)
        case slot(String)
    }

    public static let coreCount = 34
    /// v0-v31, fpsr, fpcr.
    public static let fpuCount = 34

    /// System registers after the core ones.
    static let systemNames = [
        "CurrentEL", "SCR_EL3", "HCR_EL2",
        "SCTLR_EL1", "SCTLR_EL2", "SCTLR_EL3",
        "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1",
        "ESR_EL1", "ESR_EL2", "ESR_EL3",
        "FAR_EL1", "FAR_EL2", "FAR_EL3",
        "ELR_EL1", "ELR_EL2", "ELR_EL3",
        "SPSR_EL1", "SPSR_EL2", "SPSR_EL3",
        "VBAR_EL1", "VBAR_EL2", "VBAR_EL3",
        "SP_EL0", "SP_EL1", "SP_EL2",
    ]

    public static let all: [Register] = {
        var r: [Register] = (0..<31).map { Register(name: "x\($0)", bits: 64, kind: .x($0)) }
        r.append(Register(name: "sp", bits: 64, kind: .sp))
        r.append(Register(name: "pc", bits: 64, kind: .pc))
        r.append(Register(name: "cpsr", bits: 32, kind: .cpsr))
        r += (0..<32).map { Register(name: "v\($0)", bits: 128, kind: .v($0)) }
        r.append(Register(name: "fpsr", bits: 32, kind: .fpsr))
        r.append(Register(name: "fpcr", bits: 32, kind: .fpcr))
        for n in systemNames {
            let kind: Kind
            switch n {
            case "CurrentEL": kind = .currentEL
            case "SP_EL0": kind = .spEL(0)
            case "SP_EL1": kind = .spEL(1)
            case "SP_EL2": kind = .spEL(2)
            default:
                _ = SysRegTable.slot(n)   // every name must be in the table
                kind = .slot(n)
            }
            r.append(Register(name: n, bits: 64, kind: kind))
        }
        return r
    }()

    public static func number(named name: String) -> Int? {
        all.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// Register `n` (the low 64 bits of a V register).
    public static func read(_ n: Int, cpu: CPU) -> UInt64? {
        guard n >= 0, n < all.count else { return nil }
        switch all[n].kind {
        case .v(let i): return cpu.vreg(i).lo
        case .fpsr: return cpu.fpsr
        case .fpcr: return cpu.fpcr
        case .x(let i): return cpu.x(i)
        case .sp: return cpu.sp
        case .pc: return cpu.pc
        case .cpsr: return cpu.pstateForSPSR & 0xFFFF_FFFF
        case .currentEL: return UInt64(cpu.el) << 2
        case .spEL(let e): return cpu.x(StateLayout.spEL0Id + e)
        case .slot(let name): return cpu.sysreg(SysRegTable.slot(name))
        }
    }

    /// Writes register `n`; false when there is no such register.
    @discardableResult
    public static func write(_ n: Int, _ v: UInt64, cpu: CPU) -> Bool {
        write(n, bytes: (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) }, cpu: cpu)
    }

    /// Writes register `n` from its little-endian bytes (missing bytes are zero).
    @discardableResult
    public static func write(_ n: Int, bytes: [UInt8], cpu: CPU) -> Bool {
        guard n >= 0, n < all.count else { return false }
        let v = GDBPacket.littleEndianValue(bytes)
        switch all[n].kind {
        case .v(let i):
            cpu.setVreg(i, lo: v, hi: GDBPacket.littleEndianValue(Array(bytes.dropFirst(8))))
        case .fpsr: cpu.fpsr = v
        case .fpcr: cpu.fpcr = v
        case .x(let i): cpu.setX(i, v)
        case .sp: cpu.sp = v
        case .pc: cpu.pc = v
        case .cpsr:
            cpu.nzcv = v & 0xF000_0000
            cpu.daif = v & 0x3C0
            cpu.pstateMisc = (cpu.pstateMisc & ~UInt64(0x01F0_1C00)) | (v & (cpu.config.hasDIT ? 0x01F0_1C00 : 0x00F0_1C00))
            let el = Int((v >> 2) & 3)
            if el <= cpu.highestEL && el != cpu.el { cpu.setEL(el); cpu.flushTLB() }
            cpu.spSel = v & 1
        case .currentEL:
            let el = Int((v >> 2) & 3)
            if el <= cpu.highestEL && el != cpu.el { cpu.setEL(el); cpu.flushTLB() }
        case .spEL(let e): cpu.setX(StateLayout.spEL0Id + e, v)
        case .slot(let name):
            cpu.setSysreg(SysRegTable.slot(name), v)
            cpu.flushTLB()
        }
        return true
    }

    /// Register `n` as the `p` packet and the `g` packet show it (target byte order).
    public static func hex(_ n: Int, cpu: CPU) -> String? {
        guard let v = read(n, cpu: cpu) else { return nil }
        if case .v(let i) = all[n].kind {
            return GDBPacket.littleEndianHex(v, bytes: 8) + GDBPacket.littleEndianHex(cpu.vreg(i).hi, bytes: 8)
        }
        return GDBPacket.littleEndianHex(v, bytes: all[n].bits / 8)
    }

    /// All registers, for `g`.
    public static func allHex(cpu: CPU) -> String {
        (0..<all.count).map { hex($0, cpu: cpu)! }.joined()
    }

    /// Sets registers from a `G` packet's hex (as many as it holds); false
    /// when it is malformed.
    public static func writeAll(hex: Substring, cpu: CPU) -> Bool {
        guard let bytes = GDBPacket.bytes(fromHex: hex) else { return false }
        var offset = 0
        for (n, r) in all.enumerated() {
            let size = r.bits / 8
            guard offset + size <= bytes.count else { break }
            write(n, bytes: Array(bytes[offset..<(offset + size)]), cpu: cpu)
            offset += size
        }
        return true
    }

    // MARK: Target description (qXfer:features:read:target.xml)

    public static let targetXML: String = {
        var s = """
        <?xml version="1.0"?>
        <!DOCTYPE target SYSTEM "gdb-target.dtd">
        <target version="1.0">
        <architecture>aarch64</architecture>
        <feature name="org.gnu.gdb.aarch64.core">
        <flags id="cpsr_flags" size="4">
        <field name="SP" start="0" end="0"/>
        <field name="EL" start="2" end="3"/>
        <field name="nRW" start="4" end="4"/>
        <field name="F" start="6" end="6"/>
        <field name="I" start="7" end="7"/>
        <field name="A" start="8" end="8"/>
        <field name="D" start="9" end="9"/>
        <field name="BTYPE" start="10" end="11"/>
        <field name="SSBS" start="12" end="12"/>
        <field name="IL" start="20" end="20"/>
        <field name="SS" start="21" end="21"/>
        <field name="PAN" start="22" end="22"/>
        <field name="UAO" start="23" end="23"/>
        <field name="V" start="28" end="28"/>
        <field name="C" start="29" end="29"/>
        <field name="Z" start="30" end="30"/>
        <field name="N" start="31" end="31"/>
        </flags>

        """
        for i in 0..<31 { s += "<reg name=\"x\(i)\" bitsize=\"64\" type=\"int\" regnum=\"\(i)\"/>\n" }
        s += "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"31\"/>\n"
        s += "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
        s += "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"33\"/>\n"
        s += "</feature>\n"
        s += fpuFeature
        s += "<feature name=\"org.armature.aarch64.sysregs\">\n"
        for (i, r) in all.enumerated().dropFirst(coreCount + fpuCount) {
            s += "<reg name=\"\(r.name)\" bitsize=\"\(r.bits)\" type=\"uint64\" regnum=\"\(i)\" group=\"system\"/>\n"
        }
        s += "</feature>\n</target>\n"
        return s
    }()

    /// gdb's AArch64 FP/SIMD feature: each V register a union of its lane views.
    static let fpuFeature: String = {
        var s = "<feature name=\"org.gnu.gdb.aarch64.fpu\">\n"
        let vectors: [(String, String, Int)] = [
            ("v2d", "ieee_double", 2), ("v2u", "uint64", 2), ("v2i", "int64", 2),
            ("v4f", "ieee_single", 4), ("v4u", "uint32", 4), ("v4i", "int32", 4),
            ("v8f", "ieee_half", 8), ("v8u", "uint16", 8), ("v8i", "int16", 8),
            ("v16u", "uint8", 16), ("v16i", "int8", 16),
            ("v1u", "uint128", 1), ("v1i", "int128", 1),
        ]
        for (id, type, count) in vectors { s += "<vector id=\"\(id)\" type=\"\(type)\" count=\"\(count)\"/>\n" }
        let unions: [(String, [(String, String)])] = [
            ("vnd", [("f", "v2d"), ("u", "v2u"), ("s", "v2i")]),
            ("vns", [("f", "v4f"), ("u", "v4u"), ("s", "v4i")]),
            ("vnh", [("f", "v8f"), ("u", "v8u"), ("s", "v8i")]),
            ("vnb", [("u", "v16u"), ("s", "v16i")]),
            ("vnq", [("u", "v1u"), ("s", "v1i")]),
            ("aarch64v", [("d", "vnd"), ("s", "vns"), ("h", "vnh"), ("b", "vnb"), ("q", "vnq")]),
        ]
        for (id, fields) in unions {
            s += "<union id=\"\(id)\">\n"
            for (name, type) in fields { s += "<field name=\"\(name)\" type=\"\(type)\"/>\n" }
            s += "</union>\n"
        }
        for i in 0..<32 { s += "<reg name=\"v\(i)\" bitsize=\"128\" type=\"aarch64v\" regnum=\"\(coreCount + i)\"/>\n" }
        s += "<reg name=\"fpsr\" bitsize=\"32\" regnum=\"\(coreCount + 32)\"/>\n"
        s += "<reg name=\"fpcr\" bitsize=\"32\" regnum=\"\(coreCount + 33)\"/>\n"
        s += "</feature>\n"
        return s
    }()
}
