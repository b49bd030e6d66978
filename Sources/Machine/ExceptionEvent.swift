/// One exception taken or one exception return, as `System.exceptionObserver`
/// sees it (for `-d int` and `-d stats`). Reported after the architectural
/// state has changed: the CPU is already at `toEL`, its PC is `pc`.
public struct ExceptionEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An exception taken to `toEL`, at the vector entry for this kind.
        case taken(ExceptionKind)
        /// ERET. `illegal`: an illegal exception return (PSTATE.IL set, EL and SPSel kept).
        case returned(illegal: Bool)
    }

    public var kind: Kind
    public var fromEL: Int
    public var toEL: Int
    /// The ESR_ELx written (synchronous exceptions and SError); nil when not written.
    public var esr: UInt64?
    /// Taken: the preferred return address saved in ELR_ELx. Return: ELR_ELx, the PC returned to.
    public var elr: UInt64
    /// The FAR_ELx written (aborts, PC alignment faults); nil when not written.
    public var far: UInt64?
    /// Taken: PSTATE as saved in SPSR_ELx. Return: the SPSR_ELx that was restored.
    public var spsr: UInt64
    /// The PC after the event: the vector entry, or the address returned to.
    public var pc: UInt64

    public init(kind: Kind, fromEL: Int, toEL: Int, esr: UInt64? = nil, elr: UInt64,
                far: UInt64? = nil, spsr: UInt64, pc: UInt64) {
        self.kind = kind
        self.fromEL = fromEL
        self.toEL = toEL
        self.esr = esr
        self.elr = elr
        self.far = far
        self.spsr = spsr
        self.pc = pc
    }

    public var isReturn: Bool {
        if case .returned = kind { return true }
        return false
    }
}

extension ExceptionClass {
    /// A short name for an ESR_ELx.EC value (Arm ARM D24.2.41), for logs.
    /// Every EC value defined for AArch64 has one; others are "reserved".
    public static func name(ofEC ec: UInt64) -> String {
        switch ec {
        case 0x00: return "Unknown reason"
        case 0x01: return "WFI/WFE trapped"
        case 0x03: return "MCR/MRC cp15 trapped"
        case 0x04: return "MCRR/MRRC cp15 trapped"
        case 0x05: return "MCR/MRC cp14 trapped"
        case 0x06: return "LDC/STC trapped"
        case 0x07: return "SME/SVE/SIMD/FP access trapped"
        case 0x08: return "VMRS trapped"
        case 0x09: return "PAuth instruction trapped"
        case 0x0A: return "LD64B/ST64B trapped"
        case 0x0C: return "MRRC cp14 trapped"
        case 0x0D: return "Branch target exception"
        case 0x0E: return "Illegal execution state"
        case 0x11: return "SVC (AArch32)"
        case 0x12: return "HVC (AArch32)"
        case 0x13: return "SMC (AArch32)"
        case 0x14: return "MSRR/MRRS/SYSP trapped"
        case 0x15: return "SVC"
        case 0x16: return "HVC"
        case 0x17: return "SMC"
        case 0x18: return "MSR/MRS/SYS trapped"
        case 0x19: return "SVE access trapped"
        case 0x1A: return "ERET trapped"
        case 0x1B: return "TSTART"
        case 0x1C: return "PAC failure"
        case 0x1D: return "SME access trapped"
        case 0x1E: return "Granule protection check"
        case 0x1F: return "IMPLEMENTATION DEFINED (EL3)"
        case 0x20: return "Instruction abort, lower EL"
        case 0x21: return "Instruction abort, same EL"
        case 0x22: return "PC alignment fault"
        case 0x24: return "Data abort, lower EL"
        case 0x25: return "Data abort, same EL"
        case 0x26: return "SP alignment fault"
        case 0x27: return "Memory operation exception"
        case 0x28: return "FP exception (AArch32)"
        case 0x2C: return "FP exception"
        case 0x2D: return "GCS exception"
        case 0x2F: return "SError"
        case 0x30: return "Breakpoint, lower EL"
        case 0x31: return "Breakpoint, same EL"
        case 0x32: return "Software step, lower EL"
        case 0x33: return "Software step, same EL"
        case 0x34: return "Watchpoint, lower EL"
        case 0x35: return "Watchpoint, same EL"
        case 0x38: return "BKPT (AArch32)"
        case 0x3A: return "Vector catch (AArch32)"
        case 0x3C: return "BRK"
        case 0x3D: return "Profiling exception"
        default: return "reserved EC"
        }
    }

    /// True for the EC values whose ISS holds a DFSC/IFSC (instruction and data aborts).
    public static func isAbort(ec: UInt64) -> Bool {
        ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25
    }
}

extension FaultStatus {
    /// The name of a DFSC/IFSC value (ISS[5:0] of an abort, Arm ARM D24.2.41), for logs.
    public static func name(ofFSC fsc: UInt64) -> String {
        let level = Int(fsc & 3)
        switch fsc {
        case 0x00...0x03: return "address size fault, level \(level)"
        case 0x04...0x07: return "translation fault, level \(level)"
        case 0x09...0x0B: return "access flag fault, level \(level)"
        case 0x08: return "access flag fault, level 0"
        case 0x0D...0x0F: return "permission fault, level \(level)"
        case 0x0C: return "permission fault, level 0"
        case 0x10: return "synchronous external abort"
        case 0x11: return "tag check fault"
        case 0x12: return "synchronous external abort on walk, level -2"
        case 0x13: return "synchronous external abort on walk, level -1"
        case 0x14...0x17: return "synchronous external abort on walk, level \(level)"
        case 0x18: return "synchronous parity/ECC error"
        case 0x1B: return "synchronous parity/ECC error on walk, level -1"
        case 0x1C...0x1F: return "synchronous parity/ECC error on walk, level \(level)"
        case 0x21: return "alignment fault"
        case 0x22: return "debug exception"
        case 0x23: return "granule protection fault on walk, level -1"
        case 0x24...0x27: return "granule protection fault on walk, level \(level)"
        case 0x28: return "granule protection fault"
        case 0x29: return "address size fault, level -1"
        case 0x2A: return "translation fault, level -2"
        case 0x2B: return "translation fault, level -1"
        case 0x2C: return "address size fault, level -2"
        case 0x30: return "TLB conflict abort"
        case 0x31: return "unsupported atomic hardware update fault"
        case 0x34: return "IMPLEMENTATION DEFINED fault (lockdown)"
        case 0x35: return "unsupported exclusive or atomic access"
        default: return "reserved fault status \(hex(fsc))"
        }
    }
}
