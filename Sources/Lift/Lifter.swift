import A64
import Arch
import IR

/// What the lifter must know about the CPU's context: everything that changes
/// how the same bytes translate (part of the block cache key).
public struct LiftContext: Sendable, Hashable {
    public var el: Int
    public var spSel: Int
    public var maxInstructions: Int = 128
    /// PSTATE.PAN acts: memory accesses use the PAN MMU index (CPU.mmuIndex),
    /// so blocks translated with and without it differ.
    public var pan = false
    /// The optional instruction-set features of the CPU: an instruction of a
    /// missing one is UNDEFINED (`-cpu cortex-a57` has no LSE, LRCPC, SB).
    public var features: ISAFeatures = .all
    /// EL2 or EL0 in the EL2&0 regime with HCR_EL2.TGE (FEAT_VHE host): at
    /// EL2 LDTR/STTR are EL0 accesses (elsewhere at EL2 they are ordinary
    /// ones); the host's EL0 has an MMU index of its own (CPU.mmuIndex).
    public var el2Host = false
    /// FP/SIMD instructions are trapped at this EL (CPACR_EL1.FPEN,
    /// CPTR_EL2, CPTR_EL3: Machine's `CPU.fpAccessTrap`): each one takes the trap.
    public var fpTrapped = false

    public init(el: Int, spSel: Int) {
        self.el = el
        self.spSel = spSel
    }

    /// Guest register id of the current SP.
    public var spRegister: Int { spSel == 0 ? 31 : 31 + el }
}

extension ISAFeatures {
    /// The feature an instruction needs, nil for the base instruction set.
    static func required(by op: A64Op, _ w: UInt32) -> ISAFeatures? {
        switch op {
        case .crc32: return .crc32
        case .pacAut, .xpac, .pacga, .branchAuth, .retAuth, .eretAuth, .ldrAuth: return .pauth
        case .cas, .casp, .atomicOp, .swp: return .lse
        case .ldapr: return .lrcpc
        case .sb: return .sb
        case .aese, .aesd, .aesmc, .aesimc: return .aes
        case .vPmull: return w.field(22, 2) == 3 ? .aes : nil   // PMULL of bytes is base AdvSIMD
        case .sha1c, .sha1h, .sha1m, .sha1p, .sha1su0, .sha1su1: return .sha1
        case .sha256h, .sha256h2, .sha256su0, .sha256su1: return .sha256
        case .sha512h, .sha512h2, .sha512su0, .sha512su1: return .sha512
        case .eor3, .rax1, .xar, .bcax: return .sha3
        case .vSqrdmlah, .vSqrdmlsh, .vSqrdmlahElem, .vSqrdmlshElem: return .rdm
        case .vSdot, .vUdot, .vSdotElem, .vUdotElem: return .dotProd
        case .fjcvtzs: return .jscvt
        case .vFcmla, .vFcadd, .vFcmlaElem: return .fcma
        case .frint32z, .frint32x, .frint64z, .frint64x, .vFrint32z, .vFrint32x, .vFrint64z, .vFrint64x: return .frintts
        case .vFmlal, .vFmlal2, .vFmlsl, .vFmlsl2, .vFmlalElem, .vFmlal2Elem, .vFmlslElem, .vFmlsl2Elem: return .fhm
        default: return nil
        }
    }
}

/// Lifts guest A64 code into IR, one block at a time. A block ends at a branch,
/// an exception-generating or context-changing instruction, the end of a 4 KiB
/// page, or after `maxInstructions`.
public enum Lifter {
    public static let pageSize: UInt64 = 4096

    /// `fetch` returns the instruction word at a guest VA within the block's page.
    public static func lift(pc start: UInt64, context: LiftContext, fetch: (UInt64) -> UInt32) -> IRBlock {
        var s = LiftState(builder: IRBuilder(guestPC: start), ctx: context, pc: start)
        let pageEnd = (start & ~(pageSize - 1)) &+ pageSize
        while true {
            let word = fetch(s.pc)
            s.b.insnStart(pc: s.pc)
            s.liftInstruction(word)
            if s.b.isTerminated { break }
            s.pc &+= 4
            if s.pc == pageEnd || s.b.block.guestInstructionCount >= context.maxInstructions {
                s.b.exitJump(s.pc)
                break
            }
        }
        return s.b.block
    }
}

/// The lifter's working state for one block, with the register access rules of
/// A64 (register 31 is XZR or SP depending on the operand; W writes zero-extend).
struct LiftState {
    var b: IRBuilder
    let ctx: LiftContext
    /// PC of the instruction being lifted.
    var pc: UInt64

    init(builder: IRBuilder, ctx: LiftContext, pc: UInt64) {
        b = builder
        self.ctx = ctx
        self.pc = pc
    }

    @inline(__always) func type(_ sf: Bool) -> IRType { sf ? .i64 : .i32 }

    /// Xn with 31 = XZR.
    mutating func x(_ n: Int) -> Value { n == 31 ? b.const_(0) : b.getReg(n) }
    /// Xn with 31 = SP.
    mutating func xsp(_ n: Int) -> Value { b.getReg(n == 31 ? ctx.spRegister : n) }
    /// Xn or Wn (31 = ZR).
    mutating func reg(_ n: Int, _ sf: Bool) -> Value { sf ? x(n) : b.trunc(x(n), to: .i32) }
    /// Xn|SP or Wn|WSP.
    mutating func regSP(_ n: Int, _ sf: Bool) -> Value { sf ? xsp(n) : b.trunc(xsp(n), to: .i32) }

    /// Writes Xd (31 = discard); a 32-bit value is zero-extended.
    mutating func setReg(_ d: Int, _ v: Value) {
        guard d != 31 else { return }
        b.setReg(d, b.zext(v, to: .i64))
    }
    /// Writes Xd|SP; a 32-bit value is zero-extended.
    mutating func setRegSP(_ d: Int, _ v: Value) {
        b.setReg(d == 31 ? ctx.spRegister : d, b.zext(v, to: .i64))
    }

    mutating func constant(_ v: UInt64, _ t: IRType) -> Value { b.const_(v, t) }

    /// For an FP/SIMD instruction: when FP/SIMD is trapped, ends the block
    /// with the trap (EC 0x07) and returns false.
    mutating func fpEnabled() -> Bool {
        guard ctx.fpTrapped else { return true }
        b.call(.fpAccessTrap)
        b.exitState()
        return false
    }

    /// The FP/SIMD instructions lifted so far; false for the others.
    mutating func liftFPSIMD(_ op: A64Op, _ w: UInt32) -> Bool {
        switch op {
        case .fpLdstUnscaled, .fpLdstPost, .fpLdstPre, .fpLdstRegOffset, .fpLdstUnsigned:
            liftFPLoadStoreRegister(op, w)
        case .fpLdrLiteral: liftFPLoadLiteral(w)
        case .fpStnp, .fpLdnp, .fpStpPost, .fpLdpPost, .fpStpOffset, .fpLdpOffset, .fpStpPre, .fpLdpPre:
            liftFPLoadStorePair(op, w)
        case .simdLdstMultiple, .simdLdstMultiplePost, .simdLdstSingle, .simdLdstSinglePost:
            liftSIMDLoadStoreStructure(op, w)
        default:
            let form = A64Decoder.form(w)
            switch form {
            case .fp1, .fp2, .fp3, .fcvt, .fcmp, .fcmpZero, .fccmp, .fcsel, .fmovImm, .fpToInt, .intToFP,
                 .fpToFixed, .fixedToFP, .fmovToGeneral, .fmovFromGeneral:
                return liftFPScalar(op, form, w)
            default:
                return liftSIMD(op, form, w)
            }
        }
        return true
    }

    /// Ends the block with the Undefined Instruction exception.
    mutating func undefined() {
        b.call(.undefined)
        b.exitState()
    }

    /// DMB/DSB: only a barrier that orders stores before later loads needs
    /// anything of the host (x86-64 keeps load-load, load-store and
    /// store-store order); CRm<1:0> = 01 (LD) and 10 (ST) do not ask for it,
    /// nor DSB's CRm = 0000 / 0100 (SSBB, PSSBB: speculation only).
    mutating func liftMemoryBarrier(_ op: A64Op, _ w: UInt32) {
        let crm = w >> 8 & 0xF
        if crm & 3 == 1 || crm & 3 == 2 { return }
        if op == .dsb && (crm == 0 || crm == 4) { return }
        b.call(.barrier)
    }

    mutating func liftInstruction(_ w: UInt32) {
        let op = A64Decoder.decode(w)
        if let needed = ISAFeatures.required(by: op, w), !ctx.features.contains(needed) { return undefined() }
        switch op {
        case .unallocated, .udf: undefined()
        case .adr, .adrp: liftPCRelative(w)
        case .addImm, .addsImm, .subImm, .subsImm: liftAddSubImmediate(w)
        case .andImm, .orrImm, .eorImm, .andsImm: liftLogicalImmediate(w)
        case .movn, .movz, .movk: liftMoveWide(w)
        case .sbfm, .bfm, .ubfm: liftBitfield(w)
        case .extr: liftExtract(w)
        case .b, .bl: liftBranchImmediate(w)
        case .cbz, .cbnz: liftCompareAndBranch(w)
        case .tbz, .tbnz: liftTestAndBranch(w)
        case .bCond: liftConditionalBranch(w)
        case .br, .blr, .ret: liftBranchRegister(w)
        case .eret:
            b.call(.eret)
            b.exitState()
        case .svc, .hvc, .smc, .brk, .hlt: liftExceptionGeneration(w)
        case .hint: liftHint(w)
        case .clrex: b.call(.clrex)
        case .dsb, .dmb: liftMemoryBarrier(op, w)
        case .isb, .sb: break   // instructions run in order: nothing to model
        case .msrImm: liftMSRImmediate(w)
        case .sys: liftSys(w)
        case .sysl: undefined()
        case .msrReg: liftMSRRegister(w)
        case .mrs: liftMRS(w)
        case .stxr, .stlxr, .ldxr, .ldaxr, .stxp, .stlxp, .ldxp, .ldaxp: liftExclusive(w)
        case .stlr, .ldar, .ldapr: liftAcquireRelease(w)
        case .cas: liftCompareAndSwap(w, pair: false)
        case .casp: liftCompareAndSwap(w, pair: true)
        case .atomicOp, .swp: liftAtomic(w)
        case .ldrLiteral, .ldrswLiteral, .prfmLiteral: liftLoadLiteral(w)
        case .stnp, .ldnp, .stpPost, .ldpPost, .ldpswPost, .stpOffset, .ldpOffset, .ldpswOffset,
             .stpPre, .ldpPre, .ldpswPre:
            liftLoadStorePair(w)
        case .ldstUnscaled, .ldstPost, .ldstUnpriv, .ldstPre, .ldstRegOffset, .ldstUnsigned:
            liftLoadStoreRegister(w)
        case .logicalShifted: liftLogicalShifted(w)
        case .addSubShifted: liftAddSubShifted(w)
        case .addSubExtended: liftAddSubExtended(w)
        case .addSubCarry: liftAddSubCarry(w)
        case .condCompareReg, .condCompareImm: liftConditionalCompare(w)
        case .condSelect: liftConditionalSelect(w)
        case .madd, .msub, .smaddl, .smsubl, .smulh, .umaddl, .umsubl, .umulh: liftMultiply(w)
        case .udiv, .sdiv, .lslv, .lsrv, .asrv, .rorv: liftDataProcessing2(w)
        case .crc32: liftCRC32(w)
        case .rbit, .rev16, .rev, .clz, .cls: liftDataProcessing1(w)
        case .pacAut: liftPACAut(w)
        case .xpac: liftXPAC(w)
        case .pacga: liftPACGA(w)
        case .branchAuth: liftBranchAuth(w)
        case .retAuth: liftRetAuth(w)
        case .eretAuth: liftERETAuth(w)
        case .ldrAuth: liftLoadAuth(w)
        default:
            // FP/SIMD: trapped by CPACR_EL1/CPTR_ELx first; the operations not
            // lifted yet are UNDEFINED, as on a CPU without them.
            guard fpEnabled() else { return }
            if !liftFPSIMD(op, w) { undefined() }
        }
    }
}
