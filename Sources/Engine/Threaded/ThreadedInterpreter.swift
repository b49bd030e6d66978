import Arch
import IR
import Machine

/// Runs pre-decoded blocks (ThreadedCode.swift): one switch over a byte per
/// op, operands read from the value slots by index, constants and state
/// offsets inline. A direct exit chained to another block (same guest page,
/// no context change in the block) goes on in that block without returning
/// to the dispatcher, unless the CPU is asked to stop, an interrupt waits or
/// code was written. The IR interpreter (Interpreter.swift) stays the
/// reference it is tested against.
final class ThreadedInterpreter {
    private var values: UnsafeMutablePointer<UInt64>
    /// Bits 127:64 of v128 values.
    private var high: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private let ffi = FFIHelperCaller()
    private let helpers: UnsafeMutablePointer<HelperFunction>
    /// FP ops on the host's SSE unit when provably exact (HostFP.swift).
    private let hostFP = HostFP()
    /// The last direct exit taken (its code and op index), for the dispatcher
    /// to chain to the block it finds next; nil when the run ended otherwise.
    private(set) var lastExit: (code: Unmanaged<ThreadedCode>, op: Int)?
    private(set) var chainsMade = 0

    init() {
        capacity = 1024
        values = .allocate(capacity: capacity)
        high = .allocate(capacity: capacity)
        let table = HelperTable.functions
        helpers = .allocate(capacity: table.count)
        _ = UnsafeMutableBufferPointer(start: helpers, count: table.count).initialize(from: table)
    }

    deinit {
        values.deallocate()
        high.deallocate()
        helpers.deallocate()
    }

    /// The direct exit the last run left by, if it may be chained (once).
    func takeLastExit() -> (code: Unmanaged<ThreadedCode>, op: Int)? {
        defer { lastExit = nil }
        return lastExit
    }

    /// Chains `exit` (from `takeLastExit`) to `target`, the block the
    /// dispatcher found next, when both allow it.
    func chain(_ exit: (code: Unmanaged<ThreadedCode>, op: Int), to target: TranslatedBlock) {
        guard let code = target.threaded else { return }
        let (source, k) = exit
        let s = source.takeUnretainedValue()
        let h = s.header
        guard h.pointee.chainable, h.pointee.valid != 0, code.header.pointee.valid != 0,
              s.ops[k].m == 0, s.ops[k].imm == target.ir.guestPC,
              h.pointee.guestPC & TLB.pageMask == target.ir.guestPC & TLB.pageMask else { return }
        s.ops[k].m = UInt64(UInt(bitPattern: code.header))
        s.links.append(target)
        chainsMade += 1
    }

    private func ensureCapacity(_ n: Int) {
        guard n > capacity else { return }
        values.deallocate()
        high.deallocate()
        capacity = n * 2
        values = .allocate(capacity: capacity)
        high = .allocate(capacity: capacity)
    }

    /// Runs `code` (and what it chains to, with `chain`). On return the PC
    /// in the state is the next PC (or the exception vector); the result is
    /// the number of guest instructions executed.
    func execute(_ code: ThreadedCode, cpu: CPU, chain: Bool) -> Int {
        lastExit = nil
        ensureCapacity(code.header.pointee.slots)
        let state = cpu.state
        let v = values
        let vh = high
        let ffi = self.ffi
        let helpers = self.helpers
        let hostFP = self.hostFP
        let capacity = self.capacity
        let mmuIndex = cpu.mmuIndex
        let unprivilegedIndex = CPU.unprivilegedIndex(mmuIndex)
        var header = code.header
        var ops = code.ops
        var p = ops
        var done = 0
        var guestPC = header.pointee.guestPC

        @inline(__always) func pcOf(_ n: UInt16) -> UInt64 { guestPC &+ UInt64(n &- 1) &* 4 }
        @inline(__always) func leave(_ pc: UInt64) { state.storeBytes(of: pc, toByteOffset: StateLayout.pc, as: UInt64.self) }
        @inline(__always) func raised() -> Bool {
            state.load(fromByteOffset: StateLayout.exceptionTaken, as: UInt64.self) != 0
        }

        while true {
            let i = p.pointee
            switch i.op {
            case .generic:
                ThreadedInterpreter.generic(header, Int(i.d), v, vh, state)
            case .check:
                if state.load(fromByteOffset: StateLayout.codeWritten, as: UInt64.self) != 0 {
                    leave(i.imm)
                    return done + Int(i.n)
                }
            case .const_:
                v[Int(i.d)] = i.imm
            case .getReg:
                v[Int(i.d)] = state.load(fromByteOffset: Int(i.imm), as: UInt64.self)
            case .setReg:
                state.storeBytes(of: v[Int(i.a)], toByteOffset: Int(i.imm), as: UInt64.self)
            case .setRegI:
                state.storeBytes(of: i.imm, toByteOffset: Int(i.m), as: UInt64.self)
            case .getFlags:
                v[Int(i.d)] = FlagsWord.nzcv(fromWord: state.load(fromByteOffset: StateLayout.nzcv, as: UInt64.self))
            case .setFlags:
                state.storeBytes(of: FlagsWord.word(fromNZCV: v[Int(i.a)]), toByteOffset: StateLayout.nzcv, as: UInt64.self)
            case .add: v[Int(i.d)] = (v[Int(i.a)] &+ v[Int(i.b)]) & i.m
            case .addI: v[Int(i.d)] = (v[Int(i.a)] &+ i.imm) & i.m
            case .sub: v[Int(i.d)] = (v[Int(i.a)] &- v[Int(i.b)]) & i.m
            case .subI: v[Int(i.d)] = (v[Int(i.a)] &- i.imm) & i.m
            case .mul: v[Int(i.d)] = (v[Int(i.a)] &* v[Int(i.b)]) & i.m
            case .mulI: v[Int(i.d)] = (v[Int(i.a)] &* i.imm) & i.m
            case .and: v[Int(i.d)] = v[Int(i.a)] & v[Int(i.b)]
            case .andI: v[Int(i.d)] = v[Int(i.a)] & i.imm
            case .or: v[Int(i.d)] = v[Int(i.a)] | v[Int(i.b)]
            case .orI: v[Int(i.d)] = v[Int(i.a)] | i.imm
            case .xor: v[Int(i.d)] = v[Int(i.a)] ^ v[Int(i.b)]
            case .xorI: v[Int(i.d)] = v[Int(i.a)] ^ i.imm
            case .shl: v[Int(i.d)] = (v[Int(i.a)] << (v[Int(i.b)] & UInt64(i.x))) & i.m
            case .shlI: v[Int(i.d)] = (v[Int(i.a)] << i.imm) & i.m
            case .lshr: v[Int(i.d)] = v[Int(i.a)] >> (v[Int(i.b)] & UInt64(i.x))
            case .lshrI: v[Int(i.d)] = v[Int(i.a)] >> i.imm
            case .ashr:
                let s = v[Int(i.b)] & UInt64(63 - i.x)
                v[Int(i.d)] = UInt64(bitPattern: (Int64(bitPattern: v[Int(i.a)] << UInt64(i.x)) >> UInt64(i.x)) >> Int64(s)) & i.m
            case .ashrI:
                v[Int(i.d)] = UInt64(bitPattern: (Int64(bitPattern: v[Int(i.a)] << UInt64(i.x)) >> UInt64(i.x)) >> Int64(i.imm)) & i.m
            case .rorI:
                let a = v[Int(i.a)]
                v[Int(i.d)] = ((a >> i.imm) | (a << (UInt64(i.x) &- i.imm))) & i.m
            case .not: v[Int(i.d)] = ~v[Int(i.a)] & i.m
            case .neg: v[Int(i.d)] = (0 &- v[Int(i.a)]) & i.m
            case .mask: v[Int(i.d)] = v[Int(i.a)] & i.m
            case .sext:
                v[Int(i.d)] = UInt64(bitPattern: Int64(bitPattern: v[Int(i.a)] << UInt64(i.x)) >> UInt64(i.x)) & i.m
            case .select:
                v[Int(i.d)] = v[Int(i.a)] & 1 == 1 ? v[Int(i.b)] : v[Int(i.c)]
            case .addCarry:
                v[Int(i.d)] = (v[Int(i.a)] &+ v[Int(i.b)] &+ v[Int(i.c)]) & i.m
            case .nzcvAdd64:
                v[Int(i.d)] = IRSemantics.nzcvAdd(.i64, v[Int(i.a)], v[Int(i.b)], v[Int(i.c)])
            case .nzcvAdd:
                v[Int(i.d)] = ThreadedInterpreter.nzcvAdd(mask: i.m, v[Int(i.a)], v[Int(i.b)], v[Int(i.c)])
            case .nzcvLogic:
                let r = v[Int(i.a)]
                v[Int(i.d)] = (r & i.imm != 0 ? 1 << 31 : 0) | (r == 0 ? 1 << 30 : 0)
            case .nzcvAdd64S, .nzcvAddS, .nzcvLogicS:
                let f: UInt64
                switch i.op {
                case .nzcvAdd64S: f = IRSemantics.nzcvAdd(.i64, v[Int(i.a)], v[Int(i.b)], v[Int(i.c)])
                case .nzcvAddS: f = ThreadedInterpreter.nzcvAdd(mask: i.m, v[Int(i.a)], v[Int(i.b)], v[Int(i.c)])
                default:
                    let r = v[Int(i.a)]
                    f = (r & i.imm != 0 ? 1 << 31 : 0) | (r == 0 ? 1 << 30 : 0)
                }
                v[Int(i.d)] = f
                state.storeBytes(of: FlagsWord.word(fromNZCV: f), toByteOffset: StateLayout.nzcv, as: UInt64.self)
            case .addSh, .subSh, .andSh, .orSh, .xorSh:
                let b = v[Int(i.b)]
                let s = i.x == 0 ? b << i.imm : b >> i.imm
                let a = v[Int(i.a)]
                let r: UInt64
                switch i.op {
                case .addSh: r = a &+ s
                case .subSh: r = a &- s
                case .andSh: r = a & s
                case .orSh: r = a | s
                default: r = a ^ s
                }
                v[Int(i.d)] = r & i.m
            case .condHolds:
                v[Int(i.d)] = IRSemantics.conditionHolds(UInt64(i.x), v[Int(i.a)])
            case .eq: v[Int(i.d)] = v[Int(i.a)] == v[Int(i.b)] ? 1 : 0
            case .eqI: v[Int(i.d)] = v[Int(i.a)] == i.imm ? 1 : 0
            case .ne: v[Int(i.d)] = v[Int(i.a)] != v[Int(i.b)] ? 1 : 0
            case .neI: v[Int(i.d)] = v[Int(i.a)] != i.imm ? 1 : 0
            case .ult: v[Int(i.d)] = v[Int(i.a)] < v[Int(i.b)] ? 1 : 0
            case .ultI: v[Int(i.d)] = v[Int(i.a)] < i.imm ? 1 : 0
            case .ule: v[Int(i.d)] = v[Int(i.a)] <= v[Int(i.b)] ? 1 : 0
            case .uleI: v[Int(i.d)] = v[Int(i.a)] <= i.imm ? 1 : 0
            case .ugt: v[Int(i.d)] = v[Int(i.a)] > v[Int(i.b)] ? 1 : 0
            case .ugtI: v[Int(i.d)] = v[Int(i.a)] > i.imm ? 1 : 0
            case .uge: v[Int(i.d)] = v[Int(i.a)] >= v[Int(i.b)] ? 1 : 0
            case .ugeI: v[Int(i.d)] = v[Int(i.a)] >= i.imm ? 1 : 0
            case .slt: v[Int(i.d)] = signed(v[Int(i.a)], i.x) < signed(v[Int(i.b)], i.x) ? 1 : 0
            case .sltI: v[Int(i.d)] = signed(v[Int(i.a)], i.x) < signed(i.imm, i.x) ? 1 : 0
            case .sle: v[Int(i.d)] = signed(v[Int(i.a)], i.x) <= signed(v[Int(i.b)], i.x) ? 1 : 0
            case .sleI: v[Int(i.d)] = signed(v[Int(i.a)], i.x) <= signed(i.imm, i.x) ? 1 : 0
            case .sgt: v[Int(i.d)] = signed(v[Int(i.a)], i.x) > signed(v[Int(i.b)], i.x) ? 1 : 0
            case .sgtI: v[Int(i.d)] = signed(v[Int(i.a)], i.x) > signed(i.imm, i.x) ? 1 : 0
            case .sge: v[Int(i.d)] = signed(v[Int(i.a)], i.x) >= signed(v[Int(i.b)], i.x) ? 1 : 0
            case .sgeI: v[Int(i.d)] = signed(v[Int(i.a)], i.x) >= signed(i.imm, i.x) ? 1 : 0
            case .load8, .load16, .load32, .load64:
                let va = v[Int(i.a)]
                let idx = i.x == 0 ? mmuIndex : unprivilegedIndex
                if let host = TLBFastPath.host(state, mmuIndex: idx, va: va, tagOffset: TLB.readTagOffset, compareMask: i.m) {
                    v[Int(i.d)] = TLBFastPath.load(host, size: ThreadedInterpreter.size(i.op))
                } else {
                    v[Int(i.d)] = ThreadedInterpreter.loadSlow(cpu, va: va, op: i.op, mmuIndex: idx, flags: i.imm, pc: pcOf(i.n))
                    if raised() { return done + Int(i.n) - 1 }
                }
            case .store8, .store16, .store32, .store64:
                let va = v[Int(i.a)]
                let value = v[Int(i.b)]
                let idx = i.x == 0 ? mmuIndex : unprivilegedIndex
                if let host = TLBFastPath.host(state, mmuIndex: idx, va: va, tagOffset: TLB.writeTagOffset, compareMask: i.m) {
                    TLBFastPath.store(host, size: ThreadedInterpreter.size(i.op), value)
                } else {
                    ThreadedInterpreter.storeSlow(cpu, va: va, value: value, op: i.op, mmuIndex: idx, flags: i.imm, pc: pcOf(i.n))
                    if raised() { return done + Int(i.n) - 1 }
                }
            case .call:
                state.storeBytes(of: pcOf(i.n), toByteOffset: StateLayout.faultPC, as: UInt64.self)
                v[Int(i.d)] = ffi.call(helpers[Int(i.imm)], state: state,
                                       i.x & 1 != 0 ? v[Int(i.a)] : 0,
                                       i.x & 2 != 0 ? v[Int(i.b)] : 0,
                                       i.x & 4 != 0 ? v[Int(i.c)] : 0)
                if raised() { return done + Int(i.n) }
            case .getVec128:
                v[Int(i.d)] = state.load(fromByteOffset: Int(i.imm), as: UInt64.self)
                vh[Int(i.d)] = state.load(fromByteOffset: Int(i.imm) + 8, as: UInt64.self)
            case .getVec64: v[Int(i.d)] = state.load(fromByteOffset: Int(i.imm), as: UInt64.self)
            case .getVec32: v[Int(i.d)] = UInt64(state.load(fromByteOffset: Int(i.imm), as: UInt32.self))
            case .getVec16: v[Int(i.d)] = UInt64(state.load(fromByteOffset: Int(i.imm), as: UInt16.self))
            case .getVec8: v[Int(i.d)] = UInt64(state.load(fromByteOffset: Int(i.imm), as: UInt8.self))
            case .setVec128:
                state.storeBytes(of: v[Int(i.a)], toByteOffset: Int(i.imm), as: UInt64.self)
                state.storeBytes(of: vh[Int(i.a)], toByteOffset: Int(i.imm) + 8, as: UInt64.self)
            case .setVecScalar:
                state.storeBytes(of: v[Int(i.a)], toByteOffset: Int(i.imm), as: UInt64.self)
                state.storeBytes(of: 0 as UInt64, toByteOffset: Int(i.imm) + 8, as: UInt64.self)
            case .copy: v[Int(i.d)] = v[Int(i.a)]
            case .vpack:
                v[Int(i.d)] = v[Int(i.a)]
                vh[Int(i.d)] = v[Int(i.b)]
            case .vextract, .vinsert, .vdup:
                ThreadedInterpreter.lanes(i, v, vh)
            case .vop:
                ThreadedInterpreter.vop(i, header.pointee.vectorCodes, v, vh, state, hostFP)
            case .fp:
                ThreadedInterpreter.fp(i, header.pointee.fpCodes, v, state, hostFP)
            case .exitIndirect:
                leave(v[Int(i.a)])
                return done + Int(i.n)
            case .exitState:
                return done + Int(i.n)
            case .exitJump, .exitIf, .exitIfCmp, .exitIfCmpI, .exitIfCond:
                let taken: Bool
                switch i.op {
                case .exitJump: taken = true
                case .exitIf: taken = v[Int(i.a)] & 1 == 1
                case .exitIfCmp: taken = ThreadedInterpreter.compare(i.x, v[Int(i.a)], v[Int(i.b)], signShift: i.c)
                case .exitIfCmpI: taken = ThreadedInterpreter.compare(i.x, v[Int(i.a)], UInt64(i.b), signShift: i.c)
                default: taken = IRSemantics.conditionHolds(UInt64(i.x), v[Int(i.a)]) == 1
                }
                if taken {
                    done += Int(i.n)
                    let next = i.m
                    if next != 0 && chain,
                       let h = UnsafeMutablePointer<ThreadedCode.Header>(bitPattern: UInt(next)),
                       h.pointee.valid != 0, h.pointee.slots <= capacity,
                       state.load(fromByteOffset: StateLayout.exitRequest, as: UInt64.self)
                        | state.load(fromByteOffset: StateLayout.interruptCheck, as: UInt64.self)
                        | state.load(fromByteOffset: StateLayout.codeWritten, as: UInt64.self) == 0 {
                        header = h
                        ops = ThreadedCode.ops(of: h)
                        guestPC = h.pointee.guestPC
                        p = ops
                        continue
                    }
                    leave(i.imm)
                    if next == 0 && header.pointee.chainable
                        && state.load(fromByteOffset: StateLayout.codeWritten, as: UInt64.self) == 0 {
                        lastExit = (ThreadedInterpreter.code(header), p - ops)
                    }
                    return done
                }
            }
            p += 1
        }
    }

    @inline(__always) private func signed(_ v: UInt64, _ shift: UInt8) -> Int64 {
        Int64(bitPattern: v << UInt64(shift)) >> UInt64(shift)
    }

    @inline(__always)
    private static func compare(_ pred: UInt8, _ a: UInt64, _ b: UInt64, signShift: UInt16) -> Bool {
        let s = UInt64(signShift)
        let sa = Int64(bitPattern: a << s) >> s, sb = Int64(bitPattern: b << s) >> s
        switch pred {
        case 0: return a == b
        case 1: return a != b
        case 2: return a < b
        case 3: return a <= b
        case 4: return a > b
        case 5: return a >= b
        case 6: return sa < sb
        case 7: return sa <= sb
        case 8: return sa > sb
        default: return sa >= sb
        }
    }

    /// AddWithCarry's NZCV at the width of `mask` (below 64 bits).
    @inline(__always)
    private static func nzcvAdd(mask m: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        let wide = a &+ b &+ c
        let result = wide & m
        let signBit = (m >> 1) &+ 1
        let v = ((a ^ result) & (b ^ result) & signBit) != 0
        return (result & signBit != 0 ? 1 << 31 : 0) | (result == 0 ? 1 << 30 : 0) | (wide > m ? 1 << 29 : 0) | (v ? 1 << 28 : 0)
    }

    @inline(never)
    private static func generic(_ h: UnsafeMutablePointer<ThreadedCode.Header>, _ i: Int,
                                _ v: UnsafeMutablePointer<UInt64>, _ vh: UnsafeMutablePointer<UInt64>,
                                _ state: UnsafeMutableRawPointer) {
        let insts = UnsafeBufferPointer(start: h.pointee.ir, count: h.pointee.irCount)
        IRDataOps.evaluate(insts[i], at: i, insts: insts, v, vh, state: state)
    }

    @inline(never)
    private static func lanes(_ i: PInst, _ v: UnsafeMutablePointer<UInt64>, _ vh: UnsafeMutablePointer<UInt64>) {
        let a = Int(i.a), d = Int(i.d)
        switch i.op {
        case .vextract:
            v[d] = V128(lo: v[a], hi: vh[a]).lane(at: Int(i.imm), bits: Int(i.x))
        case .vinsert:
            var r = V128(lo: v[a], hi: vh[a])
            r.setLane(at: Int(i.imm), bits: Int(i.x), v[Int(i.b)])
            v[d] = r.lo
            vh[d] = r.hi
        default:
            let r = VectorSemantics.dup(v[a], bits: Int(i.x))
            v[d] = r.lo
            vh[d] = r.hi
        }
    }

    @inline(never)
    private static func vop(_ i: PInst, _ codes: UnsafeMutablePointer<VectorOpcode>, _ v: UnsafeMutablePointer<UInt64>,
                            _ vh: UnsafeMutablePointer<UInt64>, _ state: UnsafeMutableRawPointer, _ hostFP: HostFP) {
        let a = Int(i.a), b = Int(i.b), c = Int(i.c)
        let code = codes[Int(i.imm)]
        let va = V128(lo: v[a], hi: vh[a]), vb = V128(lo: v[b], hi: vh[b]), vc = V128(lo: v[c], hi: vh[c])
        var flags: UInt64 = 0
        let r: V128
        if code.group == .fp,
           let fast = hostFP.vector(code, va, vb, vc, fpcr: state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self),
                                    flags: &flags) {
            InterpreterFP.accumulateFPSR(flags, state: state)
            r = fast
        } else {
            r = InterpreterFP.vop(code, va, vb, vc, state: state)
        }
        v[Int(i.d)] = r.lo
        vh[Int(i.d)] = r.hi
    }

    @inline(never)
    private static func fp(_ i: PInst, _ codes: UnsafeMutablePointer<FPOpcode>, _ v: UnsafeMutablePointer<UInt64>,
                           _ state: UnsafeMutableRawPointer, _ hostFP: HostFP) {
        let code = codes[Int(i.imm)]
        let outBits = Int(i.x), inBits = Int(i.m & 0xFF)
        let a = v[Int(i.a)], b = i.m & 0x100 != 0 ? v[Int(i.b)] : 0, c = i.m & 0x200 != 0 ? v[Int(i.c)] : 0
        var flags: UInt64 = 0
        if let r = hostFP.scalar(code, outBits: outBits, inBits: inBits, a, b, c,
                                 fpcr: state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self), flags: &flags) {
            InterpreterFP.accumulateFPSR(flags, state: state)
            v[Int(i.d)] = r
            return
        }
        v[Int(i.d)] = InterpreterFP.fp(code, outBits: outBits, inBits: inBits, a, b, c, state: state)
    }

    @inline(never)
    private static func loadSlow(_ cpu: CPU, va: UInt64, op: TOp, mmuIndex: Int, flags: UInt64, pc: UInt64) -> UInt64 {
        cpu.faultPC = pc
        return cpu.loadSlow(va: va, size: size(op), mmuIndex: mmuIndex, flags: AccessFlags(rawValue: flags))
    }

    @inline(never)
    private static func storeSlow(_ cpu: CPU, va: UInt64, value: UInt64, op: TOp, mmuIndex: Int, flags: UInt64, pc: UInt64) {
        cpu.faultPC = pc
        cpu.storeSlow(va: va, size: size(op), value: value, mmuIndex: mmuIndex, flags: AccessFlags(rawValue: flags))
    }

    @inline(__always) private static func size(_ op: TOp) -> Int {
        switch op {
        case .load8, .store8: return 1
        case .load16, .store16: return 2
        case .load32, .store32: return 4
        default: return 8
        }
    }

    /// The code object whose header is `h` (found through the block cache's
    /// owner; headers do not point back, so the run remembers it).
    private static func code(_ h: UnsafeMutablePointer<ThreadedCode.Header>) -> Unmanaged<ThreadedCode> {
        Unmanaged<ThreadedCode>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(h.pointee.owner))!)
    }
}
