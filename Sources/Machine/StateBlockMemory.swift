import Glibc

/// Memory for a CPU's state block and its TLB side tables, cheap to start:
/// the kernel hands out zeroed pages as they are first touched, so nothing
/// is cleared here. The block comes from mmap with its TLB tables
/// (`StateLayout.tlbBase` on, `TLB.mmuIndexCount` × `TLB.tableBytes`, 4 MiB)
/// aligned to 2 MiB and advised as transparent huge pages: the reset's
/// invalidation of every entry then takes a few page faults rather than a
/// thousand (where the host has THP in `madvise` or `always` mode; else the
/// advice is ignored and small pages are used).
enum StateBlockMemory {
    static let hugePage = 2 << 20

    /// The mapping: its start and length (for munmap) and the state block in it.
    struct Mapping {
        let base: UnsafeMutableRawPointer
        let length: Int
        let state: UnsafeMutableRawPointer
    }

    static func mapStateBlock() -> Mapping {
        let size = (StateLayout.size + 4095) & ~4095
        let length = size + hugePage
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        precondition(p != MAP_FAILED && p != nil, "cannot allocate the CPU state block")
        let base = p!
        // state + tlbBase on a 2 MiB boundary (state stays page aligned).
        let address = UInt(bitPattern: base) + UInt(StateLayout.tlbBase)
        let aligned = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let state = UnsafeMutableRawPointer(bitPattern: aligned - UInt(StateLayout.tlbBase))!
        _ = madvise(state + StateLayout.tlbBase, TLB.tableBytes * TLB.mmuIndexCount, MADV_HUGEPAGE)
        return Mapping(base: base, length: length, state: state)
    }

    /// `count` zeroed elements (calloc: large blocks are fresh zero pages, not cleared).
    static func zeroed<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let p = calloc(count, MemoryLayout<T>.stride)
        precondition(p != nil, "cannot allocate the CPU's TLB tables")
        return p!.bindMemory(to: T.self, capacity: count)
    }
}
