import Arch
import IR
import Machine

/// Addresses the generated code needs: the shared epilogue and the slow-path
/// helpers (per-CPU structures, such as the jump cache, it finds through the
/// state block).
struct JITRuntimeInfo {
    var epilogue: UInt64 = 0
    var loadSlow: UInt64 = 0
    var storeSlow: UInt64 = 0
    /// Shared slow-path thunks (`SlowPathThunk`): load and store, without and
    /// with the XMM registers saved.
    var loadThunk: UInt64 = 0
    var loadThunkXMM: UInt64 = 0
    var storeThunk: UInt64 = 0
    var storeThunkXMM: UInt64 = 0
    /// FP/SIMD helpers (JITCompiler+FPSIMD.swift).
    var fp: UInt64 = 0
    var vectorOp: UInt64 = 0
    /// The host's SSE4.1/4.2/FMA (cpuid at start-up): without SSE4.1 every
    /// FP/SIMD op takes the helper path.
    var features = HostFeatures()
}

/// A cache for indirect branches: guest VA -> host code of the block
/// translated for one context (a bank of `JumpCacheBanks`). Emptied when the
/// set of blocks changes, and of what TLB maintenance changed.
final class JumpCache {
    static let entries = 4096
    static let entriesLog2 = 12
    /// A slot is (va, host): 16 bytes.
    static let slotBytesLog2 = 4
    /// The slot of a VA: (va >> hashShift) mod entries (instructions are 4-byte aligned).
    static let hashShift = 2
    @inline(__always) static func slot(va: UInt64) -> Int { Int((va >> UInt64(hashShift)) & UInt64(entries - 1)) }
    let table: UnsafeMutablePointer<UInt64>   // pairs (va, host)

    /// The slots filled since the last flush (up to `trackedInserts`; past
    /// that, `inserts` says to empty every slot): a flush after a short run,
    /// as after each TLB flush of a realm switching MECIDs, is a few stores.
    static let trackedInserts = 64
    private let inserted = UnsafeMutablePointer<Int>.allocate(capacity: JumpCache.trackedInserts)
    private var inserts = JumpCache.entries   // unknown: the first flush empties all

    /// Which VA pages and 2 MiB blocks may have filled slots since the last
    /// flush (a bit per page number mod 1024, per block number mod 64; set
    /// by `insert`, cleared by `flush` only): most TLBIs by VA name pages of
    /// data, which `drop` then leaves without looking at a slot.
    private let pageFilter = UnsafeMutablePointer<UInt64>.allocate(capacity: 16)
    private var blockFilter: UInt64 = 0
    static let vaBits: UInt64 = 0x00FF_FFFF_FFFF_FFFF

    init() {
        table = .allocate(capacity: 2 * JumpCache.entries)
        pageFilter.initialize(repeating: 0, count: 16)
        flush()
    }
    deinit {
        table.deallocate()
        inserted.deallocate()
        pageFilter.deallocate()
    }

    @inline(__always) private static func pageBit(_ va: UInt64) -> Int { Int((va & vaBits) >> 12 & 1023) }
    @inline(__always) private static func blockBit(_ va: UInt64) -> UInt64 { 1 << ((va & vaBits) >> 21 & 63) }

    /// Empties every slot. An empty slot i holds a key that indexes slot i+1,
    /// so no address looked up in slot i can match it (and odd keys never match
    /// an aligned PC; a misaligned target goes to the dispatcher, which faults).
    func flush() {
        if inserts <= JumpCache.trackedInserts {
            for k in 0..<inserts { empty(inserted[k]) }
        } else {
            for i in 0..<JumpCache.entries { empty(i) }
        }
        inserts = 0
        for w in 0..<16 { pageFilter[w] = 0 }
        blockFilter = 0
    }

    @inline(__always) private func empty(_ i: Int) {
        table[2 * i] = UInt64((i + 1) & (JumpCache.entries - 1)) << UInt64(JumpCache.hashShift) | 1
        table[2 * i + 1] = 0
    }

    /// Empties the slots holding a VA in the block of 2^bits bytes at
    /// `base` (VA bits 55:0 compared, as a TLBI by VA does): those of its
    /// VAs' slots for a block smaller than the table's reach, else every
    /// slot, or only the slots filled since the last flush when they are known.
    func drop(base: UInt64, bits: Int) {
        if bits <= 21 && blockFilter & JumpCache.blockBit(base) == 0 { return }
        if bits <= 12 {
            let p = JumpCache.pageBit(base)
            if pageFilter[p >> 6] & (1 << UInt64(p & 63)) == 0 { return }
        }
        @inline(__always) func dropIfHeld(_ i: Int) {
            if ((table[2 * i] ^ base) & JumpCache.vaBits) >> UInt64(bits) == 0 { empty(i) }
        }
        if inserts <= JumpCache.trackedInserts {
            for k in 0..<inserts { dropIfHeld(inserted[k]) }
        } else if bits - JumpCache.hashShift < JumpCache.entriesLog2 {
            let first = JumpCache.slot(va: base)
            for k in 0..<(1 << (bits - JumpCache.hashShift)) { dropIfHeld((first + k) & (JumpCache.entries - 1)) }
        } else {
            for i in 0..<JumpCache.entries { dropIfHeld(i) }
        }
    }

    /// Drops what the TLB maintenance in `changes` may have made stale for
    /// code run under MMU index `mmuIndex`.
    func drop(_ changes: TranslationChanges, mmuIndex: Int) {
        let bit = UInt32(1) << UInt32(mmuIndex)
        if changes.everything & bit != 0 { flush(); return }
        guard changes.blockIndexes & bit != 0 else { return }
        for entry in changes.blocks {
            let (base, bits) = TranslationChanges.block(entry)
            drop(base: base, bits: bits)
        }
    }

    /// Empties the slot of `va` when it holds `host` (a block that went away).
    func drop(va: UInt64, host: UInt64) {
        let i = JumpCache.slot(va: va)
        if table[2 * i] == va && table[2 * i + 1] == host { empty(i) }
    }

    func insert(va: UInt64, host: UInt64) {
        let i = JumpCache.slot(va: va)
        table[2 * i] = va
        table[2 * i + 1] = host
        let p = JumpCache.pageBit(va)
        pageFilter[p >> 6] |= 1 << UInt64(p & 63)
        blockFilter |= JumpCache.blockBit(va)
        if inserts < JumpCache.trackedInserts { inserted[inserts] = i }
        if inserts <= JumpCache.trackedInserts { inserts += 1 }
    }

    var address: UInt64 { UInt64(UInt(bitPattern: table)) }
}

/// What a load/store slow-path site tells the shared thunk, packed into one
/// constant by the compiler and unpacked by the thunk and the slow path:
/// the distance back from the site's return address to its block's PC record
/// (bits 0-15, `back`), the guest instructions the block completed before the
/// access (bits 16-31: the access's PC is the block's PC plus four times that,
/// and an exception in the slow path counts them as retired), log2 of the
/// access size in bytes (bits 32-34), the MMU index (bits 35-39) and the
/// access's flags (bits 40-63; `AccessFlags`, which need fewer than 24 bits).
struct SlowPathOperand: Equatable {
    var bytes: Int
    var mmuIndex: Int
    var flags: AccessFlags
    var retired = 0
    var back = 0

    /// Whether an access has a packed form (else the JIT leaves its block to the interpreter).
    static func fits(bytes: Int, mmuIndex: Int, flags: AccessFlags) -> Bool {
        bytes.nonzeroBitCount == 1 && bytes <= 64 && mmuIndex < 32 && flags.rawValue >> 24 == 0
    }

    init(bytes: Int, mmuIndex: Int, flags: AccessFlags, retired: Int = 0, back: Int = 0) {
        precondition(SlowPathOperand.fits(bytes: bytes, mmuIndex: mmuIndex, flags: flags) && retired < 65536 && back < 65536)
        self.bytes = bytes
        self.mmuIndex = mmuIndex
        self.flags = flags
        self.retired = retired
        self.back = back
    }

    @inline(__always) init(packed p: UInt64) {
        back = Int(p & 0xFFFF)
        retired = Int((p >> 16) & 0xFFFF)
        bytes = 1 << Int((p >> 32) & 7)
        mmuIndex = Int((p >> 35) & 0x1F)
        flags = AccessFlags(rawValue: p >> 40)
    }

    var packed: UInt64 {
        UInt64(back) | UInt64(retired) << 16 | UInt64(bytes.trailingZeroBitCount) << 32 | UInt64(mmuIndex) << 35
            | flags.rawValue << 40
    }
}

/// The out-of-line part of every load/store miss, shared by all blocks, so a
/// block's slow path is a few bytes. A block calls it with the VA in rax (and
/// a store's value in rdx); the call is followed by `movabs rcx, operand`
/// (its `SlowPathOperand`, as the immediate the thunk reads: a real
/// instruction, so the code disassembles, and harmless when it runs after the
/// return). The operand's `back` leads to the block's PC record, a `movabs
/// rcx, guest PC of the block` the block has before its first slow path
/// (never executed); the access's PC is that plus four times `retired`. The
/// thunk saves the allocatable caller-saved registers (and xmm2-xmm14 in the
/// XMM variant), records the PC as `faultPC`, calls the Machine's slow path,
/// and returns with the loaded value in rax; when the access took an
/// exception it leaves the block instead, counting the retired instructions.
enum SlowPathThunk {
    /// Offset of the operand immediate from the return address, and of the PC
    /// in the block's record.
    static let operandImmediate: Int32 = 2
    static let recordImmediate: Int32 = 2
    static let saved: [Reg] = [.rsi, .rdi, .r8, .r9, .r10, .r11]

    static func emit(_ a: X64Assembler, slowPath fn: UInt64, store: Bool, xmm: Bool, epilogue: Label) {
        for r in saved { a.push(r) }
        // Entered with rsp = 16n - 8 (the call); six pushes keep that parity.
        let xmmBytes = xmm ? Int32(16 * JITCompiler.allocatableXMM.count) : 0
        a.alu(.sub, .rsp, imm: 8 + xmmBytes, .q)
        if xmm {
            for (k, x) in JITCompiler.allocatableXMM.enumerated() { a.movdqu(Mem(.rsp, Int32(16 * k)), x) }
        }
        let returnAddress = Mem(.rsp, 8 + xmmBytes + Int32(8 * saved.count))
        a.load(.rcx, returnAddress, .q)                         // the movabs after the call
        a.load(.rsi, Mem(.rcx, operandImmediate), .w)           // back
        a.mov(.rdi, .rcx, .q)
        a.alu(.sub, .rdi, .rsi, .q)
        a.load(.rdi, Mem(.rdi, recordImmediate), .q)            // the block's PC
        a.load(.rsi, Mem(.rcx, operandImmediate + 2), .w)       // retired
        a.lea(.rdi, Mem(base: .rdi, index: .rsi, scale: 4, disp: 0))
        a.store(Mem(.rbx, Int32(StateLayout.faultPC)), .rdi, .q)
        a.mov(.rsi, .rax, .q)                                   // va
        if store {
            a.load(.rcx, Mem(.rcx, operandImmediate), .q)       // (state, va, value, operand)
        } else {
            a.load(.rdx, Mem(.rcx, operandImmediate), .q)       // (state, va, operand, _)
        }
        a.mov(.rdi, .rbx, .q)
        a.call(absolute: fn, scratch: .rax)
        if xmm {
            for (k, x) in JITCompiler.allocatableXMM.enumerated() { a.movdqu(x, Mem(.rsp, Int32(16 * k))) }
        }
        a.alu(.add, .rsp, imm: 8 + xmmBytes, .q)
        for r in saved.reversed() { a.pop(r) }
        let raised = a.newLabel()
        a.load(.rcx, Mem(.rsp), .q)
        a.alu(.cmp, Mem(.rbx, Int32(StateLayout.exceptionTaken)), imm: 0, .q)
        a.jcc(.ne, raised)
        a.ret()
        a.bind(raised)
        a.load(.rcx, Mem(.rcx, operandImmediate + 2), .w)       // retired (bits 16-31 of the operand)
        a.alu(.add, JITCompiler.instructionCounter, .rcx, .q)
        a.alu(.add, .rsp, imm: 8, .q)                           // drop the return address
        a.alu(.xor, .rax, .rax, .d)
        a.jmp(epilogue)
    }
}

let jitLoadSlow: HelperFunction = { state, va, packed, _ in
    let cpu = CPU.from(state: state)
    let op = SlowPathOperand(packed: packed)
    return cpu.loadSlow(va: va, size: op.bytes, mmuIndex: op.mmuIndex, flags: op.flags)
}

let jitStoreSlow: HelperFunction = { state, va, value, packed in
    let cpu = CPU.from(state: state)
    let op = SlowPathOperand(packed: packed)
    cpu.storeSlow(va: va, size: op.bytes, value: value, mmuIndex: op.mmuIndex, flags: op.flags)
    return 0
}

/// The JIT engine: compiles blocks into the code cache, enters them through a
/// trampoline, chains direct exits, and unchains blocks that are invalidated.
final class JITEngine {
    typealias Entry = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer) -> UInt64

    let cache: CodeCache
    /// One set of jump caches per CPU (`addJumpCache`), all flushed with the code.
    private(set) var jumpCaches: [JumpCacheBanks] = []
    /// Blocks check the CPU's instruction limit at entry (round-robin CPUs).
    let timeSlices: Bool
    /// CPUs run the code on their own threads: chained jumps have their
    /// rel32 4-byte aligned, so a patch is one atomic store.
    let threaded: Bool
    /// The last compile found the code cache full and was not allowed to
    /// empty it (CPUs on threads: the dispatcher empties it).
    private(set) var full = false
    private(set) var info = JITRuntimeInfo()
    private let entry: Entry
    let chaining: Bool

    struct ExitRecord {
        let fieldAddress: UInt64       // executable address of the rel32 field
        /// The rel32 field of the jump taken with the guest MXCSR loaded
        /// (to a guest entry), or 0; and the field a chain patched.
        var guestFieldAddress: UInt64 = 0
        var patchedField: UInt64 = 0
        let targetPC: UInt64
        let sourcePage: UInt64         // guest VA page of the source block
        var chainedTo: TranslatedBlock?
        /// The source block was invalidated: never chain this exit again.
        var dead = false
    }
    private(set) var exitRecords: [ExitRecord] = []
    /// Exits chained into each block (to unpatch when it goes away).
    private var incoming: [ObjectIdentifier: [Int]] = [:]
    private(set) var hostBytes = 0
    /// The compiler, kept from block to block (its buffers with it).
    private let compiler: JITCompiler
    /// The code of the block compiled last (for `-d out_asm`).
    var lastCode: CompiledCode { compiler.lastCode }
    private(set) var compiledBlocks = 0
    private(set) var fallbackBlocks = 0
    private(set) var chainsMade = 0
    private(set) var flushes = 0

    /// `features` replaces the host's (tests of the paths for older CPUs);
    /// `timeSlices`: blocks check the CPU's instruction limit (round-robin CPUs).
    init(chaining: Bool, timeSlices: Bool = false, threaded: Bool = false, features: HostFeatures? = nil) throws {
        self.chaining = chaining
        self.timeSlices = timeSlices
        self.threaded = threaded
        cache = try CodeCache()
        // Trampoline: entry(state, code). Saves the callee-saved registers,
        // pins the state in rbx, aligns the stack, jumps to the block.
        let a = X64Assembler()
        for r in [Reg.rbp, .rbx, .r12, .r13, .r14, .r15] { a.push(r) }
        a.alu(.sub, .rsp, imm: 8, .q)
        a.mov(.rbx, .rdi, .q)
        a.load(JITCompiler.instructionCounter, Mem(.rbx, Int32(StateLayout.instructionCount)), .q)
        // The thread's MXCSR, which scalar FP code restores after computing
        // under the guest's rounding mode (JITCompiler+FPScalar.swift).
        a.stmxcsr(Mem(.rbx, JITCompiler.hostMXCSRSaved))
        a.jmp(.rsi)
        a.align(16)
        let epilogueOffset = a.offset
        let epilogue = a.newLabel()
        a.bind(epilogue)
        a.ldmxcsr(Mem(.rbx, JITCompiler.hostMXCSRSaved))
        a.store(Mem(.rbx, Int32(StateLayout.instructionCount)), JITCompiler.instructionCounter, .q)
        a.alu(.add, .rsp, imm: 8, .q)
        for r in [Reg.r15, .r14, .r13, .r12, .rbx, .rbp] { a.pop(r) }
        a.ret()
        let loadSlow = UInt64(UInt(bitPattern: unsafeBitCast(jitLoadSlow, to: UnsafeRawPointer.self)))
        let storeSlow = UInt64(UInt(bitPattern: unsafeBitCast(jitStoreSlow, to: UnsafeRawPointer.self)))
        var thunks: [Int] = []
        for (fn, store, xmm) in [(loadSlow, false, false), (loadSlow, false, true), (storeSlow, true, false), (storeSlow, true, true)] {
            a.align(16)
            thunks.append(a.offset)
            SlowPathThunk.emit(a, slowPath: fn, store: store, xmm: xmm, epilogue: epilogue)
        }
        a.align(16)
        let probeOffset = a.offset
        HostFeatures.emitProbe(a)
        a.finish()
        guard let start = cache.append(a.bytes) else { throw CodeCache.Failure(description: "code cache too small") }
        cache.markReserved()
        typealias Probe = @convention(c) () -> UInt64
        let probe = unsafeBitCast(cache.executablePointer(start + probeOffset), to: Probe.self)()
        info.features = features ?? HostFeatures(cpuid1ECX: UInt32(truncatingIfNeeded: probe), xcr0: (probe >> 32) & 0x7FFF_FFFF,
                                                     cpuid7EBX: UInt32(probe >> 63) << 29)
        entry = unsafeBitCast(cache.executablePointer(start), to: Entry.self)
        info.epilogue = cache.executableAddress(start + epilogueOffset)
        info.loadSlow = loadSlow
        info.storeSlow = storeSlow
        info.loadThunk = cache.executableAddress(start + thunks[0])
        info.loadThunkXMM = cache.executableAddress(start + thunks[1])
        info.storeThunk = cache.executableAddress(start + thunks[2])
        info.storeThunkXMM = cache.executableAddress(start + thunks[3])
        info.fp = UInt64(UInt(bitPattern: unsafeBitCast(jitFP, to: UnsafeRawPointer.self)))
        info.vectorOp = UInt64(UInt(bitPattern: unsafeBitCast(jitVectorOp, to: UnsafeRawPointer.self)))
        compiler = JITCompiler(runtime: info, timeSlices: timeSlices, threaded: threaded)
    }

    /// Compiles `block` into host code; false when the compiler cannot handle it
    /// (the interpreter then runs that block). A full code cache is emptied
    /// and `onFlush` called; without `onFlush` the compile fails and `full` is set.
    func compile(_ block: TranslatedBlock, mmuIndex: Int, onFlush: (() -> Void)?) -> Bool {
        for attempt in 0..<2 {
            let base = cache.executableAddress((cache.used + 15) & ~15)
            compiler.reset(block: block.ir, base: base, mmuIndex: mmuIndex, firstExitID: exitRecords.count,
                           chaining: chaining)
            do {
                try compiler.compile()
            } catch {
                fallbackBlocks += 1
                return false
            }
            guard let offset = cache.append(compiler.a.bytes) else {
                guard let onFlush else {
                    full = true
                    fallbackBlocks += 1
                    return false
                }
                if attempt == 0 { flushAll(); onFlush(); continue }
                fallbackBlocks += 1
                return false
            }
            precondition(cache.executableAddress(offset) == base)
            block.hostCode = cache.executablePointer(offset)
            block.guestMXCSREntry = compiler.guestEntryOffset.map { cache.executablePointer(offset + $0) }
            block.firstExit = exitRecords.count
            block.exitCount = compiler.exits.count
            let page = block.ir.guestPC & TLB.pageMask
            for e in compiler.exits {
                precondition(e.id == exitRecords.count)
                exitRecords.append(ExitRecord(fieldAddress: base + UInt64(e.fieldOffset),
                                              guestFieldAddress: e.guestFieldOffset.map { base + UInt64($0) } ?? 0,
                                              targetPC: e.targetPC, sourcePage: page, chainedTo: nil,
                                              dead: !e.chainable))
            }
            hostBytes += compiler.a.offset
            compiledBlocks += 1
            return true
        }
        return false
    }

    /// Runs host code until it returns; the result identifies the exit taken
    /// (0: none, the code stored the PC). An exit with an id leaves its PC to
    /// its record (code size: no PC store per exit), stored here.
    @inline(__always) func run(_ block: TranslatedBlock, state: UnsafeMutableRawPointer) -> Int {
        let id = Int(entry(state, block.hostCode!))
        if id > 0 { storeExitPC(id, state: state) }
        return id
    }

    /// Runs host code until it returns; the caller stores the exit's PC
    /// (`storeExitPC`, under the translation lock when CPUs have threads).
    @inline(__always) func enter(_ block: TranslatedBlock, state: UnsafeMutableRawPointer) -> Int {
        Int(entry(state, block.hostCode!))
    }

    /// Stores the guest PC of exit `id` (> 0) as the CPU's PC.
    @inline(__always) func storeExitPC(_ id: Int, state: UnsafeMutableRawPointer) {
        state.storeBytes(of: exitRecords[id - 1].targetPC, toByteOffset: StateLayout.pc, as: UInt64.self)
    }

    /// The jump caches of the CPU with this state block, whose code reaches
    /// the current one through `StateLayout.jumpCache`.
    @discardableResult
    func addJumpCache(state: UnsafeMutableRawPointer) -> JumpCacheBanks {
        let j = JumpCacheBanks(state: state)
        jumpCaches.append(j)
        return j
    }

    /// Empties every CPU's jump caches (blocks went away).
    func flushJumpCaches() {
        for j in jumpCaches { j.flushAll() }
    }

    /// Drops `blocks` from every CPU's jump caches (each can be only in its
    /// VA's slot), keeping the rest.
    func dropFromJumpCaches(_ blocks: [TranslatedBlock]) {
        for b in blocks {
            guard let host = b.hostCode else { continue }
            for j in jumpCaches { j.drop(va: b.key.va, host: UInt64(UInt(bitPattern: host))) }
        }
    }

    /// Chains exit `exitID` (as returned by `run`) to `target`, when it is a
    /// direct branch within the same guest page.
    func chain(exit exitID: Int, to target: TranslatedBlock) {
        guard exitID > 0, exitID <= exitRecords.count, let host = target.hostCode else { return }
        var rec = exitRecords[exitID - 1]
        guard rec.chainedTo == nil, !rec.dead, rec.targetPC == target.ir.guestPC,
              rec.sourcePage == target.ir.guestPC & TLB.pageMask else { return }
        // An exit with the guest MXCSR loaded keeps it into a guest entry.
        if rec.guestFieldAddress != 0, let guestEntry = target.guestMXCSREntry {
            rec.patchedField = rec.guestFieldAddress
            patch(field: rec.patchedField, to: UInt64(UInt(bitPattern: guestEntry)))
        } else {
            rec.patchedField = rec.fieldAddress
            patch(field: rec.patchedField, to: UInt64(UInt(bitPattern: host)))
        }
        rec.chainedTo = target
        exitRecords[exitID - 1] = rec
        incoming[ObjectIdentifier(target), default: []].append(exitID - 1)
        chainsMade += 1
    }

    /// Forgets a block that is being dropped: the chains into it are undone
    /// (those exits return to the dispatcher again) and its own exits are
    /// taken out of their targets' lists and never chained again. Its code
    /// stays in place (it may be running: the writing instruction is in it)
    /// until the code cache is flushed.
    func release(_ block: TranslatedBlock) {
        if let list = incoming.removeValue(forKey: ObjectIdentifier(block)) {
            for k in list {
                let rec = exitRecords[k]
                patch(field: rec.patchedField, to: rec.patchedField + 4)   // back to the fall-through
                exitRecords[k].chainedTo = nil
            }
        }
        guard block.hostCode != nil, block.firstExit + block.exitCount <= exitRecords.count else { return }
        for k in block.firstExit ..< block.firstExit + block.exitCount {
            exitRecords[k].dead = true
            guard let target = exitRecords[k].chainedTo else { continue }
            exitRecords[k].chainedTo = nil
            let id = ObjectIdentifier(target)
            if var list = incoming[id], let i = list.firstIndex(of: k) {
                list.swapAt(i, list.count - 1)
                list.removeLast()
                incoming[id] = list.isEmpty ? nil : list
            }
        }
    }

    /// Points the rel32 of a jump at `target`. With CPUs on threads the
    /// field is 4-byte aligned (`alignedChains`), so another CPU running
    /// the jump sees the old or the new displacement, never a mix.
    private func patch(field: UInt64, to target: UInt64) {
        let rel = Int64(bitPattern: target &- (field + 4))
        let w = cache.writableAddress(forExecutable: field)
        w.storeBytes(of: Int32(rel).littleEndian, as: Int32.self)
    }

    /// Drops all translated code.
    func flushAll() {
        full = false
        cache.flush()
        exitRecords.removeAll()
        incoming.removeAll()
        flushJumpCaches()
        flushes += 1
    }
}
