/// Debugger watchpoints (the gdb stub's Z2/Z3/Z4), checked by the softmmu slow
/// paths. While any watchpoint exists, TLB entries are filled without their
/// read and write tags, so every data access of every engine takes the slow
/// path and passes `CPU.debugWatchAccess` (SoftMMU.swift calls it). With no
/// watchpoints `System.debugWatch` is nil and the slow paths pay one compare.
///
/// A hit stops the CPU before the instruction that makes the access: the
/// instruction is abandoned as a synchronous abort abandons it (registers and
/// memory as before it, PC at it), and the debugger sees the old value in
/// memory. gdb's AArch64 target expects that (its watchpoints are
/// "non-steppable": it removes them, steps the instruction itself and then
/// compares the values), and QEMU reports gdb's watchpoints on Arm the same way.
/// The first instruction a CPU runs after the debugger resumes it is not
/// stopped again for its own access (a plain continue from a watchpoint stop
/// performs the access).

public enum WatchKind: Int, Sendable {
    /// gdb's `watch` (Z2): stop at a write.
    case write = 2
    /// `rwatch` (Z3): stop at a read.
    case read = 3
    /// `awatch` (Z4): stop at a read or a write.
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
    /// The CPU the debugger resumed at a watchpoint stop, with its PC and
    /// instruction count then: that instruction's accesses do not stop it.
    private var resumed: (cpu: Int, pc: UInt64, count: UInt64)?

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

    /// The debugger resumes CPU `cpu`, stopped at a watchpoint before the
    /// instruction at `pc` (`count`: its instruction count): that instruction
    /// makes its access this time.
    public func resume(cpu: Int, pc: UInt64, count: UInt64) { resumed = (cpu, pc, count) }

    /// Whether the access (of the instruction at `pc`, the CPU's `count`-th)
    /// touches a watchpoint: the CPU must stop before the instruction. The first
    /// hit is kept for `takeHit`; a CPU hitting while another's hit waits stops
    /// too, and meets its watchpoint again when it runs the instruction again.
    public func check(va: UInt64, size: Int, read: Bool, write: Bool, cpu: Int, pc: UInt64, count: UInt64) -> Bool {
        if let r = resumed {
            if r.cpu == cpu && r.pc == pc && r.count == count { return false }
            if r.cpu == cpu { resumed = nil }
        }
        for p in points where p.matches(va: va, size: size, read: read, write: write) {
            if hit == nil { hit = (p, max(va, p.address), cpu) }
            return true
        }
        return false
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
    /// Called by the softmmu slow paths for each data access that translated,
    /// before it is performed. False on a hit: the instruction is abandoned
    /// (`exceptionTaken` set with the PC back at `faultPC`, no exception
    /// entered) and the access must not happen; the dispatcher then stops
    /// before that instruction (DebugControl.beforeInstruction).
    @inline(__always) func debugWatchAccess(va: UInt64, size: Int, read: Bool, write: Bool) -> Bool {
        guard let w = system.debugWatch,
              w.check(va: va, size: size, read: read, write: write, cpu: index, pc: faultPC, count: instructionCount)
        else { return true }
        pc = faultPC
        exceptionTaken = true
        return false
    }

    /// Called by `fillTLB` on the entry it filled: while watchpoints exist,
    /// data accesses must keep missing (fetches still hit).
    @inline(__always) func debugWatchFilter(entry e: UnsafeMutableRawPointer) {
        guard system.debugWatch != nil else { return }
        e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.readTagOffset, as: UInt64.self)
        e.storeBytes(of: TLB.invalidTag, toByteOffset: TLB.writeTagOffset, as: UInt64.self)
    }
}
