/// The VA ranges whose translations the TLB maintenance since an engine
/// last looked may have changed, by MMU index: what a cache of VA → code
/// (the JIT's jump cache) must drop. A TLBI by VA changes one page, or the
/// block holding it; anything else changes every translation of the MMU
/// indexes it names. The owning CPU's thread records and reads it; another
/// CPU's thread records it only while it holds the owner's thread asleep
/// (`InterruptState.whileAsleep`, CrossCPUWork.swift), under the lock the
/// owner takes to wake (`CPU.translationChanges`, TLBMaintenance.swift).
public struct TranslationChanges: Equatable {
    /// Past this many blocks, they count as everything of their indexes.
    public static let blockCapacity = 16

    /// MMU indexes whose every translation may have changed.
    public private(set) var everything: UInt32 = 0
    /// MMU indexes the `blocks` apply to.
    public private(set) var blockIndexes: UInt32 = 0
    /// Blocks of 2^bits bytes, each its base VA with `bits` in bits 5:0.
    public private(set) var blocks: [UInt64] = []

    public init() { blocks.reserveCapacity(TranslationChanges.blockCapacity) }

    public var isEmpty: Bool { everything == 0 && blockIndexes == 0 }

    mutating func noteEverything(_ mask: UInt32) { everything |= mask }

    /// The translations of the block of 2^bits bytes (bits 12 to 63) holding `va`.
    mutating func noteBlock(va: UInt64, bits: Int, mask: UInt32) {
        guard blocks.count < TranslationChanges.blockCapacity else {
            everything |= blockIndexes | mask
            blocks.removeAll(keepingCapacity: true)
            blockIndexes = 0
            return
        }
        let base = bits >= 64 ? 0 : va & ~((UInt64(1) << UInt64(bits)) - 1)
        blocks.append(base | UInt64(min(bits, 63)))
        blockIndexes |= mask
    }

    /// Forgets everything recorded (the engine has looked).
    public mutating func removeAll() {
        everything = 0
        blockIndexes = 0
        blocks.removeAll(keepingCapacity: true)
    }

    /// A recorded block: its base VA and log2 of its size.
    @inline(__always) public static func block(_ entry: UInt64) -> (base: UInt64, bits: Int) {
        (entry & ~0x3F, Int(entry & 0x3F))
    }
}
