import Arch
import IR
import Machine

/// Q-register loads and stores as one 16-byte access. The lifter writes a Q
/// access as two 8-byte ones (FPLoadStore.swift): the low half at A with the
/// 16-byte alignment check, then the high half at A + 8, packed into (or
/// extracted from) a v128. When A is 16-byte aligned both halves are in one
/// page, and the TLB entry that lets the first through the fast path lets
/// the second: the fast path is one TLB compare and one MOVDQU. Everything
/// else (a TLB miss, MMIO, an unaligned address, a code page for a store)
/// takes the slow path, which makes the two 8-byte accesses in order as the
/// IR says, so faults and alignment checks are those of the two accesses
/// (a store whose high half faults has written its low half, as QEMU's).
struct QAccess {
    /// Index of the first load or store of the pair.
    let first: Int
    let isStore: Bool
}

/// The slow path's second 8-byte access of a Q access: its operand, and the
/// loaded v128's or the stored v128's register.
struct QAccessHalf {
    let operand: UInt64
    let vector: XReg
    let isStore: Bool
}

extension JITCompiler {
    static let qLowFlags = AccessFlags.alignment(bytes: 16).rawValue

    /// Finds the Q accesses to fuse: `qAccesses` maps the pair's last op (the
    /// vpack of a load, the second store) to it, `fusedAway` holds the ops it
    /// replaces, and the address and stored vector live until the last op.
    func findQAccesses() {
        let n = insts.count
        for i in 0..<n where insts[i].op == .load || insts[i].op == .store {
            guard insts[i].imm == JITCompiler.qLowFlags, i + 4 < n else { continue }
            let lo = insts[i], c = insts[i + 1], add = insts[i + 2], hi = insts[i + 3], last = insts[i + 4]
            guard c.op == .const_, c.imm == 8, lastUse[i + 1] == i + 2,
                  add.op == .add, add.type == .i64, add.a == lo.a, Int(add.b.index) == i + 1 else { continue }
            if lo.op == .load {
                guard lo.type == .i64, lastUse[i + 2] == i + 3,
                      hi.op == .load, hi.type == .i64, hi.imm == 0, Int(hi.a.index) == i + 2,
                      last.op == .vpack, Int(last.a.index) == i, Int(last.b.index) == i + 3,
                      lastUse[i] == i + 4, lastUse[i + 3] == i + 4 else { continue }
                qAccesses[i + 4] = QAccess(first: i, isStore: false)
                for k in i...(i + 3) { fusedAway.insert(k) }
            } else {
                let x = Int(lo.b.index)
                guard x == i - 1, insts[x].op == .vextract, insts[x].type == .i64, insts[x].imm == 0, lastUse[x] == i,
                      lastUse[i + 2] == i + 4, hi.op == .vextract, hi.type == .i64, hi.imm == 64, hi.a == insts[x].a,
                      lastUse[i + 3] == i + 4, last.op == .store, last.imm == 0, Int(last.a.index) == i + 2,
                      Int(last.b.index) == i + 3 else { continue }
                qAccesses[i + 4] = QAccess(first: i, isStore: true)
                for k in (i - 1)...(i + 3) { fusedAway.insert(k) }
                let v = Int(hi.a.index)
                lastUse[v] = max(lastUse[v], i + 4)
            }
            let a = Int(lo.a.index)
            lastUse[a] = max(lastUse[a], i + 4)
        }
    }

    /// The fused Q access ending at op `p`.
    func emitQAccess(_ p: Int, _ q: QAccess) throws {
        let first = insts[q.first], second = insts[p]
        let flags = AccessFlags(rawValue: first.imm)
        let x: XReg
        if q.isStore {
            x = xmmOperand(insts[Int(second.b.index)].a, at: p)
        } else {
            x = allocateXMM(p)
        }
        let va = reg(first.a, scratch: .rdx)
        let (slow, done, index) = emitTLBHit(va: va, flags: flags, lowMask: 15,
                                             tagOffset: q.isStore ? TLB.writeTagOffset : TLB.readTagOffset)
        let host = Mem(base: .rax, index: va, scale: 1)   // va + addend
        if q.isStore { a.movdqu(host, x) } else { a.movdqu(x, host) }
        a.bind(done)
        // As the first store of the pair did: a code write is checked at the
        // next instruction boundary.
        if q.isStore { instructionHasStore = true }
        let low = try slowPathOperand(bytes: 8, mmuIndex: index, flags: flags)
        let high = try slowPathOperand(bytes: 8, mmuIndex: index, flags: AccessFlags(rawValue: second.imm))
        slowPaths.append(SlowPathSite(label: slow, done: done, address: capture(first.a), value: nil, result: nil,
                                      thunk: q.isStore ? runtime.storeThunkXMM : runtime.loadThunkXMM, operand: low,
                                      secondHalf: QAccessHalf(operand: high, vector: x, isStore: q.isStore)))
        // The address and the stored vector are not operands of op p: free them here.
        let address = Int(first.a.index)
        if lastUse[address] == p { free(address) }
        if q.isStore, case let v = Int(insts[Int(second.b.index)].a.index), lastUse[v] == p { free(v) }
    }

    /// The slow path of a fused Q access: the two 8-byte accesses through the
    /// thunk, the halves passing through the helpers' result slot.
    func emitQAccessSlowPath(_ site: SlowPathSite, _ half: QAccessHalf) throws {
        let slot = helperVectorSlots.result
        if half.isStore { a.movdqu(Mem(.rbx, slot), half.vector) }
        for k in 0..<2 {
            moveArgument(site.address, into: .rax)
            if k == 1 { a.alu(.add, .rax, imm: 8, .q) }
            if half.isStore { a.load(.rdx, Mem(.rbx, slot + Int32(8 * k)), .q) }
            relative32(opcode: 0xE8, site.thunk)
            let back = a.offset - slowPathRecord
            guard back < 65536 else { throw Unsupported(what: "slow path \(back) bytes after its block's record") }
            movabsRCX((k == 0 ? site.operand : half.operand) | UInt64(back))
            if !half.isStore { a.store(Mem(.rbx, slot + Int32(8 * k)), .rax, .q) }
        }
        if !half.isStore { a.movdqu(half.vector, Mem(.rbx, slot)) }
        a.jmp(site.done)
    }
}
