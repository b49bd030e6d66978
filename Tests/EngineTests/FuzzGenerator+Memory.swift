import A64
import Engine
import Machine
import EngineTestSupport

/// Memory units of the fuzzer: loads/stores of every form, pairs, exclusives,
/// atomics, literals, with addresses kept inside the data area (x28 = base).
extension FuzzGenerator {
    /// `add|sub Xd|SP, x28, #k` (one or two instructions), or nothing for x28 itself.
    static func baseSetup(_ d: Int, offset k: Int64) -> [UInt32] {
        precondition(d != baseRegister || k == 0)
        if d == baseRegister { return [] }
        let sub = k < 0
        let m = UInt32(k.magnitude)
        let op: UInt32 = sub ? 0xD100_0000 : 0x9100_0000
        let n = UInt32(baseRegister)
        if m < 0x1000 {
            return [op | (m << 10) | (n << 5) | UInt32(d)]
        }
        precondition(m < 0x100_0000)
        return [op | (1 << 22) | ((m >> 12) << 10) | (n << 5) | UInt32(d),
                op | ((m & 0xFFF) << 10) | (UInt32(d) << 5) | UInt32(d)]
    }

    /// MOVZ/MOVN/MOVK instructions that put `v` in Xd.
    static func materialize(_ d: Int, _ v: UInt64) -> [UInt32] {
        let negative = v >> 63 == 1
        let x = negative ? ~v : v   // MOVN writes NOT(imm16 << shift)
        var out: [UInt32] = []
        for hw in 0..<4 {
            let part = UInt32((x >> UInt64(16 * hw)) & 0xFFFF)
            if part == 0 && !(hw == 3 && out.isEmpty) { continue }
            if out.isEmpty {
                out.append((negative ? 0x9280_0000 : 0xD280_0000) | UInt32(hw) << 21 | part << 5 | UInt32(d))
            } else {
                let bits = UInt32((v >> UInt64(16 * hw)) & 0xFFFF)
                out.append(0xF280_0000 | UInt32(hw) << 21 | bits << 5 | UInt32(d))
            }
        }
        return out
    }

    /// Addresses that are not RAM (external abort) or above the PA size (address size fault).
    static let unmappedAddresses: [UInt64] = [
        0, 0x1000, 0x0900_0000, 0x3FFF_F000, Snippet.ramBase + Snippet.ramSize, 0x8000_0000,
        0x1_0000_0000_0000, 0xFFFF_0000_0000_0000, 0xFFFF_FFFF_FFFF_F000,
    ]

    /// Chooses where an access of `bytes` (aligned to `align`) goes, and the
    /// set-up that makes base register `base` point there given the
    /// instruction's own offset `immOffset`. `base` = x28 needs a zero set-up
    /// offset; when that cannot give a good address a copy is used instead
    /// (the returned register). A fault moves the address off its alignment
    /// or out of RAM.
    mutating func address(base: Int, immOffset: Int64, bytes: Int, align: Int, fault: MemoryFault?,
                          avoid: Set<Int>) -> (base: Int, setup: [UInt32]) {
        let middle = Int64(bitPattern: FuzzGenerator.dataMiddle)
        let lo = Int64(bitPattern: Snippet.dataBase)
        let hi = lo + Int64(Snippet.dataSize) - Int64(bytes)
        var b = base
        if fault == .unmapped {
            if b == FuzzGenerator.baseRegister || b == 31 { b = freeRegister(avoid: avoid) }
            let ea = rng.pick(FuzzGenerator.unmappedAddresses)
            return (b, FuzzGenerator.materialize(b, ea &- UInt64(bitPattern: immOffset)))
        }
        if b == FuzzGenerator.baseRegister {
            let ea = middle + immOffset
            let ok = ea >= lo && ea <= hi && (fault == .unaligned ? ea % Int64(align) != 0 : ea % Int64(align) == 0)
            if ok { return (b, []) }
            b = freeRegister(avoid: avoid)
        }
        // Set-up offset k: mostly small (one ADD/SUB), sometimes anywhere in the area.
        let kLo = lo - middle - immOffset, kHi = hi - middle - immOffset
        var k: Int64
        if rng.chance(0.8) {
            k = Int64(rng.int(Int(max(kLo, -4095))...Int(min(kHi, 4095))))
        } else {
            k = Int64(rng.int(Int(kLo)...Int(kHi)))
        }
        var ea = middle + immOffset + k
        let a = Int64(align)
        ea -= ((ea % a) + a) % a
        if ea < lo { ea += a }
        if fault == .unaligned && align > 1 {
            ea += Int64(rng.int(1...(align - 1)))
            if ea > hi { ea -= a }
        }
        k = ea - middle - immOffset
        return (b, FuzzGenerator.baseSetup(b, offset: k))
    }

    /// A register for a base copy or offset: not x28, not SP/ZR, not in `avoid`.
    mutating func freeRegister(avoid: Set<Int>) -> Int {
        while true {
            let r = rng.chance(0.5) ? rng.pick(pool) : rng.below(31)
            if !reserved(r) && !avoid.contains(r) { return r }
        }
    }

    /// A base register for a memory instruction: x28 itself, SP, or another register.
    mutating func baseRegister(writeback: Bool, avoid: Set<Int>) -> Int {
        if !writeback && rng.chance(0.35) { return FuzzGenerator.baseRegister }
        if rng.chance(0.2) { return 31 }
        return freeRegister(avoid: avoid)
    }

    /// STR/LDR/LDRS*/PRFM (every form but literal and pair).
    mutating func loadStore(_ op: A64Op, fault: MemoryFault?) -> FuzzUnit {
        var w: UInt32
        repeat { w = fill(op) } while A64Decoder.decode(w) != op
        let size = w.ldstSize, opc = w.field(22, 2)
        var bytes = 1 << size
        if fault == .unaligned && bytes == 1 {
            // A byte access cannot be unaligned: make it 8 bytes (LDR/STR).
            w = FuzzGenerator.set(w, 30, 2, 3)
            if opc >= 2 { w = FuzzGenerator.set(w, 22, 2, 1) }
            bytes = 8
            if A64Decoder.decode(w) != op { return loadStore(op, fault: fault) }
        }
        let size2 = w.ldstSize, opc2 = w.field(22, 2)
        let isLoad = opc2 != 0 && !(size2 == 3 && opc2 == 2)
        let writeback = op == .ldstPre || op == .ldstPost
        var rt = reg()
        if isLoad && reserved(rt) { rt = dest() }
        var avoid: Set<Int> = []
        if writeback && (strict || rng.chance(0.9)) { avoid.insert(rt) }
        var rn = baseRegister(writeback: writeback, avoid: avoid)
        var immOffset: Int64
        var setup: [UInt32] = []
        var rmSetup: [UInt32] = []
        switch op {
        case .ldstUnsigned: immOffset = Int64(w.imm12) << Int64(size2)
        case .ldstPost: immOffset = 0
        case .ldstRegOffset:
            // Rm holds a small value: UXTW takes only non-negative ones.
            let option = w.option
            var rm = rng.chance(0.1) ? 31 : freeRegister(avoid: avoid.union([rn]))
            if rm == rn { rm = 31 }
            let shift = w.bit(12) ? size2 : 0
            var v = Int64(rng.int(-0x7FF...0x7FF))
            if option == 2 { v = abs(v) }
            if rm == 31 { v = 0 }
            immOffset = v << Int64(shift)
            w = FuzzGenerator.set(w, 16, 5, rm)
            if rm != 31 { rmSetup = FuzzGenerator.materialize(rm, UInt64(bitPattern: v)) }
            if rn == rm { rn = FuzzGenerator.baseRegister }
        default: immOffset = w.imm9
        }
        let placed = address(base: rn, immOffset: immOffset, bytes: bytes, align: bytes, fault: fault,
                             avoid: avoid.union([w.field(16, 5)]))
        rn = placed.base
        setup = placed.setup
        if isLoad && writeback && rn == rt && (strict || rng.chance(0.9)) {
            // Writeback to the loaded register: CONSTRAINED UNPREDICTABLE.
            return loadStore(op, fault: fault)
        }
        w = FuzzGenerator.set(w, 5, 5, rn)
        w = FuzzGenerator.set(w, 0, 5, rt)
        precondition(A64Decoder.decode(w) == op)
        return FuzzUnit(insns: (setup + rmSetup + [w]).map { FuzzInsn(word: $0) },
                        label: "\(op)" + (fault.map { " fault:\($0)" } ?? ""))
    }

    /// STP/LDP/LDPSW/STNP/LDNP (offset, pre- and post-index).
    mutating func loadStorePair(_ op: A64Op, fault: MemoryFault?) -> FuzzUnit {
        var w: UInt32
        repeat { w = fill(op) } while A64Decoder.decode(w) != op
        let signed = op == .ldpswPost || op == .ldpswOffset || op == .ldpswPre
        let elem = (signed || !w.bit(31)) ? 4 : 8
        let isLoad = w.bit(22)
        let writeback = [.stpPost, .ldpPost, .ldpswPost, .stpPre, .ldpPre, .ldpswPre].contains(op)
        var rt = reg(), rt2 = reg()
        if isLoad {
            if reserved(rt) { rt = dest() }
            if reserved(rt2) { rt2 = dest() }
            if rt == rt2 && rt != 31 && (strict || rng.chance(0.9)) { rt2 = rt == 31 ? 0 : 31 }
        }
        var avoid: Set<Int> = []
        if writeback && (strict || rng.chance(0.9)) { avoid.formUnion([rt, rt2]) }
        let rn0 = baseRegister(writeback: writeback, avoid: avoid)
        let immOffset: Int64 = (op == .stpPost || op == .ldpPost || op == .ldpswPost) ? 0 : w.imm7 * Int64(elem)
        let placed = address(base: rn0, immOffset: immOffset, bytes: 2 * elem, align: elem, fault: fault, avoid: avoid)
        w = FuzzGenerator.set(w, 5, 5, placed.base)
        w = FuzzGenerator.set(w, 0, 5, rt)
        w = FuzzGenerator.set(w, 10, 5, rt2)
        precondition(A64Decoder.decode(w) == op)
        return FuzzUnit(insns: (placed.setup + [w]).map { FuzzInsn(word: $0) },
                        label: "\(op)" + (fault.map { " fault:\($0)" } ?? ""))
    }

    /// Exclusive loads and stores, often a load-exclusive and a store-exclusive
    /// of the same address and size (the store then usually succeeds).
    mutating func exclusive(fault: MemoryFault?) -> FuzzUnit {
        let op = rng.pick(FuzzGenerator.exclusiveOps)
        let pair = [.stxp, .stlxp, .ldxp, .ldaxp].contains(op)
        let isLoad = [.ldxr, .ldaxr, .ldxp, .ldaxp].contains(op)
        var w = fill(op)
        let size = pair ? (w.bit(30) ? 3 : 2) : w.ldstSize
        let total = (1 << size) * (pair ? 2 : 1)
        let placed = address(base: baseRegister(writeback: false, avoid: []), immOffset: 0, bytes: total,
                             align: total, fault: fault, avoid: [])
        let rn = placed.base
        func make(_ op: A64Op, from w0: UInt32) -> UInt32 {
            // The same size, the other operation.
            let line = FuzzGenerator.lines[op]![0]
            var w = (w0 & ~line.mask) | line.value
            let isLoad = [.ldxr, .ldaxr, .ldxp, .ldaxp].contains(op)
            w = FuzzGenerator.set(w, 5, 5, rn)
            // A load must not overwrite the base (a store-exclusive follows), nor
            // load one register twice.
            var rt = isLoad ? dest() : reg()
            if isLoad && rt == rn { rt = 31 }
            var rt2 = 31
            if pair {
                rt2 = isLoad ? dest() : reg()
                while isLoad && (rt2 == rn || rt2 == rt) { rt2 = dest() }
            }
            w = FuzzGenerator.set(w, 0, 5, rt)
            w = FuzzGenerator.set(w, 10, 5, rt2)
            if isLoad {
                w = FuzzGenerator.set(w, 16, 5, 31)
            } else {
                var rs = dest()
                while rs == 31 || rs == rt || rs == rn || (pair && rs == rt2) { rs = dest() }
                w = FuzzGenerator.set(w, 16, 5, rs)
            }
            precondition(A64Decoder.decode(w) == op, "\(op) \(String(w, radix: 16))")
            return w
        }
        var words = placed.setup
        // Strict: no lone store-exclusive (after a load-exclusive of another
        // size or address its outcome is IMPLEMENTATION DEFINED).
        if fault == nil && (rng.chance(0.6) || (strict && !isLoad)) {
            let load: A64Op = pair ? rng.pick([.ldxp, .ldaxp]) : rng.pick([.ldxr, .ldaxr])
            let store: A64Op = pair ? rng.pick([.stxp, .stlxp]) : rng.pick([.stxr, .stlxr])
            let l = make(load, from: w)
            // Sometimes the store is of another size (the monitor then fails it).
            var ws = w
            // (smaller, so it stays aligned and inside the area).
            if !strict && rng.chance(0.15) {
                if pair { ws &= ~(1 << 30) } else { ws = FuzzGenerator.set(ws, 30, 2, rng.below(size + 1)) }
            }
            let s = make(store, from: ws)
            words += rng.chance(0.1) ? [l, 0xD503_305F, s] : [l, s]   // sometimes CLREX between
            return FuzzUnit(insns: words.map { FuzzInsn(word: $0) }, label: "exclusive pair")
        }
        w = make(op, from: w)
        words.append(w)
        return FuzzUnit(insns: words.map { FuzzInsn(word: $0) }, label: "\(op)" + (fault.map { " fault:\($0)" } ?? ""))
    }

    /// STLR/LDAR/LDAPR.
    mutating func acquireRelease(fault: MemoryFault?) -> FuzzUnit {
        let op = rng.pick([A64Op.stlr, .ldar, .ldapr])
        var w = fill(op)
        let bytes = 1 << w.ldstSize
        let f: MemoryFault? = (fault == .unaligned && bytes == 1) ? .unmapped : fault
        let placed = address(base: baseRegister(writeback: false, avoid: []), immOffset: 0, bytes: bytes,
                             align: bytes, fault: f, avoid: [])
        w = FuzzGenerator.set(w, 5, 5, placed.base)
        w = FuzzGenerator.set(w, 0, 5, op == .stlr ? reg() : dest())
        if op != .ldapr {
            w = FuzzGenerator.set(w, 16, 5, 31)
            w = FuzzGenerator.set(w, 10, 5, 31)
        }
        precondition(A64Decoder.decode(w) == op)
        return FuzzUnit(insns: (placed.setup + [w]).map { FuzzInsn(word: $0) },
                        label: "\(op)" + (f.map { " fault:\($0)" } ?? ""))
    }

    /// LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN} and their ST aliases, SWP.
    mutating func atomic(fault: MemoryFault?) -> FuzzUnit {
        let op = rng.chance(0.8) ? A64Op.atomicOp : .swp
        var w = fill(op)
        if op == .atomicOp && avoidSignedMinMax && (w.field(12, 3) == 4 || w.field(12, 3) == 5) {
            w = FuzzGenerator.set(w, 12, 3, rng.pick([0, 1, 2, 3, 6, 7]))
        }
        let bytes = 1 << w.ldstSize
        let f: MemoryFault? = (fault == .unaligned && bytes == 1) ? .unmapped : fault
        let placed = address(base: baseRegister(writeback: false, avoid: []), immOffset: 0, bytes: bytes,
                             align: bytes, fault: f, avoid: [])
        w = FuzzGenerator.set(w, 5, 5, placed.base)
        w = FuzzGenerator.set(w, 16, 5, reg())
        w = FuzzGenerator.set(w, 0, 5, rng.chance(0.2) ? 31 : dest())
        precondition(A64Decoder.decode(w) == op)
        return FuzzUnit(insns: (placed.setup + [w]).map { FuzzInsn(word: $0) },
                        label: "\(op)" + (f.map { " fault:\($0)" } ?? ""))
    }

    /// CAS/CASP, half of the time after a load of the compared value (so the swap happens).
    mutating func compareAndSwap(fault: MemoryFault?) -> FuzzUnit {
        let pair = rng.chance(0.3)
        let op: A64Op = pair ? .casp : .cas
        var w = fill(op)
        let size = pair ? (w.bit(30) ? 3 : 2) : w.ldstSize
        let bytes = (1 << size) * (pair ? 2 : 1)
        let f: MemoryFault? = (fault == .unaligned && bytes == 1) ? .unmapped : fault
        var rs: Int, rt: Int
        if pair {
            repeat { rs = 2 * rng.below(16) } while reserved(rs) || reserved(rs + 1)
            rt = 2 * rng.below(16)
        } else {
            rs = dest()
            rt = reg()
        }
        var avoid: Set<Int> = [rs]
        if pair { avoid.insert(rs + 1) }
        let placed = address(base: baseRegister(writeback: false, avoid: avoid), immOffset: 0, bytes: bytes,
                             align: bytes, fault: f, avoid: avoid)
        let rn = placed.base
        w = FuzzGenerator.set(w, 5, 5, rn)
        w = FuzzGenerator.set(w, 16, 5, rs)
        w = FuzzGenerator.set(w, 0, 5, rt)
        w = FuzzGenerator.set(w, 10, 5, 31)
        precondition(A64Decoder.decode(w) == op, "\(String(w, radix: 16))")
        var words = placed.setup
        if f == nil && rs != 31 && rng.chance(0.5) {
            // Load the current value into Rs (Rs+1): LDR (unsigned offset 0) / LDP.
            if pair {
                let ldp: UInt32 = (size == 3 ? 0xA940_0000 : 0x2940_0000) | UInt32(rs + 1) << 10 | UInt32(rn) << 5 | UInt32(rs)
                words.append(ldp)
            } else {
                words.append(UInt32(size) << 30 | 0x3940_0000 | UInt32(rn) << 5 | UInt32(rs))
            }
        }
        words.append(w)
        return FuzzUnit(insns: words.map { FuzzInsn(word: $0) }, label: "\(op)" + (f.map { " fault:\($0)" } ?? ""))
    }

    /// LDR/LDRSW/PRFM (literal) of the data area or of the code.
    mutating func literal(fault: Bool) -> FuzzUnit {
        let op = rng.pick([A64Op.ldrLiteral, .ldrLiteral, .ldrswLiteral, .prfmLiteral])
        var w = fill(op)
        let bytes = op == .ldrLiteral && w.bit(30) ? 8 : 4
        w = FuzzGenerator.set(w, 0, 5, op == .prfmLiteral ? rng.below(32) : dest())
        var addr: UInt64
        if rng.chance(0.7) {
            addr = Snippet.dataBase + UInt64(rng.below(Snippet.dataSize / 8 - 1) * 8)
        } else {
            addr = Snippet.codeBase + UInt64(rng.below(64) * 8)
        }
        if fault {
            // 8-byte load at an address that is 4 mod 8, or below RAM.
            if bytes == 8 && rng.chance(0.7) { addr += 4 } else { addr = Snippet.ramBase - 0x1000 }
            if op == .prfmLiteral { w = FuzzGenerator.set(w, 30, 2, 1) }   // LDR x (literal) instead
        }
        precondition(A64Decoder.decode(w) != .unallocated)
        return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .literal(addr))],
                        label: "\(A64Decoder.decode(w))" + (fault ? " fault" : ""))
    }
}
