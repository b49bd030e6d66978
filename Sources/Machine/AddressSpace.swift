import Glibc
import Synchronization

/// The attributes of an MMIO access, as a bus carries them to a device: the
/// requesting CPU, the physical address space of the access (Secure,
/// Non-secure, Root, Realm: a device may bank or refuse registers by it, as
/// the GIC does by security state) and whether it is privileged (EL1 or
/// above).
public struct MMIOAttributes: Sendable, Equatable {
    /// `CPU.index` of the requester.
    public var cpuIndex: Int
    public var paSpace: PASpace
    public var privileged: Bool
    public init(cpuIndex: Int, paSpace: PASpace, privileged: Bool) {
        self.cpuIndex = cpuIndex
        self.paSpace = paSpace
        self.privileged = privileged
    }

    /// CPU 0's privileged Non-secure access: what a device that depends on
    /// the requester sees from an access without attributes (tests, DMA).
    public static let cpu0 = MMIOAttributes(cpuIndex: 0, paSpace: .nonSecure, privileged: true)
}

/// A memory-mapped device. Offsets are relative to the device's base address.
/// Reads and writes are 1, 2, 4 or 8 bytes, naturally aligned (Device memory).
/// The softmmu calls the forms with `attributes`; a device that does not
/// depend on them implements the plain forms only (the defaults forward).
public protocol MMIODevice: AnyObject {
    var name: String { get }
    func read(offset: UInt64, size: Int) -> UInt64
    func write(offset: UInt64, size: Int, value: UInt64)
    func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64
    func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes)
}

extension MMIODevice {
    public func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        read(offset: offset, size: size)
    }
    public func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        write(offset: offset, size: size, value: value)
    }
}

/// A device whose registers depend on the requester (a GIC's banked
/// registers): it implements the forms with `attributes`; the plain forms
/// are `MMIOAttributes.cpu0`'s accesses.
public protocol RequesterMMIODevice: MMIODevice {}

extension RequesterMMIODevice {
    public func read(offset: UInt64, size: Int) -> UInt64 {
        read(offset: offset, size: size, attributes: .cpu0)
    }
    public func write(offset: UInt64, size: Int, value: UInt64) {
        write(offset: offset, size: size, value: value, attributes: .cpu0)
    }
}

/// A device behind a ROM region (flash): its writes go to the device, and its
/// reads too while the device is not in its read-array mode (then reads see
/// the region's memory directly, like QEMU's ROM devices). The device tells
/// `System.romDeviceModeChanged` when it enters or leaves that mode.
public protocol ROMDevice: MMIODevice {
    var isReadArray: Bool { get }
}

/// One region of the physical address space.
public final class MemoryRegion {
    public enum Kind {
        case ram
        case rom
        case mmio(MMIODevice)
    }
    public let name: String
    public let base: UInt64
    public let size: UInt64
    public let kind: Kind
    /// Host memory backing RAM/ROM (nil for MMIO).
    public let host: UnsafeMutableRawPointer?
    /// For a ROM region: the device its writes (and, outside read-array
    /// mode, its reads) go to.
    public internal(set) var romDevice: ROMDevice?
    /// One byte per 4 KiB page: non-zero when the page holds translated code
    /// (its TLB write entries take the slow path); 1 + how many writes have
    /// touched its translated words (saturating), so the engine can tell code
    /// that is rewritten again and again.
    let codePages: UnsafeMutablePointer<UInt8>?
    /// One bit per 4-byte word: set when the word was translated into a block
    /// that is still valid (`AddressSpace.markCode`). A reserved, lazily
    /// committed mapping: only the bitmap pages of code pages become resident.
    let codeWords: UnsafeMutablePointer<UInt64>?

    init(name: String, base: UInt64, size: UInt64, kind: Kind) throws {
        self.name = name
        self.base = base
        self.size = size
        self.kind = kind
        switch kind {
        case .ram, .rom:
            // Anonymous private mapping: zero-filled, pages committed lazily by the host.
            guard let p = MemoryRegion.mapRAM(bytes: Int(size)) else {
                throw MachineError.outOfHostMemory(region: name, bytes: size)
            }
            host = p
            let pages = Int((size + TLB.pageSize - 1) >> UInt64(TLB.pageBits))
            codePages = .allocate(capacity: pages)
            codePages!.initialize(repeating: 0, count: pages)
            let bitmap = mmap(nil, MemoryRegion.codeWordsBytes(size: size), PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let bitmap, bitmap != MAP_FAILED else {
                munmap(p, Int(size))
                codePages!.deallocate()
                throw MachineError.outOfHostMemory(region: name, bytes: size)
            }
            codeWords = bitmap.bindMemory(to: UInt64.self, capacity: MemoryRegion.codeWordsBytes(size: size) / 8)
        case .mmio:
            host = nil
            codePages = nil
            codeWords = nil
        }
    }

    /// An anonymous mapping of `bytes`, on a 2 MiB boundary and advised as
    /// huge pages when it is that large, as QEMU does for guest RAM: a guest
    /// touching memory at random (page tables, large arrays) then misses the
    /// host's TLB far less (one entry per 2 MiB instead of per 4 KiB), and
    /// first touches fault once per 2 MiB.
    static func mapRAM(bytes: Int) -> UnsafeMutableRawPointer? {
        let huge = 2 << 20
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        guard bytes >= huge else {
            let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, flags, -1, 0)
            return p == MAP_FAILED ? nil : p
        }
        guard let raw = mmap(nil, bytes + huge, PROT_READ | PROT_WRITE, flags, -1, 0), raw != MAP_FAILED else {
            return nil
        }
        // Keep the aligned part only.
        let start = (Int(bitPattern: raw) + huge - 1) & ~(huge - 1)
        let head = start - Int(bitPattern: raw)
        if head > 0 { munmap(raw, head) }
        let tail = huge - head
        if tail > 0 { munmap(raw + head + bytes, tail) }
        let p = raw + head
        _ = madvise(p, bytes, MADV_HUGEPAGE)
        return p
    }

    deinit {
        if let host { munmap(host, Int(size)) }
        codePages?.deallocate()
        if let codeWords { munmap(codeWords, MemoryRegion.codeWordsBytes(size: size)) }
    }

    /// Bytes of the code-word bitmap: one bit per 4 bytes, whole 4 KiB pages.
    static func codeWordsBytes(size: UInt64) -> Int {
        Int(((size + 31) / 32 + 4095) & ~4095)
    }

    @inlinable public func contains(_ pa: UInt64) -> Bool { pa >= base && pa - base < size }

    public var isRAM: Bool { if case .ram = kind { return true }; return false }

    /// Only the Secure and Root PA spaces reach it (QEMU's virt with
    /// secure=on maps secure RAM, the secure UART and GPIO and flash bank 0
    /// into the Secure address space only); a Non-secure or Realm access is
    /// an external abort, as to an address where nothing is mapped.
    public var secureOnly = false

    /// True when an access in PA space `space` reaches this region.
    @inlinable public func visible(to space: PASpace) -> Bool {
        !secureOnly || space == .secure || space == .root
    }
}

public enum MachineError: Error, CustomStringConvertible {
    case outOfHostMemory(region: String, bytes: UInt64)
    case overlappingRegion(String, String)

    public var description: String {
        switch self {
        case .outOfHostMemory(let r, let b): return "cannot allocate \(b) bytes of host memory for \(r)"
        case .overlappingRegion(let a, let b): return "memory region \(a) overlaps \(b)"
        }
    }
}

/// The physical address space: RAM, ROM/flash and MMIO devices. Anything else is
/// unmapped and answers with a synchronous external abort.
public final class AddressSpace {
    public private(set) var regions: [MemoryRegion] = []
    /// Called when a write touches translated code, once per page, with the
    /// part of the write in that page (physical address, length). The engine
    /// drops the blocks built from those bytes.
    public var onCodeWrite: ((UInt64, UInt64) -> Void)?
    /// Called by IC IALLU/IALLUIS with CPUs on threads: the engine drops
    /// every translated block before the issuing CPU's next block (a store
    /// made through another CPU's TLB entry that had not got the code flag
    /// yet may have changed any of them).
    public var onInvalidateAllCode: (() -> Void)?
    /// The FEAT_MEC shadow tags (`-M virt,mec=on`, `System.enableMECTags`); nil: none kept.
    public internal(set) var mecTags: MECTagStore?

    public init() {}

    @discardableResult
    public func addRAM(name: String, base: UInt64, size: UInt64) throws -> MemoryRegion {
        try add(MemoryRegion(name: name, base: base, size: size, kind: .ram))
    }

    @discardableResult
    public func addROM(name: String, base: UInt64, size: UInt64) throws -> MemoryRegion {
        try add(MemoryRegion(name: name, base: base, size: size, kind: .rom))
    }

    @discardableResult
    public func addDevice(_ device: MMIODevice, base: UInt64, size: UInt64) throws -> MemoryRegion {
        try add(MemoryRegion(name: device.name, base: base, size: size, kind: .mmio(device)))
    }

    private func add(_ r: MemoryRegion) throws -> MemoryRegion {
        for o in regions where r.base < o.base + o.size && o.base < r.base + r.size {
            throw MachineError.overlappingRegion(r.name, o.name)
        }
        regions.append(r)
        regions.sort { $0.base < $1.base }
        bases = regions.map(\.base)
        return r
    }

    /// `regions[i].base`, for the binary search of `region(containing:)`.
    private var bases: [UInt64] = []

    public func region(containing pa: UInt64) -> MemoryRegion? {
        // The last region starting at or below pa (regions do not overlap).
        var lo = 0, hi = bases.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if bases[mid] <= pa { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let r = regions[lo - 1]
        return r.contains(pa) ? r : nil
    }

    /// The region an access in PA space `space` reaches at `pa` (nil: none,
    /// or one only the Secure state sees).
    public func region(containing pa: UInt64, space: PASpace) -> MemoryRegion? {
        guard let r = region(containing: pa), r.visible(to: space) else { return nil }
        return r
    }

    /// Host pointer for `length` bytes of RAM/ROM at `pa`, if they lie in one region.
    public func hostPointer(pa: UInt64, length: UInt64) -> UnsafeMutableRawPointer? {
        guard let r = region(containing: pa), let h = r.host, length <= r.size, pa - r.base <= r.size - length else { return nil }
        return h + Int(pa - r.base)
    }

    // MARK: Loader / DMA access (physical, bypassing the MMU). Every such write
    // goes through `writePhysical`, so code-page invalidation sees it.

    /// Copies bytes into RAM/ROM. Returns false if any byte is outside RAM/ROM.
    /// `mecid`: the MECID the data is written with (loaders and DMA: 0).
    public func writePhysical(pa: UInt64, bytes: UnsafeRawBufferPointer, mecid: UInt16 = 0) -> Bool {
        let n = UInt64(bytes.count)
        guard n > 0 else { return true }
        guard let dst = hostPointer(pa: pa, length: n) else { return false }
        mecTags?.willWrite(pa: pa, length: n, mecid: mecid)
        dst.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        noteWrite(pa: pa, length: n)
        return true
    }

    /// `cpu`: the CPU writing (DC ZVA), which waits for the other CPUs' TLB
    /// drops of a MEC re-tag (MECTagStore.willWrite).
    public func fillPhysical(pa: UInt64, byte: UInt8, count: UInt64, mecid: UInt16 = 0, by cpu: CPU? = nil) -> Bool {
        guard count > 0 else { return true }
        guard let dst = hostPointer(pa: pa, length: count) else { return false }
        mecTags?.willWrite(pa: pa, length: count, mecid: mecid, by: cpu)
        memset(dst, Int32(byte), Int(count))
        noteWrite(pa: pa, length: count)
        return true
    }

    public func readPhysical(pa: UInt64, count: Int) -> [UInt8]? {
        guard let src = hostPointer(pa: pa, length: UInt64(count)) else { return nil }
        return Array(UnsafeRawBufferPointer(start: src, count: count))
    }

    // MARK: Code pages (self-modifying code)
    //
    // Translated code is tracked per 4-byte word: a write that touches no
    // translated word (a counter beside its loop) changes nothing, and one
    // that does reports only the words it wrote, so the engine drops only the
    // blocks built from them. A page stays marked (`codePages`, the TLB's
    // code flag) once it has held code; the bitmap says what is code now.

    /// Records that [pa, pa+length) (within one page) was translated into a
    /// block. True when the page was not a code page before: the caller must
    /// then drop the TLB write entries that could map it without the code flag.
    @discardableResult
    public func markCode(pa: UInt64, length: UInt64) -> Bool {
        guard length > 0, let r = region(containing: pa), let cp = r.codePages, let bits = r.codeWords else { return false }
        let first = (pa - r.base) >> 2
        let last = min((pa - r.base + length - 1) >> 2, (r.size - 1) >> 2)
        var w = first
        while w <= last {
            let n = min(64 - (w & 63), last - w + 1)
            atomicView(bits + Int(w >> 6)).pointee.bitwiseOr((n == 64 ? ~0 : ((1 << n) - 1)) << (w & 63), ordering: .relaxed)
            w += n
        }
        let page = Int((pa - r.base) >> UInt64(TLB.pageBits))
        if atomicView(cp + page).pointee.load(ordering: .relaxed) != 0 { return false }
        // Sequentially consistent: with CPUs on threads, a TLB fill on
        // another thread sees the mark or the caller's protectCodePage sees
        // the filled entry (SoftMMU.fillTLB).
        atomicView(cp + page).pointee.store(1, ordering: .sequentiallyConsistent)
        return true
    }

    /// Clears the code bits of the page at `pagePA` (the engine then marks
    /// again what is still translated from it).
    public func clearCodeWords(pagePA: UInt64) {
        guard let r = region(containing: pagePA), let bits = r.codeWords else { return }
        let w = Int((pagePA & TLB.pageMask - r.base) >> 2) >> 6
        for k in 0..<(Int(TLB.pageSize) >> 8) where w + k < MemoryRegion.codeWordsBytes(size: r.size) / 8 {
            atomicView(bits + w + k).pointee.store(0, ordering: .relaxed)
        }
    }

    /// How many writes have touched translated code in the page of `pa` (up to 254).
    public func codeRewrites(pa: UInt64) -> Int {
        guard let r = region(containing: pa), let cp = r.codePages else { return 0 }
        return max(Int(atomicView(cp + Int((pa - r.base) >> UInt64(TLB.pageBits))).pointee.load(ordering: .relaxed)) - 1, 0)
    }

    public func isCodePage(_ r: MemoryRegion, pa: UInt64) -> Bool {
        guard let cp = r.codePages else { return false }
        return atomicView(cp + Int((pa - r.base) >> UInt64(TLB.pageBits))).pointee.load(ordering: .relaxed) != 0
    }

    /// True when a word of [pa, pa+length) (within region `r`) is translated code.
    @inline(__always)
    func touchesCode(_ r: MemoryRegion, pa: UInt64, length: UInt64) -> Bool {
        guard let bits = r.codeWords else { return false }
        let first = (pa - r.base) >> 2
        let last = min((pa - r.base + length - 1) >> 2, (r.size - 1) >> 2)
        var w = first
        while w <= last {
            let n = min(64 - (w & 63), last - w + 1)
            let word = atomicView(bits + Int(w >> 6)).pointee.load(ordering: .relaxed)
            if word & ((n == 64 ? ~0 : ((1 << n) - 1)) << (w & 63)) != 0 { return true }
            w += n
        }
        return false
    }

    /// Records a write to [pa, pa+length): for each page whose translated
    /// words it touches, `onCodeWrite` gets the part of the write in that page.
    /// It runs before the writing instruction completes.
    public func noteWrite(pa: UInt64, length: UInt64) {
        guard length > 0 else { return }
        var start = pa
        let end = pa &+ length   // physical addresses are far below 2^64
        while start < end {
            let stop = min((start & TLB.pageMask) + TLB.pageSize, end)
            if let r = region(containing: start), let cp = r.codePages {
                let page = Int((start - r.base) >> UInt64(TLB.pageBits))
                let mark = atomicView(cp + page)
                let rewrites = mark.pointee.load(ordering: .relaxed)
                if rewrites != 0, touchesCode(r, pa: start, length: stop - start) {
                    // A count for a heuristic (`codeRewrites`): a lost increment matters not.
                    if rewrites < 255 { mark.pointee.store(rewrites + 1, ordering: .relaxed) }
                    onCodeWrite?(start, stop - start)
                }
            }
            start = stop
        }
    }
}
