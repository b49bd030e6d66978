/// The `-d` items that code below the Debug module reports (QEMU's log items of
/// the same names). The Debug module installs a `MachineLog` on the `System`
/// for the items the user asked for; with none installed, `System.log` costs
/// one load and compare, and the message is never built.
public enum LogItem: Int, Sendable, CaseIterable {
    /// The guest did something invalid: a write to ROM, an access where nothing
    /// is mapped, an unknown device register, an inaccessible system register.
    case guestErrors
    /// The guest used something Armature does not implement (system registers
    /// and instructions, PSCI functions).
    case unimp
    /// Address translations (page-table walks, AT) and MMU faults.
    case mmu
    /// Every semihosting call with its arguments and result.
    case semihosting
    /// FEAT_MEC memory encryption contexts (no events until MEC is modelled).
    case mec
    /// RME granule protection checks (no events until RME is modelled).
    case gpc

    /// The `-d` name.
    public var name: String {
        switch self {
        case .guestErrors: return "guest_errors"
        case .unimp: return "unimp"
        case .mmu: return "mmu"
        case .semihosting: return "semihosting"
        case .mec: return "mec"
        case .gpc: return "gpc"
        }
    }
}

/// Where `System.log` messages go, and for which items.
public final class MachineLog {
    private let mask: UInt32
    private let sink: (LogItem, String) -> Void
    /// Turns an instruction word into text for messages about instructions
    /// (the Debug module supplies the A64 disassembler); nil: the word in hex.
    public var disassemble: ((UInt32, UInt64) -> String)?

    public init(items: some Sequence<LogItem>, sink: @escaping (LogItem, String) -> Void) {
        mask = items.reduce(0) { $0 | 1 << UInt32($1.rawValue) }
        self.sink = sink
    }

    @inline(__always) public func isEnabled(_ item: LogItem) -> Bool {
        mask & 1 << UInt32(item.rawValue) != 0
    }

    public func write(_ item: LogItem, _ message: String) {
        if isEnabled(item) { sink(item, message) }
    }
}

extension System {
    /// True when messages for `item` are wanted (to skip work done only for them).
    @inline(__always) public func isLogging(_ item: LogItem) -> Bool {
        logger?.isEnabled(item) ?? false
    }

    /// Logs one line (no newline) for `item`; the message is built only when
    /// the item is enabled.
    @inline(__always) public func log(_ item: LogItem, _ message: @autoclosure () -> String) {
        guard let l = logger, l.isEnabled(item) else { return }
        l.write(item, message())
    }
}

extension CPU {
    /// `System.log` for what this CPU does: with several CPUs the line names
    /// it first (`cpuN: `, as the exec and int lines name it).
    @inline(__always) func cpuLog(_ item: LogItem, _ message: @autoclosure () -> String) {
        guard let l = system.logger, l.isEnabled(item) else { return }
        l.write(item, system.cpus.count > 1 ? "cpu\(index): " + message() : message())
    }

    /// The text of the instruction at `va` for a log message: its disassembly
    /// when the Debug module supplied a disassembler, else its word in hex.
    public func instructionText(at va: UInt64) -> String {
        guard let b = readVirtual(va, count: 4) else { return "(instruction unreadable)" }
        let word = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
        if let d = system.logger?.disassemble { return d(word, va) }
        return "instruction " + hex(UInt64(word))
    }

    /// For the helpers of MRS, MSR, MSR (immediate) and SYS, called just before
    /// they raise UNDEFINED for the instruction at `faultPC`. An MRS/MSR of a
    /// register the table does not have, an unknown PSTATE field or SYS
    /// operation, is logged under `unimp`; a register that exists but is not
    /// accessible here (EL too low, EL2/EL3 not implemented, read-only) under
    /// `guest_errors`. `sysRegKey` is the MRS/MSR key; nil for other instructions.
    public func logUndefinedSystemInstruction(sysRegKey: UInt32? = nil) {
        guard let l = system.logger, l.isEnabled(.unimp) || l.isEnabled(.guestErrors) else { return }
        let at = "at \(hex(faultPC)) (EL\(el))"
        if let key = sysRegKey, let def = sysRegs.lookup(key: key)?.def {
            cpuLog(.guestErrors, "UNDEFINED system register access: \(instructionText(at: faultPC)) \(at): \(def.name) is not accessible here")
        } else {
            let what = sysRegKey == nil ? "system instruction" : "system register"
            cpuLog(.unimp, "unimplemented \(what): \(instructionText(at: faultPC)) \(at); taking UNDEFINED")
        }
    }

    /// Logs an MMU fault (`-d mmu`), called where the abort is raised.
    public func logMemoryFault(instruction: Bool, status: FaultStatus, va: UInt64, isWrite: Bool, target: Int) {
        guard system.isLogging(.mmu) else { return }
        let access = instruction ? "fetch" : (isWrite ? "write" : "read")
        let pc = instruction ? va : faultPC
        cpuLog(.mmu, "mmu: \(access) at va \(hex(va)) faulted: \(FaultStatus.name(ofFSC: status.rawValue)) (PC \(hex(pc)), EL\(el) -> EL\(target))")
    }
}
