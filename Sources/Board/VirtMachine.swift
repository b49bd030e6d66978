import Machine
import Synchronization
import Devices
import Options

/// What the `virt` board is built with (from `-M`, `-cpu`, `-m`, `-smp`, `-semihosting`).
public struct VirtOptions: Sendable, Equatable {
    /// Guest RAM in bytes (QEMU's default for virt: 128 MiB).
    public var ramSize: UInt64 = 128 << 20
    /// `secure=on`: EL3 and the Secure state are implemented.
    public var secure = false
    /// `virtualization=on`: EL2 is implemented.
    public var virtualization = false
    /// `gic-version=`: 2, 3, host or max (`VirtMachine.resolveGICVersion`);
    /// QEMU 7.2's default for virt is 2.
    public var gicVersion = "2"
    /// `mec=on`: keep FEAT_MEC shadow tags (MECID per page/line, substitute
    /// data on a mismatch). Without a CPU that has FEAT_MEC (`-cpu max,x-rme=on`
    /// with secure=on,virtualization=on) every access uses MECID 0: the tags
    /// are kept all the same (what the model costs a non-realm workload).
    public var mec = false
    /// `-cpu max,x-rme=on`: FEAT_RME and FEAT_MEC (when EL3 and EL2 exist).
    public var rme = false
    /// `-cpu max,pauth=off`: no FEAT_PAuth; `pauth-impdef=on`: Armature's own PAC algorithm.
    public var pauth = true
    public var pauthImpdef = false
    /// `highmem=off` limits RAM to what fits below 4 GiB.
    public var highmem = true
    /// `its=` (on by default): the GICv3 ITS for MSIs (with gic-version=3).
    public var its = true
    public var acpi = "auto"
    /// `-cpu`: only "max".
    public var cpuModel = "max"
    /// `-smp`: the CPUs (`cpus=`) and how the device tree's cpu-map groups them.
    public var cpuCount = 1
    public var topology = CPUTopology()
    /// `-semihosting` / `-semihosting-config enable=on`.
    public var semihosting = false
    /// What semihosting's SYS_GET_CMDLINE returns (`-semihosting-config arg=...`);
    /// nil: the kernel's file name, as QEMU does.
    public var semihostingCommandLine: String? = nil
    /// The tree semihosting may open host files in (`-semihosting-config
    /// root=DIR`, ours); nil: the working directory.
    public var semihostingRoot: String? = nil
    /// SYS_SYSTEM may run host commands (`-semihosting-config system=on`, ours).
    public var semihostingAllowSystem = false
    /// `dumpdtb=FILE`: write the device tree there and exit.
    public var dumpDTB: String? = nil
    /// `-fsdev`/`-virtfs` and `-netdev`/`-nic` (VirtioShares.swift binds them).
    public var fsdevs: [FsdevOption] = []
    public var netdevs: [NetdevOption] = []
    /// `-bios FILE`: the firmware image loaded into flash bank 0.
    public var bios: String? = nil
    /// `-drive if=pflash,unit=0|1,...`: the banks' backing files.
    public var pflash: [FlashDrive?] = [nil, nil]
    /// `-drive` and `-device` (VirtioBoard.swift binds them).
    public var drives: [DriveOption] = []
    public var devices: [DeviceOption] = []
    public init() {}

    /// The interrupt controller the options select: 2 or 3.
    public var gicMajorVersion: Int { gicVersion == "2" ? 2 : 3 }

    /// MPIDR affinity of CPU `index`, as QEMU's virt numbers them: clusters of
    /// 16 CPUs (Aff1) with a GICv3 (its SGI target lists), of 8 with a GICv2.
    public func affinity(ofCPU index: Int) -> UInt64 {
        let perCluster = gicMajorVersion == 3 ? 16 : 8
        return UInt64(index / perCluster) << 8 | UInt64(index % perCluster)
    }
}

/// `-smp`'s topology (QEMU 7.2's sockets, clusters, cores, threads; dies
/// are not supported on virt); only the device tree's cpu-map shows it.
public struct CPUTopology: Sendable, Equatable {
    public var sockets = 1, clusters = 1, cores = 1, threads = 1
    /// `maxcpus=`: hot-pluggable CPUs are not modelled; at least `cpus`.
    public var maxCPUs = 1
    public init() {}
}

public struct BoardError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// QEMU's `virt` machine (the parts Armature models so far):
///
/// | base          | size          | what                                   |
/// |---------------|---------------|----------------------------------------|
/// | 0x0000_0000   | 2 × 64 MiB    | CFI flash banks 0 and 1 (`-bios`, pflash) |
/// | 0x0800_0000   | 0x10000       | GIC distributor (v2 and v3)            |
/// | 0x0801_0000   | 0x10000       | GICv2 CPU interface                    |
/// | 0x0802_0000   | 0x1000        | GICv2m MSI frame (GICv2: SPIs 48-111)  |
/// | 0x0803_0000   | 0x1000        | GICv2 GICH (virtualization=on)         |
/// | 0x0804_0000   | 0x2000        | GICv2 GICV (virtualization=on)         |
/// | 0x080A_0000   | 0x20000 × CPUs| GICv3 redistributors                   |
/// | 0x0900_0000   | 0x1000        | PL011 UART (SPI 1)                     |
/// | 0x0901_0000   | 0x1000        | PL031 RTC (SPI 2)                      |
/// | 0x0902_0000   | 0x18          | fw_cfg (data, selector, DMA)           |
/// | 0x0903_0000   | 0x1000        | PL061 GPIO (SPI 7), power button: line 3 |
/// | 0x0A00_0000   | 0x200 × 32    | virtio-mmio transports (SPI 16 + n)    |
/// | 0x1000_0000   | 0x2EFF_0000   | PCIe 32-bit memory window              |
/// | 0x3EFF_0000   | 0x10000       | PCIe I/O window                        |
/// | 0x3F00_0000   | 16 MiB        | PCIe ECAM with highmem=off             |
/// | 0x4000_0000   | `-m`          | RAM                                    |
/// | 0x40_1000_0000| 256 MiB       | PCIe ECAM (highmem)                    |
/// | 0x80_0000_0000| 512 GiB       | PCIe 64-bit memory window (highmem)    |
///
/// Addresses and interrupts: `VirtMap` (QEMU 7.2's table).
public final class VirtMachine {
    public enum Map {
        public static let flashBase: UInt64 = VirtMap.flash.base
        public static let flashBankSize: UInt64 = 64 << 20
        public static let uartBase: UInt64 = VirtMap.uart.base
        public static let uartSize: UInt64 = VirtMap.uart.size
        public static let ramBase: UInt64 = VirtMap.ram.base
        /// RAM that fits below 4 GiB (with highmem=off).
        public static let lowRAMLimit: UInt64 = 0x1_0000_0000 - ramBase
        /// QEMU 7.2's limit for virt (LEGACY_RAMLIMIT_GB): 255 GiB.
        public static let ramLimit: UInt64 = 255 << 30
    }

    public let options: VirtOptions
    public let memory: AddressSpace
    public let system: System
    /// The CPUs; `cpu` is the first (the boot CPU).
    public let cpus: [CPU]
    public var cpu: CPU { cpus[0] }
    public let ram: MemoryRegion
    public let uart: PL011
    public let rtc: PL031
    public let gpio: PL061
    /// secure=on: the Secure world's RAM, UART and GPIO (VirtSecure.swift).
    public let secureDevices: SecureDevices?
    /// The PCIe host bridge (VirtPCI.swift).
    public let pcie: PCIExpressHost
    /// Where PCI functions' MSIs go: the GICv2m frame with a GICv2.
    public let msiController: MMIODevice?
    /// The interrupt controller (`gic-version`) and its MMIO parts.
    public let gic: GIC
    public let gicDevices: [MMIODevice]
    /// The devices' interrupt outputs, by SPI number (connected to the GIC's
    /// SPIs when there is one).
    public let spiLines: [UInt32: IRQLine]
    /// PSCI answered by the emulator when the guest has no EL3 firmware (held
    /// here: `System.firmware` is weak).
    public internal(set) var psci: PSCI?
    /// The devices' I/O threads (disks, shared folders) and the NICs' networks.
    public let hostDevices = HostDeviceSet()
    /// The 32 virtio-mmio transports (VirtioBoard.swift).
    public internal(set) var virtioTransports: [VirtioMMIO] = []
    /// What -device and device_add claimed, and the devices device_del can remove (VirtioHotplug.swift).
    public let pciHotplug = PCIHotplugState()
    /// The semihosting handler (held here: `System.semihosting` is weak).
    public let semihosting: ArmSemihosting?
    public private(set) var image: LoadedImage?
    /// An exit asked for by another thread (Ctrl-A x): the status, or -1.
    private let hostExitStatus = Atomic<Int32>(-1)
    /// The device tree given to the guest by `boot` (nil before).
    public internal(set) var deviceTree: [UInt8]?
    /// Loads the boot images again and sets the boot CPU up for them: what
    /// `boot` or `loadKernel` did, repeated at each machine reset (VirtReset.swift).
    var bootImageLoader: (() throws -> Void)?
    /// The two CFI flash banks at 0 and 64 MiB (Flash.swift).
    public let flash: [PFlash]
    let flashBackings: [FlashBacking?]
    /// `-bios`: the image bank 0 is loaded with.
    let firmwareImage: [UInt8]?
    /// The firmware configuration device (FirmwareBoot.swift).
    public let fwCfg: FWCfg

    /// `console` is shared by the UART and semihosting unless `serialConsole`
    /// gives the UART its own (`-serial none`: one that goes nowhere);
    /// `secureSerialConsole` is the secure UART's with `secure=on` (QEMU's
    /// second serial port), else its output is dropped.
    public init(options: VirtOptions, console: HostConsole = .standard, serialConsole: HostConsole? = nil,
                secureSerialConsole: HostConsole? = nil) throws {
        self.options = options
        guard var config = CPUConfig.model(named: options.cpuModel) else {
            throw BoardError("-cpu \(options.cpuModel): unsupported CPU model")
        }
        if options.cpuCount < 1 || options.cpuCount > VirtMachine.maxCPUs {
            throw BoardError("-smp \(options.cpuCount): Armature supports 1 to \(VirtMachine.maxCPUs) CPUs")
        }
        if options.gicMajorVersion == 2 && options.cpuCount > 8 {
            throw BoardError("Number of SMP CPUs requested (\(options.cpuCount)) exceeds max CPUs supported by machine 'mach-virt' (8)")
        }
        if options.ramSize == 0 { throw BoardError("-m: RAM size must not be zero") }
        if !options.highmem && options.ramSize > Map.lowRAMLimit {
            throw BoardError("-m \(VirtMachine.sizeText(options.ramSize)): with highmem=off the virt machine cannot have more than 3 GiB of RAM")
        }
        if options.ramSize > Map.ramLimit {
            throw BoardError("-m \(VirtMachine.sizeText(options.ramSize)): the virt machine cannot have more than 255 GiB of RAM")
        }
        firmwareImage = try options.bios.map { try VirtMachine.readFirmwareImage($0) }
        memory = AddressSpace()
        do {
            let flashRegions = [
                try memory.addROM(name: "virt.flash0", base: Map.flashBase, size: Map.flashBankSize),
                try memory.addROM(name: "virt.flash1", base: Map.flashBase + Map.flashBankSize, size: Map.flashBankSize),
            ]
            (flash, flashBackings) = try VirtMachine.makeFlash(options: options, regions: flashRegions)
            let version = try VirtMachine.resolveGICVersion(options)
            gic = GIC(version: version, cpuCount: options.cpuCount, securityExtensions: options.secure,
                      lpis: version == .v3 && options.its)
            switch version {
            case .v2:
                let d = GICv2Distributor(gic: gic), c = GICv2CPUInterface(gic: gic)
                // The register maps only, not the device tree's whole windows (as QEMU).
                try memory.addDevice(d, base: VirtMap.gicDist.base, size: GICv2DistributorRegs.size)
                try memory.addDevice(c, base: VirtMap.gicCPU.base, size: GICv2CPUInterfaceRegs.size)
                var frames: [MMIODevice] = [d, c]
                if options.virtualization {
                    // The virtual interface control (GICH) and virtual CPU interface (GICV).
                    let h = GICv2VirtualControl(gic: gic), v = GICv2VirtualCPUInterface(gic: gic)
                    try memory.addDevice(h, base: VirtMap.gicHyp.base, size: GICv2VirtualControlRegs.size)
                    try memory.addDevice(v, base: VirtMap.gicVCPU.base, size: GICv2VirtualCPUInterfaceRegs.size)
                    frames += [h, v]
                }
                gicDevices = frames
            case .v3:
                let d = GICv3Distributor(gic: gic), r = GICv3Redistributor(gic: gic)
                try memory.addDevice(d, base: VirtMap.gicDist.base, size: VirtMap.gicDist.size)
                try memory.addDevice(r, base: VirtMap.gicRedist.base, size: r.size)
                gicDevices = [d, r]
            }
            uart = PL011(name: "pl011", console: serialConsole ?? console)
            try memory.addDevice(uart, base: Map.uartBase, size: Map.uartSize)
            rtc = PL031(name: "pl031")
            try memory.addDevice(rtc, base: VirtMap.rtc.base, size: VirtMap.rtc.size)
            gpio = PL061(name: "pl061")
            try memory.addDevice(gpio, base: VirtMap.gpio.base, size: VirtMap.gpio.size)
            (pcie, msiController) = try VirtMachine.addPCIe(options: options, memory: memory, gic: gic)
            fwCfg = FWCfg(memory: memory, cpuCount: options.cpuCount)
            try memory.addDevice(fwCfg, base: VirtMap.fwCfg.base, size: VirtMap.fwCfg.size)
            ram = try memory.addRAM(name: "mach-virt.ram", base: Map.ramBase, size: options.ramSize)
            secureDevices = options.secure ? try SecureDevices(memory: memory, flash: flashRegions[0], console: secureSerialConsole) : nil
        } catch let e as MachineError {
            throw BoardError(e.description)
        }
        var lines = [VirtMap.SPI.uart: uart.irq, VirtMap.SPI.rtc: rtc.irq, VirtMap.SPI.gpio: gpio.irq]
        if let s = secureDevices {
            lines[VirtMap.SPI.secureUART] = s.uart.irq
            lines[VirtMap.SPI.secureGPIO] = s.gpio.irq
        }
        spiLines = lines
        for (spi, line) in spiLines { gic.connect(line, spi: Int(spi)) }
        system = System(memory: memory)
        config.hasEL3 = options.secure
        config.hasEL2 = options.virtualization
        // RME (and MEC) need EL3 and EL2; without them x-rme=on is ignored, as QEMU does without EL3.
        config.hasRME = options.rme && options.secure && options.virtualization
        config.hasMEC = config.hasRME
        if !options.pauth { config.isa.remove(.pauth) }
        config.pauthImpdef = options.pauthImpdef && config.isa.contains(.pauth)
        config.hasGICv3SystemRegisters = gic.version == .v3
        // The CPUs reset into their highest exception level.
        let system = self.system, cpuConfig = config
        cpus = (0..<options.cpuCount).map { system.addCPU(config: cpuConfig, affinity: options.affinity(ofCPU: $0)) }
        for c in cpus { gic.attach(c) }
        // The GICv3 CPU interface is system registers: its rows join the table.
        if gic.version == .v3 { _ = system.addSystemRegisters(gic.systemRegisters()) }
        if options.mec { system.enableMECTags() }   // before any loader writes RAM
        let guestError: (String) -> Void = { [unowned system] message in system.log(.guestErrors, message) }
        uart.onGuestError = guestError
        rtc.onGuestError = guestError
        gpio.onGuestError = guestError
        fwCfg.onGuestError = guestError
        for d in gicDevices { (d as? GICFrame)?.onGuestError = guestError }
        secureDevices?.connect(system: system)
        (msiController as? GICv2m)?.onGuestError = guestError
        if let its = msiController as? GICv3ITS {
            // The ITS and the redistributors read memory as a device does, under the boot CPU's GPT.
            let dma = DMAMemory(memory: memory, gptCPU: cpus[0])
            its.dma = dma
            gic.lpiMemory = dma
            its.onGuestError = guestError
        }
        // QEMU's virt: PSCI through HVC without EL2/EL3, through SMC with EL2 only,
        // and none when the guest brings its own EL3 firmware.
        if !options.secure {
            let p = PSCI(conduit: options.virtualization ? .smc : .hvc)
            psci = p
            system.firmware = p
            // Secondary CPUs wait powered off for PSCI CPU_ON (QEMU's virt);
            // with the guest's own EL3 firmware all of them start at the entry.
            for c in cpus.dropFirst() { c.powerOff() }
        } else {
            psci = nil
        }
        if options.semihosting {
            let sh = ArmSemihosting(system: system, console: console)
            do {
                sh.sandbox = try SemihostingSandbox(root: options.semihostingRoot, allowSystem: options.semihostingAllowSystem)
            } catch {
                throw BoardError("\(error)")
            }
            semihosting = sh
            system.semihosting = sh
            sh.setMemoryLayout(ramBase: Map.ramBase, ramSize: options.ramSize, occupied: [])
        } else {
            semihosting = nil
        }
        // PSCI SYSTEM_RESET, QMP system_reset: CPUs, devices, boot images.
        system.addResetParticipant { [unowned self] _ in self.resetMachine() }
        try attachSharesAndNICs()
        connectFlash(backings: flashBackings)
        try loadFlashImages()
        // The RTC's match: a host alarm at its time wakes the boot CPU, which polls the RTC.
        let alarm = RTCAlarm(interrupts: cpu.interrupts)
        rtc.onAlarmChange = { alarm.set($0) }
        // Host input (the console's reader thread) reaches the UART on the CPU thread.
        try attachVirtio()
        wireHotplug()
        cpu.interrupts.hostEventHandler = { [unowned self] in
            self.uart.poll()
            self.secureDevices?.uart.poll()
            self.rtc.poll()
            self.runHostDeviceEvents()
            let status = self.hostExitStatus.load(ordering: .acquiring)
            if status >= 0 { self.system.requestExit(status: status) }
        }
    }

    /// Loads an ELF kernel (`-kernel FILE`) and points the CPU at its entry.
    @discardableResult
    public func loadKernel(path: String) throws -> LoadedImage {
        try loadKernel(bytes: try ELFLoader.readFile(path), name: path)
    }

    /// Loads an ELF image held in memory; `name` names it in error messages and
    /// is what semihosting's SYS_GET_CMDLINE returns.
    @discardableResult
    public func loadKernel(bytes: [UInt8], name: String) throws -> LoadedImage {
        let img = try loadELF(bytes: bytes, name: name)
        bootImageLoader = { [unowned self] in _ = try self.loadELF(bytes: bytes, name: name) }
        return img
    }

    func loadELF(bytes: [UInt8], name: String) throws -> LoadedImage {
        let img = try ELFLoader.load(bytes: bytes, name: name, into: memory)
        image = img
        for c in cpus { c.pc = img.entry }
        if let sh = semihosting {
            sh.commandLine = options.semihostingCommandLine ?? name
            sh.setMemoryLayout(ramBase: Map.ramBase, ramSize: options.ramSize,
                               occupied: img.segments.map { ($0.physicalAddress, $0.end) })
        }
        return img
    }

    /// The GIC `gic-version` selects, as QEMU 7.2 with TCG: 2 and 3 as given,
    /// max the newest modelled (3; QEMU 7.2 picks its GICv4 with
    /// virtualization=on, which Armature does not model), host needs KVM.
    static func resolveGICVersion(_ o: VirtOptions) throws -> GIC.Version {
        switch o.gicVersion {
        case "2": return .v2
        case "3", "max": return .v3
        case "host": throw BoardError("gic-version=host requires KVM")
        case "4": throw BoardError("gic-version=4: GICv4 is not modelled (use 2, 3 or max)")
        default: throw BoardError("gic-version=\(o.gicVersion): unknown GIC version")
        }
    }

    /// Ends the run with `status` at the next block boundary. Any thread.
    public func requestExitFromHost(status: Int32) {
        hostExitStatus.store(status, ordering: .releasing)
        cpu.interrupts.postHostEvent()
    }

    /// Starts reading the UART's host input on a thread of its own, so input
    /// wakes a guest waiting in WFI for its receive interrupt (a wake source
    /// while the input is open). `escapes`: QEMU's Ctrl-A keys (`-nographic`,
    /// `mon:stdio`).
    public func startSerialInput(escapes: HostConsole.Escapes?) {
        startInput(of: uart, escapes: escapes)
    }

    /// The secure UART's host input, as `startSerialInput` (no Ctrl-A keys).
    public func startSecureSerialInput() {
        if let s = secureDevices { startInput(of: s.uart, escapes: nil) }
    }

    private func startInput(of uart: PL011, escapes: HostConsole.Escapes?) {
        let interrupts = cpu.interrupts
        interrupts.addWakeSource()
        let started = uart.console.startReader(
            escapes: escapes,
            onInput: { interrupts.postHostEvent() },
            onClose: { interrupts.removeWakeSource() })
        if !started { interrupts.removeWakeSource() }
    }

    /// The most CPUs `-smp` may ask for.
    public static let maxCPUs = 16

    static func sizeText(_ bytes: UInt64) -> String {
        if bytes % (1 << 30) == 0 { return "\(bytes >> 30)G" }
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)M" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)K" }
        return "\(bytes)B"
    }
}
