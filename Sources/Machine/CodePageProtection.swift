import Synchronization

extension CPU {
    /// The page at physical `pagePA` has just come to hold translated code:
    /// its TLB write entries get the code flag, so stores to it take the slow
    /// path, which tells data beside code from code (AddressSpace.noteWrite).
    /// Only entries whose physical page it is change; the rest of the TLB (and
    /// the JIT's jump cache, which follows TLB flushes) stays. Indices not
    /// filled since their last flush hold no valid entry; an index whose fill
    /// log knows its entries is checked entry by entry, another one whole.
    /// With CPUs on threads, another CPU's call changes the entries with
    /// compare-and-swap.
    public func protectCodePage(_ pagePA: UInt64, threadedCaller: Bool = false) {
        let page = pagePA & TLB.pageMask
        // After the page's mark (AddressSpace.markCode), before reading the
        // TLB: a fill racing with this call sees the mark or is seen here
        // (SoftMMU.fillTLB fences between its entry and its look at the mark).
        if threadedCaller { atomicMemoryFence(ordering: .sequentiallyConsistent) }
        var dirty = tlbDirtyIndices
        while dirty != 0 {
            let index = dirty.trailingZeroBitCount
            dirty &= dirty - 1
            let base = state + StateLayout.tlbBase + index * TLB.tableBytes
            let phys = codePhysPage + index * TLB.entries
            let protect = { (slot: Int) in
                guard atomicView(phys + slot).pointee.load(ordering: .relaxed) == page else { return }
                let tag = atomicView(base, slot * TLB.entryBytes + TLB.writeTagOffset, as: UInt64.self)
                let w = tag.pointee.load(ordering: .relaxed)
                guard w != TLB.invalidTag else { return }
                if threadedCaller {
                    // The CPU may be refilling or flushing this entry on its
                    // own thread: flag only the tag that was read.
                    _ = tag.pointee.compareExchange(expected: w, desired: w | TLB.flagCode, ordering: .relaxed)
                } else {
                    tag.pointee.store(w | TLB.flagCode, ordering: .relaxed)
                }
            }
            if tlbFillLog.forEachNoted(index: index, protect) { continue }
            for slot in 0..<TLB.entries { protect(slot) }
        }
    }
}
