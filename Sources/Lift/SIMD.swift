import A64

/// AdvSIMD instructions other than loads and stores: each family's lifter
/// (one file each) returns false for the instructions it does not lift, and
/// an instruction no family lifts is UNDEFINED.
extension LiftState {
    mutating func liftSIMD(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        if liftSIMDBasic(op, form, w) { return true }
        if liftSIMDPermute(op, form, w) { return true }
        if liftSIMDReduce(op, form, w) { return true }
        if liftSIMDBitCount(op, form, w) { return true }
        if liftSIMDShift(op, form, w) { return true }
        if liftSIMDWiden(op, form, w) { return true }
        if liftSIMDCrypto(op, form, w) { return true }
        if liftSIMDFPComplex(op, form, w) { return true }
        if liftSIMDFloat(op, form, w) { return true }
        if liftSIMDArith(op, form, w) { return true }
        if liftSIMDElement(op, form, w) { return true }
        return false
    }
}
