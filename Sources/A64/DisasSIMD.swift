/// Disassembly of AdvSIMD vector instructions with three or two registers:
/// three same, three different (long/wide/narrow, `2` for the upper halves),
/// two-register miscellaneous, across lanes, permutes, EXT and TBL/TBX.
extension A64Disassembler {
    static func v(_ n: Int, _ arrangement: String) -> String { "v" + String(n) + "." + arrangement }

    /// 2S/4S/2D by sz and Q.
    static func fpArrangement(_ sz: Bool, _ q: Bool) -> String {
        sz ? (q ? "2d" : "1d") : (q ? "4s" : "2s")
    }

    static func h16(_ q: Bool) -> String { q ? "8h" : "4h" }

    /// "b0", "h1", "s2", "d3" by log2 size.
    static func scalar(_ size: Int, _ n: Int) -> String { ["b", "h", "s", "d", "q"][size] + String(n) }

    static func simdVectorOperands(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> String? {
        let q = w.q, size = w.simdSize, d = w.rd, n = w.rn, m = w.rm
        let t = arrangement(size, q)
        func three(_ a: String, _ b: String, _ c: String) -> String { v(d, a) + ", " + v(n, b) + ", " + v(m, c) }
        switch form {
        case .sameBHSD, .sameBHS, .sameHS, .sameB, .permute: return three(t, t, t)
        case .sameBytes:
            let b = arrangement(0, q)
            return op == .vOrr && m == n ? v(d, b) + ", " + v(n, b) : three(b, b, b)
        case .sameFP:
            let a = fpArrangement(w.sz, q)
            return three(a, a, a)
        case .sameFP16: return three(h16(q), h16(q), h16(q))
        case .sameFMLAL: return three(q ? "4s" : "2s", q ? "4h" : "2h", q ? "4h" : "2h")
        case .dot: return three(q ? "4s" : "2s", q ? "16b" : "8b", q ? "16b" : "8b")
        case .fcmla: return three(t, t, t) + ", #" + String(w.field(11, 2) * 90)
        case .fcadd: return three(t, t, t) + ", #" + (w.bit(12) ? "270" : "90")
        case .long, .longHS: return three(arrangement(size + 1, true), t, t)
        case .wide: return three(arrangement(size + 1, true), arrangement(size + 1, true), t)
        case .narrowHigh: return three(t, arrangement(size + 1, true), arrangement(size + 1, true))
        case .pmull:
            if size == 3 { return three("1q", q ? "2d" : "1d", q ? "2d" : "1d") }
            return three("8h", t, t)

        case .miscBHSD, .miscBHS, .miscBH: return v(d, t) + ", " + v(n, t)
        case .miscBytes: return v(d, arrangement(0, q)) + ", " + v(n, arrangement(0, q))
        case .miscZero: return v(d, t) + ", " + v(n, t) + ", #0"
        case .miscLongPair: return v(d, arrangement(size + 1, q)) + ", " + v(n, t)
        case .miscNarrow: return v(d, t) + ", " + v(n, arrangement(size + 1, true))
        case .shll: return v(d, arrangement(size + 1, true)) + ", " + v(n, t) + ", #" + String(8 << size)
        case .miscFP, .miscFPS:
            let a = fpArrangement(w.sz, q)
            return v(d, a) + ", " + v(n, a)
        case .miscFPZero:
            let a = fpArrangement(w.sz, q)
            return v(d, a) + ", " + v(n, a) + ", #0.0"
        case .miscFP16: return v(d, h16(q)) + ", " + v(n, h16(q))
        case .miscFP16Zero: return v(d, h16(q)) + ", " + v(n, h16(q)) + ", #0.0"
        case .fcvtn, .fcvtxn:
            return w.sz ? v(d, q ? "4s" : "2s") + ", " + v(n, "2d") : v(d, h16(q)) + ", " + v(n, "4s")
        case .fcvtl:
            return w.sz ? v(d, "2d") + ", " + v(n, q ? "4s" : "2s") : v(d, "4s") + ", " + v(n, h16(q))

        case .across: return scalar(size, d) + ", " + v(n, t)
        case .acrossLong: return scalar(size + 1, d) + ", " + v(n, t)
        case .acrossFP: return scalar(2, d) + ", " + v(n, "4s")
        case .acrossFP16: return scalar(1, d) + ", " + v(n, h16(q))

        case .ext:
            let b = arrangement(0, q)
            return three(b, b, b) + ", #" + imm(w.field(11, 4))
        case .table:
            let b = arrangement(0, q)
            return v(d, b) + ", " + registerList(n, count: w.field(13, 2) + 1, suffix: ".16b") + ", " + v(m, b)
        default:
            return nil
        }
    }
}
