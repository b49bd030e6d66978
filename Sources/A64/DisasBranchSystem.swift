/// Disassembly of branches, exception generation and system instructions:
/// hint names, barrier options, PSTATE fields, system register names and the
/// DC/IC/AT/TLBI aliases of SYS, as llvm-objdump prints them.
extension A64Disassembler {
    static func branchSystem(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        switch op {
        case .b: return "b " + target(pc, w.imm26Offset)
        case .bl: return "bl " + target(pc, w.imm26Offset)
        case .bCond: return "b." + conditionNames[w.field(0, 4)] + " " + target(pc, w.imm19Offset)
        case .cbz, .cbnz:
            return (op == .cbz ? "cbz " : "cbnz ") + r(w.rt, w.sf) + ", " + target(pc, w.imm19Offset)
        case .tbz, .tbnz:
            let bit = (w.bit(31) ? 32 : 0) | w.field(19, 5)
            return (op == .tbz ? "tbz " : "tbnz ") + r(w.rt, w.bit(31)) + ", #" + imm(bit) + ", "
                + target(pc, w.imm14Offset)
        case .br: return "br " + x(w.rn)
        case .blr: return "blr " + x(w.rn)
        case .ret: return w.rn == 30 ? "ret" : "ret " + x(w.rn)
        case .eret: return "eret"
        case .svc: return "svc #" + immHex(w.imm16)
        case .hvc: return "hvc #" + immHex(w.imm16)
        case .smc: return "smc #" + immHex(w.imm16)
        case .brk: return "brk #" + immHex(w.imm16)
        case .hlt: return "hlt #" + immHex(w.imm16)

        case .hint:
            let n = w.field(5, 7)
            if n < hintNames.count, let name = hintNames[n] { return name }
            // llvm prints these two in decimal.
            if n == 39 || n == 40 { return "hint #" + String(n) }
            return "hint #" + imm(n)
        case .clrex:
            let crm = w.field(8, 4)
            return crm == 15 ? "clrex" : "clrex #" + imm(crm)
        case .dsb:
            let crm = w.field(8, 4)
            if crm == 0 { return "ssbb" }
            if crm == 4 { return "pssbb" }
            return "dsb " + barrierOption(crm)
        case .dmb:
            return "dmb " + barrierOption(w.field(8, 4))
        case .isb:
            let crm = w.field(8, 4)
            return crm == 15 ? "isb" : "isb #" + String(crm)

        case .msrImm:
            let op1 = w.field(16, 3), crm = w.field(8, 4), op2 = w.field(5, 3)
            let name: String?
            var value = crm
            switch (op1, op2) {
            case (0, 3): name = "UAO"
            case (0, 4): name = "PAN"
            case (0, 5): name = "SPSel"
            case (3, 2): name = "DIT"
            case (3, 6): name = "DAIFSet"
            case (3, 7): name = "DAIFClr"
            case (1, 0) where crm >> 1 == 1:
                name = "PM"
                value = crm & 1
            default: name = nil
            }
            if let name { return "msr " + name + ", #" + imm(value) }
            return "msr S0_" + String(op1) + "_C4_C" + String(crm) + "_" + String(op2) + ", xzr"

        case .sys:
            let key = UInt16(w.field(5, 14))
            if let alias = sysAliases[key] {
                if alias.name == "apas" { return "apas " + x(w.rt) }
                return alias.name + (alias.takesRegister ? ", " + x(w.rt) : "")
            }
            return "sys #" + imm(w.field(16, 3)) + ", c" + String(w.field(12, 4)) + ", c" + String(w.field(8, 4))
                + ", #" + imm(w.field(5, 3)) + (w.rt != 31 ? ", " + x(w.rt) : "")
        case .sysl:
            return "sysl " + x(w.rt) + ", #" + imm(w.field(16, 3)) + ", c" + String(w.field(12, 4)) + ", c"
                + String(w.field(8, 4)) + ", #" + imm(w.field(5, 3))
        case .msrReg:
            return "msr " + systemRegisterName(w, read: false) + ", " + x(w.rt)
        case .mrs:
            return "mrs " + x(w.rt) + ", " + systemRegisterName(w, read: true)
        default:
            return "<unknown>"
        }
    }

    /// llvm's printImmHex (`%#llx`): `0x10`, but plain `0` for zero.
    static func immHex(_ v: Int) -> String { v == 0 ? "0" : hex(UInt64(v)) }

    static let hintNames: [String?] = [
        "nop", "yield", "wfe", "wfi", "sev", "sevl", "dgh", "xpaclri",
        "pacia1716", nil, "pacib1716", nil, "autia1716", nil, "autib1716", nil,
        "esb", nil, "tsb csync", nil, "csdb", nil, nil, nil,
        "paciaz", "paciasp", "pacibz", "pacibsp", "autiaz", "autiasp", "autibz", "autibsp",
    ]

    static let barrierNames: [String?] = [
        nil, "oshld", "oshst", "osh", nil, "nshld", "nshst", "nsh",
        nil, "ishld", "ishst", "ish", nil, "ld", "st", "sy",
    ]

    /// DMB/DSB option: its name, or `#n` in decimal.
    static func barrierOption(_ crm: Int) -> String {
        barrierNames[crm] ?? "#" + String(crm)
    }

    /// The name llvm prints for the MRS/MSR register of `w`, or the generic
    /// `S<op0>_<op1>_C<n>_C<m>_<op2>` form.
    public static func systemRegisterName(_ w: UInt32, read: Bool) -> String {
        let key = UInt16(w.field(5, 15))
        if let name = (read ? systemRegisterNames.read : systemRegisterNames.write)[key] { return name }
        return "S" + String(2 + w.field(19, 1)) + "_" + String(w.field(16, 3)) + "_C" + String(w.field(12, 4))
            + "_C" + String(w.field(8, 4)) + "_" + String(w.field(5, 3))
    }

    static let systemRegisterNames: (read: [UInt16: String], write: [UInt16: String]) = {
        var read: [UInt16: String] = [:], write: [UInt16: String] = [:]
        for entry in A64SystemNames.registerText.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let chars = Array(entry)
            guard chars.count > 5, let key = UInt16(String(chars[0..<4]), radix: 16) else { continue }
            let name = String(chars[5...])
            switch chars[4] {
            case "<": read[key] = name
            case ">": write[key] = name
            default: read[key] = name; write[key] = name
            }
        }
        return (read, write)
    }()

    struct SysAlias: Sendable {
        let name: String   // "dc civac", "tlbi vmalle1", "apas"
        let takesRegister: Bool
    }

    static let sysAliases: [UInt16: SysAlias] = {
        var table: [UInt16: SysAlias] = [:]
        for entry in A64SystemNames.sysAliasText.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let chars = Array(entry)
            guard chars.count > 5, let key = UInt16(String(chars[0..<4]), radix: 16) else { continue }
            let name = String(chars[5...].map { $0 == "." ? " " : $0 })
            table[key] = SysAlias(name: name, takesRegister: chars[4] == "+")
        }
        return table
    }()
}
