/// FP/SIMD loads and stores (Arm ARM C4.1.88 with V = 1): literal, pair and
/// single register in every addressing mode (B/H/S/D/Q), and the AdvSIMD
/// structure loads/stores LD1-LD4/ST1-ST4 (multiple and single structure,
/// LD1R-LD4R, post-index). The decoder's `fpLoadStoreAllocated` applies the
/// opc/size/opcode rules the patterns cannot express.
extension A64Decoder {
    static let fpLoadStoreTable: [A64Encoding] = [
        //            3         2         1         0
        //           10987654321098765432109876543210
        A64Encoding("11011100xxxxxxxxxxxxxxxxxxxxxxxx", .unallocated),   // opc = 11
        A64Encoding("xx011100xxxxxxxxxxxxxxxxxxxxxxxx", .fpLdrLiteral),   // LDR St/Dt/Qt, label

        A64Encoding("111011xxxxxxxxxxxxxxxxxxxxxxxxxx", .unallocated),   // pairs with opc = 11
        A64Encoding("xx10110000xxxxxxxxxxxxxxxxxxxxxx", .fpStnp),
        A64Encoding("xx10110001xxxxxxxxxxxxxxxxxxxxxx", .fpLdnp),
        A64Encoding("xx10110010xxxxxxxxxxxxxxxxxxxxxx", .fpStpPost),
        A64Encoding("xx10110011xxxxxxxxxxxxxxxxxxxxxx", .fpLdpPost),
        A64Encoding("xx10110100xxxxxxxxxxxxxxxxxxxxxx", .fpStpOffset),
        A64Encoding("xx10110101xxxxxxxxxxxxxxxxxxxxxx", .fpLdpOffset),
        A64Encoding("xx10110110xxxxxxxxxxxxxxxxxxxxxx", .fpStpPre),
        A64Encoding("xx10110111xxxxxxxxxxxxxxxxxxxxxx", .fpLdpPre),

        // size:opc: opc 0x = STR/LDR of 8 << size bits; size 00 with opc 1x = Q.
        A64Encoding("xx111100xx0xxxxxxxxx00xxxxxxxxxx", .fpLdstUnscaled),   // STUR/LDUR
        A64Encoding("xx111100xx0xxxxxxxxx01xxxxxxxxxx", .fpLdstPost),
        A64Encoding("xx111100xx0xxxxxxxxx11xxxxxxxxxx", .fpLdstPre),
        A64Encoding("xx111100xx1xxxxxxxxx10xxxxxxxxxx", .fpLdstRegOffset),
        A64Encoding("xx111101xxxxxxxxxxxxxxxxxxxxxxxx", .fpLdstUnsigned),

        // 0 Q 0011000 L 000000 opcode size Rn Rt (post-index: bit 23, Rm)
        A64Encoding("0x0011000x000000xxxxxxxxxxxxxxxx", .simdLdstMultiple),
        A64Encoding("0x0011001x0xxxxxxxxxxxxxxxxxxxxx", .simdLdstMultiplePost),
        // 0 Q 0011010 L R 00000 opcode S size Rn Rt (post-index: bit 23, Rm)
        A64Encoding("0x0011010xx00000xxxxxxxxxxxxxxxx", .simdLdstSingle),
        A64Encoding("0x0011011xxxxxxxxxxxxxxxxxxxxxxx", .simdLdstSinglePost),
    ]

    /// Single register forms: size:opc 00:1x is the 128-bit Q form, opc 1x with
    /// another size is unallocated; register offset needs option<1> = 1.
    static func fpLoadStoreAllocated(_ op: A64Op, _ w: UInt32) -> Bool {
        switch op {
        case .fpLdstUnscaled, .fpLdstPost, .fpLdstPre, .fpLdstUnsigned, .fpLdstRegOffset:
            if op == .fpLdstRegOffset && !w.bit(14) { return false }
            return w.ldstSize == 0 || !w.bit(23)
        case .simdLdstMultiple, .simdLdstMultiplePost:
            // opcode: 0000 LD4, 0010 LD1 x4, 0100 LD3, 0110 LD1 x3, 0111 LD1, 1000 LD2, 1010 LD1 x2.
            let opcode = w.field(12, 4)
            switch opcode {
            case 0b0000, 0b0100, 0b1000: return w.field(10, 2) != 3 || w.bit(30)   // no .1d for LD2-LD4
            case 0b0010, 0b0110, 0b0111, 0b1010: return true
            default: return false
            }
        case .simdLdstSingle, .simdLdstSinglePost:
            return w.simdStructureElementSize != nil
        default:
            return true
        }
    }
}

extension UInt32 {
    /// LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R: log2 of the element
    /// size in bytes, or nil for an unallocated encoding (opcode bits 15:13,
    /// S bit 12, size bits 11:10).
    public var simdStructureElementSize: Int? {
        let opcode = field(13, 3), s = bit(12), size = field(10, 2)
        switch opcode >> 1 {
        case 0: return 0
        case 1: return size & 1 == 0 ? 1 : nil
        case 2:
            if size == 0 { return 2 }
            return size == 1 && !s ? 3 : nil
        default:
            // Replicate: loads only, S = 0.
            return bit(22) && !s ? size : nil
        }
    }

    /// Number of registers of a structure load/store: single structure
    /// (opcode<0>:R) + 1; multiple structures from the opcode.
    public var simdStructureRegisters: Int {
        if bit(24) { return (field(13, 1) << 1 | field(21, 1)) + 1 }
        switch field(12, 4) {
        case 0b0000, 0b0010: return 4
        case 0b0100, 0b0110: return 3
        case 0b1000, 0b1010: return 2
        default: return 1
        }
    }

    /// Structure elements per register group: LD1-LD4 (selem), 1 for the LD1
    /// forms with several registers.
    public var simdStructureElements: Int {
        if bit(24) { return simdStructureRegisters }
        switch field(12, 4) {
        case 0b0000: return 4
        case 0b0100: return 3
        case 0b1000: return 2
        default: return 1
        }
    }
}
