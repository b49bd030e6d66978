import Arch
import Glibc
import Synchronization

/// What the CPU implements: set from `-cpu` and `-M` options.
public struct CPUConfig: Sendable {
    public var model: String = "max"
    public var hasEL2 = false
    public var hasEL3 = false
    /// FEAT_RME (`-cpu max,x-rme=on` with EL3): Root and Realm states, four PA spaces.
    public var hasRME = false
    /// FEAT_MEC (with FEAT_SCTLR2 and FEAT_TCR2; needs RME): the MECID registers
    /// (MEC/MECRegisters.swift). Tags are kept only with `-M virt,mec=on`.
    public var hasMEC = false
    /// FEAT_PAN: PSTATE.PAN, MSR PAN, SCTLR_ELx.SPAN.
    public var hasPAN = true
    /// FEAT_DIT: PSTATE.DIT (data-independent timing; every instruction's timing
    /// already is, so it is state only), MSR/MRS DIT, SPSR_ELx bit 24.
    public var hasDIT = true
    /// FEAT_HAFDBS: TCR_ELx.HA/HD and VTCR_EL2.HA/HD (HardwareUpdates.swift).
    public var hasHAFDBS = true
    /// QEMU's max CPU's: implementer 0 (software), architecture 0xF, part 0x051,
    /// which firmware keys on (TF-A's qemu_max CPU operations).
    public var midr: UInt64 = 0x000F_0510
    /// The instruction-set features (CPUModel.swift).
    public var isa: ISAFeatures = [.crc32, .lse, .lrcpc, .sb, .dpb, .tlbiOSRange, .fp16]
    /// FEAT_VHE: HCR_EL2.E2H, the EL2&0 regime, the *_EL12/*_EL02 encodings.
    public var hasVHE = false
    /// The GICv3 CPU interface's system registers (ICC_*) are implemented
    /// (ID_AA64PFR0_EL1.GIC = 1): set by the board with a GICv3.
    public var hasGICv3SystemRegisters = false
    /// `-cpu max,pauth-impdef=on`: FEAT_PAuth with Armature's own PAC
    /// algorithm (PAuth/PAuthRegisters.swift) instead of QARMA5.
    public var pauthImpdef = false
    public init() {}
}

/// Receives semihosting calls (`HLT #0xF000`). The board provides it.
public protocol SemihostingHandler: AnyObject {
    /// Performs the call whose number is in W0 and parameter in X1; returns the value for X0.
    func semihostingCall(cpu: CPU) -> UInt64
}

/// Which instruction calls the firmware emulated by the board (PSCI): QEMU's
/// virt uses HVC when the CPU has neither EL2 nor EL3, SMC when it has EL2 but
/// no EL3, and none when EL3 firmware runs in the guest.
public enum FirmwareConduit: Sendable { case none, hvc, smc }

/// Firmware services answered by the emulator (PSCI). `call` reads the function
/// ID and arguments from X0... and writes the result to X0.
public protocol FirmwareServices: AnyObject {
    var conduit: FirmwareConduit { get }
    func call(cpu: CPU)
}

/// One processing element. Its architectural state lives in the flat state block
/// (`StateLayout`); this class is the Swift face of that block.
public final class CPU {
    public let state: UnsafeMutableRawPointer
    /// The machine owns its CPUs and outlives them. Unowned without the
    /// runtime's check: `System` has a side table (weak references to it),
    /// so a checked unowned or strong reference would take the slow
    /// reference-counting path on every `system.` of the memory slow paths.
    public unowned(unsafe) let system: System
    public let index: Int
    /// MPIDR_EL1's affinity fields (Aff0 7:0, Aff1 15:8, Aff2 23:16, Aff3 39:32),
    /// as the board numbers its CPUs.
    public let affinity: UInt64
    public let config: CPUConfig
    /// The machine's system registers (shared with its other CPUs).
    public let sysRegs: SysRegRegistry
    /// The system counter's zero in host time (`System.counterEpochNanos`).
    let counterEpochNanos: UInt64
    /// Counts TLB flushes, so engines can tell when cached translations
    /// (jump caches keyed by VA) may be stale.
    public internal(set) var tlbFlushCount: UInt64 = 0
    /// What those flushes dropped, since an engine last emptied it
    /// (TranslationChanges.swift): a jump cache drops only that.
    public var translationChanges = TranslationChanges()
    /// The HCR_EL2 value the EL1&0 indices' entries (0, 1, 4 and 5) were
    /// filled under: an HCR_EL2 write that keeps E2H leaves them, and the
    /// next entry to EL1, or to EL0 outside a VHE host, flushes them unless
    /// HCR_EL2 is this value again (`setEL`), so a hypervisor's world switch,
    /// which sets the host's HCR_EL2 and back, keeps its guest's translations.
    var tlbEL1HCR: UInt64 = 0
    /// The VTTBR_EL2 value (VMID, stage 2 tables) they were filled under:
    /// kept the same way, so a host that loads another VTTBR_EL2 between
    /// two entries to the same guest keeps the guest's entries.
    var tlbEL1VTTBR: UInt64 = 0
    /// MMU indices with entries filled since the last full flush (bit i =
    /// index i). Written by the CPU's thread only; read by another CPU's
    /// `protectCodePage`.
    var tlbDirtyIndices: UInt32 {
        get { tlbDirty.load(ordering: .relaxed) }
        set { tlbDirty.store(newValue, ordering: .relaxed) }
    }
    private let tlbDirty = Atomic<UInt32>((1 << TLB.mmuIndexCount) - 1)
    /// The entries filled since each index's last flush (TLBFillLog.swift).
    let tlbFillLog = TLBFillLog()
    /// Stage 2 walk results by IPA page (Stage2WalkCache.swift).
    let stage2Cache = Stage2WalkCache()
    /// The PACs computed last (PAuth/PAuthRegisters.swift).
    let pacCache = PACCache()
    /// Slow-path counters of the softmmu (`-d stats`; TLBStatistics.swift).
    public internal(set) var tlbStatistics = TLBStatistics()
    /// Where the state block lives (StateBlockMemory.swift).
    private let stateMapping: StateBlockMemory.Mapping
    /// Physical page of each TLB entry, for block lookup by the PA of the PC.
    let codePhysPage: UnsafeMutablePointer<UInt64>
    /// FEAT_MEC tag state of this CPU (`-M virt,mec=on`; MEC/MECTagStore.swift); nil: no tags.
    public internal(set) var mecState: MECCPUState?
    /// log2 of the size of the page or block each TLB entry caches 4 KiB of
    /// (for TLBI by VA: TLBMaintenance.swift).
    let tlbPageBits: UnsafeMutablePointer<UInt8>
    /// 1 where a TLB entry maps Device memory (whose accesses are checked for
    /// alignment: `SoftMMU.alignedThroughTLB`).
    let tlbDevice: UnsafeMutablePointer<UInt8>
    /// The IPA page of each TLB entry filled through stage 2, with log2 of
    /// its stage 2 page or block size in bits 5:0; ~0 without stage 2 (for
    /// TLBI by IPA: TLBMaintenance.swift).
    let tlbIPA: UnsafeMutablePointer<UInt64>
    /// Per MMU index, a VA range (base, mask of the VA bits that select it:
    /// 0 for every VA) covering every block larger than a page in the TLB;
    /// `CPU.noLargeBlocks`: none (for TLBI by VA: TLBMaintenance.swift).
    var tlbLargeBlocks = [(base: UInt64, mask: UInt64)](repeating: CPU.noLargeBlocks, count: TLB.mmuIndexCount)
    /// Per MMU index, bit n set: the TLB may hold a block of 2^n bytes.
    var tlbBlockSizes = [UInt64](repeating: 0, count: TLB.mmuIndexCount)
    /// Interrupt inputs, event register, timer alarm (Interrupts.swift).
    public let interrupts: InterruptState
    /// The interrupt controller whose CPU interface this CPU has (the board's
    /// GIC): the timers and the PMU drive its private inputs, and it hears of
    /// EL and Security state changes. nil: those outputs go nowhere.
    public weak var interruptController: (any CPUInterruptController)?
    /// The PMU cycle counter's running interval (SysRegs/PMU.swift).
    var pmuClock = PMUClock()

    /// PSCI power state and a pending CPU_ON (PowerState.swift).
    let power = PowerControl()
    /// Waiting in WFI/WFE while CPUs share a host thread (PowerState.swift).
    public internal(set) var waiting: WaitState?
    /// TLB flushes other CPUs asked of this one (CrossCPUWork.swift).
    let remoteTLB = RemoteTLBWork()

    public init(system: System, index: Int, config: CPUConfig, affinity: UInt64? = nil) {
        stateMapping = StateBlockMemory.mapStateBlock()
        state = stateMapping.state
        self.system = system
        self.index = index
        self.affinity = affinity ?? UInt64(index)
        self.config = config
        sysRegs = system.sysRegs
        counterEpochNanos = system.counterEpochNanos
        // Zero: these are read only for entries filled since (`fillTLB` writes
        // them), but for `flushTLBIPA`, to which a zero record of an entry
        // never filled at most drops that invalid entry again.
        codePhysPage = StateBlockMemory.zeroed(UInt64.self, count: TLB.entries * TLB.mmuIndexCount)
        tlbPageBits = StateBlockMemory.zeroed(UInt8.self, count: TLB.entries * TLB.mmuIndexCount)
        tlbDevice = StateBlockMemory.zeroed(UInt8.self, count: TLB.entries * TLB.mmuIndexCount)
        tlbIPA = StateBlockMemory.zeroed(UInt64.self, count: TLB.entries * TLB.mmuIndexCount)
        interrupts = InterruptState(state: state, wake: system.wake, system: system)
        state.storeBytes(of: UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())),
                         toByteOffset: StateLayout.cpuObject, as: UInt64.self)
        reset()
    }

    deinit {
        interrupts.shutdown()   // the timer alarm thread writes the state block
        munmap(stateMapping.base, stateMapping.length)
        free(codePhysPage)
        free(tlbPageBits)
        free(tlbDevice)
        free(tlbIPA)
    }

    /// Recovers the CPU from a state-block pointer (for C-ABI helpers).
    @inline(__always) public static func from(state: UnsafeMutableRawPointer) -> CPU {
        let raw = state.load(fromByteOffset: StateLayout.cpuObject, as: UInt64.self)
        return Unmanaged<CPU>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(raw))!).takeUnretainedValue()
    }

    /// The highest implemented exception level.
    public var highestEL: Int { config.hasEL3 ? 3 : (config.hasEL2 ? 2 : 1) }

    public func reset() {
        for i in 0..<StateLayout.gprCount { setX(i, 0) }
        sysRegs.resetAll(self)
        setEL(highestEL)
        spSel = 1
        daif = 0b1111 << 6
        nzcv = 0
        pstateMisc = 0
        resetFP()
        state.storeBytes(of: 0, toByteOffset: StateLayout.exclusiveSize, as: UInt64.self)
        if let gic = interruptController {   // the timers' outputs go low
            for t in GenericTimerID.allCases where interrupts.timerOutputs & (1 << UInt64(t.rawValue)) != 0 {
                gic.setPrivateInput(cpu: index, intid: t.intid, level: false)
            }
            if interrupts.pmuOutput { gic.setPrivateInput(cpu: index, intid: PMURegisters.interruptID, level: false) }
        }
        interrupts.reset()
        flushTLB()
    }

    // MARK: Registers

    @inline(__always) public func x(_ id: Int) -> UInt64 {
        state.load(fromByteOffset: StateLayout.gpr(id), as: UInt64.self)
    }
    @inline(__always) public func setX(_ id: Int, _ v: UInt64) {
        state.storeBytes(of: v, toByteOffset: StateLayout.gpr(id), as: UInt64.self)
    }

    public var pc: UInt64 {
        get { state.load(fromByteOffset: StateLayout.pc, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.pc, as: UInt64.self) }
    }
    public var nzcv: UInt64 {
        get { FlagsWord.nzcv(fromWord: state.load(fromByteOffset: StateLayout.nzcv, as: UInt64.self)) }
        set { state.storeBytes(of: FlagsWord.word(fromNZCV: newValue), toByteOffset: StateLayout.nzcv, as: UInt64.self) }
    }
    public var el: Int { Int(state.load(fromByteOffset: StateLayout.currentEL, as: UInt64.self)) }
    public func setEL(_ e: Int) {
        state.storeBytes(of: UInt64(e), toByteOffset: StateLayout.currentEL, as: UInt64.self)
        if e <= 1 && config.hasEL2 {
            // Only code at EL1 and at EL0 of EL1&0 uses indices 0, 1 and 5
            // (AT walks without the TLB; a VHE host's EL0 has its own).
            let hcr = sysreg(SysRegTable.hcrEL2), vttbr = sysreg(NamedSysReg.VTTBR_EL2.slot)
            if (hcr != tlbEL1HCR || vttbr != tlbEL1VTTBR) && (e == 1 || !el2Host) {
                flushTLB(mmuIndexMask: CPU.mmuIndexesEL10 | 0b1_0000)
                tlbEL1HCR = hcr
                tlbEL1VTTBR = vttbr
            }
        }
    }
    public var spSel: UInt64 {
        get { state.load(fromByteOffset: StateLayout.spSel, as: UInt64.self) }
        set { state.storeBytes(of: newValue & 1, toByteOffset: StateLayout.spSel, as: UInt64.self) }
    }
    public var daif: UInt64 {
        get { state.load(fromByteOffset: StateLayout.daif, as: UInt64.self) }
        set { state.storeBytes(of: newValue & 0x3C0, toByteOffset: StateLayout.daif, as: UInt64.self) }
    }
    public var pstateMisc: UInt64 {
        get { state.load(fromByteOffset: StateLayout.pstateMisc, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.pstateMisc, as: UInt64.self) }
    }
    /// Guest register id of the current stack pointer (SP_EL0 when SPSel is 0).
    public var spRegisterId: Int { spSel == 0 ? StateLayout.spEL0Id : StateLayout.spEL0Id + el }
    public var sp: UInt64 {
        get { x(spRegisterId) }
        set { setX(spRegisterId, newValue) }
    }

    public var instructionCount: UInt64 {
        get { state.load(fromByteOffset: StateLayout.instructionCount, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.instructionCount, as: UInt64.self) }
    }
    public var exceptionTaken: Bool {
        get { state.load(fromByteOffset: StateLayout.exceptionTaken, as: UInt64.self) != 0 }
        set { state.storeBytes(of: newValue ? 1 : 0, toByteOffset: StateLayout.exceptionTaken, as: UInt64.self) }
    }
    public var exitRequest: UInt64 {
        get { state.load(fromByteOffset: StateLayout.exitRequest, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.exitRequest, as: UInt64.self) }
    }
    /// Where the CPU's round-robin time slice ends (`StateLayout.instructionLimit`).
    public var instructionLimit: UInt64 {
        get { state.load(fromByteOffset: StateLayout.instructionLimit, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.instructionLimit, as: UInt64.self) }
    }
    /// PC of the instruction on whose behalf a slow path runs.
    public var faultPC: UInt64 {
        get { state.load(fromByteOffset: StateLayout.faultPC, as: UInt64.self) }
        set { state.storeBytes(of: newValue, toByteOffset: StateLayout.faultPC, as: UInt64.self) }
    }

    // MARK: System register slots

    @inline(__always) public func sysreg(_ r: SysRegSlot) -> UInt64 {
        state.load(fromByteOffset: StateLayout.sysreg(r.slot), as: UInt64.self)
    }
    @inline(__always) public func setSysreg(_ r: SysRegSlot, _ v: UInt64) {
        state.storeBytes(of: v, toByteOffset: StateLayout.sysreg(r.slot), as: UInt64.self)
    }

    // MARK: Generic timer counter

    /// The system counter (CNTPCT), at CNTFRQ from the host's monotonic clock.
    public var physicalCount: UInt64 {
        let ns = HostClock.nanoseconds() &- counterEpochNanos
        // floor(ns * freq / 1e9), exact (GenericTimer.swift inverts it for deadlines).
        return UInt64(1_000_000_000).dividingFullWidth(ns.multipliedFullWidth(by: SysRegTable.counterFrequency)).quotient
    }

    /// PSTATE as SPSR_ELx records it (AArch64 state).
    public var pstateForSPSR: UInt64 {
        nzcv | daif | (pstateMisc & 0x01F0_1C00) | (UInt64(el) << 2) | spSel
    }
}

/// A whole machine's shared parts: the physical address space and the CPUs.
public final class System {
    public let memory: AddressSpace
    public private(set) var cpus: [CPU] = []
    public weak var semihosting: SemihostingHandler?
    public weak var firmware: FirmwareServices?
    /// Set when the guest asked to stop (semihosting exit, PSCI SYSTEM_OFF), or
    /// when the run cannot go on (`fatalMessage` then says why).
    public var exitStatus: Int32?
    public private(set) var fatalMessage: String?
    /// The last instruction fetch that found no memory (for the message when a
    /// guest runs off the end of RAM).
    public private(set) var lastFetchOutsideMemory: UInt64?
    /// Called at every exception taken and every exception return (`-d int`,
    /// `-d stats`); nil (the default) costs one compare per exception.
    public var exceptionObserver: ((CPU, ExceptionEvent) -> Void)?
    /// Receives `log(_:_:)` messages (`-d guest_errors,unimp,mmu,...`); see MachineLog.swift.
    public var logger: MachineLog?
    /// The debugger's watchpoints (DebugWatch.swift); nil: none, and the
    /// softmmu slow paths pay one compare.
    public internal(set) var debugWatch: DebugWatch?
    /// The system registers of every CPU: the architectural table and the
    /// devices' rows (`addSystemRegisters`).
    public let sysRegs = SysRegRegistry()
    /// Host monotonic time (ns) at which the system counter read zero: one
    /// counter for every PE (Arm ARM D11.1.2), so CNTPCT_EL0 agrees between CPUs.
    public let counterEpochNanos = HostClock.nanoseconds()

    /// The lock and condition every CPU's interrupt inputs share, so one
    /// thread can wait for any of several CPUs to have something to do.
    public let wake = WakeSignal()
    /// The CPUs share one host thread, round-robin (`-accel ...,thread=single`
    /// with several CPUs): WFI/WFE leave the CPU waiting (`CPU.waiting`) for
    /// the scheduler instead of idling the thread. Set before the run starts.
    public var cpusShareThread = false
    /// Each CPU runs on its own host thread (`-accel ...,thread=multi`):
    /// devices are reached under `deviceLock`, TLB broadcasts are work the
    /// other CPUs perform (CrossCPUWork.swift), WFI/WFE leave the CPU
    /// waiting for its thread's loop. Set before the run starts.
    public var threaded = false
    /// The big lock of `threaded` runs (QEMU's BQL; CrossCPUWork.swift).
    public let deviceLock = DeviceLock()
    /// Machine reset and shutdown (MachineReset.swift): what `-no-reboot`
    /// makes of a reset, the reset waiting for the dispatcher, who takes part
    /// in one, and why the run ended.
    public var rebootAction = RebootAction.reset
    public internal(set) var pendingReset: ShutdownCause?
    var resetParticipants: [(ShutdownCause) -> Void] = []
    public internal(set) var shutdownCause: ShutdownCause?

    public init(memory: AddressSpace) {
        self.memory = memory
    }

    @discardableResult
    public func addCPU(config: CPUConfig, affinity: UInt64? = nil) -> CPU {
        let cpu = CPU(system: self, index: cpus.count, config: config, affinity: affinity)
        cpus.append(cpu)
        return cpu
    }

    /// Called by `fatal` first: true when it takes the failure instead of
    /// ending the run (an attached debugger stops the CPU and shows the message).
    public var onFatal: ((String) -> Bool)?

    /// Stops the run with a one-line message and exit status 1 (or, when
    /// `onFatal` takes it, leaves the current block and goes on).
    public func fatal(_ message: String) {
        if let onFatal, onFatal(message) {
            for c in cpus { c.exitRequest = 1 }
            return
        }
        if fatalMessage == nil { fatalMessage = message }
        requestExit(status: 1)
    }

    public func noteFetchOutsideMemory(va: UInt64) { lastFetchOutsideMemory = va }

    /// Ends the run with the given status; every CPU leaves its block.
    public func requestExit(status: Int32) {
        exitStatus = status
        for c in cpus { c.exitRequest = 1 }
        if threaded { wake.broadcast() }   // CPU threads asleep in WFI
    }
}
