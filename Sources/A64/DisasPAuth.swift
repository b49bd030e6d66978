/// Disassembly of the FEAT_PAuth instructions, as llvm-objdump prints them
/// (the HINT-space forms, PACIASP and friends, are `hintNames`).
extension A64Disassembler {
    static let pacAutNames = ["pacia", "pacib", "pacda", "pacdb", "autia", "autib", "autda", "autdb"]

    static func pointerAuth(_ op: A64Op, _ w: UInt32) -> String {
        let keyB = w.bit(10)
        switch op {
        case .pacAut:
            let name = pacAutNames[w.field(10, 3)]
            if w.bit(13) {   // the Z forms: pacia -> paciza
                return name.prefix(4) + "z" + name.suffix(1) + " " + x(w.rd)
            }
            return name + " " + x(w.rd) + ", " + xsp(w.rn)
        case .xpac: return (keyB ? "xpacd " : "xpaci ") + x(w.rd)
        case .pacga: return "pacga " + x(w.rd) + ", " + x(w.rn) + ", " + xsp(w.rm)
        case .branchAuth:
            let link = w.bit(21), zero = !w.bit(24)
            let name = (link ? "blra" : "bra") + (keyB ? "b" : "a") + (zero ? "z" : "")
            return name + " " + x(w.rn) + (zero ? "" : ", " + xsp(w.rt))
        case .retAuth: return keyB ? "retab" : "retaa"
        case .eretAuth: return keyB ? "eretab" : "eretaa"
        case .ldrAuth:
            let name = w.bit(23) ? "ldrab " : "ldraa "
            let offset = Int64(ldrAuthOffset(w))
            let base = name + x(w.rt) + ", [" + xsp(w.rn)
            if w.bit(11) { return base + ", #" + imm(offset) + "]!" }
            return offset == 0 ? base + "]" : base + ", #" + imm(offset) + "]"
        default: return "<unknown>"
        }
    }

    /// LDRAA/LDRAB's byte offset: S:imm9 (bits 22, 20:12), signed, times 8.
    public static func ldrAuthOffset(_ w: UInt32) -> Int {
        let s10 = (w.field(22, 1) << 9) | w.field(12, 9)
        return (s10 >= 512 ? s10 - 1024 : s10) * 8
    }
}
