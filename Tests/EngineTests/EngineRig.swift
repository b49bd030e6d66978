@testable import IR
@testable import Machine

/// A minimal machine for the engine tests: 1 MiB of RAM at 0x4000_0000 and
/// one CPU, to run a block (or call a helper) under each engine and compare
/// the state they leave.
final class EngineRig {
    let memory = AddressSpace()
    let system: System
    let cpu: CPU

    /// `vbar`: VBAR_EL1, for tests whose helpers may take an exception.
    init(vbar: UInt64? = nil) {
        try! memory.addRAM(name: "ram", base: 0x4000_0000, size: 1 << 20)
        system = System(memory: memory)
        cpu = system.addCPU(config: CPUConfig())
        if let vbar { cpu.setSysreg(SysRegTable.vbar[1], vbar) }
    }

    /// V0, V1, ... = `vregs` (the others unchanged), X0-X30 = 0, FPCR = `fpcr`, FPSR = 0.
    func prepare(_ vregs: [V128], fpcr: UInt64) {
        for (n, v) in vregs.enumerated() { cpu.setVreg(n, lo: v.lo, hi: v.hi) }
        for n in 0..<31 { cpu.setX(n, 0) }
        cpu.fpcr = fpcr
        cpu.fpsr = 0
    }

    /// V0-V31 (low, high), X0-X30 and FPSR.
    func snapshot() -> [UInt64] {
        (0..<32).flatMap { [cpu.vreg($0).lo, cpu.vreg($0).hi] } + (0..<31).map { cpu.x($0) } + [cpu.fpsr]
    }
}
