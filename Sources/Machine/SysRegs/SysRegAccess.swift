/// MRS and MSR: the access rules (SysRegTraps.swift), then the register's
/// kind: plain storage, read-only (a slot or a computed value), write-only,
/// or special (PSTATE views, stack pointers, counters and timers).
extension CPU {
    /// MRS. Returns nil when the access is UNDEFINED at the current EL (the caller
    /// raises the Undefined Instruction exception).
    public func readSysReg(key: UInt32) -> UInt64? {
        // The registers the kernel reads all the time (SP_EL0, TPIDR_EL1,
        // DAIF...) without copying their definition; under VHE (E2H = 1)
        // of the register the encoding reaches (a host at EL2, a guest at
        // EL1); every checked or trapped access takes the general path.
        if config.hasVHE && hcrE2H {
            if let v = sysRegs.fastReadVHE(key: key, cpu: self, el: el) { return v }
        } else if let v = sysRegs.fastRead(key: key, cpu: self, el: el) { return v }
        return readSysRegChecked(key: key)
    }

    /// The general path of `readSysReg`: the register's definition, its
    /// access rules and traps, its kind.
    func readSysRegChecked(key: UInt32) -> UInt64? {
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
    /// VTTBR_EL2, VTCR_EL2 and EL1 registers), those of the regimes the
    /// register decides only (`mmuIndexesDecided`). An HCR_EL2 change that
    /// keeps E2H leaves the EL2&0 regime's entries; EL1&0's go at the next
    /// entry to EL1 or to its EL0 unless HCR_EL2 is back to the value they
    /// were filled under (`setEL`); so do they after a VTTBR_EL2 write
    /// (nothing but EL1&0 code uses them: they are the current VMID's).
    private func translationRegisterWritten(slot: SysRegSlot, old: UInt64) {
        let new = sysreg(slot)
        guard new != old else { return }
        if slot == NamedSysReg.VTTBR_EL2.slot { return }
        if slot == SysRegTable.hcrEL2 {
            if (old ^ new) & HCRBits.e2h != 0 { flushTLB(mmuIndexMask: CPU.allMMUIndexes) }
        } else {
            flushTLB(mmuIndexMask: mmuIndexesDecided(by: slot))
        }
    }

    /// The MMU indexes whose entries a translation register decides: the
    /// EL1&0 regime's registers and stage 2's (VTTBR_EL2, VTCR_EL2: stage 2
    /// translates EL1&0 only) those of EL0 and EL1, VTCR_EL2 with the stage 2
    /// walk cache (tagged with VTTBR_EL2); EL2's those of EL2 and,
    /// while E2H is 1, its EL0's (the EL2&0 regime); EL3's those of EL3; SCR_EL3
    /// (the Security state of every regime) all of them.
    func mmuIndexesDecided(by slot: SysRegSlot) -> UInt32 {
        switch NamedSysReg(rawValue: slot.slot) {
        case .SCTLR_EL1?, .TTBR0_EL1?, .TTBR1_EL1?, .TCR_EL1?, .MAIR_EL1?:
            return CPU.mmuIndexesEL10 | 0b1_0000
        case .VTTBR_EL2?:   // the stage 2 walk cache's entries are tagged with it
            return CPU.mmuIndexesEL10 | 0b1_0000
        case .VTCR_EL2?:
            return CPU.mmuIndexesEL10 | 0b1_0000 | CPU.stage2WalkCacheBit
        case .SCTLR_EL2?, .TTBR0_EL2?, .TTBR1_EL2?, .TCR_EL2?, .MAIR_EL2?:
            return hcrE2H ? CPU.mmuIndexesEL20 : CPU.mmuIndexesEL2
        case .SCTLR_EL3?, .TTBR0_EL3?, .TCR_EL3?, .MAIR_EL3?:
            return CPU.mmuIndexesEL3
        default:
            return CPU.allMMUIndexes
        }
    }
}
