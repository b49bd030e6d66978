/// MRS and MSR: the access rules (SysRegTraps.swift), then the register's
/// kind: plain storage, read-only (a slot or a computed value), write-only,
/// or special (PSTATE views, stack pointers, counters and timers).
extension CPU {
    /// MRS. Returns nil when the access is UNDEFINED at the current EL (the caller
    /// raises the Undefined Instruction exception).
    public func readSysReg(key: UInt32) -> UInt64? {
        guard let (def, slot) = resolveSysReg(key: key), sysRegAccess(def, read: true) == .allowed else { return nil }
        switch def.kind {
        case .storage, .readOnly: return def.readValue?(self) ?? sysreg(slot)
        case .writeOnly: return nil
        case .special: return readSpecial(def.name)
        }
    }

    /// MSR. Returns false when the access is UNDEFINED at the current EL.
    public func writeSysReg(key: UInt32, value: UInt64) -> Bool {
        defer { interruptControlsChanged() }   // DAIF, HCR_EL2, SCR_EL3... may unmask an interrupt
        guard let (def, slot) = resolveSysReg(key: key), sysRegAccess(def, read: false) == .allowed else { return false }
        switch def.kind {
        case .readOnly: return false
        case .special: return writeSpecial(def.name, value)
        case .storage, .writeOnly:
            if slot == SysRegTable.tpidrroEL0 && el == 0 { return false }
            if slot == SysRegTable.cntfrqEL0 && el < highestEL { return false }
            if let w = def.onWrite { w(self, slot, value) } else { setSysreg(slot, value) }
            if def.affectsTranslation { flushTLB() }
            return true
        }
    }


    private func readSpecial(_ name: String) -> UInt64? {
        switch name {
        // MIDR/MPIDR read at EL1 with EL2 enabled return VPIDR_EL2/VMPIDR_EL2.
        case "MIDR_EL1": return el == 1 && el2Enabled ? sysreg(EL2EL3Registers.vpidr) : config.midr
        case "MPIDR_EL1": return el == 1 && el2Enabled ? sysreg(EL2EL3Registers.vmpidr) : mpidr
        case "DCZID_EL0": return 0x4 | (dcZVAProhibited ? 1 << 4 : 0)   // BS = 64 bytes, DZP
        case "PAN": return pstateMisc & CPU.pstatePAN
        case "NZCV": return nzcv
        case "DAIF": return daif
        case "SPSel": return spSel
        case "CurrentEL": return UInt64(el) << 2
        case "SP_EL0":
            // Accessing SP_EL0 while it is the current stack pointer is UNDEFINED.
            return spSel == 0 ? nil : x(StateLayout.spEL0Id)
        case "SP_EL1": return x(StateLayout.spEL0Id + 1)
        case "SP_EL2": return x(StateLayout.spEL0Id + 2)
        default: return readGenericTimer(name)   // counters and timers
        }
    }

    private func writeSpecial(_ name: String, _ v: UInt64) -> Bool {
        switch name {
        case "NZCV": nzcv = v
        case "DAIF": daif = v
        case "SPSel": spSel = v
        case "PAN": pstateMisc = pstateMisc & ~CPU.pstatePAN | (v & CPU.pstatePAN)
        case "SP_EL0":
            if spSel == 0 { return false }
            setX(StateLayout.spEL0Id, v)
        case "SP_EL1": setX(StateLayout.spEL0Id + 1, v)
        case "SP_EL2": setX(StateLayout.spEL0Id + 2, v)
        default: return writeGenericTimer(name, v)   // timers
        }
        return true
    }
}
