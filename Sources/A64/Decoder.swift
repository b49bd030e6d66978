/// Table-driven A64 decoder. `decode` finds the first matching line of
/// `A64Decoder.table`, then applies the few field constraints that make an
/// otherwise matching encoding unallocated (Arm ARM C4.1: "unallocated" rows).
public enum A64Decoder {
    /// Table lines bucketed by bits [28:25] (the major group, Arm ARM C4.1).
    nonisolated(unsafe) private static let buckets: [[A64Encoding]] = {
        var b = [[A64Encoding]](repeating: [], count: 16)
        for e in table {
            for g in 0..<16 {
                let w = UInt32(g) << 25
                // The line can match words of group g if its fixed bits in 28:25 agree.
                if (w ^ e.value) & e.mask & (0xF << 25) == 0 { b[g].append(e) }
            }
        }
        return b
    }()

    public static func decode(_ w: UInt32) -> A64Op {
        for e in buckets[Int((w >> 25) & 0xF)] where e.matches(w) {
            return isAllocated(e.op, w) ? e.op : .unallocated
        }
        return .unallocated
    }

    /// Field constraints the bit patterns cannot express.
    static func isAllocated(_ op: A64Op, _ w: UInt32) -> Bool {
        let sf = w.bit(31)
        switch op {
        case .andImm, .orrImm, .eorImm, .andsImm:
            return decodeBitMasks(n: w.bit(22), imms: w.imms, immr: w.immr, immediate: true,
                                  dataSize: sf ? 64 : 32) != nil
        case .sbfm, .bfm, .ubfm:
            if w.bit(22) != sf { return false }
            return sf || (w.immr < 32 && w.imms < 32)
        case .extr:
            if w.bit(22) != sf { return false }
            return sf || w.imms < 32
        case .logicalShifted:
            return sf || w.imm6 < 32
        case .addSubShifted:
            return w.shiftType != 3 && (sf || w.imm6 < 32)
        case .addSubExtended:
            return w.imm3 <= 4
        case .condSelect:
            return !w.bit(29) && !w.bit(11)
        case .crc32:
            // CRC32X/CRC32CX need sf=1, the others sf=0.
            return (w.field(10, 2) == 3) == sf
        case .rev:
            // REV with opc=11 is 64-bit only.
            return sf || !w.bit(10)
        case .ldstUnscaled, .ldstPost, .ldstPre, .ldstUnpriv, .ldstUnsigned, .ldstRegOffset:
            return loadStoreAllocated(op, w)
        case .casp:
            // CASP* take even-numbered register pairs.
            return w.rs & 1 == 0 && w.rt & 1 == 0
        case .msrImm:
            // op1=000 op2=000 is CFINV (FEAT_FlagM); op1=011 op2=011 with
            // CRm=0b0xx1/0b0xx0, xx != 00, is SMSTART/SMSTOP (FEAT_SME).
            let op1 = w.field(16, 3), crm = w.field(8, 4), op2 = w.field(5, 3)
            if op1 == 0 && op2 == 0 { return false }
            if op1 == 3 && op2 == 3 && crm >= 2 && crm <= 7 { return false }
            return true
        default:
            return true
        }
    }

    /// Load/store register (immediate, unscaled, unprivileged, register offset):
    /// size:opc combinations that exist (Arm ARM C4.1.88, "Load/store register").
    static func loadStoreAllocated(_ op: A64Op, _ w: UInt32) -> Bool {
        let size = w.field(30, 2), opc = w.field(22, 2)
        if op == .ldstRegOffset && !w.bit(14) { return false }   // option<1> must be 1
        switch (size, opc) {
        case (3, 2):
            // PRFM / PRFUM only in unsigned offset, register offset and unscaled forms.
            return op == .ldstUnsigned || op == .ldstRegOffset || op == .ldstUnscaled
        case (3, 3), (2, 3):
            return false
        default:
            return true
        }
    }
}

