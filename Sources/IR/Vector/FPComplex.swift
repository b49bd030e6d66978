/// The complex-number and widening FP operations of `vop` (group
/// `fpComplex`): FCMLA and FCADD (FEAT_FCMA), FMLAL/FMLSL/FMLAL2/FMLSL2
/// (FEAT_FHM), each lane through `FPReference` with FPCR, its flags ORed
/// into FPSR (the opcode's `usesFPSR`).
///
/// Operands: a = Vn, b = Vm, c = the old Vd. `param` bit 4 is Q (128-bit
/// vectors: a 64-bit operation computes only the low lanes, so only they set
/// flags); bits 1:0 are FCMLA's rotation (×90°), FCADD's rot bit (0: #90,
/// 1: #270), or FMLAL's part (bit 0: the upper halves, FMLAL2) and subtract
/// (bit 1: FMLSL). `param2` is the element index of the by-element forms.
public enum FPComplexOp: UInt8, Sendable, CaseIterable {
    /// FCMLA (vector), FCMLA (by element: the pair `param2` of Vm for every pair).
    case fcmla, fcmlaElem
    case fcadd
    /// FMLAL/FMLSL(2) (vector), and by element (Vm's half `param2`); lane bits 32.
    case fmlal, fmlalElem
}

extension VectorSemantics {
    /// FPNeg of one lane.
    @inline(__always) static func fpNeg(_ x: UInt64, _ bits: Int) -> UInt64 { x ^ (1 << UInt64(bits - 1)) }

    public static func evaluate(_ op: FPComplexOp, laneBits: Int, param: Int, param2: Int, _ a: V128, _ b: V128, _ c: V128,
                                _ fp: inout VectorFPState) -> V128 {
        let q = param & 0x10 != 0
        let fpcr = fp.fpcr
        var flags: UInt64 = 0
        var r = V128.zero
        switch op {
        case .fcmla, .fcmlaElem:
            let es = laneBits
            let elements = (q ? 128 : 64) / es
            let rot = param & 3
            // Rotation 0: d += (n.re * m.re, n.re * m.im); 90: (-n.im * m.im, n.im * m.re);
            // 180: (-n.re * m.re, -n.re * m.im); 270: (n.im * m.im, -n.im * m.re).
            let flip = rot & 1, negImag = rot >> 1 == 1, negReal = (rot & 1 == 1) != negImag
            let fma = FPOpcode(.fma)
            for pair in 0..<(elements / 2) {
                let i = 2 * pair
                // The by-element forms take pair `param2` of Vm (of its 128-bit segment: the whole vector here).
                let mBase = op == .fcmla ? i : 2 * param2
                var e1 = b.lane(mBase + flip, bits: es), e3 = b.lane(mBase + 1 - flip, bits: es)
                if negReal { e1 = fpNeg(e1, es) }
                if negImag { e3 = fpNeg(e3, es) }
                let e2 = a.lane(i + flip, bits: es)
                r.setLane(i, bits: es, FPReference.execute(fma, outBits: es, inBits: es, e2, e1, c.lane(i, bits: es),
                                                          fpcr: fpcr, flags: &flags))
                r.setLane(i + 1, bits: es, FPReference.execute(fma, outBits: es, inBits: es, e2, e3, c.lane(i + 1, bits: es),
                                                              fpcr: fpcr, flags: &flags))
            }
        case .fcadd:
            let es = laneBits
            let elements = (q ? 128 : 64) / es
            let add = FPOpcode(.add)
            let rot270 = param & 1 != 0
            for pair in 0..<(elements / 2) {
                let i = 2 * pair
                var e1 = b.lane(i + 1, bits: es), e3 = b.lane(i, bits: es)
                if rot270 { e3 = fpNeg(e3, es) } else { e1 = fpNeg(e1, es) }
                r.setLane(i, bits: es, FPReference.execute(add, outBits: es, inBits: es, a.lane(i, bits: es), e1, 0,
                                                          fpcr: fpcr, flags: &flags))
                r.setLane(i + 1, bits: es, FPReference.execute(add, outBits: es, inBits: es, a.lane(i + 1, bits: es), e3, 0,
                                                              fpcr: fpcr, flags: &flags))
            }
        case .fmlal, .fmlalElem:
            let elements = q ? 4 : 2
            let base = param & 1 != 0 ? elements : 0
            let subtract = param & 2 != 0
            for e in 0..<elements {
                var n = UInt16(truncatingIfNeeded: a.lane(base + e, bits: 16))
                let m = UInt16(truncatingIfNeeded: b.lane(op == .fmlal ? base + e : param2, bits: 16))
                if subtract { n ^= 0x8000 }
                let acc = UInt32(truncatingIfNeeded: c.lane(e, bits: 32))
                r.setLane(e, bits: 32, UInt64(FPReference.mulAddH(addend: acc, n, m, fpcr: fpcr, flags: &flags)))
            }
        }
        fp.fpsrFlags |= flags
        return r
    }
}
