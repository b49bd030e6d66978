/// TLB maintenance (TLBI, Arm ARM C5.5 and D8.16): by translation regime and
/// by VA. There are no ASIDs or VMIDs in the TLB, so the ASID forms (ASIDE1,
/// VAE1 vs VAAE1) invalidate more than they must, and TLBI VMALLE1 empties the
/// EL1&0 indexes whatever the ASID: precise enough, never too little.
///
/// With stage 2 on, an EL1&0 entry is the combined stage 1+2 translation of
/// the current VMID (VTTBR_EL2, VTCR_EL2 and HCR_EL2 writes flush), so the
/// EL1 forms (VMALLE1, VAE1...) apply to the current VMID's entries, and
/// VMALLS12E1 and ALLE1 empty the EL1&0 indexes; IPAS2E1 drops the entries
/// filled through the stage 2 page or block of the IPA (`tlbIPA`). The
/// stage 2 walk cache (stage-2-only entries) stays through the EL1 forms and
/// goes with VMALLS12E1, ALLE1 and IPAS2E1 (Stage2WalkCache.swift).
///
/// A TLB entry caches 4 KiB of a page or block whose size `tlbPageBits`
/// records, so a TLBI by VA drops every entry of the block that holds the VA.
///
/// EL0 of the EL2&0 regime (a VHE host's) has its own index
/// (`hostEL0Index`): the EL2 forms with E2H, and the EL1 forms executed in
/// the host (E2H = TGE = 1), name it and EL2's, never the guest's EL1&0.

extension CPU {
    /// MMU indexes of the EL1&0 regime (EL0 and EL1 views), EL2, EL3.
    /// EL0, EL1 and EL1 with PSTATE.PAN (index 5, CPU.mmuIndex).
    public static let mmuIndexesEL10: UInt32 = 0b10_0011
    /// EL2, and EL2 with PSTATE.PAN in the EL2&0 regime (index 6).
    public static let mmuIndexesEL2: UInt32 = 0b100_0100
    /// The EL2&0 regime (FEAT_VHE, E2H = 1): EL2's indexes and its EL0's (`hostEL0Index`).
    public static let mmuIndexesEL20: UInt32 = mmuIndexesEL2 | 1 << UInt32(hostEL0Index)
    public static let mmuIndexesEL3: UInt32 = 0b1000
    public static let allMMUIndexes = UInt32((1 << TLB.mmuIndexCount) - 1)
    /// Not an MMU index: in a flush's mask, the stage 2 walk cache empties too
    /// (Stage2WalkCache.swift); so it does when the mask has every index.
    public static let stage2WalkCacheBit: UInt32 = 1 << 31

    /// Empties the TLBs of the MMU indexes in `mask` (and the stage 2 walk
    /// cache with `stage2WalkCacheBit` or every index).
    public func flushTLB(mmuIndexMask mask: UInt32) {
        tlbFlushCount &+= 1
        translationChanges.noteEverything(mask & CPU.allMMUIndexes)
        if mask & CPU.stage2WalkCacheBit != 0 || mask & CPU.allMMUIndexes == CPU.allMMUIndexes {
            stage2Cache.invalidateAll()
        }
        // Only indices filled since their last flush hold entries, and of
        // those only the filled entries (TLBFillLog) need clearing.
        var dirty = mask & tlbDirtyIndices
        tlbDirtyIndices &= ~mask
        while dirty != 0 {
            let idx = dirty.trailingZeroBitCount
            dirty &= dirty - 1
            flushTLBEntries(ofIndex: idx)
        }
    }

    /// Drops the entries of the MMU indexes in `mask` that translate any part
    /// of the page or block holding `va` (VA bits 55:12 compared; the top
    /// byte, which TBI may ignore, is not).
    public func flushTLBPage(va: UInt64, mmuIndexMask mask: UInt32) {
        tlbFlushCount &+= 1
        // What changed: the page, or the largest block an entry may hold it in.
        var changedBits = TLB.pageBits
        for idx in 0..<TLB.mmuIndexCount where mask & (1 << UInt32(idx)) != 0 {
            let large = tlbLargeBlocks[idx]
            // The TLB is direct-mapped: an entry for the page of the VA is in
            // the VA's slot; one for a block of 2^bits bytes holding the VA
            // is in one of the slots of that block's pages (all of them for
            // a block of at least `TLB.entries` pages).
            dropEntryHolding(va, slot: TLB.slot(va: va), index: idx)
            if large.mask == CPU.noLargeBlocks.mask || (large.base ^ va) & large.mask != 0 { continue }
            if tlbBlockSizes[idx] != 0 { changedBits = max(changedBits, 63 - tlbBlockSizes[idx].leadingZeroBitCount) }
            var sizes = tlbBlockSizes[idx]
            while sizes != 0 {
                let bits = sizes.trailingZeroBitCount
                sizes &= sizes - 1
                let first = TLB.slot(va: va & ~((UInt64(1) << UInt64(bits)) - 1))
                for k in 0..<min(1 << (bits - TLB.pageBits), TLB.entries) {
                    dropEntryHolding(va, slot: (first + k) & (TLB.entries - 1), index: idx)
                }
            }
        }
        translationChanges.noteBlock(va: va, bits: changedBits, mask: mask & CPU.allMMUIndexes)
    }

    /// Invalidates the entry at `slot` of MMU index `index` if it caches part
    /// of the page or block holding `va`.
    @inline(__always) private func dropEntryHolding(_ va: UInt64, slot: Int, index: Int) {
        let e = state + StateLayout.tlbBase + index * TLB.tableBytes + slot * TLB.entryBytes
        var tag = e.load(fromByteOffset: TLB.readTagOffset, as: UInt64.self)
        if tag == TLB.invalidTag { tag = e.load(fromByteOffset: TLB.writeTagOffset, as: UInt64.self) }
        if tag == TLB.invalidTag { tag = e.load(fromByteOffset: TLB.codeTagOffset, as: UInt64.self) }
        if tag == TLB.invalidTag { return }
        let bits = max(Int(tlbPageBits[index * TLB.entries + slot]), TLB.pageBits)
        if (tag ^ va) & CPU.tlbVABits & ~((UInt64(1) << UInt64(bits)) - 1) == 0 { TLB.invalidate(entry: e) }
    }

    /// VA bits 55:12: what a TLB tag and a TLBI by VA compare.
    static let tlbVABits: UInt64 = 0x00FF_FFFF_FFFF_F000
    /// No block larger than a page in an MMU index's TLB (a mask no range has).
    static let noLargeBlocks: (base: UInt64, mask: UInt64) = (0, ~0)

    /// Widens the MMU index's large-block range to cover the block of
    /// 2^bits bytes holding `va`, just filled.
    func noteLargeBlock(va: UInt64, bits: Int, mmuIndex: Int) {
        let blockMask = CPU.tlbVABits & ~((UInt64(1) << UInt64(bits)) - 1)
        var (base, mask) = tlbLargeBlocks[mmuIndex]
        if mask == CPU.noLargeBlocks.mask {
            (base, mask) = (va & blockMask, blockMask)
        } else {
            // The smallest aligned range holding both (mask 0: all VAs).
            mask &= blockMask
            while (base ^ va) & mask != 0 { mask = (mask << 1) & CPU.tlbVABits }
            base &= mask
        }
        tlbLargeBlocks[mmuIndex] = (base, mask)
        tlbBlockSizes[mmuIndex] |= UInt64(1) << UInt64(bits)
    }

    /// Drops the entries of the MMU indexes in `mask` filled through a stage
    /// 2 page or block holding `ipa` (TLBI IPAS2E1 and friends).
    public func flushTLBIPA(_ ipa: UInt64, mmuIndexMask mask: UInt32) {
        tlbFlushCount &+= 1
        translationChanges.noteEverything(mask & CPU.allMMUIndexes)
        stage2Cache.invalidateAll()
        // Only indices filled since their last flush hold entries.
        let indices = mask & tlbDirtyIndices
        for idx in 0..<TLB.mmuIndexCount where indices & (1 << UInt32(idx)) != 0 {
            let base = state + StateLayout.tlbBase + idx * TLB.tableBytes
            for i in 0..<TLB.entries {
                let rec = tlbIPA[idx * TLB.entries + i]
                if rec == ~0 { continue }
                let block = 0x0000_FFFF_FFFF_F000 & ~((UInt64(1) << (rec & 0x3F)) - 1)
                if (rec ^ ipa) & block == 0 { TLB.invalidate(entry: base + i * TLB.entryBytes) }
            }
        }
    }

    /// TLBI <op>{, <Xt>}: SYS #op1, C8, CRm, #op2 (the Inner and Outer
    /// Shareable forms act like the local ones: other CPUs' TLBs are
    /// flushed too; on their own threads, of the same MMU indices whole,
    /// and the TLBI completes when they have: CrossCPUWork.swift). Returns false when the operation is UNDEFINED at the
    /// current EL (EL2 operations below EL2 or without EL2, EL3 ones below
    /// EL3); EL0 is the caller's check. Encodings not listed below (range
    /// and nXS forms, features not implemented) empty the whole TLB.
    public func tlbInvalidate(op1: UInt64, crm: UInt64, op2: UInt64, xt: UInt64) -> Bool {
        // The Outer Shareable (CRm 1, 5) and range (CRm 2, 5, 6) forms need
        // FEAT_TLBIOS/FEAT_TLBIRANGE (-cpu cortex-a57 has neither).
        if !config.isa.contains(.tlbiOSRange) && [1, 2, 5, 6].contains(crm) { return false }
        // Xt[43:0] holds VA[55:12]; bit 55 sign-extends for the upper range.
        var va = (xt & 0x0FFF_FFFF_FFFF) << 12
        if (va >> 55) & 1 == 1 { va |= 0xFF00_0000_0000_0000 }
        let broadcast = crm == 3 || crm == 1 || crm == 0   // IS, OS (and IPAS2E1IS)
        var mask: UInt32 = 0
        var byVA = false, byIPA = false
        switch (op1, crm, op2) {
        case (6, 7, 4), (6, 1, 4), (6, 4, 3), (6, 4, 7):
            // PAALL, PAALLOS, RPAOS, RPALOS (FEAT_RME, EL3): entries cached
            // after a granule protection check, by PA. The TLB is indexed by
            // VA, so every entry of every regime is dropped (RPAOS/RPALOS:
            // whatever the range). The OS forms reach every CPU.
            guard el == 3, config.hasRME else { return false }
            cpuLog(.gpc, "gpc: TLBI \(["PAALL", "PAALLOS", "RPAOS", "RPALOS"][crm == 7 ? 0 : crm == 1 ? 1 : op2 == 3 ? 2 : 3]): GPT information cached in TLBs dropped")
            flushTLBs(on: crm == 7 ? [self] : system.cpus, mmuIndexMask: CPU.allMMUIndexes) { $0.flushTLB() }
            return true
        case (0, 1, _), (0, 3, _), (0, 7, _):
            guard el >= 1 else { return false }
            switch op2 {
            case 0, 2: mask = CPU.mmuIndexesEL10                   // VMALLE1, ASIDE1
            case 1, 3, 5, 7: mask = CPU.mmuIndexesEL10; byVA = true // VAE1, VAAE1, VALE1, VAALE1
            default: return unknownTLBI()
            }
        case (4, 0, 1), (4, 0, 5), (4, 4, 1), (4, 4, 5):           // IPAS2(L)E1(IS): stage 2, by IPA
            // The TLB holds only combined stage 1+2 entries of the current
            // VMID (a VTTBR_EL2 write flushes); each records the stage 2
            // page or block it came through, and those holding the IPA
            // (Xt[35:0] = IPA[47:12]) are dropped: more than the Arm ARM
            // requires (combined entries may stay until TLBI VMALLE1).
            guard el >= 2, config.hasEL2 else { return false }
            mask = CPU.mmuIndexesEL10
            byIPA = true
        case (4, 1, _), (4, 3, _), (4, 7, _):
            guard el >= 2, config.hasEL2 else { return false }
            switch op2 {
            case 0: mask = CPU.mmuIndexesEL2                          // ALLE2
            case 1, 5: mask = CPU.mmuIndexesEL2; byVA = true          // VAE2, VALE2
            case 4, 6: mask = CPU.mmuIndexesEL10                      // ALLE1, VMALLS12E1
            default: return unknownTLBI()
            }
        case (6, 1, _), (6, 3, _), (6, 7, _):
            guard el == 3 else { return false }
            switch op2 {
            case 0: mask = CPU.mmuIndexesEL3                          // ALLE3
            case 1, 5: mask = CPU.mmuIndexesEL3; byVA = true          // VAE3, VALE3
            default: return unknownTLBI()
            }
        default:
            return unknownTLBI()
        }
        // FEAT_VHE: while E2H is 1 the EL2 operations name the EL2&0 regime
        // (its EL0's index too); the EL1 ones executed at EL2 with E2H = TGE
        // = 1 name it instead of EL1&0 (Arm ARM C5.5, "TLBI VMALLE1": the
        // guest's entries stay).
        if hcrE2H && mask == CPU.mmuIndexesEL2 { mask = CPU.mmuIndexesEL20 }
        if op1 == 0 && el == 2 && el2Host { mask = CPU.mmuIndexesEL20 }
        // Stage 2 entries of the current VMID go with ALLE1, VMALLS12E1 and
        // the IPA forms (the walk cache keeps none of another VMID).
        if op1 == 4 && (byIPA || mask == CPU.mmuIndexesEL10) { mask |= CPU.stage2WalkCacheBit }
        flushTLBs(on: broadcast ? system.cpus : [self], mmuIndexMask: mask) { cpu in
            if byIPA {
                cpu.flushTLBIPA((xt & 0xF_FFFF_FFFF) << 12, mmuIndexMask: mask)
            } else if byVA {
                cpu.flushTLBPage(va: va, mmuIndexMask: mask)
            } else {
                cpu.flushTLB(mmuIndexMask: mask)
            }
        }
        return true
    }

    private func unknownTLBI() -> Bool {
        guard el >= 1 else { return false }
        flushTLBs(on: system.cpus, mmuIndexMask: CPU.allMMUIndexes) { $0.flushTLB() }
        return true
    }
}
