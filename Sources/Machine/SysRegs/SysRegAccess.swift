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
        case .special(let read, _): return read(self)
        }
    }

    /// MSR. Returns false when the access is UNDEFINED at the current EL.
    public func writeSysReg(key: UInt32, value: UInt64) -> Bool {
        defer { interruptControlsChanged() }   // DAIF, HCR_EL2, SCR_EL3... may unmask an interrupt
        guard let (def, slot) = resolveSysReg(key: key), sysRegAccess(def, read: false) == .allowed else { return false }
        switch def.kind {
        case .readOnly: return false
        case .special(_, let write): return write?(self, value) ?? false
        case .storage, .writeOnly:
            let old = sysreg(slot)
            if let w = def.onWrite { w(self, slot, value) } else { setSysreg(slot, value) }
            if def.affectsTranslation { translationRegisterWritten(slot: slot, old: old) }
            return true
        }
    }

    /// After an MSR to a register the translations depend on: the TLB entries
    /// go when its value changed (a hypervisor's world switch rewrites the same
    /// VTTBR_EL2, VTCR_EL2 and EL1 registers). An HCR_EL2 change that keeps E2H
    /// leaves EL2's entries; EL0's go now, EL1's at the next entry to EL1
    /// unless HCR_EL2 is back to the value they were filled under (`setEL`).
    private func translationRegisterWritten(slot: SysRegSlot, old: UInt64) {
        let new = sysreg(slot)
        guard new != old else { return }
        if slot == SysRegTable.hcrEL2 && (old ^ new) & HCRBits.e2h == 0 {
            flushTLB(mmuIndexMask: 0b1_0001)
        } else {
            flushTLB()
        }
    }
}
