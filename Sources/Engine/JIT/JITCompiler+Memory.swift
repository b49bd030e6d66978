import Arch
import IR
import Machine

/// Loads and stores with the softmmu fast path inline (index, compare the tag,
/// add the addend, access); misses, MMIO, unaligned and code-page writes go to
/// an out-of-line slow path that calls the Machine's slow path. Helper calls.
extension JITCompiler {
    /// The MMU index an access uses (LDTR/STTR: the unprivileged one).
    func accessIndex(_ flags: AccessFlags) -> Int {
        flags.contains(.unprivileged) ? CPU.unprivilegedIndex(mmuIndex) : mmuIndex
    }

    func tlbDisplacement(_ index: Int) -> Int32 {
        Int32(StateLayout.tlbBase + index * TLB.tableBytes)
    }

    private static func opSize(bytes: Int) -> OpSize {
        switch bytes {
        case 1: return .b
        case 2: return .w
        case 4: return .d
        default: return .q
        }
    }

    /// The inline TLB check of an access at va: rcx = entry offset, rax = va &
    /// (page mask | lowMask: the low bits that send the access to the slow
    /// path, `AccessFlags.slowPathMask`), compared with the tag at
    /// `tagOffset`; a miss jumps to `slow`, a hit leaves the entry's addend in
    /// rax (host = va + rax). Also used by the fused Q accesses (QAccess).
    func emitTLBHit(va: Reg, flags: AccessFlags, lowMask: UInt64, tagOffset: Int) -> (slow: Label, done: Label, mmuIndex: Int) {
        let index = accessIndex(flags)
        let tlb = tlbDisplacement(index)
        let slow = a.newLabel(), done = a.newLabel()
        // The index is in bits 12-24 of the VA: 32-bit operations (shorter) suffice.
        a.mov(.rcx, va, .d)
        a.shift(.shr, .rcx, imm: UInt8(TLB.indexShift), .d)
        a.alu(.and, .rcx, imm: Int32(TLB.indexMask), .d)   // page number mod entries, times the entry size
        a.mov(.rax, va, .q)
        a.alu(.and, .rax, imm: Int32(truncatingIfNeeded: Int64(bitPattern: TLB.pageMask | lowMask)), .q)
        a.alu(.cmp, .rax, Mem(base: .rbx, index: .rcx, scale: 1, disp: tlb + Int32(tagOffset)), .q)
        a.jcc(.ne, slow)
        a.load(.rax, Mem(base: .rbx, index: .rcx, scale: 1, disp: tlb + Int32(TLB.addendOffset)), .q)
        return (slow, done, index)
    }

    /// The slow-path operand of an access of the current instruction, whose PC
    /// the thunk finds from the block's PC and the instructions before it.
    func slowPathOperand(bytes: Int, mmuIndex: Int, flags: AccessFlags) throws -> UInt64 {
        let retired = started - 1
        guard SlowPathOperand.fits(bytes: bytes, mmuIndex: mmuIndex, flags: flags),
              currentPC == block.guestPC &+ 4 &* UInt64(retired) else {
            throw Unsupported(what: "slow-path operand (\(bytes) bytes, flags \(flags.rawValue))")
        }
        return SlowPathOperand(bytes: bytes, mmuIndex: mmuIndex, flags: flags, retired: retired).packed
    }

    func emitLoad(_ i: Int, _ inst: Inst) throws {
        let bytes = inst.type.bits / 8
        let flags = AccessFlags(rawValue: inst.imm)
        let r = allocate(i)
        let va = reg(inst.a, scratch: .rdx)
        let (slow, done, index) = emitTLBHit(va: va, flags: flags, lowMask: flags.slowPathMask(size: bytes),
                                                     tagOffset: TLB.readTagOffset)
        a.load(r, Mem(base: .rax, index: va, scale: 1), JITCompiler.opSize(bytes: bytes))   // host = va + addend
        a.bind(done)
        let packed = try slowPathOperand(bytes: bytes, mmuIndex: index, flags: flags)
        let thunk = liveXMM(after: i) ? runtime.loadThunkXMM : runtime.loadThunk
        slowPaths.append(SlowPathSite(label: slow, done: done, address: capture(inst.a), value: nil, result: r,
                                      thunk: thunk, operand: packed))
    }

    /// Whether an XMM register holds a value used after instruction `i`.
    func liveXMM(after i: Int) -> Bool {
        for r in JITCompiler.allocatableXMM {
            let owner = xmmOwner[Int(r.rawValue)]
            if owner >= 0 && lastUse[owner] > i { return true }
        }
        return false
    }

    func emitStore(_ i: Int, _ inst: Inst) throws {
        let bytes = type(inst.b).bits / 8
        let s = JITCompiler.opSize(bytes: bytes)
        let flags = AccessFlags(rawValue: inst.imm)
        let va = reg(inst.a, scratch: .rdx)
        let (slow, done, index) = emitTLBHit(va: va, flags: flags, lowMask: flags.slowPathMask(size: bytes),
                                                     tagOffset: TLB.writeTagOffset)
        let host = Mem(base: .rax, index: va, scale: 1)   // va + addend
        if let c = constantValue(inst.b) {
            let imm = Int64(bitPattern: c)
            if s != .q || (imm >= Int64(Int32.min) && imm <= Int64(Int32.max)) {
                a.store(host, imm: Int32(truncatingIfNeeded: imm), s)
            } else {
                a.mov(.rcx, imm: c)
                a.store(host, .rcx, s)
            }
        } else {
            let v = reg(inst.b, scratch: .rcx)
            a.store(host, v, s)
        }
        a.bind(done)
        // Only a slow path can write translated code (code pages miss the fast
        // path): when nothing of the instruction follows this store, its slow
        // path checks for a code write itself and the instruction needs no check.
        var stop: ExitStub? = nil
        if !instructionHasStore && restOfInstructionIsQuiet(after: i) {
            let next = currentPC &+ 4
            stop = ExitStub(label: slow, pc: next, count: started, stopID: recordExit(to: next, chainable: false))
        } else {
            instructionHasStore = true
        }
        let packed = try slowPathOperand(bytes: bytes, mmuIndex: index, flags: flags)
        let thunk = liveXMM(after: i) ? runtime.storeThunkXMM : runtime.storeThunk
        slowPaths.append(SlowPathSite(label: slow, done: done, address: capture(inst.a), value: capture(inst.b),
                                      result: nil, thunk: thunk, operand: packed, codeWriteStop: stop))
    }

    enum Argument {
        case location(Location)
        case constant(UInt64)
    }

    /// Where `v` is now: out-of-line code runs at this point but is emitted
    /// later, when the allocator may have moved the value.
    func capture(_ v: Value) -> Argument {
        if let c = constantValue(v) { return .constant(c) }
        return .location(loc[Int(v.index)])
    }

    /// Calls a C-ABI helper `(state, a, b, c)`: saves the live caller-saved
    /// registers, records the guest PC for faults, and leaves the block when the
    /// helper took an exception (counting `raiseCount` instructions as done).
    /// Live XMM registers go to 16-byte stack slots below the pushed ones.
    func emitHelperCall(_ fn: UInt64, args: [Argument], save: SaveSet, pc: UInt64, raiseCount: Int?) {
        var fixed = HelperArguments()
        for arg in args { fixed.append(arg) }
        emitHelperCall(fn, args: fixed, save: save, pc: pc, raiseCount: raiseCount)
    }

    /// Up to three helper arguments, without an array.
    struct HelperArguments {
        private(set) var count = 0
        private var a0: Argument = .constant(0), a1: Argument = .constant(0), a2: Argument = .constant(0)
        mutating func append(_ arg: Argument) {
            switch count {
            case 0: a0 = arg
            case 1: a1 = arg
            case 2: a2 = arg
            default: preconditionFailure("a helper takes at most three arguments")
            }
            count += 1
        }
        subscript(_ k: Int) -> Argument { k == 0 ? a0 : k == 1 ? a1 : a2 }
    }

    func emitHelperCall(_ fn: UInt64, args: HelperArguments, save: SaveSet, pc: UInt64, raiseCount: Int?) {
        for r in JITCompiler.callerSavedAllocatable where save.gprs & (1 << UInt16(r.rawValue)) != 0 { a.push(r) }
        let pad = save.gprCount % 2 == 1
        let xmmBytes = Int32(16 * save.xmmCount)
        if pad || xmmBytes > 0 { a.alu(.sub, .rsp, imm: xmmBytes + (pad ? 8 : 0), .q) }
        var k: Int32 = 0
        for x in JITCompiler.allocatableXMM where save.xmms & (1 << UInt16(x.rawValue)) != 0 {
            a.movdqu(Mem(.rsp, 16 * k), x)
            k += 1
        }
        if raiseCount != nil {
            let spc = Int64(bitPattern: pc)
            if spc >= Int64(Int32.min) && spc <= Int64(Int32.max) {
                a.store(Mem(.rbx, Int32(StateLayout.faultPC)), imm: Int32(spc), .q)
            } else {
                a.mov(.rax, imm: pc)
                a.store(Mem(.rbx, Int32(StateLayout.faultPC)), .rax, .q)
            }
        }
        // Stage the arguments in the state block, so no argument register is
        // overwritten before it is read.
        for k in 0..<args.count {
            let arg = args[k]
            let slot = Mem(.rbx, Int32(StateLayout.helperArgs + 8 * k))
            switch arg {
            case .location(.reg(let r)): a.store(slot, r, .q)
            case .location(.spill(let off)):
                a.load(.rax, Mem(.rbx, off), .q)
                a.store(slot, .rax, .q)
            case .location(let l): preconditionFailure("argument has no location (\(l))")
            case .constant(let c):
                a.mov(.rax, imm: c)
                a.store(slot, .rax, .q)
            }
        }
        for k in 0..<args.count {
            let r: Reg = k == 0 ? .rsi : k == 1 ? .rdx : .rcx
            a.load(r, Mem(.rbx, Int32(StateLayout.helperArgs + 8 * k)), .q)
        }
        a.mov(.rdi, .rbx, .q)
        a.call(absolute: fn, scratch: .rax)
        k = 0
        for x in JITCompiler.allocatableXMM where save.xmms & (1 << UInt16(x.rawValue)) != 0 {
            a.movdqu(x, Mem(.rsp, 16 * k))
            k += 1
        }
        if pad || xmmBytes > 0 { a.alu(.add, .rsp, imm: xmmBytes + (pad ? 8 : 0), .q) }
        for r in JITCompiler.callerSavedAllocatable.reversed() where save.gprs & (1 << UInt16(r.rawValue)) != 0 { a.pop(r) }
        if let count = raiseCount {
            let raised = a.newLabel()
            a.alu(.cmp, Mem(.rbx, Int32(StateLayout.exceptionTaken)), imm: 0, .q)
            a.jcc(.ne, raised)
            stateExitStubs.append((raised, count))
        }
    }

    func emitCall(_ i: Int, _ inst: Inst) throws {
        guard let h = HelperID(rawValue: UInt16(inst.imm)) else { throw Unsupported(what: "helper \(inst.imm)") }
        if h == .barrier {
            // A full DMB/DSB: a host fence when other CPUs run at the same time.
            if hostFences { a.lockedFence() }
            return
        }
        let fn = UInt64(UInt(bitPattern: unsafeBitCast(HelperTable.functions[Int(inst.imm)], to: UnsafeRawPointer.self)))
        var args = HelperArguments()
        if !inst.a.isNone { args.append(capture(inst.a)) }
        if !inst.b.isNone { args.append(capture(inst.b)) }
        if !inst.c.isNone { args.append(capture(inst.c)) }
        emitHelperCall(fn, args: args, save: liveCallerSaved(after: i, excluding: i), pc: currentPC,
                       raiseCount: h.info.mayRaise ? started : nil)
        if h.info.returnsValue && lastUse[i] >= 0 {
            let r = allocate(i)
            a.mov(r, .rax, .q)
        }
    }

    /// After a guest instruction that stored: if the store wrote to a page of
    /// translated code, stop here so the rest is translated afresh.
    func emitCodeWriteCheck(nextPC: UInt64) {
        let stop = a.newLabel()
        a.alu(.cmp, Mem(.rbx, Int32(StateLayout.codeWritten)), imm: 0, .q)
        a.jcc(.ne, stop)
        exitStubs.append(ExitStub(label: stop, pc: nextPC, count: started,
                                  stopID: recordExit(to: nextPC, chainable: false)))
    }

    /// BR/BLR/RET: store the PC, then look the target up in the per-CPU jump
    /// cache (VA -> host code) and jump there, or return to the dispatcher.
    func emitIndirectExit(_ v: Value, count: Int) {
        let t = reg(v, scratch: .rdx)
        a.store(Mem(.rbx, Int32(StateLayout.pc)), t, .q)
        addInstructionCount(count)
        if chaining && !noChain {
            let miss = a.newLabel()
            a.mov(.rax, t, .q)
            a.shift(.shr, .rax, imm: UInt8(JumpCache.hashShift), .q)
            a.alu(.and, .rax, imm: Int32(JumpCache.entries - 1), .d)
            a.shift(.shl, .rax, imm: UInt8(JumpCache.slotBytesLog2), .d)
            a.load(.rcx, Mem(.rbx, Int32(StateLayout.jumpCache)), .q)
            a.alu(.add, .rax, .rcx, .q)
            a.alu(.cmp, t, Mem(.rax), .q)
            a.jcc(.ne, miss)
            a.jmp(Mem(.rax, 8))
            a.bind(miss)
        }
        a.alu(.xor, .rax, .rax, .d)
        jumpToEpilogue()
    }
}
