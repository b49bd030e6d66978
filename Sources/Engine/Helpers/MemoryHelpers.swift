import CHostAtomics
import IR
import Machine

// Read-modify-write helpers: exclusives, LSE atomics, CAS/CASP, DC ZVA, CRC32.
// Register numbers come packed in the arguments; register 31 is XZR here.

@inline(__always) private func readX(_ cpu: CPU, _ r: Int) -> UInt64 { r == 31 ? 0 : cpu.x(r) }
@inline(__always) private func writeX(_ cpu: CPU, _ r: Int, _ v: UInt64) { if r != 31 { cpu.setX(r, v) } }

@inline(__always) private func mask(_ sizeLog: Int) -> UInt64 { sizeLog == 3 ? ~0 : (UInt64(1) << UInt64(8 << sizeLog)) - 1 }

/// LDXR/LDAXR/LDXP/LDAXP: b = `ExclusiveOperand`. Marks the address in the
/// monitor with the values read (Arm ARM B2.9), read single-copy atomic (a
/// pair as one 64- or 128-bit access).
let helperLoadExclusive: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = ExclusiveOperand(packed: packed)
    let size = op.sizeLog2, pair = op.pair, rt = op.rt, rt2 = op.rt2
    let total = (1 << size) * (pair ? 2 : 1)
    guard let p = cpu.hostAddressForAtomic(va: addr, size: total, mmuIndex: cpu.mmuIndex, isWrite: false) else { return 0 }
    var v1: UInt64, v2: UInt64 = 0
    if !pair {
        v1 = armature_atomic_load(p, Int32(size))
    } else if size == 2 {
        let both = armature_atomic_load(p, 3)
        v1 = both & 0xFFFF_FFFF
        v2 = both >> 32
    } else {
        v1 = 0
        armature_atomic_load128(p, &v1, &v2)
    }
    writeX(cpu, rt, v1)
    if pair { writeX(cpu, rt2, v2) }
    state.storeBytes(of: addr, toByteOffset: StateLayout.exclusiveAddr, as: UInt64.self)
    state.storeBytes(of: UInt64(total), toByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
    state.storeBytes(of: v1, toByteOffset: StateLayout.exclusiveValue, as: UInt64.self)
    state.storeBytes(of: v2, toByteOffset: StateLayout.exclusiveValue2, as: UInt64.self)
    return 0
}

/// STXR/STLXR/STXP/STLXP: b = `ExclusiveOperand` with Rs. Succeeds (Ws = 0) when the
/// monitor holds this address and size and a host compare-and-swap finds in
/// memory the values the load-exclusive saw (so another CPU's store in between
/// fails it, as QEMU's TCG); always clears the monitor.
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
    var ok = false
    if monSize == UInt64(total) && monAddr == addr {
        let e1 = state.load(fromByteOffset: StateLayout.exclusiveValue, as: UInt64.self)
        let e2 = state.load(fromByteOffset: StateLayout.exclusiveValue2, as: UInt64.self)
        if !pair {
            ok = armature_atomic_cas(p, Int32(size), e1, d1 & mask(size)) == e1
        } else if size == 2 {
            let expected = e1 | e2 << 32
            ok = armature_atomic_cas(p, 3, expected, (d1 & 0xFFFF_FFFF) | d2 << 32) == expected
        } else {
            var lo = e1, hi = e2
            ok = armature_atomic_cas128(p, &lo, &hi, d1, d2) != 0
        }
    }
    cpu.clearExclusiveMonitor()
    writeX(cpu, rs, ok ? 0 : 1)
    return 0
}

/// LSE atomics: c = `AtomicOperand`. One host atomic instruction (or a
/// compare-and-swap loop for the min/max forms); returns the old value, zero-extended.
let helperAtomic: HelperFunction = { state, addr, value, packed in
    let cpu = CPU.from(state: state)
    let op = AtomicOperand(packed: packed), size = op.sizeLog2
    guard let p = cpu.hostAddressForAtomic(va: addr, size: 1 << size, mmuIndex: cpu.mmuIndex, isWrite: false,
                                           readModifyWrite: true) else { return 0 }
    return armature_atomic_fetch_op(p, Int32(size), Int32(op.operation.rawValue), value & mask(size))
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
    writeX(cpu, rs, armature_atomic_cas(p, Int32(size), expected, new))
    return 0
}

/// CASP: b = `CompareAndSwapOperand`; compares and swaps the pair <Rs, Rs+1> with
/// <Rt, Rt+1> as one 64- or 128-bit host compare-and-swap.
let helperCompareAndSwapPair: HelperFunction = { state, addr, packed, _ in
    let cpu = CPU.from(state: state)
    let op = CompareAndSwapOperand(packed: packed)
    let rs = op.rs, rt = op.rt, size = op.sizeLog2
    let m = mask(size), n = 1 << size
    let e1 = readX(cpu, rs) & m, e2 = readX(cpu, rs + 1) & m
    let n1 = readX(cpu, rt) & m, n2 = readX(cpu, rt + 1) & m
    guard let p = cpu.hostAddressForAtomic(va: addr, size: 2 * n, mmuIndex: cpu.mmuIndex, isWrite: false,
                                           readModifyWrite: true) else { return 0 }
    var o1: UInt64, o2: UInt64
    if size == 2 {
        let old = armature_atomic_cas(p, 3, e1 | e2 << 32, n1 | n2 << 32)
        o1 = old & 0xFFFF_FFFF
        o2 = old >> 32
    } else {
        o1 = e1
        o2 = e2
        _ = armature_atomic_cas128(p, &o1, &o2, n1, n2)
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
    if let p = cpu.tlbHost(va: block, mmuIndex: cpu.mmuIndex, write: true, normal: true) {
        p.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        return 0
    }
    guard let t = cpu.translateForZero(block) else { return 0 }
    if t.device {
        cpu.raiseDataAbort(status: .alignment, va: addr, isWrite: true, at: cpu.faultPC)
        return 0
    }
    if !cpu.system.memory.fillPhysical(pa: t.pa, byte: 0, count: 64, mecid: cpu.accessMECID(t, accessEL: cpu.el), by: cpu) {   // re-tags the line
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
