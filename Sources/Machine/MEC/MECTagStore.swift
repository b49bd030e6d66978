import Glibc

/// The FEAT_MEC shadow tags (`-M virt,mec=on`): every 4 KiB page of RAM
/// carries the MECID of its last writer, as hardware keys each 64-byte line
/// with the MECID it was written with.
///
/// - A **uniform** page (all 64 lines written with one MECID) is one 16-bit
///   tag; only a uniform page whose tag equals an access's MECID is ever put
///   in a TLB, so the fast paths (inline JIT code, the interpreter) never look
///   at tags.
/// - A write with another MECID that covers part of a page makes it
///   **mixed**: one tag per line, answered line by line on the slow path. It
///   becomes uniform again once one MECID has written every line.
/// - A read whose MECID differs from the line's tag returns the substitute
///   data 0xdeadbeef (each aligned 32-bit word), as hardware returns
///   ciphertext. Instruction fetches too.
/// - A write that covers part of a line tagged with another MECID first turns
///   the rest of the line into what the writer would have read (the
///   substitute pattern), as hardware's read-modify-write of the line with the
///   writer's key would: neither the writer nor the previous owner sees the
///   old plaintext again.
/// - A re-tag invalidates exactly the TLB entries that map the page, on every
///   CPU and MMU index; a per-page "may be in a TLB" bit (set when an entry is
///   filled) skips the scan for pages no TLB has seen.
///
/// ROM and MMIO are not tracked: they match every MECID.
public final class MECTagStore {
    public static let pageBytes: UInt64 = TLB.pageSize
    public static let lineBytes: UInt64 = 64
    public static let linesPerPage = Int(pageBytes / lineBytes)
    /// The substitute data, per aligned 32-bit word.
    public static let substituteWord: UInt32 = 0xDEAD_BEEF

    /// Page word: MECID in bits 15:0 (uniform pages), the mixed bit, the
    /// "may be in a TLB" bit.
    static let mixedBit: UInt32 = 1 << 16
    static let inTLBBit: UInt32 = 1 << 17

    struct Tracked {
        let base: UInt64
        let size: UInt64
        let host: UnsafeMutableRawPointer
        let pages: UnsafeMutablePointer<UInt32>
        let pageCount: Int
    }

    private var tracked: ContiguousArray<Tracked> = []
    /// Line tags of the mixed pages, by page PA.
    private var lineTags: [UInt64: UnsafeMutablePointer<UInt16>] = [:]
    /// Every tracked page is uniform with MECID 0, as at reset, and has been
    /// since: accesses with MECID 0 need nothing (the non-realm fast path),
    /// and no "may be in a TLB" bits are kept. The first write with another
    /// MECID leaves this state and flushes every TLB once.
    public private(set) var pristine = true
    /// A page of substitute data (fetches from a uniform page with another tag).
    var substitutePage: UnsafeMutableRawPointer { mecFetchArena.base }
    /// Not weak: a weak reference would give System a side table and slow every
    /// retain/release of it (measured: +40% on a TLB-miss-bound workload).
    unowned(unsafe) var system: System?

    /// Counters (`-d stats`, tests, the benchmark note).
    public struct Statistics: Sendable, Equatable {
        /// Pages whose tag changed (uniform -> other tag, uniform -> mixed, mixed -> uniform).
        public var pageRetags = 0
        /// Lines whose tag changed inside mixed pages.
        public var lineRetags = 0
        /// Slow-path reads (and fetches) answered with substitute data.
        public var substituteReads = 0
        /// Pages whose TLB entries were looked for and dropped after a re-tag.
        public var tlbPageScans = 0
        public var tlbEntriesDropped = 0
        /// MECID register / EMEC / AMEC writes that flushed MMU indices.
        public var registerFlushes = 0
    }
    public private(set) var statistics = Statistics()

    public init(memory: AddressSpace, system: System? = nil) {
        self.system = system
        for r in memory.regions where r.isRAM {
            let n = Int((r.size + MECTagStore.pageBytes - 1) / MECTagStore.pageBytes)
            let p = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)   // everything starts uniform with MECID 0
            tracked.append(Tracked(base: r.base, size: r.size, host: r.host!, pages: p, pageCount: n))
        }
    }

    deinit {
        for t in tracked { t.pages.deallocate() }
        for (_, l) in lineTags { l.deallocate() }
    }

    // MARK: Lookup

    @inline(__always) private func locate(_ pa: UInt64) -> (Tracked, Int)? {
        for t in tracked where pa >= t.base && pa - t.base < t.size {
            return (t, Int((pa - t.base) >> UInt64(TLB.pageBits)))
        }
        return nil
    }

    /// The tag of a page: its MECID when uniform, nil when mixed or not tracked.
    public func uniformTag(pa: UInt64) -> UInt16? {
        guard let (t, i) = locate(pa) else { return nil }
        let w = t.pages[i]
        return w & MECTagStore.mixedBit != 0 ? nil : UInt16(truncatingIfNeeded: w)
    }

    /// Whether the page is tracked and mixed.
    public func isMixed(pa: UInt64) -> Bool {
        guard let (t, i) = locate(pa) else { return false }
        return t.pages[i] & MECTagStore.mixedBit != 0
    }

    /// The tag of the line holding `pa` (nil: not tracked).
    public func lineTag(pa: UInt64) -> UInt16? {
        guard let (t, i) = locate(pa) else { return nil }
        let w = t.pages[i]
        if w & MECTagStore.mixedBit == 0 { return UInt16(truncatingIfNeeded: w) }
        return lineTags[pa & TLB.pageMask]![Int((pa & ~TLB.pageMask) / MECTagStore.lineBytes)]
    }

    /// Whether every byte of [pa, pa+size) (inside one page) carries `mecid`.
    public func matches(pa: UInt64, size: Int, mecid: UInt16) -> Bool {
        guard let (t, i) = locate(pa) else { return true }
        let w = t.pages[i]
        if w & MECTagStore.mixedBit == 0 { return UInt16(truncatingIfNeeded: w) == mecid }
        let lt = lineTags[pa & TLB.pageMask]!
        let first = Int((pa & ~TLB.pageMask) / MECTagStore.lineBytes)
        let last = Int(((pa &+ UInt64(size - 1)) & ~TLB.pageMask) / MECTagStore.lineBytes)
        for l in first...max(first, last) where lt[l] != mecid { return false }
        return true
    }

    /// Whether a TLB entry may map the page for an access with `mecid`: the
    /// page is untracked, or uniform with that tag (the page is then marked
    /// "may be in a TLB").
    @inline(__always) public func mayFillTLB(pa: UInt64, mecid: UInt16) -> Bool {
        if pristine { return mecid == 0 || locate(pa) == nil }
        guard let (t, i) = locate(pa) else { return true }
        let w = t.pages[i]
        guard w & MECTagStore.mixedBit == 0 && UInt16(truncatingIfNeeded: w) == mecid else { return false }
        if w & MECTagStore.inTLBBit == 0 { t.pages[i] = w | MECTagStore.inTLBBit }
        return true
    }

    // MARK: Substitute data

    /// The substitute byte at `pa` (0xdeadbeef per aligned 32-bit word, little-endian).
    @inline(__always) public static func substituteByte(pa: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: substituteWord >> UInt32(8 * (pa & 3)))
    }

    /// The substitute data of a `size`-byte read at `pa`.
    public static func substituteValue(pa: UInt64, size: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(substituteByte(pa: pa &+ UInt64(i))) << UInt64(8 * i) }
        return v
    }

    /// A slow-path read of `size` bytes at `pa` (one page) that loaded
    /// `value`: the bytes of lines tagged with another MECID are replaced.
    public func readView(pa: UInt64, size: Int, value: UInt64, mecid: UInt16) -> UInt64 {
        if pristine && mecid == 0 { return value }
        guard let (t, i) = locate(pa) else { return value }
        let w = t.pages[i]
        if w & MECTagStore.mixedBit == 0 {
            let tag = UInt16(truncatingIfNeeded: w)
            if tag == mecid { return value }
            noteSubstitute(pa: pa, stored: tag, used: mecid)
            return MECTagStore.substituteValue(pa: pa, size: size)
        }
        let lt = lineTags[pa & TLB.pageMask]!
        var v = value
        for k in 0..<size {
            let a = pa &+ UInt64(k)
            let tag = lt[Int((a & ~TLB.pageMask) / MECTagStore.lineBytes)]
            if tag != mecid {
                if k == 0 || (a & (MECTagStore.lineBytes - 1)) == 0 { noteSubstitute(pa: a, stored: tag, used: mecid) }
                let sh = UInt64(8 * k)
                v = (v & ~(0xFF << sh)) | UInt64(MECTagStore.substituteByte(pa: a)) << sh
            }
        }
        return v
    }

    /// `-d mec`: the MECIDs whose mismatches were logged, by page, since the
    /// page's last re-tag (a line per page and MECID, not per access).
    private var loggedMismatches: [UInt64: Set<UInt16>] = [:]

    private func noteSubstitute(pa: UInt64, stored: UInt16, used: UInt16, fetch: Bool = false) {
        statistics.substituteReads += 1
        guard let system, system.isLogging(.mec) else { return }
        let page = pa & TLB.pageMask
        guard loggedMismatches[page, default: []].insert(used).inserted else { return }
        system.log(.mec, "mec: mismatch: \(fetch ? "fetch" : "read") at pa \(hex(pa)) (page \(hex(page))): MECID used \(used), "
            + "stored \(stored): substitute data 0xdeadbeef (once per page and MECID until the page is re-tagged)")
    }

    /// Host memory for an exclusive/atomic access of `size` bytes at `pa`
    /// (`host` points at it): the memory itself when its line carries
    /// `mecid`; otherwise, for an access that writes, the line is first
    /// re-tagged (its old contents become the substitute data, which is what
    /// the access reads); for one that only reads, a buffer of substitute data.
    public func atomicHost(_ host: UnsafeMutableRawPointer, pa: UInt64, size: Int, mecid: UInt16, cpu: CPU,
                           write: Bool) -> UnsafeMutableRawPointer {
        if matches(pa: pa, size: size, mecid: mecid) { return host }
        if write {
            willWrite(pa: pa, length: UInt64(size), mecid: mecid)
            return host
        }
        noteSubstitute(pa: pa, stored: lineTag(pa: pa) ?? 0, used: mecid)
        let b = cpu.mecState!.atomicBuffer
        for k in 0..<size { b.storeBytes(of: MECTagStore.substituteByte(pa: pa &+ UInt64(k)), toByteOffset: k, as: UInt8.self) }
        return b
    }

    /// The bytes an instruction fetch with `mecid` sees in the page at
    /// `pagePA` (`host` = its memory): nil when they are the memory itself;
    /// else the substitute page, or (mixed page) a copy with the other
    /// MECIDs' lines replaced.
    public func codePage(pagePA: UInt64, host: UnsafeRawPointer, mecid: UInt16, cpu: CPU) -> UnsafeRawPointer? {
        if pristine && mecid == 0 { return nil }
        guard let (t, i) = locate(pagePA) else { return nil }
        let w = t.pages[i]
        let st = cpu.mecState!
        if w & MECTagStore.mixedBit == 0 {
            let tag = UInt16(truncatingIfNeeded: w)
            if tag == mecid { return nil }
            noteSubstitute(pa: pagePA, stored: tag, used: mecid, fetch: true)
            mecFetchArena.views[cpu.index] = 0x1_0000 | UInt32(mecid)
            return UnsafeRawPointer(substitutePage)
        }
        let lt = lineTags[pagePA]!
        let buf = st.codeBuffer
        buf.copyMemory(from: host, byteCount: Int(MECTagStore.pageBytes))
        var foreign: Int? = nil
        for l in 0..<MECTagStore.linesPerPage where lt[l] != mecid {
            memcpy(buf + l * Int(MECTagStore.lineBytes), substitutePage, Int(MECTagStore.lineBytes))
            if foreign == nil { foreign = l }
        }
        if let l = foreign, let system, system.isLogging(.mec),
           loggedMismatches[pagePA, default: []].insert(mecid).inserted {
            // Fetches see a view of the whole page (not counted as mismatches: the
            // instructions fetched may all be in lines of this MECID).
            system.log(.mec, "mec: mismatch: fetches from mixed page \(hex(pagePA)) with MECID \(mecid) see substitute data in "
                + "the lines stored with other MECIDs (the first at pa \(hex(pagePA &+ UInt64(l) * MECTagStore.lineBytes)), "
                + "stored \(lt[l])) (once per page and MECID until the page is re-tagged)")
        }
        mecFetchArena.views[cpu.index] = 0x1_0000 | UInt32(mecid)
        return UnsafeRawPointer(buf)
    }


    // MARK: Writes

    /// Re-tags [pa, pa+length) for a write with `mecid`, before the data is
    /// stored. Lines partly covered and tagged with another MECID are first
    /// filled with substitute data. TLB entries mapping a page whose tag
    /// changed are dropped.
    public func willWrite(pa: UInt64, length: UInt64, mecid: UInt16) {
        guard length > 0 else { return }
        if pristine {
            if mecid == 0 { return }
            leavePristine()
        }
        var a = pa
        let end = pa &+ length
        while a < end {
            let chunkEnd = min(end, (a & TLB.pageMask) &+ MECTagStore.pageBytes)
            if let (t, i) = locate(a) {
                let w = t.pages[i]
                if w & MECTagStore.mixedBit != 0 || UInt16(truncatingIfNeeded: w) != mecid {
                    retag(t, i, from: a, to: min(chunkEnd, t.base &+ t.size), mecid: mecid)
                }
            }
            a = chunkEnd
        }
    }

    private func retag(_ t: Tracked, _ i: Int, from a: UInt64, to e: UInt64, mecid m: UInt16) {
        let pagePA = t.base &+ UInt64(i) << UInt64(TLB.pageBits)
        let w = t.pages[i]
        if !loggedMismatches.isEmpty { loggedMismatches[pagePA] = nil }
        let lt: UnsafeMutablePointer<UInt16>
        if w & MECTagStore.mixedBit == 0 {
            let old = UInt16(truncatingIfNeeded: w)
            statistics.pageRetags += 1
            if a == pagePA && e == pagePA &+ MECTagStore.pageBytes {
                t.pages[i] = UInt32(m)
                system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) MECID \(old) -> \(m) (a write of the whole page)")
                if w & MECTagStore.inTLBBit != 0 { invalidateTLBs(page: pagePA) }
                return
            }
            lt = UnsafeMutablePointer<UInt16>.allocate(capacity: MECTagStore.linesPerPage)
            lt.initialize(repeating: old, count: MECTagStore.linesPerPage)
            lineTags[pagePA] = lt
            t.pages[i] = MECTagStore.mixedBit
            system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) (MECID \(old)) becomes mixed: write of \(e - a) bytes at \(hex(a)) with MECID \(m)")
            if w & MECTagStore.inTLBBit != 0 { invalidateTLBs(page: pagePA) }
        } else {
            lt = lineTags[pagePA]!
        }
        let first = Int((a - pagePA) / MECTagStore.lineBytes)
        let last = Int((e - 1 - pagePA) / MECTagStore.lineBytes)
        for l in first...last where lt[l] != m {
            let lineStart = pagePA &+ UInt64(l) * MECTagStore.lineBytes
            if a > lineStart || e < lineStart &+ MECTagStore.lineBytes {
                memcpy(t.host + Int(lineStart - t.base), substitutePage, Int(MECTagStore.lineBytes))
            }
            lt[l] = m
            statistics.lineRetags += 1
        }
        // Uniform again once one MECID holds every line.
        for l in 0..<MECTagStore.linesPerPage where lt[l] != m { return }
        lt.deallocate()
        lineTags[pagePA] = nil
        t.pages[i] = UInt32(m)
        statistics.pageRetags += 1
        system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) uniform again: every line MECID \(m)")
    }

    /// The first write with a MECID other than 0: from now on pages carry
    /// "may be in a TLB" bits; the entries filled without them go.
    private func leavePristine() {
        pristine = false
        system?.log(.mec, "mec: first write with a MECID other than 0: tags in use")
        guard let system else { return }
        for c in system.cpus { c.flushTLB() }
    }

    /// Drops every TLB entry (all CPUs, all MMU indices) that maps the page.
    private func invalidateTLBs(page pagePA: UInt64) {
        guard let (t, i) = locate(pagePA) else { return }
        t.pages[i] &= ~MECTagStore.inTLBBit
        statistics.tlbPageScans += 1
        guard let system else { return }
        for c in system.cpus { statistics.tlbEntriesDropped += c.invalidateTLBEntries(mappingPage: pagePA) }
    }

    func noteRegisterWrite(cpu: CPU) {
        statistics.registerFlushes += 1
    }

}

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
        st.store.willWrite(pa: pa, length: UInt64(size), mecid: st.recentMECID(pa: pa))
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
