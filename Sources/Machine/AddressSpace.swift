import Glibc

/// A memory-mapped device. Offsets are relative to the device's base address.
/// Reads and writes are 1, 2, 4 or 8 bytes, naturally aligned (Device memory).
public protocol MMIODevice: AnyObject {
    var name: String { get }
    func read(offset: UInt64, size: Int) -> UInt64
    func write(offset: UInt64, size: Int, value: UInt64)
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
    /// One byte per 4 KiB page: non-zero when the page holds translated code.
    let codePages: UnsafeMutablePointer<UInt8>?

    init(name: String, base: UInt64, size: UInt64, kind: Kind) throws {
        self.name = name
        self.base = base
        self.size = size
        self.kind = kind
        switch kind {
        case .ram, .rom:
            // Anonymous private mapping: zero-filled, pages committed lazily by the host.
            let p = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let p, p != MAP_FAILED else {
                throw MachineError.outOfHostMemory(region: name, bytes: size)
            }
            host = p
            let pages = Int((size + TLB.pageSize - 1) >> UInt64(TLB.pageBits))
            codePages = .allocate(capacity: pages)
            codePages!.initialize(repeating: 0, count: pages)
        case .mmio:
            host = nil
            codePages = nil
        }
    }

    deinit {
        if let host { munmap(host, Int(size)) }
        codePages?.deallocate()
    }

    @inlinable public func contains(_ pa: UInt64) -> Bool { pa >= base && pa - base < size }

    public var isRAM: Bool { if case .ram = kind { return true }; return false }
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
    /// Called when a write lands in a page that holds translated code (the
    /// argument is the page's physical address). The engine invalidates its blocks.
    public var onCodePageWrite: ((UInt64) -> Void)?
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
        return r
    }

    public func region(containing pa: UInt64) -> MemoryRegion? {
        for r in regions where r.contains(pa) { return r }
        return nil
    }

    /// Host pointer for `length` bytes of RAM/ROM at `pa`, if they lie in one region.
    public func hostPointer(pa: UInt64, length: UInt64) -> UnsafeMutableRawPointer? {
        guard let r = region(containing: pa), let h = r.host, pa - r.base + length <= r.size else { return nil }
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

    public func fillPhysical(pa: UInt64, byte: UInt8, count: UInt64, mecid: UInt16 = 0) -> Bool {
        guard count > 0 else { return true }
        guard let dst = hostPointer(pa: pa, length: count) else { return false }
        mecTags?.willWrite(pa: pa, length: count, mecid: mecid)
        memset(dst, Int32(byte), Int(count))
        noteWrite(pa: pa, length: count)
        return true
    }

    public func readPhysical(pa: UInt64, count: Int) -> [UInt8]? {
        guard let src = hostPointer(pa: pa, length: UInt64(count)) else { return nil }
        return Array(UnsafeRawBufferPointer(start: src, count: count))
    }

    // MARK: Code pages (self-modifying code)

    public func markCodePage(pa: UInt64) {
        guard let r = region(containing: pa), let cp = r.codePages else { return }
        cp[Int((pa - r.base) >> UInt64(TLB.pageBits))] = 1
    }

    public func isCodePage(_ r: MemoryRegion, pa: UInt64) -> Bool {
        guard let cp = r.codePages else { return false }
        return cp[Int((pa - r.base) >> UInt64(TLB.pageBits))] != 0
    }

    /// Records a write to [pa, pa+length): pages holding code are invalidated.
    public func noteWrite(pa: UInt64, length: UInt64) {
        var page = pa & TLB.pageMask
        let end = pa + length
        while page < end {
            if let r = region(containing: page), let cp = r.codePages {
                let i = Int((page - r.base) >> UInt64(TLB.pageBits))
                if cp[i] != 0 {
                    cp[i] = 0
                    onCodePageWrite?(page)
                }
            }
            page += TLB.pageSize
        }
    }
}
