/// The self-hosted debug registers software probes and saves (Arm ARM D2,
/// D24.3 "Debug registers"): MDSCR_EL1, the OS lock (OSLAR_EL1, OSLSR_EL1),
/// OSDLR_EL1, DBGPRCR_EL1, MDCCINT_EL1, the claim tags, MDRAR_EL1, the OS
/// save/restore registers, and the breakpoint and watchpoint pairs
/// ID_AA64DFR0_EL1 advertises (BRPs, WRPs).
///
/// They hold their values, but Armature generates no debug exceptions
/// (breakpoint, watchpoint, software step: MDSCR_EL1.MDE/KDE/SS have no
/// effect); BRK and the debugger's own breakpoints (gdb stub) work. The OS
/// lock resets locked (OSLSR_EL1.OSLK = 1), as on a cold reset.
///
/// Traps: MDCR_EL2.TDA/TDOSA/TDRA (or TDE) to EL2, MDCR_EL3.TDA/TDOSA to EL3.
enum DebugRegisters {
    /// Breakpoint and watchpoint register pairs; context-aware breakpoints (the last ones).
    static let breakpoints = 6
    static let watchpoints = 4
    static let contextBreakpoints = 2

    static let definitions: [SysRegDef] = {
        var d: [SysRegDef] = [
            SysRegDef("OSDTRRX_EL1", 2, 0, 0, 0, 2, el: 1).trapped(.debug),
            SysRegDef("MDCCINT_EL1", 2, 0, 0, 2, 0, el: 1).trapped(.debug),
            SysRegDef("MDSCR_EL1", 2, 0, 0, 2, 2, el: 1).trapped(.debug),
            SysRegDef("OSDTRTX_EL1", 2, 0, 0, 3, 2, el: 1).trapped(.debug),
            SysRegDef("OSECCR_EL1", 2, 0, 0, 6, 2, el: 1).trapped(.debug),
            // MDRAR_EL1: no memory-mapped debug ROM (ValidField = 0).
            SysRegDef("MDRAR_EL1", 2, 0, 1, 0, 0, el: 1, .readOnly).trapped(.debugROM),
            // OSLAR_EL1 sets OSLSR_EL1.OSLK; OSLSR_EL1: OSLM = 0b10 (bits 3, 0), OSLK (bit 1).
            SysRegDef("OSLAR_EL1", 2, 0, 1, 0, 4, el: 1, .writeOnly).trapped(.osDebug).writing { cpu, _, v in
                cpu.setSysreg(DebugRegisters.oslsr, 0x8 | (v & 1) << 1)
            },
            SysRegDef("OSLSR_EL1", 2, 0, 1, 1, 4, el: 1, .readOnly, reset: 0xA).trapped(.osDebug),
            SysRegDef("OSDLR_EL1", 2, 0, 1, 3, 4, el: 1).trapped(.osDebug).writing { cpu, slot, v in cpu.setSysreg(slot, v & 1) },
            SysRegDef("DBGPRCR_EL1", 2, 0, 1, 4, 4, el: 1).trapped(.osDebug).writing { cpu, slot, v in cpu.setSysreg(slot, v & 1) },
            // Claim tags (8 bits): SET sets, CLR clears; both read the tags.
            SysRegDef("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, el: 1).trapped(.debug).writing { cpu, slot, v in
                cpu.setSysreg(slot, cpu.sysreg(slot) | v & 0xFF)
            },
            SysRegDef("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, el: 1).trapped(.debug)
                .value { $0.sysreg(DebugRegisters.claim) }
                .writing { cpu, _, v in cpu.setSysreg(DebugRegisters.claim, cpu.sysreg(DebugRegisters.claim) & ~(v & 0xFF)) },
        ]
        for n in 0..<breakpoints {
            d.append(SysRegDef("DBGBVR\(n)_EL1", 2, 0, 0, UInt32(n), 4, el: 1).trapped(.debug))
            d.append(SysRegDef("DBGBCR\(n)_EL1", 2, 0, 0, UInt32(n), 5, el: 1).trapped(.debug))
        }
        for n in 0..<watchpoints {
            d.append(SysRegDef("DBGWVR\(n)_EL1", 2, 0, 0, UInt32(n), 6, el: 1).trapped(.debug))
            d.append(SysRegDef("DBGWCR\(n)_EL1", 2, 0, 0, UInt32(n), 7, el: 1).trapped(.debug))
        }
        return d
    }()

    static var oslsr: SysRegSlot { NamedSysReg.OSLSR_EL1.slot }
    static var claim: SysRegSlot { NamedSysReg.DBGCLAIMSET_EL1.slot }
}
