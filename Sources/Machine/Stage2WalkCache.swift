/// A stage 2 walk cache: the results of stage 2 walks (Stage2Walker.swift) by
/// IPA page, so a stage 1 walk of a nested guest (whose every descriptor read
/// goes through stage 2, S1PTW) and the stage 2 step of its output need not
/// walk the stage 2 tables again. It is a TLB holding stage-2-only entries of
/// the current VMID (Arm ARM D8.16): the combined stage 1+2 entries of the
/// softmmu TLB go with the guest's TLBI VMALLE1 and TTBR writes, these stay.
///
/// Entries are tagged with the VTTBR_EL2 (VMID and table base) they were
/// walked under, so a switch between VMs (or to an nVHE host's own VMID and
/// back) keeps each one's entries. What invalidates them, as the Arm ARM's
/// TLB maintenance rules require of stage 2 entries: TLBI VMALLS12E1, ALLE1
/// and IPAS2(L)E1 (and their IS/OS forms; each empties the cache of every
/// VMID, more than VMALLS12E1 and IPAS2E1 must), a VTCR_EL2 write that
/// changes it, and every full flush of the TLB (reset, TLBI PAALL, SCR_EL3
/// changes, unknown TLBI encodings).
///
/// Only results a TLB may hold are kept: successful walks, with AF set in
/// memory (hardware AF updates are done before the entry is cached), and not
/// when hardware dirty state (VTCR_EL2.HD), Realm stage 2, the granule
/// protection check or MEC tags would make the walk's side effects or checks
/// depend on more than the IPA. Per CPU, direct-mapped, emptied in O(1) by a
/// generation count.
final class Stage2WalkCache {
    static let entries = 1024

    struct Entry {
        /// IPA bits 63:12, with `generation` of the cache when filled and
        /// the VTTBR_EL2 (BADDR, VMID) of the walk.
        var page: UInt64
        var generation: UInt64
        var vttbr: UInt64
        var result: Stage2Result
    }

    private let table: UnsafeMutablePointer<Entry>
    /// Entries of another generation are empty.
    private var generation: UInt64 = 1

    init() {
        table = .allocate(capacity: Stage2WalkCache.entries)
        let empty = Stage2Result(pa: 0, paSpace: .nonSecure, level: 0, readable: false, writable: false, executable: false,
                                 attributes: 0, shareability: 0, amec: false, pageBits: TLB.pageBits)
        table.initialize(repeating: Entry(page: 0, generation: 0, vttbr: 0, result: empty), count: Stage2WalkCache.entries)
    }

    deinit { table.deallocate() }

    /// Direct-mapped by IPA page, the VMID (VTTBR_EL2 bits 63:48) spreading
    /// the VMs' entries for the same IPA over different slots.
    @inline(__always) private func slot(_ page: UInt64, _ vttbr: UInt64) -> Int {
        Int(truncatingIfNeeded: page ^ ((vttbr >> 48) &* 0x9E3)) & (Stage2WalkCache.entries - 1)
    }

    /// The cached result for `ipa` under `vttbr`: its PA for that IPA, the rest as the walk gave it.
    @inline(__always) func lookup(_ ipa: UInt64, vttbr: UInt64) -> Stage2Result? {
        let page = ipa >> 12
        let e = table + slot(page, vttbr)
        guard e.pointee.generation == generation && e.pointee.page == page && e.pointee.vttbr == vttbr else { return nil }
        var r = e.pointee.result
        r.pa |= ipa & 0xFFF
        return r
    }

    /// Keeps the walk result `r` of `ipa` under `vttbr`.
    @inline(__always) func fill(_ ipa: UInt64, vttbr: UInt64, _ r: Stage2Result) {
        let page = ipa >> 12
        var kept = r
        kept.pa &= ~0xFFF
        table[slot(page, vttbr)] = Entry(page: page, generation: generation, vttbr: vttbr, result: kept)
    }

    /// Empties the cache.
    @inline(__always) func invalidateAll() { generation &+= 1 }
}
