/// What the stage 1 and stage 2 walkers share of a VMSAv8-64 translation
/// table walk (Arm ARM D8.2, D8.3): the granule and output address size, what
/// a descriptor is at a level, and the output address of a leaf. Each walker
/// keeps what differs: its registers, start level, descriptor reads (GPC,
/// MEC, stage 2 of stage 1's tables) and attributes.
struct WalkGeometry {
    /// log2 of the granule: 12 (4 KiB), 14 (16 KiB) or 16 (64 KiB).
    let granuleBits: Int
    /// The output address size in bits (TCR_ELx.{I}PS, VTCR_EL2.PS, at most the PA size).
    let outputSize: Int

    /// Address bits resolved per level.
    var stride: Int { granuleBits - 3 }
    /// The output address field of a descriptor (bits 47:granule).
    var oaMask: UInt64 { 0x0000_FFFF_FFFF_FFFF & ~((1 << UInt64(granuleBits)) - 1) }

    /// log2 of the size a leaf at `level` maps.
    func pageBits(level: Int) -> Int { granuleBits + stride * (3 - level) }

    enum Step { case table(next: UInt64), leaf, fault(FaultStatus) }

    /// The cursor of a walk of an `inputSize`-bit input space from the table
    /// at `base` (its low bits ignored), at `level`: that table has the index
    /// bits the input has left above the level's page (fewer than a full
    /// table's, or more when start-level tables are concatenated).
    func start(level: Int, inputSize: Int, base: UInt64) -> WalkCursor {
        let indexBits = inputSize - pageBits(level: level)
        return WalkCursor(geometry: self, table: base & ~((1 << UInt64(indexBits + 3)) - 1), level: level,
                          indexBits: indexBits)
    }

    /// The descriptor at `level`: a table (with the next level's table
    /// address) or a leaf (block or page). Faults: Translation for an invalid
    /// descriptor, the reserved level 3 encoding, or a block where the granule
    /// has none (without FEAT_LPA/LPA2: levels 1 and 2 with 4 KiB, level 2
    /// with 16 and 64 KiB); Address size for a table beyond the output size.
    func step(_ desc: UInt64, level: Int) -> Step {
        if desc & 1 == 0 || (level == 3 && desc & 2 == 0) { return .fault(.translation(level: level)) }
        if level < 3 && desc & 2 != 0 {
            let next = desc & oaMask
            if next >> UInt64(outputSize) != 0 { return .fault(.addressSize(level: level)) }
            return .table(next: next)
        }
        if level < 3 && !(level == 2 || (level == 1 && granuleBits == 12)) {
            return .fault(.translation(level: level))
        }
        return .leaf
    }

    /// The output address of `input` through the leaf `desc` at `level`; nil
    /// beyond the output size (an Address size fault at that level).
    func output(_ desc: UInt64, level: Int, input: UInt64) -> UInt64? {
        let oa = desc & oaMask
        if oa >> UInt64(outputSize) != 0 { return nil }
        let blockMask: UInt64 = (1 << UInt64(pageBits(level: level))) - 1
        return (oa & ~blockMask) | (input & blockMask)
    }
}

/// Where a walk is: the table being read, its level and its index bits.
struct WalkCursor {
    let geometry: WalkGeometry
    private(set) var table: UInt64
    private(set) var level: Int
    private(set) var indexBits: Int

    fileprivate init(geometry: WalkGeometry, table: UInt64, level: Int, indexBits: Int) {
        self.geometry = geometry
        self.table = table
        self.level = level
        self.indexBits = indexBits
    }

    /// The address of the descriptor for `input` in the table.
    func descriptorAddress(_ input: UInt64) -> UInt64 {
        let index = (input >> UInt64(geometry.pageBits(level: level))) & ((1 << UInt64(indexBits)) - 1)
        return table | index << 3
    }

    /// What the descriptor `desc` read at the cursor is; a table moves the
    /// cursor to the next level's table (a full one).
    mutating func take(_ desc: UInt64) -> WalkGeometry.Step {
        let step = geometry.step(desc, level: level)
        if case .table(let next) = step {
            table = next
            level += 1
            indexBits = geometry.stride
        }
        return step
    }
}
