import A64
import Arch
import IR

/// AdvSIMD structure loads and stores (Arm ARM C7.2, LD1-LD4/ST1-ST4 multiple
/// and single structure, LD1R-LD4R; the shared pseudocode of "ASIMD load/store
/// multiple structures" and "single structure"), with no offset or post-index
/// (immediate: the bytes transferred; register: Xm).
///
/// Accesses go in the pseudocode's order (ascending addresses) through the
/// ordinary load/store paths (self-modifying code, MEC re-tagging, faults), each
/// checked for alignment to its element size under SCTLR_ELx.A and for Device
/// memory. LD1/ST1 multiple move each register as 8-byte accesses (elements
/// of one register are consecutive in memory; the check stays per element),
/// as QEMU does, so a store that faults has written the same bytes as QEMU's;
/// LD2-LD4/ST2-ST4 and single structures access element by element. All loads
/// happen before any register is written: a fault leaves V0-V31 and the base
/// register unchanged (the Arm ARM makes the destinations UNKNOWN), and a
/// store is restartable (it rewrites the same bytes). Q = 0 loads of whole
/// registers zero bits 127:64; single-structure loads keep the other lanes.
/// SIMD&FP accesses report no instruction syndrome (ISV = 0).
extension LiftState {
    mutating func liftSIMDLoadStoreStructure(_ op: A64Op, _ w: UInt32) {
        let base = xsp(w.rn)
        let bytes: Int
        switch op {
        case .simdLdstMultiple, .simdLdstMultiplePost: bytes = liftSIMDMultipleStructures(base, w)
        default: bytes = liftSIMDSingleStructure(base, w)
        }
        guard op == .simdLdstMultiplePost || op == .simdLdstSinglePost else { return }
        // Post-index: Rm = 31 means the immediate form, the bytes transferred.
        let offset = w.rm == 31 ? b.const_(UInt64(bytes)) : x(w.rm)
        setRegSP(w.rn, b.add(base, offset))
    }

    /// LD1-LD4/ST1-ST4 (multiple structures); returns the bytes transferred.
    private mutating func liftSIMDMultipleStructures(_ base: Value, _ w: UInt32) -> Int {
        let isLoad = w.bit(22), q = w.bit(30)
        let esize = Int(w.field(10, 2))        // log2 of the element size in bytes
        let selem = w.simdStructureElements, registers = w.simdStructureRegisters
        let regBytes = q ? 16 : 8
        if selem == 1 {
            liftSIMDConsecutiveRegisters(base, t: w.rt, registers: registers, q: q, esize: esize, isLoad: isLoad)
        } else {
            liftSIMDInterleaved(base, t: w.rt, selem: selem, elements: regBytes >> esize, q: q, esize: esize,
                                isLoad: isLoad)
        }
        return registers * regBytes
    }

    /// LD1/ST1 with 1-4 registers: each register is `q ? 16 : 8` consecutive
    /// bytes, moved as 8-byte accesses aligned-checked to the element size.
    private mutating func liftSIMDConsecutiveRegisters(_ base: Value, t: Int, registers: Int, q: Bool, esize: Int,
                                                       isLoad: Bool) {
        let flags = esize == 3 ? 0 : AccessFlags.alignment(bytes: 1 << esize).rawValue
        let regBytes = q ? 16 : 8
        if isLoad {
            var values: [Value] = []
            for r in 0..<registers {
                let addr = addOffset(base, Int64(r * regBytes))
                let lo = b.load(.i64, addr, flags: flags)
                values.append(q ? b.vpack(lo, b.load(.i64, addOffset(addr, 8), flags: flags)) : lo)
            }
            for r in 0..<registers { b.setVec((t + r) % 32, values[r]) }   // an i64 zeroes bits 127:64
        } else {
            for r in 0..<registers {
                let v = b.getVec((t + r) % 32, .v128)
                let addr = addOffset(base, Int64(r * regBytes))
                b.store(addr, b.vextract(v, bitOffset: 0, .i64), flags: flags)
                if q { b.store(addOffset(addr, 8), b.vextract(v, bitOffset: 64, .i64), flags: flags) }
            }
        }
    }

    /// LD2-LD4/ST2-ST4: element e of register t+s (mod 32) is at
    /// (e * selem + s) * esize bytes.
    private mutating func liftSIMDInterleaved(_ base: Value, t: Int, selem: Int, elements: Int, q: Bool, esize: Int,
                                              isLoad: Bool) {
        let lane = LiftState.laneType(esize), laneBits = 8 << esize
        if isLoad {
            let zero = b.vdup(b.const_(0, lane))
            var values = [Value](repeating: zero, count: selem)
            for e in 0..<elements {
                for s in 0..<selem {
                    let v = b.load(lane, addOffset(base, Int64((e * selem + s) << esize)))
                    values[s] = b.vinsert(values[s], bitOffset: e * laneBits, v)
                }
            }
            for s in 0..<selem { setVector((t + s) % 32, values[s], full: q) }
        } else {
            var regs: [Value] = []
            for s in 0..<selem { regs.append(b.getVec((t + s) % 32, .v128)) }
            for e in 0..<elements {
                for s in 0..<selem {
                    b.store(addOffset(base, Int64((e * selem + s) << esize)),
                            b.vextract(regs[s], bitOffset: e * laneBits, lane))
                }
            }
        }
    }

    /// LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R; returns the bytes
    /// transferred.
    private mutating func liftSIMDSingleStructure(_ base: Value, _ w: UInt32) -> Int {
        let isLoad = w.bit(22), q = w.bit(30)
        let selem = w.simdStructureRegisters
        let esize = w.simdStructureElementSize ?? 0    // the decoder refused the nil cases
        let lane = LiftState.laneType(esize)
        let replicate = w.field(14, 2) == 3
        var values: [Value] = []
        if isLoad {
            for s in 0..<selem { values.append(b.load(lane, addOffset(base, Int64(s << esize)))) }
        }
        if replicate {
            for s in 0..<selem { setVector((w.rt + s) % 32, b.vdup(values[s]), full: q) }
            return selem << esize
        }
        // The lane: Q:S:size for bytes, Q:S:size<1> for halfwords, Q:S for
        // words, Q for doublewords.
        let qs = (q ? 2 : 0) | (w.bit(12) ? 1 : 0)
        let index: Int
        switch esize {
        case 0: index = qs << 2 | Int(w.field(10, 2))
        case 1: index = qs << 1 | Int(w.field(11, 1))
        case 2: index = qs
        default: index = q ? 1 : 0
        }
        let bitOffset = index << (esize + 3)
        for s in 0..<selem {
            let tt = (w.rt + s) % 32
            if isLoad {
                b.setVec(tt, b.vinsert(b.getVec(tt, .v128), bitOffset: bitOffset, values[s]))
            } else {
                b.store(addOffset(base, Int64(s << esize)), b.vextract(b.getVec(tt, .v128), bitOffset: bitOffset, lane))
            }
        }
        return selem << esize
    }
}
