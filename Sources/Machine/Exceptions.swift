/// Exception classes (ESR_ELx.EC), Arm ARM D17.2.37.
public enum ExceptionClass: UInt64, Sendable {
    case unknown = 0x00
    case wfx = 0x01
    /// Access to FP/SIMD trapped by CPACR_EL1, CPTR_EL2 or CPTR_EL3.
    case fpAccess = 0x07
    /// A FEAT_PAuth instruction trapped by HCR_EL2.API or SCR_EL3.API.
    case pauthTrap = 0x09
    case illegalState = 0x0E
    case svc = 0x15
    case hvc = 0x16
    case smc = 0x17
    case sysRegTrap = 0x18
    case instructionAbortLower = 0x20
    case instructionAbortSame = 0x21
    case pcAlignment = 0x22
    case dataAbortLower = 0x24
    case dataAbortSame = 0x25
    case spAlignment = 0x26
    case brk = 0x3C
}

/// Offsets within a vector table entry group (Arm ARM D1.10.2).
public enum ExceptionKind: UInt64, Sendable {
    case sync = 0x000
    case irq = 0x080
    case fiq = 0x100
    case serror = 0x180
}

/// Fault status codes (DFSC/IFSC), Arm ARM D17.2.37. The MMU faults come in
/// one code per lookup level (0...3): use `translation(level:)` and friends.
public enum FaultStatus: UInt64, Sendable {
    case addressSizeL0 = 0x00, addressSizeL1, addressSizeL2, addressSizeL3
    case translationL0 = 0x04, translationL1, translationL2, translationL3
    case accessFlagL0 = 0x08, accessFlagL1, accessFlagL2, accessFlagL3
    case permissionL0 = 0x0C, permissionL1, permissionL2, permissionL3
    case syncExternal = 0x10
    /// Synchronous External abort on a translation table walk, level 0...3.
    case syncExternalWalkL0 = 0x14, syncExternalWalkL1, syncExternalWalkL2, syncExternalWalkL3
    case alignment = 0x21
    case unsupportedExclusiveOrAtomic = 0x35

    public static func addressSize(level: Int) -> FaultStatus { FaultStatus(rawValue: 0x00 + UInt64(level & 3))! }
    public static func translation(level: Int) -> FaultStatus { FaultStatus(rawValue: 0x04 + UInt64(level & 3))! }
    public static func accessFlag(level: Int) -> FaultStatus { FaultStatus(rawValue: 0x08 + UInt64(level & 3))! }
    public static func permission(level: Int) -> FaultStatus { FaultStatus(rawValue: 0x0C + UInt64(level & 3))! }
    public static func syncExternalOnWalk(level: Int) -> FaultStatus { FaultStatus(rawValue: 0x14 + UInt64(level & 3))! }

    /// A synchronous External abort (on the access or on a table walk).
    public var isExternalAbort: Bool { self == .syncExternal || (0x14...0x17).contains(rawValue) }
}

extension CPU {
    /// The EL a synchronous exception from the current EL is taken to when it is
    /// routed "to EL1 or the current EL" (EL0 goes to EL1, or EL2 with HCR_EL2.TGE).
    public var syncTargetEL: Int {
        if el == 0 {
            if hcrTGE { return 2 }
            return 1
        }
        return el
    }

    /// Takes an exception to `target` (Arm ARM D1.10 and the pseudocode
    /// AArch64.TakeException): saves PSTATE in SPSR_ELx and the preferred return
    /// address in ELR_ELx, writes ESR_ELx (and FAR_ELx when given), then enters the
    /// target EL on SP_ELx with DAIF masked at the vector for the kind and origin.
    public func takeException(to target: Int, kind: ExceptionKind = .sync, syndrome: UInt64,
                              returnAddress: UInt64, faultAddress: UInt64? = nil) {
        let fromEL = el
        setSysreg(SysRegTable.spsr[target], pstateForSPSR)
        setSysreg(SysRegTable.elr[target], returnAddress)
        if kind == .sync || kind == .serror {
            setSysreg(SysRegTable.esr[target], syndrome)
        }
        if let faultAddress { setSysreg(SysRegTable.far[target], faultAddress) }
        let pmu = pmuActive
        if pmu { pmuSync() }   // the cycle counter's filter depends on the EL
        let groupOffset: UInt64
        if target > fromEL {
            groupOffset = 0x400          // lower EL, AArch64
        } else {
            groupOffset = spSel == 0 ? 0x000 : 0x200
        }
        setEL(target)
        if pmu { pmuClock.counting = cycleCounterCounts() }
        spSel = 1
        daif = 0x3C0
        pstateMisc &= ~UInt64(0x0030_0C00)   // IL, SS, BTYPE cleared
        // FEAT_PAN: entry to EL1 (or EL2 with E2H and TGE) sets PSTATE.PAN unless
        // SCTLR_ELx.SPAN is 1 (Arm ARM D1.3.4, the PSTATE.PAN bullet).
        if config.hasPAN && (target == 1 || (target == 2 && el2Host))
            && (sysreg(SysRegTable.sctlr[target]) >> 23) & 1 == 0 {
            pstateMisc |= CPU.pstatePAN
        }
        clearExclusiveMonitor()
        let vector = sysreg(SysRegTable.vbar[target]) & ~UInt64(0x7FF) &+ groupOffset &+ kind.rawValue
        pc = vector
        exceptionTaken = true
        if target != fromEL { interruptController?.cpuContextChanged(self) }
        if let observer = system.exceptionObserver {
            observer(self, ExceptionEvent(kind: .taken(kind), fromEL: fromEL, toEL: target,
                                          esr: kind == .sync || kind == .serror ? syndrome : nil, elr: returnAddress,
                                          far: faultAddress, spsr: sysreg(SysRegTable.spsr[target]), pc: vector))
        }
        // A synchronous exception raised by the first instruction of its own vector
        // repeats forever: stop with a message instead of hanging.
        if kind == .sync && returnAddress == vector {
            var msg = "guest stuck in an exception loop at EL\(target) vector \(hex(vector)) (ESR \(hex(syndrome)))"
            if let off = system.lastFetchOutsideMemory {
                msg += "; it first ran outside RAM/ROM at \(hex(off))"
            }
            system.fatal(msg)
        }
    }

    /// The EL an abort is taken to: External aborts go to EL3 when SCR_EL3.EA is
    /// set, from any EL (Arm ARM AArch64.Abort: route_to_el3); the rest as other
    /// synchronous exceptions.
    func abortTargetEL(_ status: FaultStatus) -> Int {
        if config.hasEL3 && status.isExternalAbort && (sysreg(SysRegTable.scrEL3) >> 3) & 1 == 1 { return 3 }
        return syncTargetEL
    }

    /// ESR value for a class with IL = 1 (32-bit instruction).
    @inlinable public static func syndrome(_ ec: ExceptionClass, iss: UInt64 = 0) -> UInt64 {
        (ec.rawValue << 26) | (1 << 25) | (iss & 0x1FF_FFFF)
    }

    /// The Undefined Instruction exception for the instruction at `pc`.
    public func raiseUndefined(at pc: UInt64) {
        takeException(to: syncTargetEL, syndrome: CPU.syndrome(.unknown), returnAddress: pc)
    }

    /// SVC #imm: preferred return is the next instruction.
    public func raiseSVC(imm16: UInt64, at pc: UInt64) {
        takeException(to: syncTargetEL, syndrome: CPU.syndrome(.svc, iss: imm16), returnAddress: pc &+ 4)
    }

    /// HVC #imm: UNDEFINED at EL0, without EL2, when SCR_EL3.HCE is 0 (without
    /// EL3: HCR_EL2.HCD is 1), and at EL1 when EL2 is not enabled in the
    /// current Security state (Secure EL1: there is no Secure EL2).
    public func raiseHVC(imm16: UInt64, at pc: UInt64) {
        if el > 0, let fw = system.firmware, fw.conduit == .hvc { return system.withDeviceLock { fw.call(cpu: self) } }
        let hce = config.hasEL3 ? (sysreg(SysRegTable.scrEL3) >> 8) & 1 == 1
                                : config.hasEL2 && (sysreg(SysRegTable.hcrEL2) >> 29) & 1 == 0
        guard el > 0, config.hasEL2, hce, el != 1 || el2Enabled else { return raiseUndefined(at: pc) }
        takeException(to: el == 3 ? 3 : 2, syndrome: CPU.syndrome(.hvc, iss: imm16), returnAddress: pc &+ 4)
    }

    /// SMC #imm: UNDEFINED at EL0 or without EL3; trapped to EL2 from EL1 by
    /// HCR_EL2.TSC (preferred return = the SMC itself); UNDEFINED when SCR_EL3.SMD is set.
    public func raiseSMC(imm16: UInt64, at pc: UInt64) {
        if el > 0, let fw = system.firmware, fw.conduit == .smc { return system.withDeviceLock { fw.call(cpu: self) } }
        guard el > 0, config.hasEL3 else { return raiseUndefined(at: pc) }
        if el == 1 && el2Enabled && (sysreg(SysRegTable.hcrEL2) >> 19) & 1 == 1 {
            return takeException(to: 2, syndrome: CPU.syndrome(.smc, iss: imm16), returnAddress: pc)
        }
        if (sysreg(SysRegTable.scrEL3) >> 7) & 1 == 1 { return raiseUndefined(at: pc) }
        takeException(to: 3, syndrome: CPU.syndrome(.smc, iss: imm16), returnAddress: pc &+ 4)
    }

    /// BRK #imm: a software breakpoint; the preferred return is the BRK itself.
    public func raiseBRK(imm16: UInt64, at pc: UInt64) {
        takeException(to: syncTargetEL, syndrome: CPU.syndrome(.brk, iss: imm16), returnAddress: pc)
    }

    /// A data abort for an access by the instruction at `pc`.
    public func raiseDataAbort(status: FaultStatus, va: UInt64, isWrite: Bool, at pc: UInt64) {
        let target = abortTargetEL(status)
        let ec: ExceptionClass = target > el ? .dataAbortLower : .dataAbortSame
        let iss = status.rawValue | (isWrite ? 1 << 6 : 0)
        logMemoryFault(instruction: false, status: status, va: va, isWrite: isWrite, target: target)
        takeException(to: target, syndrome: CPU.syndrome(ec, iss: iss), returnAddress: pc, faultAddress: va)
    }

    /// An instruction abort on fetching from `va`.
    public func raiseInstructionAbort(status: FaultStatus, va: UInt64) {
        let target = abortTargetEL(status)
        let ec: ExceptionClass = target > el ? .instructionAbortLower : .instructionAbortSame
        logMemoryFault(instruction: true, status: status, va: va, isWrite: false, target: target)
        takeException(to: target, syndrome: CPU.syndrome(ec, iss: status.rawValue), returnAddress: va, faultAddress: va)
    }

    /// Illegal Execution state: an instruction executed with PSTATE.IL set
    /// (after an illegal exception return). EC 0x0E, preferred return = that instruction.
    public func raiseIllegalState(at pc: UInt64) {
        takeException(to: syncTargetEL, syndrome: CPU.syndrome(.illegalState), returnAddress: pc)
    }

    /// PC alignment fault: executing with PC[1:0] != 0.
    public func raisePCAlignment(pc: UInt64) {
        takeException(to: syncTargetEL, syndrome: CPU.syndrome(.pcAlignment), returnAddress: pc, faultAddress: pc)
    }

    /// ERET (Arm ARM AArch64.ExceptionReturn): restores PSTATE from SPSR_ELx and
    /// jumps to ELR_ELx. A return to a higher or unimplemented EL, to AArch32, or
    /// to EL1 while HCR_EL2.TGE is set, is an illegal exception return: PSTATE.EL
    /// and SPSel are kept, PSTATE.IL is set. `target`: ERETAA/ERETAB's
    /// authenticated ELR_ELx (PAuth/PointerAuth.swift).
    public func exceptionReturn(target returnAddress: UInt64? = nil) {
        let fromEL = el
        let spsr = sysreg(SysRegTable.spsr[fromEL])
        let target = pc_spsrTargetEL(spsr)
        let m4 = (spsr >> 4) & 1
        let tge = hcrTGE
        let illegal = m4 == 1 || target > fromEL || target > highestEL
            || (target == 2 && !el2Enabled)   // no EL2 in this Security state (Secure, Root)
            || targetUsesAArch32(target)      // SPSR.M[4] = 0 asks for AArch64
            || (target == 1 && tge)
            || (spsr & 0b10 != 0)   // M[1] is RES0 in AArch64 state
            || (target == 0 && spsr & 1 == 1)
            || (fromEL == 3 && target < 3 && config.hasRME && isRootSCR)   // Root is EL3 only
        let pmu = pmuActive
        if pmu { pmuSync() }
        nzcv = spsr
        daif = spsr
        // SS, PAN, UAO, SSBS, BTYPE; DIT with FEAT_DIT (RES0 without it). Entry
        // leaves PSTATE.DIT as it was (Arm ARM D1.4, AArch64.TakeException).
        var misc = spsr & (0x00E0_1C00 | (config.hasDIT ? CPU.pstateDIT : 0))
        if illegal {
            misc |= 1 << 20
        } else {
            setEL(target)
            spSel = spsr & 1
        }
        pstateMisc = misc
        if pmu { pmuClock.counting = cycleCounterCounts() }
        clearExclusiveMonitor()
        pc = returnAddress ?? sysreg(SysRegTable.elr[fromEL])
        exceptionTaken = true
        if el != fromEL { interruptController?.cpuContextChanged(self) }
        noteExceptionReturn()   // sets the event register; DAIF/EL may unmask an interrupt
        system.exceptionObserver?(self, ExceptionEvent(kind: .returned(illegal: illegal), fromEL: fromEL, toEL: el,
                                                       elr: pc, spsr: spsr, pc: pc))
    }

    private func pc_spsrTargetEL(_ spsr: UInt64) -> Int { Int((spsr >> 2) & 3) }

    /// Whether EL `target` (< current EL) executes in AArch32 by the register-width
    /// controls (Arm ARM ELUsingAArch32): SCR_EL3.RW for EL2 and below, HCR_EL2.RW
    /// for EL1 and EL0 when EL2 is enabled (RAO with E2H and TGE both set). We
    /// implement no AArch32, so a return there is an illegal exception return.
    private func targetUsesAArch32(_ target: Int) -> Bool {
        if target >= 3 { return false }
        if config.hasEL3 && (sysreg(SysRegTable.scrEL3) >> 10) & 1 == 0 { return true }
        if target == 2 || !el2Enabled { return false }
        return sysreg(SysRegTable.hcrEL2) & HCRBits.rw == 0 && !el2Host
    }

    /// SCR_EL3.{NSE, NS} = {1, 0}: the Root state, which only EL3 has (FEAT_RME).
    private var isRootSCR: Bool {
        let scr = sysreg(SysRegTable.scrEL3)
        return (scr >> 62) & 1 == 1 && scr & 1 == 0
    }

    @inline(__always) public func clearExclusiveMonitor() {
        state.storeBytes(of: 0, toByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
    }
}
