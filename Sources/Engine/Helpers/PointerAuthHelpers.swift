import IR
import Machine

// FEAT_PAuth and FEAT_RNG helpers (Lift/PointerAuth.swift lifts to them).

/// RNDR/RNDRRS: 64 bits of the host's getrandom (Swift's system generator).
let helperRandom: HelperFunction = { _, _, _, _ in
    var generator = SystemRandomNumberGenerator()
    return generator.next()
}

/// PAC*/AUT*/XPAC*/PACGA: a = the pointer (PACGA's Xn), b = the modifier,
/// c = `PAuthOperand`. After a trap (EC 0x09) the engine leaves the block.
let helperPAuth: HelperFunction = { state, value, modifier, packed in
    let cpu = CPU.from(state: state)
    let op = PAuthOperand(packed: packed)
    guard let operation = PAuthOperation(rawValue: op.operation), let key = PAuthKey(rawValue: op.key) else { return value }
    return cpu.pointerAuth(operation, key: key, value, modifier: modifier) ?? 0
}

/// ERETAA/ERETAB (a = 1: key B): UNDEFINED at EL0; else ELR_ELx
/// authenticated with the instruction key and the current SP as the
/// modifier (AuthIA/AuthIB: a disabled key leaves it, a trap is EC 0x09),
/// then the exception return to it.
let helperERETAuth: HelperFunction = { state, keyB, _, _ in
    let cpu = CPU.from(state: state)
    guard cpu.el != 0 else { cpu.raiseUndefined(at: cpu.faultPC); return 0 }
    let elr = cpu.sysreg(SysRegTable.elr[cpu.el])
    guard let target = cpu.pointerAuth(.auth, key: keyB == 1 ? .ib : .ia, elr, modifier: cpu.x(cpu.spRegisterId)) else {
        return 0
    }
    cpu.exceptionReturn(target: target)
    return 0
}
