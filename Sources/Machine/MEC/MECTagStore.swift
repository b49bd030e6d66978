import Glibc
import Synchronization

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
///
/// **Several CPUs on threads.** Page words are atomics: lookups of uniform
/// pages (`mayFillTLB`, `readView`, the checks of a write whose MECID is the
/// page's) take no lock. Re-tags, mixed pages' line tags, the log and the
/// counters are under `lock`, which is never held while waiting for another
/// CPU. Another CPU's TLB is not written here: a re-tag of a page that may be
/// in a TLB queues a drop of it on every other CPU (CrossCPUWork.swift), done
/// at that CPU's next block boundary (at once if its thread sleeps), and the
/// re-tagging CPU waits for them before its store lands, so no CPU reads the
/// new data through an entry made for the old tag. Until then the page word
/// counts the re-tag as pending: a write with the new MECID by a third CPU
/// waits for the same drops. (Two CPUs writing one 64-byte line with
/// different MECIDs at the same moment are not ordered against each other:
/// the line may keep bytes of the one whose write lands last under the tag
/// of the other, where hardware would re-key the line. Writes from devices
/// and loaders, which have no CPU to wait on, queue the drops and go on.)
public final class MECTagStore: @unchecked Sendable {
    public static let pageBytes: UInt64 = TLB.pageSize
    public static let lineBytes: UInt64 = 64
    public static let linesPerPage = Int(pageBytes / lineBytes)
    /// The substitute data, per aligned 32-bit word.
    public static let substituteWord: UInt32 = 0xDEAD_BEEF

    /// Page word: MECID in bits 15:0 (uniform pages), the mixed bit, the
    /// "may be in a TLB" bit, and in bits 25:18 the re-tags of the page
    /// whose TLB drops some CPU may not have done yet.
    static let mixedBit: UInt32 = 1 << 16
    static let inTLBBit: UInt32 = 1 << 17
    static let pendingOne: UInt32 = 1 << 18
    static let pendingMask: UInt32 = 0xFF << 18

    struct Tracked {
        let base: UInt64
        let size: UInt64
        let host: UnsafeMutableRawPointer
        let pages: UnsafeMutablePointer<UInt32>
        let pageCount: Int

        @inline(__always) func word(_ i: Int) -> UnsafeMutablePointer<Atomic<UInt32>> { atomicView(pages + i) }
    }

    private var tracked: ContiguousArray<Tracked> = []
    /// Guards re-tags, `lineTags`, `loggedMismatches` and `counters`.
    private let lock = MECLock()
    /// Line tags of the mixed pages, by page PA.
    private var lineTags: [UInt64: UnsafeMutablePointer<UInt16>] = [:]
    /// Every tracked page is uniform with MECID 0, as at reset, and has been
    /// since: accesses with MECID 0 need nothing (the non-realm fast path),
    /// and no "may be in a TLB" bits are kept. The first write with another
    /// MECID leaves this state and flushes every TLB once.
    private let pristineFlag = Atomic<Bool>(true)
    public var pristine: Bool { pristineFlag.load(ordering: .acquiring) }
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
        /// Writes that waited for other CPUs' TLB drops (CPUs on threads).
        public var crossCPUWaits = 0
    }
    private var counters = Statistics()
    public var statistics: Statistics { lock.locked { counters } }

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

    @inline(__always) private static func isMixed(_ w: UInt32) -> Bool { w & mixedBit != 0 }
    @inline(__always) private static func tag(_ w: UInt32) -> UInt16 { UInt16(truncatingIfNeeded: w) }

    /// The line tags of mixed page `pagePA` (call under `lock`).
    private func lines(_ pagePA: UInt64) -> UnsafeMutablePointer<UInt16> { lineTags[pagePA]! }

    /// The tag of a page: its MECID when uniform, nil when mixed or not tracked.
    public func uniformTag(pa: UInt64) -> UInt16? {
        guard let (t, i) = locate(pa) else { return nil }
        let w = t.word(i).pointee.load(ordering: .acquiring)
        return MECTagStore.isMixed(w) ? nil : MECTagStore.tag(w)
    }

    /// Whether the page is tracked and mixed.
    public func isMixed(pa: UInt64) -> Bool {
        guard let (t, i) = locate(pa) else { return false }
        return MECTagStore.isMixed(t.word(i).pointee.load(ordering: .acquiring))
    }

    /// The tag of the line holding `pa` (nil: not tracked).
    public func lineTag(pa: UInt64) -> UInt16? {
        guard let (t, i) = locate(pa) else { return nil }
        let w = t.word(i).pointee.load(ordering: .acquiring)
        if !MECTagStore.isMixed(w) { return MECTagStore.tag(w) }
        return lock.locked {
            let w = t.word(i).pointee.load(ordering: .acquiring)
            if !MECTagStore.isMixed(w) { return MECTagStore.tag(w) }
            return lines(pa & TLB.pageMask)[Int((pa & ~TLB.pageMask) / MECTagStore.lineBytes)]
        }
    }

    /// Whether every byte of [pa, pa+size) (inside one page) carries `mecid`.
    public func matches(pa: UInt64, size: Int, mecid: UInt16) -> Bool {
        guard let (t, i) = locate(pa) else { return true }
        let w = t.word(i).pointee.load(ordering: .acquiring)
        if !MECTagStore.isMixed(w) { return MECTagStore.tag(w) == mecid }
        return lock.locked {
            let w = t.word(i).pointee.load(ordering: .acquiring)
            if !MECTagStore.isMixed(w) { return MECTagStore.tag(w) == mecid }
            let lt = lines(pa & TLB.pageMask)
            let first = Int((pa & ~TLB.pageMask) / MECTagStore.lineBytes)
            let last = Int(((pa &+ UInt64(size - 1)) & ~TLB.pageMask) / MECTagStore.lineBytes)
            for l in first...max(first, last) where lt[l] != mecid { return false }
            return true
        }
    }

    /// Whether a TLB entry may map the page for an access with `mecid`: the
    /// page is untracked, or uniform with that tag (the page is then marked
    /// "may be in a TLB", with a compare-and-swap: a re-tag either sees the
    /// mark and drops the entry, or changed the word first and no entry is made).
    @inline(__always) public func mayFillTLB(pa: UInt64, mecid: UInt16) -> Bool {
        if pristine { return mecid == 0 || locate(pa) == nil }
        guard let (t, i) = locate(pa) else { return true }
        let word = t.word(i)
        var w = word.pointee.load(ordering: .acquiring)
        while true {
            guard !MECTagStore.isMixed(w) && MECTagStore.tag(w) == mecid else { return false }
            if w & MECTagStore.inTLBBit != 0 { return true }
            let (done, now) = word.pointee.compareExchange(expected: w, desired: w | MECTagStore.inTLBBit,
                                                           ordering: .acquiringAndReleasing)
            if done { return true }
            w = now
        }
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
        let w = t.word(i).pointee.load(ordering: .acquiring)
        if !MECTagStore.isMixed(w) {
            let tag = MECTagStore.tag(w)
            if tag == mecid { return value }
            lock.locked { noteSubstitute(pa: pa, stored: tag, used: mecid) }
            return MECTagStore.substituteValue(pa: pa, size: size)
        }
        return lock.locked {
            let w = t.word(i).pointee.load(ordering: .acquiring)
            if !MECTagStore.isMixed(w) {
                let tag = MECTagStore.tag(w)
                if tag == mecid { return value }
                noteSubstitute(pa: pa, stored: tag, used: mecid)
                return MECTagStore.substituteValue(pa: pa, size: size)
            }
            let lt = lines(pa & TLB.pageMask)
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
    }

    /// `-d mec`: the MECIDs whose mismatches were logged, by page, since the
    /// page's last re-tag (a line per page and MECID, not per access).
    private var loggedMismatches: [UInt64: Set<UInt16>] = [:]

    /// Under `lock`.
    private func noteSubstitute(pa: UInt64, stored: UInt16, used: UInt16, fetch: Bool = false) {
        counters.substituteReads += 1
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
        if write {
            willWrite(pa: pa, length: UInt64(size), mecid: mecid, by: cpu)
            return host
        }
        if matches(pa: pa, size: size, mecid: mecid) { return host }
        let stored = lineTag(pa: pa) ?? 0
        lock.locked { noteSubstitute(pa: pa, stored: stored, used: mecid) }
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
        let w = t.word(i).pointee.load(ordering: .acquiring)
        if !MECTagStore.isMixed(w) && MECTagStore.tag(w) == mecid { return nil }
        return lock.locked { () -> UnsafeRawPointer? in
            let w = t.word(i).pointee.load(ordering: .acquiring)
            if !MECTagStore.isMixed(w) {
                let tag = MECTagStore.tag(w)
                if tag == mecid { return nil }
                noteSubstitute(pa: pagePA, stored: tag, used: mecid, fetch: true)
                mecFetchArena.views[cpu.index] = 0x1_0000 | UInt32(mecid)
                return UnsafeRawPointer(substitutePage)
            }
            let lt = lines(pagePA)
            let buf = cpu.mecState!.codeBuffer
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
    }


    // MARK: Writes

    /// Re-tags [pa, pa+length) for a write with `mecid`, before the data is
    /// stored. Lines partly covered and tagged with another MECID are first
    /// filled with substitute data. TLB entries mapping a page whose tag
    /// changed are dropped on every CPU; `cpu`, the writing CPU, waits until
    /// the other CPUs have dropped theirs (without a CPU: devices, loaders,
    /// the drops are queued and not waited for).
    public func willWrite(pa: UInt64, length: UInt64, mecid: UInt16, by cpu: CPU? = nil) {
        guard length > 0 else { return }
        if pristine {
            if mecid == 0 { return }
            leavePristine(by: cpu)
        }
        var a = pa
        let end = pa &+ length
        while a < end {
            let chunkEnd = min(end, (a & TLB.pageMask) &+ MECTagStore.pageBytes)
            if let (t, i) = locate(a) {
                let w = t.word(i).pointee.load(ordering: .acquiring)
                // The lock-free case: the page is this MECID's and no re-tag of it is in flight.
                if MECTagStore.isMixed(w) || MECTagStore.tag(w) != mecid || w & MECTagStore.pendingMask != 0 {
                    slowWrite(t, i, from: a, to: min(chunkEnd, t.base &+ t.size), mecid: mecid, by: cpu)
                }
            }
            a = chunkEnd
        }
    }

    /// A write that re-tags the page, or meets a re-tag in flight.
    private func slowWrite(_ t: Tracked, _ i: Int, from a: UInt64, to e: UInt64, mecid m: UInt16, by cpu: CPU?) {
        let pagePA = t.base &+ UInt64(i) << UInt64(TLB.pageBits)
        var waits: [(CPU, UInt64)] = []
        var ownPending = false
        lock.lock()
        let w = t.word(i).pointee.load(ordering: .acquiring)
        let retagging = MECTagStore.isMixed(w) || MECTagStore.tag(w) != m
        if retagging {
            let wasInTLB = retag(t, i, from: a, to: e, mecid: m, pending: cpu != nil)
            if wasInTLB {
                counters.tlbPageScans += 1
                ownPending = cpu != nil
                waits = dropEverywhere(page: pagePA, by: cpu)
            }
        }
        if let cpu, let system, system.threaded, w & MECTagStore.pendingMask != 0 {
            // Another CPU's re-tag of the page is in flight: its drops were
            // queued under the lock; wait for every CPU to have done them.
            waits = system.cpus.compactMap { c in c === cpu ? nil : (c, c.remoteWorkRequested) }
        }
        if !waits.isEmpty { counters.crossCPUWaits += 1 }
        lock.unlock()
        if let cpu { MECTagStore.wait(for: waits, by: cpu) }
        if ownPending { t.word(i).pointee.subtract(MECTagStore.pendingOne, ordering: .releasing) }
    }

    /// Waits until each CPU has done the requests up to its generation; the
    /// waiting CPU does the ones asked of it meanwhile (the other may be
    /// waiting for it in turn).
    static func wait(for waits: [(CPU, UInt64)], by cpu: CPU) {
        var backoff = HostBackoff()
        for (c, gen) in waits {
            while !c.remoteWorkDone(gen) && cpu.system.exitStatus == nil {
                cpu.serviceRemoteWork()
                if c.interrupts.whileAsleep({ c.serviceRemoteWork() }) { break }
                backoff.pause()
            }
        }
    }

    /// Drops the TLB entries that map the page on every CPU (under `lock`):
    /// this CPU's and, without threads, every CPU's at once; with threads
    /// the others' as requests. Returns the requests to wait for.
    private func dropEverywhere(page pagePA: UInt64, by cpu: CPU?) -> [(CPU, UInt64)] {
        guard let system else { return [] }
        var waits: [(CPU, UInt64)] = []
        for c in system.cpus {
            if !system.threaded || c === cpu {
                counters.tlbEntriesDropped += c.invalidateTLBEntries(mappingPage: pagePA)
            } else if let gen = c.requestPageDrop(pagePA) {
                waits.append((c, gen))
            }
        }
        return waits
    }

    /// Under `lock`: sets the tags of [a, e) in page `i` to `m` and returns
    /// whether the page may have been in a TLB (its entries must go). With
    /// `pending`, the page word counts the re-tag as pending when it was.
    private func retag(_ t: Tracked, _ i: Int, from a: UInt64, to e: UInt64, mecid m: UInt16, pending: Bool) -> Bool {
        let pagePA = t.base &+ UInt64(i) << UInt64(TLB.pageBits)
        let w = t.word(i).pointee.load(ordering: .acquiring)
        if !loggedMismatches.isEmpty { loggedMismatches[pagePA] = nil }
        var wasInTLB = false
        // The new word, keeping the pending count; a concurrent `mayFillTLB`
        // may set the TLB bit meanwhile: compare-and-swap until it holds.
        func setWord(_ shape: UInt32) {
            var old = t.word(i).pointee.load(ordering: .acquiring)
            while true {
                let inTLB = old & MECTagStore.inTLBBit != 0
                var new = shape | (old & MECTagStore.pendingMask)
                if inTLB && pending { new &+= MECTagStore.pendingOne }
                let (done, now) = t.word(i).pointee.compareExchange(expected: old, desired: new, ordering: .acquiringAndReleasing)
                if done { wasInTLB = wasInTLB || inTLB; return }
                old = now
            }
        }
        let lt: UnsafeMutablePointer<UInt16>
        if !MECTagStore.isMixed(w) {
            let old = MECTagStore.tag(w)
            counters.pageRetags += 1
            if a == pagePA && e == pagePA &+ MECTagStore.pageBytes {
                setWord(UInt32(m))
                system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) MECID \(old) -> \(m) (a write of the whole page)")
                return wasInTLB
            }
            lt = UnsafeMutablePointer<UInt16>.allocate(capacity: MECTagStore.linesPerPage)
            lt.initialize(repeating: old, count: MECTagStore.linesPerPage)
            lineTags[pagePA] = lt
            setWord(MECTagStore.mixedBit)
            system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) (MECID \(old)) becomes mixed: write of \(e - a) bytes at \(hex(a)) with MECID \(m)")
        } else {
            lt = lines(pagePA)
        }
        let first = Int((a - pagePA) / MECTagStore.lineBytes)
        let last = Int((e - 1 - pagePA) / MECTagStore.lineBytes)
        for l in first...last where lt[l] != m {
            let lineStart = pagePA &+ UInt64(l) * MECTagStore.lineBytes
            if a > lineStart || e < lineStart &+ MECTagStore.lineBytes {
                memcpy(t.host + Int(lineStart - t.base), substitutePage, Int(MECTagStore.lineBytes))
            }
            lt[l] = m
            counters.lineRetags += 1
        }
        // Uniform again once one MECID holds every line (no entry maps a
        // mixed page: nothing to drop).
        for l in 0..<MECTagStore.linesPerPage where lt[l] != m { return wasInTLB }
        lt.deallocate()
        lineTags[pagePA] = nil
        setWord(UInt32(m))
        counters.pageRetags += 1
        system?.log(.mec, "mec: re-tag: page \(hex(pagePA)) uniform again: every line MECID \(m)")
        return wasInTLB
    }

    /// The first write with a MECID other than 0: from now on pages carry
    /// "may be in a TLB" bits; the entries filled without them go, on every
    /// CPU (the writing CPU waits for the others).
    private func leavePristine(by cpu: CPU?) {
        lock.lock()
        guard pristine else { lock.unlock(); return }
        pristineFlag.store(false, ordering: .sequentiallyConsistent)
        system?.log(.mec, "mec: first write with a MECID other than 0: tags in use")
        guard let system else { lock.unlock(); return }
        var waits: [(CPU, UInt64)] = []
        for c in system.cpus {
            if !system.threaded || c === cpu { c.flushTLB(); continue }
            if let gen = c.requestTLBFlush(mmuIndexMask: CPU.allMMUIndexes) { waits.append((c, gen)) }
        }
        lock.unlock()
        if let cpu { MECTagStore.wait(for: waits, by: cpu) }
    }

    func noteRegisterWrite(cpu: CPU) {
        lock.locked { counters.registerFlushes += 1 }
    }
}

/// The tag store's lock: a mutex (its holders never wait for another CPU).
final class MECLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    @inline(__always) func locked<T>(_ body: () -> T) -> T {
        lock()
        defer { unlock() }
        return body()
    }
}
