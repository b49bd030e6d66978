import Lift
import Machine

/// One CPU's jump caches: a bank (a `JumpCache`) per translation context the
/// CPU runs in, so a change of context selects another bank instead of
/// emptying the cache. A hypervisor's world switch (EL2&0 host ⇄ EL1&0 guest
/// under stage 2), a system call or an exception return then finds the
/// other side's entries still there.
///
/// A bank is keyed by the block context (`LiftContext`: EL, SP, PAN...) and
/// the MMU index its code translates through; an entry stays valid while
/// the translation of its VA in that index does: TLB maintenance reaches
/// every bank of the indexes it changed (`drop`), the current one and the
/// others alike. The CPU's code finds the current bank through its state
/// block (`StateLayout.jumpCache`), which `select` rewrites.
final class JumpCacheBanks {
    /// At most this many banks; past it the least recently selected one is
    /// emptied and taken for the new context.
    static let capacity = 12

    struct Key: Equatable {
        var context: LiftContext
        var mmuIndex: Int
    }

    private let state: UnsafeMutableRawPointer
    private(set) var banks: [JumpCache] = []
    /// Each bank's key (nil: not used since it was made or emptied for reuse).
    private var keys: [Key?] = []
    private var lastUse: [UInt64] = []
    private var uses: UInt64 = 0
    /// The index of the bank the state block points at.
    private(set) var current = 0
    /// Times `select` changed the bank, and made or reused one.
    private(set) var switches: UInt64 = 0
    private(set) var evictions: UInt64 = 0

    init(state: UnsafeMutableRawPointer) {
        self.state = state
        add()
        point(at: 0)
    }

    /// The bank the state block points at (the CPU's code probes it).
    var currentBank: JumpCache { banks[current] }

    private func add() {
        banks.append(JumpCache())
        keys.append(nil)
        lastUse.append(0)
    }

    private func point(at i: Int) {
        current = i
        state.storeBytes(of: banks[i].address, toByteOffset: StateLayout.jumpCache, as: UInt64.self)
    }

    /// Makes the bank of `key` the current one: the one it had, else a new
    /// one while fewer than `capacity` exist, else the least recently
    /// selected one, emptied.
    @discardableResult
    func select(_ key: Key) -> JumpCache {
        uses &+= 1
        if keys[current] == key { lastUse[current] = uses; return banks[current] }
        switches &+= 1
        var pick = -1
        for i in keys.indices where keys[i] == key { pick = i; break }
        if pick < 0 {
            if let free = keys.firstIndex(where: { $0 == nil }) {
                pick = free
            } else if banks.count < JumpCacheBanks.capacity {
                add()
                pick = banks.count - 1
            } else {
                pick = lastUse.indices.min { lastUse[$0] < lastUse[$1] }!
                banks[pick].flush()
                evictions &+= 1
            }
            keys[pick] = key
        }
        lastUse[pick] = uses
        point(at: pick)
        return banks[pick]
    }

    /// Drops from every bank what the TLB maintenance in `changes` may have
    /// made stale for code run under the bank's MMU index.
    func drop(_ changes: TranslationChanges) {
        for i in banks.indices {
            guard let key = keys[i] else { continue }
            banks[i].drop(changes, mmuIndex: key.mmuIndex)
        }
    }

    /// Empties the slot of `va` in every bank when it holds `host` (a block that went away).
    func drop(va: UInt64, host: UInt64) {
        for b in banks { b.drop(va: va, host: host) }
    }

    /// Empties every bank (blocks went away).
    func flushAll() {
        for b in banks { b.flush() }
    }
}
