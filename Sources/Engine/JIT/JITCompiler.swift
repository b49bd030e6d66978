import IR
import Machine

/// Where an IR value lives during code generation.
enum Location: Equatable {
    case none
    case reg(Reg)
    case spill(Int32)          // displacement from the state pointer
    case constant(UInt64)
    /// A v128 value spilled to its 16-byte slot in the state block (displacement).
    case vector(Int32)
    /// A v128 value in an XMM register.
    case xmm(XReg)
}

/// Registers a helper call must preserve (live values in caller-saved
/// registers): bit n of each mask is register n.
struct SaveSet {
    var gprs: UInt16 = 0
    var xmms: UInt16 = 0
    var gprCount: Int { gprs.nonzeroBitCount }
    var xmmCount: Int { xmms.nonzeroBitCount }
}

/// An exit that returns its id to the dispatcher, which takes the guest PC
/// from the exit's record. A chainable one is a direct exit whose `jmp rel32`
/// can be patched to chain to the next block.
struct ExitSite {
    /// Offset of the rel32 field from the block start (chainable exits).
    let fieldOffset: Int
    let targetPC: UInt64
    let id: Int
    var chainable = true
    /// Offset of the rel32 field taken with the guest MXCSR still loaded (a
    /// chain to a block's guest entry), or nil.
    var guestFieldOffset: Int? = nil
}

/// An out-of-line exit: a taken `exitIf` (a direct exit to `pc`), or the stop
/// after an instruction that wrote translated code (exit `stopID`).
struct ExitStub {
    let label: Label
    let pc: UInt64
    let count: Int
    let stopID: Int?
    /// Taken with the guest MXCSR loaded (JITCompiler+FPScalar.swift).
    var guestMXCSR = false
}

/// A load or store miss: its out-of-line call of the shared slow-path thunk.
struct SlowPathSite {
    let label: Label
    let done: Label
    let address: JITCompiler.Argument
    /// A store's value (rdx), or nil for a load.
    let value: JITCompiler.Argument?
    /// A load's result register.
    let result: Reg?
    let thunk: UInt64
    /// The packed `SlowPathOperand` without `back` (filled in when emitted).
    let operand: UInt64
    /// A store that is its instruction's last effect: after the thunk, stop
    /// here if the store wrote translated code (exit `stopID` to `pc`,
    /// `count` instructions done).
    var codeWriteStop: ExitStub? = nil
    /// A fused Q access's second half (JITCompiler+QAccess.swift).
    var secondHalf: QAccessHalf? = nil
}

/// The result of compiling one block: position-dependent code for `base`
/// (for `-d out_asm` and tests; the engine reads the compiler's own arrays).
struct CompiledCode {
    let bytes: [UInt8]
    let exits: [ExitSite]
    /// Host offset where each guest instruction's code starts, and the size of
    /// the body before the out-of-line stubs (for `-d out_asm`).
    var instructionStarts: [(hostOffset: Int, guestPC: UInt64)] = []
    var bodySize = 0
    /// Offset of the entry for chained jumps that arrive with the guest
    /// MXCSR loaded, or nil (JITCompiler+FPScalar.swift).
    var guestEntryOffset: Int? = nil
}

/// Compiles an optimized IR block to x86-64 (System V). Register use:
/// rbx = state pointer (pinned), r15 = instruction counter (pinned), rsp = host
/// stack (16-byte aligned inside blocks), rax/rcx/rdx = scratch; the other 10
/// registers are allocated block-locally by a
/// linear scan over value lifetimes, spilling to slots in the state block.
/// Constants are never given registers: they become immediates at their uses.
///
/// One compiler serves every block of its engine (`reset` before each): its
/// assembler and tables keep their storage, so compiling a block makes no
/// heap allocation once they have grown to the largest block seen.
final class JITCompiler {
    let a = X64Assembler()
    private(set) var block: IRBlock
    private(set) var insts: [Inst]
    private(set) var base: UInt64 = 0
    let runtime: JITRuntimeInfo
    private(set) var mmuIndex = 0
    /// Block must return to the dispatcher after its last exit (context may change).
    private(set) var noChain = false
    private(set) var chaining = false
    /// Check `StateLayout.instructionLimit` at block entry (CPUs sharing a thread).
    let timeSlices: Bool
    /// Chainable jumps get a 4-byte aligned rel32 (CPUs on threads patch
    /// them while others run them: JITEngine.patch).
    let alignedChains: Bool
    /// Full DMB/DSB emit a host fence (CPUs on threads; with one thread the
    /// CPUs' accesses are already in program order for each other).
    let hostFences: Bool

    var loc: [Location] = []
    var lastUse: [Int] = []
    var regOwner = [Int](repeating: -1, count: 16)
    var freeRegs: [Reg] = []
    var freeSpills: [Int32] = []
    var freeVectorSlots: [Int32] = []
    /// XMM registers: the value index owning each (-1: free), and the free ones.
    var xmmOwner = [Int](repeating: -1, count: 16)
    var freeXRegs: [XReg] = []
    /// Vector slots where a `vop` helper call finds a, b, c and leaves its result
    /// (the four lowest vector spill slots; the others are allocated).
    let helperVectorSlots: (a: Int32, b: Int32, c: Int32, result: Int32) = (
        Int32(StateLayout.vectorSpillBase), Int32(StateLayout.vectorSpillBase) + 16,
        Int32(StateLayout.vectorSpillBase) + 32, Int32(StateLayout.vectorSpillBase) + 48)
    /// The free lists a block starts with, in allocation order (last first).
    private static let initialFreeRegs: [Reg] = allocatable.reversed()
    private static let initialFreeSpills: [Int32] =
        (0..<Int32(StateLayout.spillSlots)).reversed().map { Int32(StateLayout.spillBase) + $0 * 8 }
    private static let initialFreeVectorSlots: [Int32] =
        (4..<Int32(StateLayout.vectorSpillSlots)).reversed().map { Int32(StateLayout.vectorSpillBase) + $0 * 16 }
    private static let initialFreeXRegs: [XReg] = allocatableXMM.reversed()
    /// Scalar FP state of the code emitted so far (JITCompiler+FPScalar.swift):
    /// the guest MXCSR word is computed in the state (from FPCR) and MXCSR holds it.
    var guestMXCSRComputed = false
    var guestMXCSRLoaded = false
    /// The scalar FP value each XMM register also holds (-1: none), taken
    /// from the free ones between v128 uses (JITCompiler+FPScalar.swift).
    var fpShadow = [Int](repeating: -1, count: 16)
    var exits: [ExitSite] = []
    /// Out-of-line code (slow paths, exit stubs), emitted after the block body.
    var stubs: [() -> Void] = []
    /// Out-of-line exits after a helper that took an exception (label, instructions done).
    var stateExitStubs: [(label: Label, count: Int)] = []
    /// Load/store misses, emitted after the body with the stubs (no closure per access).
    var slowPaths: [SlowPathSite] = []
    /// Out-of-line exits (no closure per exit).
    var exitStubs: [ExitStub] = []
    /// Values already computed ahead of their definition (condition fusion).
    var precomputed = ValueSet()
    /// Comparisons whose result is still in the x86 flags for the next instruction.
    var fusedConditions = ConditionMap()
    /// The value whose flags the x86 flags hold now, and in which form.
    var x86Flags: (Int, FlagForm)? = nil
    /// nzcvAdd/nzcvLogic values whose flags word was stored at once (their
    /// setFlags emits nothing).
    var directFlagStores = ValueSet()
    /// getFlags values never loaded: their conditions read the state's flags word.
    var deferredFlags = ValueSet()
    var currentPC: UInt64 = 0
    /// Guest instructions started so far (the interpreter's `executed`).
    var started = 0
    var nextExitID = 0
    /// Set while the current guest instruction contains a store (see code-write check).
    var instructionHasStore = false
    /// Offset of the block's PC record (`SlowPathThunk`).
    var slowPathRecord = 0
    /// Instructions already added to the counter on the way to the block's
    /// final exit (after a conditional exit that counted for both).
    var countedAhead = 0
    /// (host offset, guest PC) at each `insnStart` (for `-d out_asm`).
    var instructionStarts: [(hostOffset: Int, guestPC: UInt64)] = []
    /// Q accesses made one 16-byte access, by the index of their last op,
    /// and the ops they replace (JITCompiler+QAccess.swift).
    var qAccesses = QAccessMap()
    var fusedAway = ValueSet()
    /// The offset of the guest-MXCSR entry of the block compiled last, and its body size.
    private(set) var guestEntryOffset: Int? = nil
    private(set) var bodySize = 0

    static let allocatable: [Reg] = [.rsi, .rdi, .r8, .r9, .r10, .r11, .rbp, .r12, .r13, .r14]
    /// Guest instructions retired, kept in a register while JIT code runs (a
    /// counter in memory would chain every block through store forwarding);
    /// the trampoline loads it from the state and the epilogue stores it back.
    static let instructionCounter = Reg.r15
    /// `allocatable` ∩ `callerSaved`, in `allocatable`'s order.
    static let callerSavedAllocatable: [Reg] = [.rsi, .rdi, .r8, .r9, .r10, .r11]

    struct Unsupported: Error { let what: String }

    init(runtime: JITRuntimeInfo, timeSlices: Bool = false, threaded: Bool = false) {
        self.runtime = runtime
        self.timeSlices = timeSlices
        self.alignedChains = threaded
        self.hostFences = threaded
        block = IRBlock(guestPC: 0)
        insts = []
        // Room for a typical block, so the arrays do not grow instruction by instruction.
        exits.reserveCapacity(16)
        stubs.reserveCapacity(8)
        stateExitStubs.reserveCapacity(8)
        slowPaths.reserveCapacity(32)
        exitStubs.reserveCapacity(16)
        instructionStarts.reserveCapacity(64)
    }

    /// Prepares the compiler for `block`, whose code will be at `base`.
    func reset(block: IRBlock, base: UInt64, mmuIndex: Int, firstExitID: Int, chaining: Bool) {
        self.block = block
        insts = block.insts
        self.base = base
        self.mmuIndex = mmuIndex
        self.chaining = chaining
        nextExitID = firstExitID
        currentPC = block.guestPC
        a.reset()
        let n = insts.count
        JITCompiler.fill(&loc, .none, count: n)
        JITCompiler.fill(&lastUse, -1, count: n)
        for k in 0..<16 { regOwner[k] = -1; xmmOwner[k] = -1; fpShadow[k] = -1 }
        JITCompiler.fill(&freeRegs, from: JITCompiler.initialFreeRegs)
        JITCompiler.fill(&freeSpills, from: JITCompiler.initialFreeSpills)
        JITCompiler.fill(&freeVectorSlots, from: JITCompiler.initialFreeVectorSlots)
        JITCompiler.fill(&freeXRegs, from: JITCompiler.initialFreeXRegs)
        guestMXCSRComputed = false
        guestMXCSRLoaded = false
        exits.removeAll(keepingCapacity: true)
        stubs.removeAll(keepingCapacity: true)
        stateExitStubs.removeAll(keepingCapacity: true)
        slowPaths.removeAll(keepingCapacity: true)
        exitStubs.removeAll(keepingCapacity: true)
        precomputed.reset(count: n)
        fusedConditions.reset(count: n)
        x86Flags = nil
        directFlagStores.reset(count: n)
        deferredFlags.reset(count: n)
        started = 0
        instructionHasStore = false
        slowPathRecord = 0
        countedAhead = 0
        instructionStarts.removeAll(keepingCapacity: true)
        qAccesses.reset(count: n)
        fusedAway.reset(count: n)
        guestEntryOffset = nil
        bodySize = 0
        var contextHelper = false
        for (i, inst) in insts.enumerated() {
            // nzcvAdd(a, NOT(x), 1) compares a with x directly (emitNZCVAdd): x
            // must live until here, and this use does not need NOT(x) computed.
            if inst.op == .nzcvAdd, inst.a.index != inst.b.index, insts[Int(inst.b.index)].op == .not,
               insts[Int(inst.c.index)].op == .const_, insts[Int(inst.c.index)].imm == 1,
               insts[Int(insts[Int(inst.b.index)].a.index)].type == insts[Int(inst.a.index)].type {
                lastUse[Int(inst.a.index)] = i
                lastUse[Int(inst.c.index)] = i
                lastUse[Int(insts[Int(inst.b.index)].a.index)] = i
            } else {
                if !inst.a.isNone { lastUse[Int(inst.a.index)] = i }
                if !inst.b.isNone { lastUse[Int(inst.b.index)] = i }
                if !inst.c.isNone { lastUse[Int(inst.c.index)] = i }
            }
            if inst.op == .call, let h = HelperID(rawValue: UInt16(inst.imm)) {
                switch h {
                case .msr, .msrImmediate, .sys, .eret, .hint, .hlt, .hvc, .smc: contextHelper = true
                default: break
                }
            }
        }
        noChain = contextHelper
        findQAccesses()
    }

    /// `array` as `count` copies of `value`, in its existing storage.
    @inline(__always) static func fill<T>(_ array: inout [T], _ value: T, count: Int) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(value, count: count))
    }

    /// `array` as a copy of `source`, in its existing storage.
    @inline(__always) static func fill<T>(_ array: inout [T], from source: [T]) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: source)
    }

    /// The code compiled last, as `CompiledCode` (shares the assembler's
    /// buffer: a caller keeping it past the next block makes that block copy it).
    var lastCode: CompiledCode {
        CompiledCode(bytes: a.bytes, exits: exits, instructionStarts: instructionStarts, bodySize: bodySize,
                     guestEntryOffset: guestEntryOffset)
    }

    // MARK: Driver

    /// Compiles the block given to `reset`: the code is `a.bytes`, its exits
    /// `exits` (`lastCode` has both).
    func compile() throws {
        // The stubs capture the compiler: drop them when done, or the compiler
        // would keep itself alive.
        defer { stubs.removeAll(keepingCapacity: true) }
        // Entry: leave at once when the dispatcher is asked to stop (interrupts,
        // exit) — every chained entry passes here.
        let requestExit = a.newLabel()
        emitEntryChecks(requestExit)
        let requestID = recordExit(to: block.guestPC, chainable: false)
        var guestRequestExit: Label? = nil
        if chaining && !noChain && startsWithFP {
            // A block that starts with FP work: the host entry loads the guest
            // MXCSR; the guest entry, for chained jumps from blocks that end
            // with it loaded, does not.
            let body = a.newLabel(), guestExit = a.newLabel()
            enterGuestMXCSR()
            a.jmp(body)
            a.align(16)
            guestEntryOffset = a.offset
            emitEntryChecks(guestExit)
            guestRequestExit = guestExit
            a.bind(body)
        }
        for i in insts.indices {
            try emit(i)
        }
        bodySize = a.offset
        a.bind(requestExit)
        exitWithID(requestID)
        if let guestRequestExit {
            a.bind(guestRequestExit)
            emitLeaveGuestMXCSR()
            exitWithID(requestID)
        }
        if !slowPaths.isEmpty {
            // The block's PC record for the slow-path thunk (never executed).
            slowPathRecord = a.offset
            movabsRCX(block.guestPC)
        }
        for site in slowPaths { try emitSlowPath(site) }
        for stub in exitStubs {
            a.bind(stub.label)
            if let id = stub.stopID {
                addInstructionCount(stub.count)
                exitWithID(id)
            } else {
                emitDirectExit(to: stub.pc, count: stub.count, guestMXCSR: stub.guestMXCSR)
            }
        }
        // Stubs may add stubs (a slow path's exception exit): run until none is left.
        var k = 0
        while k < stubs.count {
            stubs[k]()
            k += 1
        }
        for stub in stateExitStubs {
            a.bind(stub.label)
            emitStateExit(count: stub.count)
        }
        a.finish()
    }

    /// Leave at once when the dispatcher is asked to stop (interrupts, exit)
    /// or, for round-robin CPUs, when the slice is over (the first block
    /// entry at or past the limit).
    private func emitEntryChecks(_ requestExit: Label) {
        a.alu(.cmp, Mem(.rbx, Int32(StateLayout.exitRequest)), imm: 0, .q)
        a.jcc(.ne, requestExit)
        if timeSlices {
            a.alu(.cmp, JITCompiler.instructionCounter, Mem(.rbx, Int32(StateLayout.instructionLimit)), .q)
            a.jcc(.ae, requestExit)
        }
    }

    // MARK: Operands

    @inline(__always) func size(of t: IRType) -> OpSize { t == .i64 || t == .f64 ? .q : .d }

    func constantValue(_ v: Value) -> UInt64? {
        if case .constant(let c) = loc[Int(v.index)] { return c }
        let inst = insts[Int(v.index)]
        return inst.op == .const_ ? inst.imm : nil
    }

    /// Puts value `v` into register `r` (zero-extended canonical form).
    func move(_ v: Value, into r: Reg) {
        if let c = constantValue(v) { a.mov(r, imm: c); return }
        switch loc[Int(v.index)] {
        case .reg(let s): if s != r { a.mov(r, s, .q) }
        case .spill(let slot): a.load(r, Mem(.rbx, slot), .q)
        default: preconditionFailure("value v\(v.index) has no location")
        }
    }

    /// The register holding `v`, or `scratch` after loading it there.
    func reg(_ v: Value, scratch: Reg) -> Reg {
        if constantValue(v) == nil, case .reg(let r) = loc[Int(v.index)] { return r }
        move(v, into: scratch)
        return scratch
    }

    /// An imm32 (sign-extended) for `v` when it is a constant that fits at `size`.
    func immediate(_ v: Value, _ s: OpSize) -> Int32? {
        guard let c = constantValue(v) else { return nil }
        if s == .q {
            let sc = Int64(bitPattern: c)
            return sc >= Int64(Int32.min) && sc <= Int64(Int32.max) ? Int32(sc) : nil
        }
        return Int32(bitPattern: UInt32(truncatingIfNeeded: c))
    }

    /// `op dst, v` with v as an immediate, register or spill slot.
    func aluOperand(_ op: AluOp, _ dst: Reg, _ v: Value, _ s: OpSize) {
        if let imm = immediate(v, s) { a.alu(op, dst, imm: imm, s); return }
        if constantValue(v) != nil { move(v, into: .rcx); a.alu(op, dst, .rcx, s); return }
        switch loc[Int(v.index)] {
        case .reg(let r): a.alu(op, dst, r, s)
        case .spill(let slot): a.alu(op, dst, Mem(.rbx, slot), s)
        default: preconditionFailure("value v\(v.index) has no location")
        }
    }

    /// Masks a value of a narrow type (i1, i8, i16) held in `r` to its width.
    func maskNarrow(_ r: Reg, _ t: IRType) {
        switch t {
        case .i8: a.movzx(r, r, from: .b)
        case .i16: a.movzx(r, r, from: .w)
        case .i1: a.alu(.and, r, imm: 1, .d)
        default: break
        }
    }

    // MARK: Exits

    func storePC(_ pc: UInt64) {
        let spc = Int64(bitPattern: pc)
        if spc >= Int64(Int32.min) && spc <= Int64(Int32.max) {
            a.store(Mem(.rbx, Int32(StateLayout.pc)), imm: Int32(spc), .q)
        } else {
            a.mov(.rax, imm: pc)
            a.store(Mem(.rbx, Int32(StateLayout.pc)), .rax, .q)
        }
    }

    func addInstructionCount(_ n: Int) {
        if n > 0 { a.alu(.add, JITCompiler.instructionCounter, imm: Int32(n), .q) }
    }

    func jumpToEpilogue() {
        jumpAbsolute(runtime.epilogue)
    }

    func jumpAbsolute(_ target: UInt64) {
        relative32(opcode: 0xE9, target)
    }

    /// `jmp`/`call rel32` (E9/E8) to an absolute address in the code cache.
    func relative32(opcode: UInt8, _ target: UInt64) {
        let here = base + UInt64(a.offset)
        let rel = Int64(bitPattern: target &- (here + 5))
        precondition(rel >= Int64(Int32.min) && rel <= Int64(Int32.max), "code cache too far from its stubs")
        a.put(opcode)
        a.put32(UInt32(bitPattern: Int32(rel)))
    }

    /// A new exit record leaving for `pc`; returns the id `run` returns for it.
    func recordExit(to pc: UInt64, fieldOffset: Int = 0, guestFieldOffset: Int? = nil, chainable: Bool) -> Int {
        exits.append(ExitSite(fieldOffset: fieldOffset, targetPC: pc, id: nextExitID, chainable: chainable,
                              guestFieldOffset: guestFieldOffset))
        nextExitID += 1
        return nextExitID
    }

    /// Returns exit `id` to the dispatcher (which stores its PC).
    func exitWithID(_ id: Int) {
        a.mov(.rax, imm: UInt64(id))
        jumpToEpilogue()
    }

    /// Leaves for a constant guest PC: within the block's page through a
    /// patchable jump (chaining); to another page through the jump cache (a
    /// patched jump would outlive a change of that page's mapping, while the
    /// dispatcher empties the jump cache when the context changes and drops
    /// from it what TLB maintenance changed, as for BR/BLR/RET).
    /// With `guestMXCSR` (the guest MXCSR loaded here) a chainable exit has
    /// two jumps: the first one goes to the target's guest entry when it has
    /// one, else the run of FP ops ends and the second goes to its entry.
    func emitDirectExit(to pc: UInt64, count: Int, guestMXCSR: Bool = false) {
        addInstructionCount(count)
        let id: Int
        if chaining && !noChain {
            if pc & TLB.pageMask == block.guestPC & TLB.pageMask {
                let guestField = guestMXCSR ? chainJumpPlaceholder() : nil
                if guestMXCSR { emitLeaveGuestMXCSR() }
                let field = chainJumpPlaceholder()
                id = recordExit(to: pc, fieldOffset: field, guestFieldOffset: guestField, chainable: true)
            } else {
                if guestMXCSR { emitLeaveGuestMXCSR() }
                emitJumpCacheProbe(pc)
                id = recordExit(to: pc, chainable: false)
            }
        } else {
            if guestMXCSR { emitLeaveGuestMXCSR() }
            id = recordExit(to: pc, chainable: false)
        }
        exitWithID(id)
    }

    /// A patchable `jmp rel32` that initially jumps to the next instruction;
    /// returns the offset of its rel32.
    private func chainJumpPlaceholder() -> Int {
        if alignedChains {   // the rel32 after the E9 opcode on a 4-byte boundary
            while (base + UInt64(a.offset) + 1) & 3 != 0 { a.put(0x90) }
        }
        return a.jmpRel32Placeholder()
    }

    /// Jumps to the code the jump cache holds for constant `pc`, if any (the
    /// slot is known at compile time); falls through on a miss.
    func emitJumpCacheProbe(_ pc: UInt64) {
        let slot = Int32(JumpCache.slot(va: pc) << JumpCache.slotBytesLog2)
        let miss = a.newLabel()
        a.load(.rcx, Mem(.rbx, Int32(StateLayout.jumpCache)), .q)
        a.mov(.rax, imm: pc)
        a.alu(.cmp, .rax, Mem(.rcx, slot), .q)
        a.jcc(.ne, miss)
        a.jmp(Mem(.rcx, slot + 8))
        a.bind(miss)
    }

    /// A load/store miss: the shared thunk (JITRuntime.swift, `SlowPathThunk`)
    /// with the VA in rax, a store's value in rdx, the operand after the call
    /// as the immediate of a `movabs rcx` (`SlowPathThunk`).
    func emitSlowPath(_ site: SlowPathSite) throws {
        a.bind(site.label)
        if let half = site.secondHalf { try emitQAccessSlowPath(site, half); return }
        moveArgument(site.address, into: .rax)
        if let v = site.value { moveArgument(v, into: .rdx) }
        relative32(opcode: 0xE8, site.thunk)
        let back = a.offset - slowPathRecord
        guard back < 65536 else { throw Unsupported(what: "slow path \(back) bytes after its block's record") }
        movabsRCX(site.operand | UInt64(back))   // data for the thunk
        if let r = site.result { a.mov(r, .rax, .q) }
        if let stop = site.codeWriteStop, let id = stop.stopID {
            a.alu(.cmp, Mem(.rbx, Int32(StateLayout.codeWritten)), imm: 0, .q)
            a.jcc(.e, site.done)
            addInstructionCount(stop.count)
            exitWithID(id)
        } else {
            a.jmp(site.done)
        }
    }

    /// `movabs rcx, imm64` (48 B9 imm64), always the 10-byte form.
    func movabsRCX(_ imm: UInt64) {
        a.put(0x48)
        a.put(0xB9)
        a.put64(imm)
    }

    func moveArgument(_ arg: Argument, into r: Reg) {
        switch arg {
        case .location(.reg(let s)): a.mov(r, s, .q)
        case .location(.spill(let off)): a.load(r, Mem(.rbx, off), .q)
        case .location(let l): preconditionFailure("argument has no location (\(l))")
        case .constant(let c): a.mov(r, imm: c)
        }
    }

    /// Leaves with the PC already in the state (exceptions, ERET): no chaining.
    func emitStateExit(count: Int) {
        addInstructionCount(count)
        a.alu(.xor, .rax, .rax, .d)
        jumpToEpilogue()
    }
}
