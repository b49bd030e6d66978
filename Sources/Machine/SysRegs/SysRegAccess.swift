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
            if let w = def.onWrite { w(self, slot, value) } else { setSysreg(slot, value) }
            if def.affectsTranslation { flushTLB() }
            return true
        }
    }
}
