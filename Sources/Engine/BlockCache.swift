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

    var count: Int { blocks.count }

    @inline(__always) func lookup(_ key: BlockKey) -> TranslatedBlock? { blocks[key] }

    func insert(_ block: TranslatedBlock) {
        if let old = blocks.updateValue(block, forKey: block.key) { removeFromPage(old) }
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

    func removeAll() {
        blocks.removeAll()
        byPage.removeAll()
    }
}
