import ArgumentParser

/// The command line, spelled as QEMU spells it (single-dash long names).
/// Repeatable options are arrays: QEMU merges `-M` and `-semihosting-config`
/// and lets a later `-m`, `-cpu`, ... override an earlier one.
struct ArmatureCommand: ParsableArguments {
    @Option(name: [.customShort("M"), .customLong("machine", withSingleDash: true)],
            parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Machine and its properties: virt[,secure=on|off][,virtualization=on|off][,gic-version=N][,mec=on|off][,highmem=on|off]...",
                               valueName: "machine"))
    var machine: [String] = []

    @Option(name: .customLong("cpu", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("CPU model: max (the only one so far)", valueName: "model"))
    var cpu: [String] = []

    @Option(name: .customShort("m"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("RAM size: a number of MiB, or with a K/M/G/T suffix (default 128M)", valueName: "size"))
    var memory: [String] = []

    @Option(name: .customLong("smp", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Number of CPUs (only 1 so far)", valueName: "n"))
    var smp: [String] = []

    @Option(name: .customLong("kernel", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Kernel to run: an AArch64 ELF, an arm64 Linux Image (gzip-compressed or not) or a raw binary (default: the built-in demo guest)", valueName: "file"))
    var kernel: [String] = []

    @Option(name: .customLong("initrd", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Initial RAM disk for a Linux kernel (-kernel Image)", valueName: "file"))
    var initrd: [String] = []

    @Option(name: .customLong("append", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Kernel command line (/chosen/bootargs)", valueName: "cmdline"))
    var append: [String] = []

    @Option(name: .customLong("bios", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Firmware image for flash bank 0 (at most 64 MiB), e.g. EDK2's QEMU_EFI.fd or U-Boot; the CPUs start there, and -kernel/-initrd/-append go to it through fw_cfg", valueName: "file"))
    var bios: [String] = []

    @Option(name: .customLong("drive", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("A drive: file=F,format=raw[,if=virtio|none|pflash][,id=ID][,unit=N][,readonly=on|off][,cache=...][,discard=ignore|unmap][,serial=S]; if=pflash,unit=0|1 is a flash bank's image (64 MiB, written through)", valueName: "opts"))
    var drive: [String] = []

    @Option(name: .customLong("device", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Device: virtio-blk-pci,drive=ID[,serial=S][,addr=N], virtio-rng-pci, virtio-blk-device,drive=ID or virtio-rng-device (-device help lists them)", valueName: "driver[,prop=value...]"))
    var device: [String] = []

    @Option(name: .customLong("dtb", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Device tree blob to give the kernel instead of the board's own", valueName: "file"))
    var dtb: [String] = []

    @Option(name: .customLong("virtfs", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Shared host folder (virtio-9p-pci): local,path=DIR,mount_tag=TAG,security_model=mapped|mapped-xattr|none|passthrough[,readonly=on]", valueName: "opts"))
    var virtfs: [String] = []

    @Option(name: .customLong("fsdev", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Host folder for a virtio-9p device: local,id=ID,path=DIR,security_model=...[,readonly=on]", valueName: "opts"))
    var fsdev: [String] = []

    @Option(name: .customLong("nic", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("NIC (virtio-net-pci) on user-mode networking: user[,hostfwd=tcp:[ADDR]:PORT-[GADDR]:GPORT...][,mac=MAC]", valueName: "opts"))
    var nic: [String] = []

    @Option(name: .customLong("netdev", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("User-mode network back end: user,id=ID[,hostfwd=...]", valueName: "opts"))
    var netdev: [String] = []

    @Flag(name: .customLong("nographic", withSingleDash: true),
          help: "No graphics: the serial port is on stdio (always the case)")
    var nographic = false

    @Option(name: .customLong("serial", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Serial port backend: stdio, mon:stdio, none, null, file:PATH or chardev:ID", valueName: "dev"))
    var serial: [String] = []

    @Option(name: .customLong("chardev", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Character device for -serial chardev:ID: stdio,id=ID | null,id=ID | file,id=ID,path=F | socket,id=ID,(path=P|host=H,port=N)[,server=on[,wait=off]]", valueName: "backend,id=ID[,...]"))
    var chardev: [String] = []

    @Option(name: .customLong("display", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Display: none (there is no graphics; accepted as QEMU's)", valueName: "type"))
    var display: [String] = []

    @Option(name: .customLong("vga", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Graphics card: none (there is none; accepted as QEMU's)", valueName: "type"))
    var vga: [String] = []

    @Flag(name: .customLong("semihosting", withSingleDash: true),
          help: "Enable Arm semihosting (HLT #0xF000)")
    var semihosting = false

    @Option(name: .customLong("semihosting-config", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Semihosting: enable=on|off[,target=native][,chardev=serial0][,arg=str...]", valueName: "opts"))
    var semihostingConfig: [String] = []

    @Option(name: .customLong("accel", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Engine: interp (interpreter), jit or tcg (translator); with -smp N, thread=multi "
                               + "(a host thread per CPU: the default) or thread=single "
                               + "(the CPUs take turns on one thread, deterministic)", valueName: "engine[,thread=single|multi]"))
    var accel: [String] = []

    @Option(name: .customShort("d"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Log items, comma separated (-d help lists them)", valueName: "items"))
    var log: [String] = []

    @Option(name: .customLong("dfilter", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Limit in_asm, op, op_opt, exec and cpu to blocks starting in these ranges: START..END, START+LEN, END-LEN", valueName: "ranges"))
    var dfilter: [String] = []

    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Write the log to a file instead of stderr", valueName: "file"))
    var logFile: [String] = []

    @Option(name: .customLong("trace-blocks", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Armature's own (QEMU has none like it): write every executed block (PC, EL, security state, MECID, instructions) to a binary file; forces -d nochain (see 'armature trace FILE')", valueName: "file"))
    var traceBlocks: [String] = []

    @Option(name: .customLong("gdb", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("gdb remote stub: tcp::PORT or tcp:HOST:PORT (or none)", valueName: "dev"))
    var gdb: [String] = []

    @Option(name: .customLong("qmp", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("QMP server: unix:PATH,server,wait=off or tcp:HOST:PORT,server,wait=off (or none)", valueName: "dev"))
    var qmp: [String] = []

    @Option(name: .customLong("monitor", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("the human monitor: stdio (with -serial none) or none; -nographic has it on Ctrl-A c", valueName: "dev"))
    var monitor: [String] = []

    @Flag(name: .customLong("no-reboot", withSingleDash: true),
          help: "A machine reset (PSCI SYSTEM_RESET, system_reset) ends the run with status 0 instead")
    var noReboot = false

    @Option(name: .customLong("action", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("What guest events do: reboot=reset|shutdown, shutdown=poweroff", valueName: "event=action"))
    var action: [String] = []

    @Flag(name: .customShort("s"), help: "Shorthand for -gdb tcp::1234")
    var gdbDefault = false

    @Flag(name: .customShort("S"), help: "Do not start the CPU until the debugger continues it")
    var stopAtStart = false
}

/// What the first pass over the arguments knows about each option.
enum OptionKind {
    case value      // takes the next argument
    case flag
    case unsupported
}

enum CommandLine0 {
    /// Options Armature implements, by their QEMU name (without the dash).
    static let known: [String: OptionKind] = [
        "M": .value, "machine": .value, "cpu": .value, "m": .value, "smp": .value,
        "kernel": .value, "bios": .value, "drive": .value, "device": .value, "initrd": .value, "append": .value, "dtb": .value, "nographic": .flag, "serial": .value, "semihosting": .flag,
        "semihosting-config": .value, "accel": .value, "d": .value, "D": .value, "dfilter": .value,
        "gdb": .value, "s": .flag, "S": .flag, "trace-blocks": .value, "qmp": .value, "monitor": .value,
        "no-reboot": .flag, "action": .value, "chardev": .value, "display": .value, "vga": .value,
        "virtfs": .value, "fsdev": .value, "nic": .value, "netdev": .value,
    ]

    /// QEMU options that Armature does not implement yet.
    static let unsupported: Set<String> = [
        "pflash", "hda", "hdb", "cdrom", "net",
        "object", "enable-kvm", "icount", "rtc", "trace", "global", "boot",
        "no-shutdown", "loadvm", "incoming", "audiodev", "usb", "usbdevice",
        "blockdev", "numa", "mem-path", "mem-prealloc", "plugin", "L", "k", "name",
        "uuid", "daemonize", "pidfile", "sandbox", "overcommit", "msg", "readconfig",
        "writeconfig", "nodefaults", "parallel", "watchdog", "watchdog-action", "runas",
        "chroot", "iscsi", "fw_cfg", "compat", "add-fd", "seed", "singlestep",
        "one-insn-per-tb", "spice", "vnc", "curses", "sdl", "full-screen", "snapshot",
    ]
}
