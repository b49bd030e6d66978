import IR
import Machine

/// The FP and vector ops as both interpreters (the IR interpreter and the
/// threaded one) run them: FPCR read from the CPU's state block, the cumulative
/// FPSR flags the op raised OR-ed back into it (Arm ARM D1.2.x: FPSR's IOC..IDC
/// and QC are sticky).
enum InterpreterFP {
    @inline(__always)
    static func vop(_ code: VectorOpcode, _ a: V128, _ b: V128, _ c: V128, state: UnsafeMutableRawPointer) -> V128 {
        var fp = VectorFPState(fpcr: code.usesFPSR ? state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self) : 0)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        accumulateFPSR(fp.fpsrFlags, state: state)
        return r
    }

    @inline(__always)
    static func fp(_ code: FPOpcode, outBits: Int, inBits: Int, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                   state: UnsafeMutableRawPointer) -> UInt64 {
        var flags: UInt64 = 0
        let r = FPReference.execute(code, outBits: outBits, inBits: inBits, a, b, c,
                                    fpcr: state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self), flags: &flags)
        accumulateFPSR(flags, state: state)
        return r
    }

    @inline(__always)
    static func accumulateFPSR(_ flags: UInt64, state: UnsafeMutableRawPointer) {
        if flags != 0 {
            state.storeBytes(of: state.load(fromByteOffset: StateLayout.fpsr, as: UInt64.self) | flags,
                             toByteOffset: StateLayout.fpsr, as: UInt64.self)
        }
    }
}
