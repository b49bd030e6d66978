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

/// Translated blocks by key, with a per-page index so a write to a page of
/// code drops exactly the blocks translated from it.
final class BlockCache {
    private var blocks: [BlockKey: TranslatedBlock] = [:]
    private var byPage: [UInt64: [BlockKey]] = [:]
    private(set) var translations = 0
    private(set) var invalidations = 0

    var count: Int { blocks.count }

    @inline(__always) func lookup(_ key: BlockKey) -> TranslatedBlock? { blocks[key] }

    func insert(_ block: TranslatedBlock) {
        blocks[block.key] = block
        byPage[block.key.pa & ~UInt64(0xFFF), default: []].append(block.key)
        translations += 1
    }

    /// Drops every block translated from the page at `pagePA`; returns them.
    func invalidate(page pagePA: UInt64) -> [TranslatedBlock] {
        guard let keys = byPage.removeValue(forKey: pagePA) else { return [] }
        var removed: [TranslatedBlock] = []
        for k in keys {
            if let b = blocks.removeValue(forKey: k) {
                removed.append(b)
                invalidations += 1
            }
        }
        return removed
    }

    func removeAll() {
        blocks.removeAll()
        byPage.removeAll()
    }
}
