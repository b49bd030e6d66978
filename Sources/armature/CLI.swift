import Glibc
import ArgumentParser
import Machine
import Devices
import Engine
import Board
import ELF
import Debug
import Options

let armatureVersion = "0.1.0"

/// A failure of the command line: one line on stderr, exit status 1.
struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The result of the first pass: either run with these arguments, or stop now.
enum FirstPass {
    case run([String])
    case exit(Int32)
}

enum CLI {
    /// Runs Armature with the given arguments (without the program name);
    /// returns the exit status.
    static func main(_ args: [String]) -> Int32 {
        do {
            if args.first == "trace" { return try traceCommand(Array(args.dropFirst())) }
            switch try firstPass(args) {
            case .exit(let status): return status
            case .run(let normalized):
                let cmd: ArmatureCommand
                do {
                    cmd = try ArmatureCommand.parse(normalized)
                } catch {
                    throw CLIError(oneLine(ArmatureCommand.message(for: error)))
                }
                return try run(cmd)
            }
        } catch let e as CLIError {
            return fail(e.message)
        } catch let e as OptionError {
            return fail(e.description)
        } catch let e as BoardError {
            return fail(e.description)
        } catch let e as ELFLoadError {
            return fail(e.description)
        } catch let e as BlockTrace.Failure {
            return fail(e.description)
        } catch {
            return fail(oneLine(String(describing: error)))
        }
    }

    static func fail(_ message: String) -> Int32 {
        HostConsole.writeAll(fd: STDERR_FILENO, "armature: \(oneLine(message))\n")
        return 1
    }

    static func oneLine(_ s: String) -> String {
        let line = s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? s
        return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    }

    static func printOut(_ s: String) {
        HostConsole.writeAll(fd: STDOUT_FILENO, s)
    }

    // MARK: First pass: QEMU spelling, unknown and unsupported options, help.

    /// Checks every option against the lists of known and unsupported ones (so
    /// the messages are exactly ours, not ArgumentParser's), handles -h,
    /// --version and the `help` values, and turns `--opt` into `-opt` (QEMU
    /// accepts both).
    static func firstPass(_ args: [String]) throws -> FirstPass {
        var out: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            guard a.hasPrefix("-"), a.count > 1 else {
                throw CLIError("unexpected argument '\(a)': disk images are not supported yet (to run a program use -kernel FILE)")
            }
            let name = String(a.dropFirst(a.hasPrefix("--") ? 2 : 1))
            switch name {
            case "h", "help":
                printOut(helpText())
                return .exit(0)
            case "version":
                printOut(versionText())
                return .exit(0)
            default: break
            }
            if CommandLine0.unsupported.contains(name) {
                throw CLIError("option -\(name) is not supported yet")
            }
            guard let kind = CommandLine0.known[name] else {
                throw CLIError("unknown option '\(a)'")
            }
            out.append("-" + name)
            i += 1
            if kind == .value {
                guard i < args.count else { throw CLIError("option -\(name) requires an argument") }
                let v = args[i]
                if v == "help" || v == "?" {
                    if let text = helpFor(option: name) {
                        printOut(text)
                        return .exit(0)
                    }
                }
                out.append(v)
                i += 1
            }
        }
        return .run(out)
    }

    static func helpFor(option: String) -> String? {
        switch option {
        case "d": return LogSelection.help
        case "M", "machine":
            return "Supported machines are:\nvirt                 QEMU 7.2 ARM Virtual Machine (alias of virt-7.2)\n"
                + QEMUOptions.virtVersions.reversed().map { v in
                    let name = "virt-" + v
                    return name + String(repeating: " ", count: max(1, 21 - name.count)) + "QEMU \(v) ARM Virtual Machine\n"
                }.joined()
        case "cpu":
            return "Available CPUs:\n" + CPUConfig.modelNames.map { "  \($0)\n" }.joined()
        case "accel":
            return "Accelerators supported in Armature:\ninterp\njit (alias tcg, the default)\n"
        case "device":
            return "Devices:\n" + VirtMachine.virtioDrivers.map { "name \"\($0)\", bus \($0.hasSuffix("-pci") ? "PCI" : "virtio-bus")\n" }.joined()
        default: return nil
        }
    }

    static func versionText() -> String {
        "armature version \(armatureVersion)\nAArch64 system emulator with a QEMU 7.2-compatible command line\n"
    }

    static func helpText() -> String {
        var s = "Armature \(armatureVersion): an AArch64 system emulator (QEMU-compatible command line)\n\n"
        s += "usage: armature [options]\n"
        s += "       armature trace [-top N] FILE   (summarise a -trace-blocks file)\n"
        s += "With no -kernel, runs the built-in demo: EL3 firmware, an RMM and three realms with their own\n"
        s += "memory encryption contexts (FEAT_RME, FEAT_MEC); its defaults are -M \(DefaultGuest.machine)\n"
        s += "-cpu \(DefaultGuest.cpu) (-M and -cpu given on the command line win).\n\n"
        s += ArmatureCommand.helpMessage(columns: 100)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("OPTIONS") }
            .filter { !$0.contains("Show help information") }
            .joined(separator: "\n")
        s += """
          -h, -help, --help       Show this help and exit
          -version, --version     Show the version and exit

        Options may also be written with two dashes (--kernel), as QEMU allows.
        Not supported yet (each gives an error): -pflash -blockdev -object
        -boot -usb, and others.

        """
        return s
    }

    // MARK: Run

    static func run(_ cmd: ArmatureCommand) throws -> Int32 {
        var options = VirtOptions()
        var engine = EngineOptions()
        let kernel = cmd.kernel.last
        if cmd.bios.count > 1 { throw CLIError("-bios given \(cmd.bios.count) times: one firmware image only") }
        options.bios = cmd.bios.last
        let drives = try FirmwareOptions.applyPflash(try cmd.drive.map { try DriveOption.parse($0) }, to: &options)
        options.drives = drives   // if=virtio and if=none: VirtioBoard binds them
        // Firmware: -bios, or pflash unit 0 (-kernel then goes to it through fw_cfg).
        let firmware = options.bios != nil || options.pflash.first.flatMap({ $0 }) != nil
        // No kernel and no firmware: the built-in demo. It needs EL3, EL2, RME
        // and MEC: its defaults (-M and -cpu given on the command line win).
        let demo = kernel == nil && !firmware
        if demo && cmd.machine.isEmpty { _ = try QEMUOptions.applyMachine(DefaultGuest.machine, to: &options) }
        if demo && cmd.cpu.isEmpty { try QEMUOptions.applyCPU(DefaultGuest.cpu, to: &options) }
        for m in cmd.machine {
            if let kind = try QEMUOptions.applyMachine(m, to: &options) { engine.kind = kind }
        }
        for c in cmd.cpu { try QEMUOptions.applyCPU(c, to: &options) }
        for m in cmd.memory { try QEMUOptions.applyMemory(m, to: &options) }
        for s in cmd.smp { try QEMUOptions.applySMP(s, to: &options) }
        for f in cmd.fsdev { options.fsdevs.append(try FsdevOption.parseFsdev(f)) }
        for v in cmd.virtfs { options.fsdevs.append(try FsdevOption.parseVirtfs(v)) }
        for n in cmd.netdev { options.netdevs.append(try NetdevOption.parseNetdev(n)) }
        for (i, n) in cmd.nic.enumerated() { options.netdevs.append(try NetdevOption.parseNic(n, index: i)) }
        for d in cmd.device { options.devices.append(try DeviceOption.parse(d)) }
        // -serial and -chardev: where the PL011 goes. -nographic without
        // -serial or -monitor: the UART and the monitor share stdio through
        // QEMU's Ctrl-A keys (mon:stdio). -display none and -vga none change
        // nothing (there are no graphics).
        for d in cmd.display where d != "none" && !d.hasPrefix("none,") {
            throw CLIError("-display \(d): there is no graphics: only -display none is supported")
        }
        for v in cmd.vga where v != "none" {
            throw CLIError("-vga \(v): there is no graphics card: only -vga none is supported")
        }
        let chardevs = try cmd.chardev.map { try ChardevOption.parse($0) }
        try ChardevOption.checkIDs(chardevs)
        let serials = try cmd.serial.map { try SerialOption.parse($0) }
        // As QEMU's virt: the first -serial is the PL011 at 0x09000000, a second
        // one the secure PL011 at 0x09040000 (secure=on only).
        if serials.count > 2 {
            throw CLIError("-serial given \(serials.count) times: the virt machine has two serial ports (the PL011 at 0x09000000, the secure one at 0x09040000)")
        }
        if serials.count == 2 && !options.secure {
            throw CLIError("-serial \(cmd.serial[1]): a second serial port is the secure PL011 at 0x09040000, which needs -M virt,secure=on")
        }
        let monitorOption = cmd.monitor.last
        if let m = monitorOption, m != "stdio", m != "none" {
            throw CLIError("-monitor \(m): only 'stdio' (with -serial none) and 'none' are supported")
        }
        func resolve(_ target: SerialOption) throws -> SerialOption {
            guard case .chardev(let id) = target else { return target }
            guard let c = chardevs.first(where: { $0.id == id }) else {
                throw CLIError("-serial chardev:\(id): chardev '\(id)' not found (give it with -chardev ...,id=\(id))")
            }
            return c.backend == .stdio ? (c.mux ? .monStdio : .stdio) : target
        }
        let serialTarget = try resolve(serials.first ?? (cmd.nographic && monitorOption == nil ? .monStdio : .stdio))
        let secureSerialTarget = try serials.count > 1 ? resolve(serials[1]) : nil
        if serials.count == 2, case .chardev(let id) = serials[0], serials[1] == .chardev(id: id) {
            throw CLIError("-serial chardev:\(id): chardev '\(id)' is already the first serial port's")
        }
        if secureSerialTarget == .monStdio {
            throw CLIError("-serial \(cmd.serial[1]): the monitor shares stdio with the first serial port only; use -serial stdio for the secure one")
        }
        let serialText = cmd.serial.first ?? (serialTarget == .monStdio ? "mon:stdio" : "stdio")
        let serialOnStdio = serialTarget == .stdio || serialTarget == .monStdio
        let stdioUsers = chardevs.filter { $0.backend == .stdio }.count + serials.filter { $0 == .stdio || $0 == .monStdio }.count
        if stdioUsers > 1 {
            throw CLIError("-chardev stdio: cannot use stdio by multiple character devices")
        }
        if monitorOption == "stdio" && serialTarget != SerialOption.none && serialOnStdio {
            throw CLIError("-monitor stdio: stdio is the serial port's (-serial \(serialText)); add -serial none, or use -nographic and Ctrl-A c")
        }
        if monitorOption == "stdio" && secureSerialTarget == .stdio {
            throw CLIError("-monitor stdio: stdio is the secure serial port's (-serial \(cmd.serial[1]))")
        }
        // Every -chardev is opened, used or not, as QEMU does (a file is created,
        // a server waits for its client).
        let openChardevs = try chardevs.map { try CharDevice.open($0) }
        defer { for c in openChardevs { c.finish() } }
        // A serial port's host side; nil: the standard console (stdio).
        func console(for target: SerialOption, text: String) throws -> HostConsole? {
            switch target {
            case .stdio, .monStdio: return nil
            case .none, .null: return HostConsole(outputFD: -1, inputFD: -1)
            case .file(let path):
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
                guard fd >= 0 else { throw CLIError("-serial \(text): Could not open '\(path)': \(String(cString: strerror(errno)))") }
                return HostConsole(outputFD: fd, inputFD: -1)
            case .chardev(let id):
                return openChardevs.first { $0.option.id == id }!.console
            }
        }
        let serialConsole = try console(for: serialTarget, text: serialText)
        let secureSerialConsole = try secureSerialTarget.map { try console(for: $0, text: cmd.serial[1]) ?? .standard }
        // -smp N: one host thread per CPU unless thread=single asks for turns
        // on one thread (deterministic).
        var threads: Bool? = nil
        for a in cmd.accel {
            engine.kind = try QEMUOptions.parseAccel(a)
            if let multi = QEMUOptions.parseAccelThreads(a) { threads = multi }
            engine.referenceInterpreter = QEMUOptions.parseAccelReferenceInterpreter(a)
        }
        engine.multiThread = threads ?? true
        options.semihosting = cmd.semihosting
        var shArgs: [String] = []
        for sc in cmd.semihostingConfig {
            let c = try QEMUOptions.parseSemihostingConfig(sc)
            options.semihosting = c.enable
            shArgs += c.args
            if let r = c.root { options.semihostingRoot = r }
            if c.allowSystem { options.semihostingAllowSystem = true }
        }
        if !shArgs.isEmpty { options.semihostingCommandLine = shArgs.joined(separator: " ") }
        let logSelection = try LogSelection(logValues: cmd.log, filterValues: cmd.dfilter)
        let log = try LogWriter(path: cmd.logFile.last)
        if demo { options.semihosting = true }   // the demo guest exits through semihosting

        if kernel == nil {
            // As QEMU: these only go with a kernel.
            if !cmd.initrd.isEmpty { throw CLIError("-initrd \(cmd.initrd.last!): -initrd needs -kernel (an initrd is given to a Linux kernel)") }
            if !cmd.append.isEmpty { throw CLIError("-append: -append needs -kernel (it is the kernel's command line)") }
            if !cmd.dtb.isEmpty { throw CLIError("-dtb \(cmd.dtb.last!): -dtb needs -kernel (the device tree is given to the kernel)") }
        }

        var reboot = cmd.noReboot ? RebootAction.shutdown : .reset
        for a in cmd.action { try QEMUOptions.parseAction(a, into: &reboot) }
        let board = try VirtMachine(options: options, serialConsole: serialConsole, secureSerialConsole: secureSerialConsole)
        board.system.rebootAction = reboot
        let kernelBytes = try kernel.map { try ELFLoader.readFile($0) } ?? (demo ? defaultGuestELF : [])
        if firmware {
            var files = FirmwareBootFiles()
            if let kernel { files.kernel = (kernelBytes, kernel) }
            if let f = cmd.initrd.last { files.initrd = (try ELFLoader.readFile(f), f) }
            if let f = cmd.dtb.last { files.dtb = (try ELFLoader.readFile(f), f) }
            files.append = cmd.append.last
            try board.bootFirmware(files)
        } else if let kernel {
            var files = BootFiles(kernel: (kernelBytes, kernel))
            if let f = cmd.initrd.last { files.initrd = (try ELFLoader.readFile(f), f) }
            if let f = cmd.dtb.last { files.dtb = (try ELFLoader.readFile(f), f) }
            files.append = cmd.append.last
            try board.boot(files)
        } else {
            try board.loadKernel(bytes: kernelBytes, name: "(built-in demo guest)")
        }
        if let path = options.dumpDTB {
            // -M virt,dumpdtb=FILE: the tree the guest would get, then exit.
            let blob = board.deviceTree ?? board.deviceTreeForDump()
            try writeFile(path, blob)
            HostConsole.writeAll(fd: STDERR_FILENO, "armature: info: dtb dumped to \(path). Exiting.\n")
            return 0
        }

        // -d: only the hooks the selected items need are installed.
        let tracer = Tracer(selection: logSelection, writer: log, system: board.system)
        if logSelection.contains(.inAsm) || logSelection.contains(.exec) {
            tracer.symbols = SymbolTable(elf: kernelBytes)
        }
        if let path = cmd.traceBlocks.last {
            tracer.blockTrace = try BlockTraceRecorder(path: path, cpus: board.system.cpus.count)
        }
        tracer.install(into: &engine)

        // -s, -gdb, -S: the stub listens before the first instruction.
        let gdbServer = try debugServer(cmd, qmp: cmd.qmp.contains { $0 != "none" },
                                        monitor: monitorOption == "stdio" || (serialTarget == .monStdio && monitorOption == nil))
        // -qmp: listens before the first instruction too.
        let qmpServer = try qmpServer(cmd)
        // The monitor: on stdio, or behind Ctrl-A c.
        let mux = serialTarget == .monStdio
        let monitor: TextMonitor? = monitorOption == "stdio" || (mux && monitorOption == nil) ? TextMonitor() : nil

        Interrupt.install()
        if serialOnStdio || secureSerialTarget == .stdio || monitorOption == "stdio" { Terminal.enterGuestMode(signalsToGuest: mux) }
        if serialTarget != SerialOption.none {
            let hooks = monitor.map { m in HostConsole.Monitor(entered: { m.showPrompt() }, input: { m.feed($0) }) }
            board.startSerialInput(escapes: mux ? HostConsole.Escapes(quit: { [board] in board.requestExitFromHost(status: 0) },
                                                                      monitor: hooks) : nil)
        }
        if let t = secureSerialTarget, t != SerialOption.none { board.startSecureSerialInput() }
        log.flushOnSignals()
        tracer.blockTrace?.writer.flushOnSignals()
        let start = monotonicSeconds()
        let dispatcher = try Dispatcher(system: board.system, options: engine)
        // -gdb, -qmp and the monitor share one DebugControl: any of them can
        // stop the machine, each serves its client while it is stopped.
        let control = DebugControl(system: board.system)
        if cmd.stopAtStart { control.stopBeforeFirstInstruction() }
        let frontEnds = DebugHandlerSet()
        if let gdbServer {
            gdbServer.start(control: control, cpu: board.system.cpus[0])
            frontEnds.add(gdbServer)
        }
        // system_powerdown: the gpio-keys power button (PL061 line 3), a
        // press and release as QEMU's virt does it.
        let powerButton = { [gpio = board.gpio] in
            gpio.setInput(VirtMap.gpioPowerButtonLine, true)
            gpio.setInput(VirtMap.gpioPowerButtonLine, false)
        }
        if let qmpServer {
            qmpServer.powerdown = powerButton
            qmpServer.hotplug = QMPHotplug(deviceAdd: { [unowned board] in board.deviceAdd(driver: $0, properties: $1) },
                                           deviceDel: { [unowned board] in board.deviceDel(id: $0) })
            board.pciHotplug.deviceDeleted = { [unowned qmpServer] in qmpServer.deviceDeleted(id: $0, path: $1) }
            qmpServer.start(control: control, stopAtStart: cmd.stopAtStart)
            frontEnds.add(qmpServer)
        }
        if let monitor {
            monitor.powerdown = powerButton
            monitor.start(control: control, stopAtStart: cmd.stopAtStart)
            if !mux { monitor.startReading(fd: STDIN_FILENO) }
            frontEnds.add(monitor)
        }
        if frontEnds.count > 1 { control.handler = frontEnds }
        if frontEnds.count > 0 { dispatcher.debug = control }
        // The control holds its handler weakly.
        let runStatus = withExtendedLifetime(frontEnds) { dispatcher.run() }
        gdbServer?.guestExited(status: board.system.exitStatus ?? runStatus)
        qmpServer?.guestExited(status: board.system.exitStatus ?? runStatus, cause: board.system.shutdownCause)
        let elapsed = monotonicSeconds() - start
        Terminal.restore()

        tracer.finish(statistics: dispatcher.statistics,
                      guestInstructions: board.system.cpus[0].instructionCount, elapsedSeconds: elapsed)
        if let message = board.system.fatalMessage {
            return fail(message)
        }
        let status = board.system.exitStatus ?? runStatus
        // A log or trace that could not be written (its warning is out): not a success.
        if status == 0 && (log.writeError != nil || tracer.blockTrace?.writer.writeError != nil) { return 1 }
        return status
    }

    // MARK: armature trace FILE

    static let traceUsage = "usage: armature trace [-top N] [-kernel ELF] FILE (a file written by -trace-blocks FILE)"

    /// `armature trace [-top N] FILE`: the summary of a block trace on stdout.
    static func traceCommand(_ args: [String]) throws -> Int32 {
        var top = 10
        var file: String? = nil
        var symbols: SymbolTable? = nil
        var i = 0
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "-help", "--help":
                printOut(traceUsage + "\nPrints the hottest blocks (with their code), executions per EL and security state,\na histogram of block sizes and the instruction total. -kernel ELF names blocks by the ELF's symbols.\n")
                return 0
            case "-top", "--top":
                guard i + 1 < args.count, let n = Int(args[i + 1]), n >= 0 else {
                    throw CLIError("trace: -top needs a number (\(traceUsage))")
                }
                top = n
                i += 2
                continue
            case "-kernel", "--kernel":
                guard i + 1 < args.count else { throw CLIError("trace: -kernel needs an ELF file (\(traceUsage))") }
                symbols = SymbolTable(elf: try ELFLoader.readFile(args[i + 1]))
                i += 2
                continue
            default:
                if a.hasPrefix("-") && a.count > 1 { throw CLIError("trace: unknown option '\(a)' (\(traceUsage))") }
                if file != nil { throw CLIError("trace: one file only (\(traceUsage))") }
                file = a
            }
            i += 1
        }
        guard let file else { throw CLIError("trace: no file given (\(traceUsage))") }
        let trace = try BlockTrace(path: file)
        printOut(BlockTraceSummary.text(trace, name: file, top: top, symbols: symbols))
        // A cut or damaged file: the summary of what was read, then the reason.
        if let problem = trace.problem { return fail("trace \(file): \(problem)") }
        return 0
    }

    /// -s, -gdb: the gdb stub, listening (it prints nothing: stdout is the guest's).
    static func debugServer(_ cmd: ArmatureCommand, qmp: Bool = false, monitor: Bool = false) throws -> GDBServer? {
        var address: GDBAddress? = cmd.gdbDefault ? GDBAddress(port: GDBAddress.defaultPort) : nil
        for g in cmd.gdb {
            address = try GDBAddress.parse(g)   // "none": no stub
        }
        guard let address else {
            if cmd.stopAtStart && !qmp && !monitor {
                throw CLIError("-S waits for a debugger: use it with -s, -gdb tcp::PORT, -qmp or a monitor")
            }
            return nil
        }
        return try GDBServer(address: address)
    }

    /// -qmp: the QMP server, listening.
    static func qmpServer(_ cmd: ArmatureCommand) throws -> QMPServer? {
        var address: QMPAddress? = nil
        for q in cmd.qmp { address = try QMPAddress.parse(q) }
        guard let address else { return nil }
        return try QMPServer(address: address)
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("\(path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        bytes.withUnsafeBytes { HostConsole.writeAll(fd: fd, $0) }
    }

    static func monotonicSeconds() -> Double {
        Double(HostClock.nanoseconds()) / 1e9
    }
}
