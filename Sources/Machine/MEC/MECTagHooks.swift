import Glibc

// The MEC tag store's per-CPU side: its state, the softmmu hooks, the
// TLB drops a re-tag asks of each CPU, and the fetch arena.

/// Per-CPU MEC state (`CPU.mecState`, set by `System.enableMECTags`): the
/// tag store, the MECIDs of the last translations (the slow paths that
/// follow a translation look its MECID up by page), and buffers for
/// substitute data.
public final class MECCPUState {
    unowned(unsafe) let store: MECTagStore
    var recentPage: (UInt64, UInt64) = (~0, ~0)
    var recentMECID: (UInt16, UInt16) = (0, 0)
    /// `CPU.cachedAccessMECID`: the selection inputs of `contextEL` (AMEC of
    /// the upper range in `context.amec`), valid while `tlbFlushCount` is `contextKey`.
    var context = MECSelectionInput(regime: .el10, paSpace: .nonSecure, emec: false, registers: MECRegisterValues())
    var contextAMECLower = false
    var contextKey: UInt64 = ~0
    var contextEL = -1
    /// A mixed code page as one MECID fetches it (this CPU's page of `mecFetchArena`).
    let codeBuffer: UnsafeMutableRawPointer
    /// Substitute data for a read-only exclusive/atomic access (up to 16 bytes).
    let atomicBuffer: UnsafeMutableRawPointer

    init(store: MECTagStore, cpuIndex: Int) {
        precondition(cpuIndex < MECFetchArena.maxCPUs, "the MEC model supports \(MECFetchArena.maxCPUs) CPUs")
        self.store = store
        codeBuffer = mecFetchArena.buffer(cpu: cpuIndex)
        atomicBuffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    }
    deinit {
        atomicBuffer.deallocate()
    }

    @inline(__always) func remember(pa: UInt64, mecid: UInt16) {
        let page = pa & TLB.pageMask
        if recentPage.0 == page { recentMECID.0 = mecid; return }
        recentPage = (page, recentPage.0)
        recentMECID = (mecid, recentMECID.0)
    }

    @inline(__always) func recentMECID(pa: UInt64) -> UInt16 {
        let page = pa & TLB.pageMask
        if recentPage.0 == page { return recentMECID.0 }
        if recentPage.1 == page { return recentMECID.1 }
        return MECSelection.defaultMECID
    }
}

extension AddressSpace {
    /// Whether [pa, pa+count) is tracked RAM whose tags all equal `mecid` (tests, tools).
    public func mecMatches(pa: UInt64, count: Int, mecid: UInt16) -> Bool {
        guard let tags = mecTags else { return true }
        var a = pa
        let end = pa &+ UInt64(count)
        while a < end {
            let chunkEnd = min(end, (a & TLB.pageMask) &+ TLB.pageSize)
            if !tags.matches(pa: a, size: Int(chunkEnd - a), mecid: mecid) { return false }
            a = chunkEnd
        }
        return true
    }
}

extension System {
    /// Turns the MEC tag model on (`-M virt,mec=on`): call after the RAM is
    /// added, before anything is loaded. Every RAM page starts uniform with MECID 0.
    @discardableResult
    public func enableMECTags() -> MECTagStore {
        if let t = memory.mecTags { return t }
        let t = MECTagStore(memory: memory, system: self)
        memory.mecTags = t
        for c in cpus {
            c.mecState = MECCPUState(store: t, cpuIndex: c.index)
            c.flushTLB()
        }
        return t
    }
}

extension CPU {
    /// Drops the TLB entries of this CPU that map the physical page; returns how many.
    func invalidateTLBEntries(mappingPage pagePA: UInt64) -> Int {
        var n = 0
        var dirty = tlbDirtyIndices   // only the indices filled since their last flush hold entries
        while dirty != 0 {
          let index = dirty.trailingZeroBitCount
          dirty &= dirty - 1
          for slot in (index * TLB.entries)..<((index + 1) * TLB.entries) where codePhysPage[slot] == pagePA {
            let e = state + StateLayout.tlbBase + slot * TLB.entryBytes
            if e.load(fromByteOffset: TLB.readTagOffset, as: UInt64.self) == TLB.invalidTag
                && e.load(fromByteOffset: TLB.writeTagOffset, as: UInt64.self) == TLB.invalidTag
                && e.load(fromByteOffset: TLB.codeTagOffset, as: UInt64.self) == TLB.invalidTag { continue }
            e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.readTagOffset, as: UInt64.self)
            e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.writeTagOffset, as: UInt64.self)
            e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.codeTagOffset, as: UInt64.self)
            n += 1
          }
        }
        return n
    }

    // MARK: Hooks for the softmmu slow paths (one line each in SoftMMU.swift)

    /// After a translation for `accessEL`: remember its MECID for the
    /// physical accesses that follow.
    @inline(__always) func mecNoteTranslation(_ t: Translation, accessEL: Int) {
        guard let st = mecState else { return }
        st.remember(pa: t.pa, mecid: config.hasMEC ? cachedAccessMECID(t, accessEL: accessEL, st) : 0)
    }

    /// `accessMECID` with the register side (regime, Security state, EMEC,
    /// AMEC, MECIDs) cached per accessing EL until the next TLB flush: every
    /// write that can change it flushes (SCR_EL3, HCR_EL2 and SCTLR_ELx are
    /// `mmu` registers; MECID/EMEC/AMEC writes flush their indices).
    private func cachedAccessMECID(_ t: Translation, accessEL: Int, _ st: MECCPUState) -> UInt16 {
        if st.contextKey != tlbFlushCount || st.contextEL != accessEL {
            var base = mecSelectionInput(MECTranslationInfo(), accessEL: accessEL)
            let amecLower = base.amec
            base.amec = mecSelectionInput(MECTranslationInfo(upperRange: true), accessEL: accessEL).amec
            st.context = base
            st.contextAMECLower = amecLower
            st.contextKey = tlbFlushCount
            st.contextEL = accessEL
        }
        let pas = t.mec.paSpace ?? t.paSpace
        guard pas == .realm, st.context.emec else { return MECSelection.defaultMECID }
        var i = st.context
        i.paSpace = pas
        i.translation = t.mec
        if !t.mec.upperRange { i.amec = st.contextAMECLower }
        return MECSelection.select(i).mecid ?? MECSelection.defaultMECID
    }

    /// The MECID of the slow-path access to `pa` (the last translations of its page).
    func mecAccessMECID(pa: UInt64) -> UInt16 {
        mecState?.recentMECID(pa: pa) ?? MECSelection.defaultMECID
    }

    /// fillTLB: may the page be entered in a TLB for this access?
    @inline(__always) func mecMayFillTLB(pa: UInt64) -> Bool {
        guard let st = mecState else { return true }
        return st.store.mayFillTLB(pa: pa, mecid: st.recentMECID(pa: pa))
    }

    /// A slow-path store of `size` bytes at `pa`, before the data is written.
    @inline(__always) func mecWillWrite(pa: UInt64, size: Int) {
        guard let st = mecState else { return }
        st.store.willWrite(pa: pa, length: UInt64(size), mecid: st.recentMECID(pa: pa), by: self)
    }

    /// A slow-path load of `size` bytes at `pa` that read `value` from memory.
    @inline(__always) func mecLoad(pa: UInt64, size: Int, _ value: UInt64) -> UInt64 {
        guard let st = mecState else { return value }
        return st.store.readView(pa: pa, size: size, value: value, mecid: st.recentMECID(pa: pa))
    }

    /// hostAddressForAtomic: the host memory the exclusive/atomic uses.
    @inline(__always) func mecAtomicHost(_ host: UnsafeMutableRawPointer, pa: UInt64, size: Int, write: Bool) -> UnsafeMutableRawPointer {
        guard let st = mecState else { return host }
        return st.store.atomicHost(host, pa: pa, size: size, mecid: st.recentMECID(pa: pa), cpu: self, write: write)
    }

    /// translateCode: the bytes the fetch sees (nil: the memory itself).
    @inline(__always) func mecCodeHost(pa: UInt64, host: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard let st = mecState else { return nil }
        let off = Int(pa & ~TLB.pageMask)
        return st.store.codePage(pagePA: pa & TLB.pageMask, host: host - off, mecid: st.recentMECID(pa: pa), cpu: self)
            .map { $0 + off }
    }

    /// For the dispatcher's block key: what the bytes at `host` (from
    /// `translateCode`) are: 0 for memory itself, 0x1_0000 | MECID for a
    /// MECID's view of substitute data. Zero without tags.
    @inline(__always) public func codeView(host: UnsafeRawPointer) -> UInt32 {
        // A range check on one arena: no reference counting per dispatched block.
        let a = mecFetchArena
        return UInt(bitPattern: host) &- UInt(bitPattern: a.base) < a.size ? a.views[index] : 0
    }
}

/// Where instruction fetches see substitute data: page 0 is 0xdeadbeef
/// throughout; page 1 + i is CPU i's copy of a mixed code page. One arena for
/// every tag store, so `CPU.codeView` is a range check. `views[i]`: what CPU
/// i's last substitute fetch showed (0x1_0000 | MECID).
struct MECFetchArena: @unchecked Sendable {
    static let maxCPUs = 64
    let base: UnsafeMutableRawPointer
    let size: UInt
    let views: UnsafeMutablePointer<UInt32>

    init() {
        let page = Int(MECTagStore.pageBytes)
        let bytes = page * (1 + MECFetchArena.maxCPUs)
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        precondition(p != nil && p != MAP_FAILED, "cannot map the MEC fetch arena")
        base = p!
        size = UInt(bytes)
        let words = base.bindMemory(to: UInt32.self, capacity: page / 4)
        for i in 0..<(page / 4) { words[i] = UInt32(littleEndian: MECTagStore.substituteWord) }
        views = .allocate(capacity: MECFetchArena.maxCPUs)
        views.initialize(repeating: 0, count: MECFetchArena.maxCPUs)
    }

    func buffer(cpu i: Int) -> UnsafeMutableRawPointer { base + Int(MECTagStore.pageBytes) * (1 + i) }
}

let mecFetchArena = MECFetchArena()
