/// Table-driven A64 decoder. `decode` finds the first matching line of
/// `A64Decoder.table`, then applies the field constraints that make an
/// otherwise matching encoding unallocated (Arm ARM C4.1: "unallocated" rows):
/// `isAllocated` for the integer lines (a failure is final), the line's form
/// for FP/SIMD lines (a failure tries the next line).
///
/// Lines are found through a second level: the word's bits 29:19 and 15:10
/// (the major groups, the FP/SIMD class, U, size, and the opcode fields of
/// most classes) index a bucket holding, in table order, only the lines whose
/// fixed bits agree there; a bucket holds a few lines, so decode time does not
/// grow with the table.
public enum A64Decoder {
    /// One table line as the hot loop reads it.
    struct Line {
        let mask: UInt32
        let value: UInt32
        let op: A64Op
        let form: A64Form
        let number: UInt16   // in `table`
    }

    /// Flat arrays, built once and never freed (no reference counting on the
    /// decode path): bucket b holds the lines entries[starts[b] ..< starts[b + 1]].
    struct Index: @unchecked Sendable {
        let starts: UnsafePointer<UInt32>
        let entries: UnsafePointer<Line>
    }

    static let keyBits = 15

    /// Bits 29:21 and 15:10 of `w` as a 15-bit bucket number.
    @inline(__always) static func key(_ w: UInt32) -> Int {
        Int((w >> 21) & 0x1FF) << 6 | Int((w >> 10) & 0x3F)
    }

    static let index: Index = {
        let table = A64Decoder.table
        precondition(table.count < Int(UInt16.max))
        let buckets = 1 << keyBits
        var counts = [UInt32](repeating: 0, count: buckets + 1)
        // The buckets a line can match: its fixed key bits, every value of the free ones.
        func forEachKey(_ e: A64Encoding, _ body: (Int) -> Void) {
            let fixed = key(e.mask), base = key(e.value) & fixed
            let free = ~fixed & (buckets - 1)
            var sub = 0
            repeat {
                body(base | sub)
                sub = (sub &- free) & free
            } while sub != 0
        }
        for e in table { forEachKey(e) { counts[$0 + 1] += 1 } }
        for i in 0..<buckets { counts[i + 1] += counts[i] }
        let starts = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets + 1)
        starts.initialize(from: counts, count: buckets + 1)
        let entries = UnsafeMutablePointer<Line>.allocate(capacity: Int(counts[buckets]))
        for (i, e) in table.enumerated() {
            let line = Line(mask: e.mask, value: e.value, op: e.op, form: e.form, number: UInt16(i))
            forEachKey(e) { k in
                (entries + Int(counts[k])).initialize(to: line)
                counts[k] += 1
            }
        }
        return Index(starts: starts, entries: entries)
    }()

    public static func decode(_ w: UInt32) -> A64Op {
        guard let line = line(w) else { return .unallocated }
        return line.pointee.op
    }

    /// The operand form of `w` (`.none` for integer and unallocated words).
    public static func form(_ w: UInt32) -> A64Form {
        guard let line = line(w) else { return .none }
        return line.pointee.form
    }

    /// The table line `w` decodes by, nil when unallocated.
    public static func encoding(_ w: UInt32) -> A64Encoding? {
        guard let line = line(w) else { return nil }
        return table[Int(line.pointee.number)]
    }

    /// The line `w` decodes by, nil when unallocated.
    @inline(__always)
    static func line(_ w: UInt32) -> UnsafePointer<Line>? {
        let ix = index
        let k = key(w)
        var p = ix.entries + Int(ix.starts[k])
        let end = ix.entries + Int(ix.starts[k + 1])
        while p < end {
            defer { p += 1 }
            guard w & p.pointee.mask == p.pointee.value else { continue }
            let op = p.pointee.op, form = p.pointee.form
            if op == .unallocated { return nil }
            if form == .none { return isAllocated(op, w) ? p : nil }
            if form.allows(w) { return p }
        }
        return nil
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
        case .pacAut:
            // PACIZA...AUTDZB (opcode<3> = 1) take no modifier register: Rn = 11111.
            return !w.bit(13) || w.rn == 31
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
        case .fpLdstUnscaled, .fpLdstPost, .fpLdstPre, .fpLdstRegOffset, .fpLdstUnsigned,
             .simdLdstMultiple, .simdLdstMultiplePost, .simdLdstSingle, .simdLdstSinglePost:
            return fpLoadStoreAllocated(op, w)
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
