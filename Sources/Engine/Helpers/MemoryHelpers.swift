import IR
import Machine

// Read-modify-write helpers: exclusives, LSE atomics, CAS/CASP, DC ZVA, CRC32.
// Register numbers come packed in the arguments; register 31 is XZR here.

@inline(__always) private func readX(_ cpu: CPU, _ r: Int) -> UInt64 { r == 31 ? 0 : cpu.x(r) }
@inline(__always) private func writeX(_ cpu: CPU, _ r: Int, _ v: UInt64) { if r != 31 { cpu.setX(r, v) } }

@inline(__always) private func mask(_ sizeLog: Int) -> UInt64 { sizeLog == 3 ? ~0 : (UInt64(1) << UInt64(8 << sizeLog)) - 1 }

@inline(__always) private func load(_ p: UnsafeMutableRawPointer, _ sizeLog: Int) -> UInt64 {
    switch sizeLog {
    case 0: return UInt64(p.load(as: UInt8.self))
    case 1: return UInt64(p.load(as: UInt16.self))
    case 2: return UInt64(p.load(as: UInt32.self))
    default: return p.load(as: UInt64.self)
    }
}

@inline(__always) private func store(_ p: UnsafeMutableRawPointer, _ sizeLog: Int, _ v: UInt64) {
    switch sizeLog {
    case 0: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
    case 1: p.storeBytes(of: UInt16(truncatingIfNeeded: v), as: UInt16.self)
    case 2: p.storeBytes(of: UInt32(truncatingIfNeeded: v), as: UInt32.self)
    default: p.storeBytes(of: v, as: UInt64.self)
    }
}

/// LDXR/LDAXR/LDXP/LDAXP: b = `ExclusiveOperand`. Marks the
/// address in the local monitor with the values read (Arm ARM B2.9).
let helperLoadExclusive: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = ExclusiveOperand(packed: packed)
    let size = op.sizeLog2, pair = op.pair, rt = op.rt, rt2 = op.rt2
    let total = (1 << size) * (pair ? 2 : 1)
    guard let p = cpu.hostAddressForAtomic(va: addr, size: total, mmuIndex: cpu.mmuIndex, isWrite: false) else { return 0 }
    let v1 = load(p, size)
    let v2 = pair ? load(p + (1 << size), size) : 0
    writeX(cpu, rt, v1)
    if pair { writeX(cpu, rt2, v2) }
    state.storeBytes(of: addr, toByteOffset: StateLayout.exclusiveAddr, as: UInt64.self)
    state.storeBytes(of: UInt64(total), toByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
    state.storeBytes(of: v1, toByteOffset: StateLayout.exclusiveValue, as: UInt64.self)
    state.storeBytes(of: v2, toByteOffset: StateLayout.exclusiveValue2, as: UInt64.self)
    return 0
}

/// STXR/STLXR/STXP/STLXP: b = `ExclusiveOperand` with Rs. Succeeds (Ws = 0) when the
/// monitor holds this address and size and memory still holds the values the
/// load-exclusive saw; always clears the monitor.
let helperStoreExclusive: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = ExclusiveOperand(packed: packed)
    let size = op.sizeLog2, pair = op.pair, rt = op.rt, rt2 = op.rt2, rs = op.rs
    let total = (1 << size) * (pair ? 2 : 1)
    // Read the data registers before writing the status (Ws may equal Rt only
    // in CONSTRAINED UNPREDICTABLE encodings).
    let d1 = readX(cpu, rt), d2 = pair ? readX(cpu, rt2) : 0
    guard let p = cpu.hostAddressForAtomic(va: addr, size: total, mmuIndex: cpu.mmuIndex, isWrite: true) else { return 0 }
    let monAddr = state.load(fromByteOffset: StateLayout.exclusiveAddr, as: UInt64.self)
    let monSize = state.load(fromByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
    var ok = monSize == UInt64(total) && monAddr == addr
    if ok {
        ok = load(p, size) == state.load(fromByteOffset: StateLayout.exclusiveValue, as: UInt64.self)
            && (!pair || load(p + (1 << size), size) == state.load(fromByteOffset: StateLayout.exclusiveValue2, as: UInt64.self))
    }
    if ok {
        store(p, size, d1)
        if pair { store(p + (1 << size), size, d2) }
    }
    cpu.clearExclusiveMonitor()
    writeX(cpu, rs, ok ? 0 : 1)
    return 0
}

/// LSE atomics: c = `AtomicOperand`. Returns the old value, zero-extended.
let helperAtomic: HelperFunction = { state, addr, value, packed in
    let cpu = CPU.from(state: state)
    let op = AtomicOperand(packed: packed), size = op.sizeLog2
    guard let p = cpu.hostAddressForAtomic(va: addr, size: 1 << size, mmuIndex: cpu.mmuIndex, isWrite: false,
                                           readModifyWrite: true) else { return 0 }
    let m = mask(size)
    let old = load(p, size)
    let v = value & m
    let bits = 8 << size
    func signed(_ x: UInt64) -> Int64 { Int64(bitPattern: x << UInt64(64 - bits)) >> Int64(64 - bits) }
    let new: UInt64
    switch op.operation {
    case .add: new = old &+ v
    case .clear: new = old & ~v
    case .exclusiveOr: new = old ^ v
    case .set: new = old | v
    case .signedMax: new = signed(old) >= signed(v) ? old : v
    case .signedMin: new = signed(old) <= signed(v) ? old : v
    case .unsignedMax: new = old >= v ? old : v
    case .unsignedMin: new = old <= v ? old : v
    case .swap: new = v
    }
    store(p, size, new & m)
    return old
}

/// CAS: b = `CompareAndSwapOperand`. Rs receives the old value.
let helperCompareAndSwap: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = CompareAndSwapOperand(packed: packed)
    let rs = op.rs, rt = op.rt, size = op.sizeLog2
    let m = mask(size)
    let expected = readX(cpu, rs) & m, new = readX(cpu, rt) & m
    guard let p = cpu.hostAddressForAtomic(va: addr, size: 1 << size, mmuIndex: cpu.mmuIndex, isWrite: false,
                                           readModifyWrite: true) else { return 0 }
    let old = load(p, size)
    if old == expected { store(p, size, new) }
    writeX(cpu, rs, old)
    return 0
}

/// CASP: b = `CompareAndSwapOperand`; compares and swaps the pair <Rs, Rs+1> with <Rt, Rt+1>.
let helperCompareAndSwapPair: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = CompareAndSwapOperand(packed: packed)
    let rs = op.rs, rt = op.rt, size = op.sizeLog2
    let m = mask(size), n = 1 << size
    let e1 = readX(cpu, rs) & m, e2 = readX(cpu, rs + 1) & m
    let n1 = readX(cpu, rt) & m, n2 = readX(cpu, rt + 1) & m
    guard let p = cpu.hostAddressForAtomic(va: addr, size: 2 * n, mmuIndex: cpu.mmuIndex, isWrite: false,
                                           readModifyWrite: true) else { return 0 }
    let o1 = load(p, size), o2 = load(p + n, size)
    if o1 == e1 && o2 == e2 {
        store(p, size, n1)
        store(p + n, size, n2)
    }
    writeX(cpu, rs, o1)
    writeX(cpu, rs + 1, o2)
    return 0
}

/// DC ZVA: zeroes the naturally aligned 64-byte block (DCZID_EL0.BS = 4).
/// Device memory (all data memory while the MMU is off) gives an Alignment
/// fault (Arm ARM D7.4.9). Trapped by SCTLR_ELx.DZE at EL0 and HCR_EL2.TDZ
/// (b = Rt, for the syndrome).
let helperDCZeroVA: HelperFunction = { state, addr, rt, _ in
    let cpu = CPU.from(state: state)
    if cpu.takeSysInstructionTrap(op1: 3, crn: 7, crm: 4, op2: 1, rt: Int(rt)) { return 0 }
    let block = addr & ~UInt64(63)
    guard let t = cpu.translate(block, .write) else { return 0 }
    if t.device {
        cpu.raiseDataAbort(status: .alignment, va: addr, isWrite: true, at: cpu.faultPC)
        return 0
    }
    if !cpu.system.memory.fillPhysical(pa: t.pa, byte: 0, count: 64, mecid: cpu.accessMECID(t, accessEL: cpu.el)) {   // re-tags the line
        cpu.raiseDataAbort(status: .syncExternal, va: addr, isWrite: true, at: cpu.faultPC)
    }
    return 0
}

/// CRC32 (polynomial 0x04C11DB7) and CRC32C (0x1EDC6F41), bit-reflected as
/// the A64 instructions define them: a = accumulator, b = data, c = size log2 | castagnoli<<2.
/// CRC32/CRC32C: c = `CRC32Operand`.
let helperCRC32: HelperFunction = { _, acc, data, packed in
    let op = CRC32Operand(packed: packed)
    let bytes = 1 << op.sizeLog2
    let table = op.castagnoli ? crc32cTable : crc32Table
    var crc = UInt32(truncatingIfNeeded: acc)
    for i in 0..<bytes {
        let byte = UInt32(truncatingIfNeeded: data >> UInt64(8 * i)) & 0xFF
        crc = table[Int((crc ^ byte) & 0xFF)] ^ (crc >> 8)
    }
    return UInt64(crc)
}

private func makeCRCTable(_ reflectedPoly: UInt32) -> [UInt32] {
    (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ reflectedPoly : c >> 1 }
        return c
    }
}

let crc32Table = makeCRCTable(0xEDB8_8320)
let crc32cTable = makeCRCTable(0x82F6_3B78)
