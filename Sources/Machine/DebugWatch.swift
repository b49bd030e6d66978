/// Debugger watchpoints (the gdb stub's Z2/Z3/Z4), checked by the softmmu slow
/// paths. While any watchpoint exists, TLB entries are filled without their
/// read and write tags, so every data access of every engine takes the slow
/// path and passes `CPU.debugWatchAccess` (SoftMMU.swift calls it). With no
/// watchpoints `System.debugWatch` is nil and the slow paths pay one compare.

public enum WatchKind: Int, Sendable {
    /// gdb's `watch` (Z2): stop after a write.
    case write = 2
    /// `rwatch` (Z3): stop after a read.
    case read = 3
    /// `awatch` (Z4): stop after a read or a write.
    case access = 4
}

public struct Watchpoint: Hashable, Sendable {
    public var address: UInt64
    public var length: UInt64
    public var kind: WatchKind

    public init(address: UInt64, length: UInt64, kind: WatchKind) {
        self.address = address
        self.length = max(length, 1)
        self.kind = kind
    }

    /// Whether an access of `size` bytes at `va` touches the watched bytes.
    public func matches(va: UInt64, size: Int, read: Bool, write: Bool) -> Bool {
        switch kind {
        case .write: if !write { return false }
        case .read: if !read { return false }
        case .access: break
        }
        let end = va &+ UInt64(size)
        return va < address &+ length && address < end
    }
}

/// The watchpoints of a machine and the first hit since the debugger last looked.
public final class DebugWatch {
    public private(set) var points: [Watchpoint] = []
    /// The first watchpoint hit (and the address reported for it: inside both
    /// the access and the watched range; the index of the CPU that made the
    /// access), until `takeHit`.
    public private(set) var hit: (point: Watchpoint, address: UInt64, cpu: Int)?

    public init() {}

    public var isEmpty: Bool { points.isEmpty }

    public func insert(_ w: Watchpoint) {
        if !points.contains(w) { points.append(w) }
    }

    /// Removes one watchpoint; false when there was none like it.
    @discardableResult
    public func remove(_ w: Watchpoint) -> Bool {
        guard let i = points.firstIndex(of: w) else { return false }
        points.remove(at: i)
        return true
    }

    public func removeAll() {
        points.removeAll()
        hit = nil
    }

    /// The hit, when CPU `cpu` made it (it stops after that CPU's instruction).
    public func takeHit(cpu: Int) -> (point: Watchpoint, address: UInt64)? {
        guard let h = hit, h.cpu == cpu else { return nil }
        hit = nil
        return (h.point, h.address)
    }

    public func clearHit() { hit = nil }

    public func check(va: UInt64, size: Int, read: Bool, write: Bool, cpu: Int) {
        guard hit == nil else { return }
        for p in points where p.matches(va: va, size: size, read: read, write: write) {
            hit = (p, max(va, p.address), cpu)
            return
        }
    }
}

extension System {
    /// Installs or drops the watchpoint set: every CPU's TLB is flushed so that
    /// entries filled before (with data tags) are gone.
    public func setDebugWatch(_ w: DebugWatch?) {
        debugWatch = w
        for c in cpus { c.flushTLB() }
    }
}

extension CPU {
    /// Called by the softmmu slow paths for each data access that translated
    /// (before it is performed; the hit is reported after the instruction).
    @inline(__always) func debugWatchAccess(va: UInt64, size: Int, read: Bool, write: Bool) {
        if let w = system.debugWatch { w.check(va: va, size: size, read: read, write: write, cpu: index) }
    }

    /// Called by `fillTLB` on the entry it filled: while watchpoints exist,
    /// data accesses must keep missing (fetches still hit).
    @inline(__always) func debugWatchFilter(entry e: UnsafeMutableRawPointer) {
        guard system.debugWatch != nil else { return }
        e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.readTagOffset, as: UInt64.self)
        e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.writeTagOffset, as: UInt64.self)
    }
}
