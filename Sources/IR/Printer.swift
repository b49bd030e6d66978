/// IR as text, one instruction per line, e.g.
///   v2 = add.i64 v0, v1
///   set x0, v2
///   exit.jump 0x40080010
/// `-d op` / `-d op_opt` print this, and the optimizer's tests compare it.
public enum IRPrinter {
    public static func print(_ block: IRBlock) -> String {
        var out = ""
        for (i, inst) in block.insts.enumerated() where inst.op != .nop {
            out += line(inst, index: i)
            out += "\n"
        }
        return out
    }

    public static func line(_ i: Inst, index: Int) -> String {
        let hexImm = "0x" + String(i.imm, radix: 16)
        let ops = i.operands.map(\.description).joined(separator: ", ")
        let def = "v\(index) = "
        switch i.op {
        case .nop: return "nop"
        case .insnStart: return "; insn \(hexImm)"
        case .const_: return def + "const.\(i.type) \(hexImm)"
        case .getReg: return def + "get \(guestRegisterName(Int(i.imm)))"
        case .setReg: return "set \(guestRegisterName(Int(i.imm))), \(i.a)"
        case .getFlags: return def + "get nzcv"
        case .setFlags: return "set nzcv, \(i.a)"
        case .cmp: return def + "cmp.\(Predicate(rawValue: i.imm)?.name ?? "?").\(i.type) \(ops)"
        case .condHolds: return def + "cond.\(conditionName(i.imm)) \(ops)"
        case .load: return def + "load.\(i.type) [\(i.a)]" + (i.imm != 0 ? " flags=\(hexImm)" : "")
        case .store: return "store [\(i.a)], \(i.b)" + (i.imm != 0 ? " flags=\(hexImm)" : "")
        case .call:
            let name = HelperID(rawValue: UInt16(i.imm))?.info.name ?? "helper\(i.imm)"
            return (i.type == .void ? "" : def) + "call \(name)(\(ops))"
        case .exitJump: return "exit.jump \(hexImm)"
        case .exitIndirect: return "exit.indirect \(i.a)"
        case .exitIf: return "exit.if \(i.a), \(hexImm)"
        case .exitState: return "exit.state"
        case .getVec: return def + "get.\(i.type) v\(i.imm)"
        case .setVec: return "set v\(i.imm), \(i.a)"
        case .vextract, .vinsert: return def + "\(i.op).\(i.type) \(ops) @\(i.imm)"
        case .vop:
            return def + "vop.\(VectorOpcode(imm: i.imm).description) \(ops)"
        case .fp: return def + "fp.\(FPOpcode(imm: i.imm).description).\(i.type) \(ops)"
        default:
            return def + "\(i.op).\(i.type) \(ops)"
        }
    }

    public static func conditionName(_ c: UInt64) -> String {
        ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"][Int(c & 15)]
    }
}

