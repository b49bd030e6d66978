/// Helpers the lifter may call. The engine's helper table gives each one a
/// C-ABI function `(state, a, b, c) -> UInt64`; helpers that may raise read the
/// faulting instruction's PC from the state (the engine stores it before the call).
public enum HelperID: UInt16, Sendable, CaseIterable {
    /// MRS: a = `SysRegOperand`; returns the value (raises UNDEF when not accessible).
    case mrs
    /// MSR (register): a = `SysRegOperand`, b = value.
    case msr
    /// MSR (immediate): a = `SystemOperand` (the PSTATE field by op1, op2; its value in CRm).
    case msrImmediate
    /// SYS/SYSL (DC, IC, AT, TLBI): a = `SystemOperand`, b = Xt value, c = Rt.
    case sys
    case svc, hvc, smc, brk
    /// HLT: a = imm16 (0xF000 = semihosting when enabled).
    case hlt
    case undefined
    case eret
    /// WFI/WFE/YIELD/SEV...: a = hint number.
    case hint
    /// CRC32/CRC32C: a = accumulator, b = data, c = `CRC32Operand`.
    case crc32
    /// Load-exclusive: a = address, b = `ExclusiveOperand`; writes Rt/Rt2.
    case loadExclusive
    /// Store-exclusive: a = address, b = `ExclusiveOperand`; writes Ws.
    case storeExclusive
    /// LSE atomic: a = address, b = value, c = `AtomicOperand`; returns the old value.
    case atomic
    /// CAS: a = address, b = `CompareAndSwapOperand`; writes Rs.
    case compareAndSwap
    /// CASP: a = address, b = `CompareAndSwapOperand`; writes Rs, Rs+1.
    case compareAndSwapPair
    /// DC ZVA: a = address, b = Rt (a trap's syndrome names it).
    case dcZeroVA
    /// CLREX: clears the local exclusive monitor.
    case clrex
    /// An FP/SIMD instruction while FP/SIMD is trapped: takes the trap.
    case fpAccessTrap
    /// DMB/DSB of a type that orders earlier stores before later loads (the
    /// full barriers, not the LD/ST-only ones): with CPUs on host threads the
    /// engine fences the host (x86-64 keeps every other order by itself).
    case barrier
    /// DC by VA or set/way (the data cache maintenance that changes neither
    /// translation nor code): a = `SystemOperand`, b = Xt value, c = Rt.
    /// The block goes on after it, unless it trapped.
    case dataCacheMaintenance
    /// RNDR/RNDRRS (FEAT_RNG): returns 64 random bits from the host.
    case random
    /// FEAT_PAuth: a = pointer (or PACGA's Xn), b = modifier, c = `PAuthOperand`;
    /// returns the result (may take the EC 0x09 trap).
    case pauth
    /// ERETAA/ERETAB: a = 1 for key B; authenticates ELR_ELx with SP, then ERET.
    case eretAuth

    public struct Info: Sendable {
        public let name: String
        public let argCount: Int
        public let returnsValue: Bool
        /// No state access and no fault: the optimizer may fold/remove it.
        public let pure: Bool
        /// May take an exception (or change the PC/context): the engine leaves the
        /// block when the helper reports one.
        public let mayRaise: Bool
    }

    public var info: Info {
        switch self {
        case .mrs: return Info(name: "mrs", argCount: 1, returnsValue: true, pure: false, mayRaise: true)
        case .msr: return Info(name: "msr", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .msrImmediate: return Info(name: "msr_imm", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .sys: return Info(name: "sys", argCount: 3, returnsValue: false, pure: false, mayRaise: true)
        case .svc: return Info(name: "svc", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .hvc: return Info(name: "hvc", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .smc: return Info(name: "smc", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .brk: return Info(name: "brk", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .hlt: return Info(name: "hlt", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .undefined: return Info(name: "undefined", argCount: 0, returnsValue: false, pure: false, mayRaise: true)
        case .eret: return Info(name: "eret", argCount: 0, returnsValue: false, pure: false, mayRaise: true)
        case .hint: return Info(name: "hint", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        case .crc32: return Info(name: "crc32", argCount: 3, returnsValue: true, pure: true, mayRaise: false)
        case .loadExclusive: return Info(name: "load_exclusive", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .storeExclusive: return Info(name: "store_exclusive", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .atomic: return Info(name: "atomic", argCount: 3, returnsValue: true, pure: false, mayRaise: true)
        case .compareAndSwap: return Info(name: "cas", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .compareAndSwapPair: return Info(name: "casp", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .dcZeroVA: return Info(name: "dc_zva", argCount: 2, returnsValue: false, pure: false, mayRaise: true)
        case .clrex: return Info(name: "clrex", argCount: 0, returnsValue: false, pure: false, mayRaise: false)
        case .fpAccessTrap: return Info(name: "fp_access_trap", argCount: 0, returnsValue: false, pure: false, mayRaise: true)
        case .barrier: return Info(name: "barrier", argCount: 0, returnsValue: false, pure: false, mayRaise: false)
        case .dataCacheMaintenance: return Info(name: "dc", argCount: 3, returnsValue: false, pure: false, mayRaise: true)
        case .random: return Info(name: "random", argCount: 0, returnsValue: true, pure: false, mayRaise: false)
        case .pauth: return Info(name: "pauth", argCount: 3, returnsValue: true, pure: false, mayRaise: true)
        case .eretAuth: return Info(name: "eret_auth", argCount: 1, returnsValue: false, pure: false, mayRaise: true)
        }
    }
}
