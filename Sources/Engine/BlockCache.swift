import Lift
import Machine

/// What identifies a translation: the physical address of its first
/// instruction and everything that changes how the same bytes translate.
public struct BlockKey: Hashable, Sendable {
    public let pa: UInt64
    /// The VA too: lifted code embeds PC-relative values (branch targets, ADR,
    /// literal addresses), so a block must not be reused through an alias mapping.
    public let va: UInt64
    public let context: LiftContext
    /// 0: the bytes at `pa` as stored; 0x1_0000 | MECID: as that MECID fetches
    /// them through FEAT_MEC substitute data (`CPU.codeView`, MEC/MECTagStore.swift).
    public var codeView: UInt32 = 0
}

/// Translated blocks by key, with a per-page index so a write to code drops
/// exactly the blocks whose bytes it touched. A block never crosses a 4 KiB
/// page (the lifter stops at the page's end).
final class BlockCache {
    private var blocks: [BlockKey: TranslatedBlock] = [:]
    private var byPage: [UInt64: [TranslatedBlock]] = [:]
    private(set) var translations = 0
    private(set) var invalidations = 0
    /// The blocks found last, direct-mapped by VA and PA page: a hit costs a
    /// key compare instead of hashing the whole key (every block the
    /// dispatcher runs is looked up). A hypervisor's host and its guest
    /// running the same kernel use the same VAs: the PA tells them apart.
    private static let recentCount = 4096
    private var recent = [TranslatedBlock?](repeating: nil, count: BlockCache.recentCount)

    var count: Int { blocks.count }

    @inline(__always) private static func recentSlot(_ key: BlockKey) -> Int {
        Int(truncatingIfNeeded: (key.va >> 2) ^ (key.pa >> 12)) & (recentCount - 1)
    }

    @inline(__always) func lookup(_ key: BlockKey) -> TranslatedBlock? {
        let slot = BlockCache.recentSlot(key)
        if let b = recent[slot], b.key == key { return b }
        guard let b = blocks[key] else { return nil }
        recent[slot] = b
        return b
    }

    /// Drops `block` from the recent slots when it is there.
    @inline(__always) private func forgetRecent(_ block: TranslatedBlock) {
        let slot = BlockCache.recentSlot(block.key)
        if recent[slot] === block { recent[slot] = nil }
    }

    func insert(_ block: TranslatedBlock) {
        if let old = blocks.updateValue(block, forKey: block.key) { removeFromPage(old); forgetRecent(old) }
        byPage[block.key.pa & TLB.pageMask, default: []].append(block)
        translations += 1
    }

    private func removeFromPage(_ block: TranslatedBlock) {
        let page = block.key.pa & TLB.pageMask
        guard var list = byPage[page], let i = list.firstIndex(where: { $0 === block }) else { return }
        list.swapAt(i, list.count - 1)
        list.removeLast()
        byPage[page] = list.isEmpty ? nil : list
    }

    /// Drops every block built from a byte of [pa, pa+length) (within one
    /// page); returns them. `remaining` gets each block of the page that stays.
    func invalidate(pa: UInt64, length: UInt64, remaining: (TranslatedBlock) -> Void) -> [TranslatedBlock] {
        let page = pa & TLB.pageMask
        guard var list = byPage[page] else { return [] }
        var removed: [TranslatedBlock] = []
        var i = 0
        while i < list.count {
            let b = list[i]
            if b.key.pa < pa + length && pa < b.key.pa + b.byteLength {
                blocks.removeValue(forKey: b.key)
                forgetRecent(b)
                removed.append(b)
                invalidations += 1
                list.swapAt(i, list.count - 1)
                list.removeLast()
            } else {
                remaining(b)
                i += 1
            }
        }
        byPage[page] = list.isEmpty ? nil : list
        return removed
    }

    func forEach(_ body: (TranslatedBlock) -> Void) {
        for b in blocks.values { body(b) }
    }

    func removeAll() {
        for i in recent.indices { recent[i] = nil }
        blocks.removeAll()
        byPage.removeAll()
    }
}
