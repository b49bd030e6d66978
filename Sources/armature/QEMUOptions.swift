import Machine
import Engine
import Board
import Options

/// Parsers for the values of QEMU's command-line options, as QEMU 7.2 spells them.
public enum QEMUOptions {
    /// Splits a QEMU option list at commas (",," is a literal comma): `OptionList.split`.
    public static func splitList(_ s: String) -> [String] { OptionList.split(s) }

    /// Splits "k=v" (nil value when there is no '=').
    static func keyValue(_ s: String) -> (key: String, value: String?) {
        guard let eq = s.firstIndex(of: "=") else { return (s, nil) }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    /// QEMU's boolean property values.
    public static func parseBool(_ v: String) -> Bool? {
        switch v {
        case "on", "yes", "true", "y": return true
        case "off", "no", "false", "n": return false
        default: return nil
        }
    }

    /// A size as QEMU's `qemu_strtosz` reads it: a decimal number (a fraction is
    /// allowed with a suffix) and an optional suffix B, K, M, G, T, P, E (any
    /// case, powers of 1024). A number without a suffix is in `defaultUnit` bytes.
    public static func parseSize(_ s: String, defaultUnit: UInt64 = 1 << 20) -> UInt64? {
        var text = Substring(s)
        guard !text.isEmpty else { return nil }
        var unit = defaultUnit
        var hasSuffix = false
        if let last = text.last, last.isLetter {
            switch last.lowercased() {
            case "b": unit = 1
            case "k": unit = 1 << 10
            case "m": unit = 1 << 20
            case "g": unit = 1 << 30
            case "t": unit = 1 << 40
            case "p": unit = 1 << 50
            case "e": unit = 1 << 60
            default: return nil
            }
            text = text.dropLast()
            hasSuffix = true
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = UInt64(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        if parts.count == 2 && (!hasSuffix || parts[1].isEmpty) { return nil }
        let (w, o) = whole.multipliedReportingOverflow(by: unit)
        if o { return nil }
        var total = w
        if parts.count == 2 {
            guard let frac = Double("0." + parts[1]) else { return nil }
            let extra = frac * Double(unit)
            guard extra < Double(UInt64.max - total) else { return nil }
            total += UInt64(extra)
        }
        return total
    }

    // MARK: -M / -machine

    /// Applies one `-M` value: "virt[,key=value...]", "type=virt,...", or just keys.
    /// Returns the engine named by `accel=`, if any.
    @discardableResult
    public static func applyMachine(_ value: String, to o: inout VirtOptions) throws -> EngineKind? {
        let opt = "-M \(value)"
        var accel: EngineKind? = nil
        for (i, item) in splitList(value).enumerated() {
            if item.isEmpty && i > 0 { continue }   // "virt," as QEMU tolerates
            let (key, val) = keyValue(item)
            if val == nil && i == 0 {
                try checkMachineType(key, opt)
                continue
            }
            guard let v = val else {
                throw OptionError("\(opt): machine property '\(key)' needs a value (\(key)=...)")
            }
            func bool() throws -> Bool {
                guard let b = parseBool(v) else {
                    throw OptionError("\(opt): bad value '\(v)' for machine property '\(key)' (use on or off)")
                }
                return b
            }
            switch key {
            case "type": try checkMachineType(v, opt)
            case "secure": o.secure = try bool()
            case "virtualization": o.virtualization = try bool()
            case "mec": o.mec = try bool()
            case "highmem": o.highmem = try bool()
            case "its": o.its = try bool()
            case "dump-guest-core", "mem-merge", "highmem-ecam", "highmem-mmio",
                 "highmem-redists", "default-bus-bypass-iommu":
                _ = try bool()
            case "ras", "mte":
                if try bool() {
                    throw OptionError("\(opt): machine property '\(key)=on' is not modelled yet")
                }
            case "gic-version":
                guard ["2", "3", "4", "host", "max"].contains(v) else {
                    throw OptionError("\(opt): bad value '\(v)' for gic-version (use 2, 3, 4, host or max)")
                }
                o.gicVersion = v
            case "acpi":
                guard v == "auto" || parseBool(v) != nil else {
                    throw OptionError("\(opt): bad value '\(v)' for machine property 'acpi' (use on, off or auto)")
                }
                o.acpi = v
            case "iommu":
                if v != "none" {
                    throw OptionError("\(opt): iommu '\(v)' is not modelled yet (only iommu=none)")
                }
            case "accel":
                accel = try parseAccel(v)
            case "dumpdtb":
                guard !v.isEmpty else { throw OptionError("\(opt): dumpdtb needs a file name") }
                o.dumpDTB = v
            default:
                throw OptionError("\(opt): unknown machine property '\(key)'")
            }
        }
        return accel
    }

    /// The versioned machine types QEMU 7.2 has for the virt board (each the
    /// same machine here); any other version is refused, as QEMU refuses it.
    public static let virtVersions = ["2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "3.0", "3.1", "4.0", "4.1",
                                      "4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "6.2", "7.0", "7.1", "7.2"]

    static func checkMachineType(_ t: String, _ opt: String) throws {
        if t == "virt" { return }
        if t.hasPrefix("virt-") {
            if virtVersions.contains(String(t.dropFirst(5))) { return }
            throw OptionError("\(opt): unsupported machine type '\(t)'; QEMU 7.2's virt versions are virt-2.6 ... virt-7.2 (use -M help)")
        }
        throw OptionError("\(opt): unsupported machine type '\(t)'; only 'virt' is supported (use -M help)")
    }

    // MARK: -cpu

    public static func applyCPU(_ value: String, to o: inout VirtOptions) throws {
        let opt = "-cpu \(value)"
        let items = splitList(value)
        let model = items[0]
        guard CPUConfig.model(named: model) != nil else {
            let known = CPUConfig.modelNames.joined(separator: ", ")
            throw OptionError("\(opt): unsupported CPU model '\(model)'; supported: \(known) (use -cpu help)")
        }
        o.cpuModel = model
        for item in items.dropFirst() {
            let (key, val) = keyValue(item)
            // x-rme=on: FEAT_RME and FEAT_MEC (with SCTLR2, TCR2), as QEMU's max
            // CPU with the MEC series; they need EL3 and EL2 (secure=on,virtualization=on).
            if key == "x-rme" && model == "max" {
                guard let on = parseBool(val ?? "on") else {
                    throw OptionError("\(opt): bad value for CPU property 'x-rme' (use on or off)")
                }
                o.rme = on
                continue
            }
            // pauth=off drops FEAT_PAuth; pauth-impdef=on uses Armature's own
            // IMPLEMENTATION DEFINED PAC algorithm instead of QARMA5 (as QEMU's max).
            if (key == "pauth" || key == "pauth-impdef") && model == "max" {
                guard let on = parseBool(val ?? "on") else {
                    throw OptionError("\(opt): bad value for CPU property '\(key)' (use on or off)")
                }
                if key == "pauth" { o.pauth = on } else { o.pauthImpdef = on }
                continue
            }
            throw OptionError("\(opt): CPU property '\(key)' is not modelled yet")
        }
    }

    // MARK: -m

    public static func applyMemory(_ value: String, to o: inout VirtOptions) throws {
        let opt = "-m \(value)"
        var sizeText: String? = nil
        for (i, item) in splitList(value).enumerated() {
            let (key, val) = keyValue(item)
            if val == nil && i == 0 { sizeText = key; continue }
            switch key {
            case "size": sizeText = val
            case "slots", "maxmem":
                throw OptionError("\(opt): memory hotplug (\(key)=) is not supported yet")
            default:
                throw OptionError("\(opt): unknown memory property '\(key)'")
            }
        }
        guard let st = sizeText, let size = parseSize(st) else {
            throw OptionError("\(opt): invalid RAM size (use e.g. 512, 512M or 2G)")
        }
        if size == 0 { throw OptionError("\(opt): RAM size must not be zero") }
        // QEMU rounds the RAM size up to a multiple of 8 KiB.
        let (aligned, ov) = size.addingReportingOverflow(8191)
        if ov { throw OptionError("\(opt): RAM size too large") }
        o.ramSize = aligned & ~8191
    }

    // MARK: -smp

    /// `-smp [cpus=]N[,maxcpus=M][,sockets=S][,clusters=C][,cores=K][,threads=T]`,
    /// completed and checked as QEMU 7.2 does (machine_parse_smp_config,
    /// preferring cores over sockets); `dies` is not supported on virt.
    public static func applySMP(_ value: String, to o: inout VirtOptions) throws {
        let opt = "-smp \(value)"
        var given: [String: Int] = [:]
        for (i, item) in splitList(value).enumerated() {
            let (key, val) = keyValue(item)
            let name: String, number: String
            if val == nil && i == 0 { (name, number) = ("cpus", key) }
            else if ["cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads"].contains(key), let v = val { (name, number) = (key, v) }
            else { throw OptionError("\(opt): unknown -smp property '\(key)'") }
            guard let n = Int(number), n >= 1, n <= 1 << 20 else { throw OptionError("\(opt): invalid \(name) value '\(number)'") }
            given[name] = n
        }
        if let d = given["dies"], d != 1 { throw OptionError("\(opt): dies not supported by this machine's CPU topology") }
        var cpus = given["cpus"] ?? 0, maxcpus = given["maxcpus"] ?? 0
        var sockets = given["sockets"] ?? 0, cores = given["cores"] ?? 0, threads = given["threads"] ?? 0
        let clusters = given["clusters"] ?? 1
        if cpus == 0 && maxcpus == 0 {
            sockets = max(sockets, 1); cores = max(cores, 1); threads = max(threads, 1)
        } else {
            if maxcpus == 0 { maxcpus = cpus }
            sockets = max(sockets, 1)
            if cores == 0 {
                threads = max(threads, 1)
                cores = max(maxcpus / (sockets * clusters * threads), 1)
            } else if threads == 0 {
                threads = max(maxcpus / (sockets * clusters * cores), 1)
            }
        }
        let total = sockets * clusters * cores * threads
        if maxcpus == 0 { maxcpus = total }
        if cpus == 0 { cpus = maxcpus }
        let product = "sockets (\(sockets)) * clusters (\(clusters)) * cores (\(cores)) * threads (\(threads))"
        if total != maxcpus {
            throw OptionError("\(opt): Invalid CPU topology: product of the hierarchy must match maxcpus: \(product) != maxcpus (\(maxcpus))")
        }
        if maxcpus < cpus {
            throw OptionError("\(opt): Invalid CPU topology: maxcpus must be equal to or greater than smp: \(product) == maxcpus (\(maxcpus)) < smp_cpus (\(cpus))")
        }
        if cpus > VirtMachine.maxCPUs {
            throw OptionError("\(opt): Armature supports 1 to \(VirtMachine.maxCPUs) CPUs")
        }
        o.cpuCount = cpus
        o.topology.sockets = sockets
        o.topology.clusters = clusters
        o.topology.cores = cores
        o.topology.threads = threads
        o.topology.maxCPUs = maxcpus
    }

    // MARK: -action

    /// `-action reboot=reset|shutdown[,shutdown=poweroff]`: what a machine
    /// reset does (QEMU 7.2's names; `-no-reboot` is `reboot=shutdown`).
    public static func parseAction(_ value: String, into reboot: inout RebootAction) throws {
        for item in splitList(value) {
            let (key, val) = keyValue(item)
            switch (key, val) {
            case ("reboot", "reset"?): reboot = .reset
            case ("reboot", "shutdown"?): reboot = .shutdown
            case ("reboot", _):
                throw OptionError("-action \(value): reboot=\(val ?? "") is not an action for reboot (use reset or shutdown)")
            case ("shutdown", "poweroff"?): continue
            case ("shutdown", "pause"?):
                throw OptionError("-action \(value): shutdown=pause is not supported (a shutdown ends the run)")
            case ("shutdown", _):
                throw OptionError("-action \(value): shutdown=\(val ?? "") is not an action for shutdown (use poweroff)")
            case ("panic", _), ("watchdog", _):
                throw OptionError("-action \(value): \(key)= is not supported (the virt machine has no pvpanic or watchdog device)")
            default:
                throw OptionError("-action \(value): unknown event '\(key)' (use reboot or shutdown)")
            }
        }
    }

    // MARK: -accel

    public static func parseAccel(_ value: String) throws -> EngineKind {
        let items = splitList(value)
        let name = items[0]
        let kind: EngineKind
        switch name {
        case "interp": kind = .interp
        case "jit", "tcg":
            kind = .jit
        case "kvm", "hvf", "whpx", "xen", "nvmm", "hax":
            throw OptionError("-accel \(value): '\(name)' is not supported; Armature has the 'interp' and 'jit' engines")
        default:
            throw OptionError("-accel \(value): unknown accelerator '\(name)' (use interp or jit)")
        }
        for item in items.dropFirst() {
            let (key, val) = keyValue(item)
            if key == "thread" {
                // single: several CPUs take turns on one host thread;
                // multi: one host thread per vCPU (`parseAccelThreads`).
                guard val == "single" || val == "multi" else {
                    throw OptionError("-accel \(value): invalid thread value '\(val ?? "")' (use single or multi)")
                }
                continue
            }
            if kind == .interp && key == "predecode" {
                // off: the IR interpreter (the reference) instead of the threaded one.
                guard val == "on" || val == "off" else {
                    throw OptionError("-accel \(value): invalid predecode value '\(val ?? "")' (use on or off)")
                }
                continue
            }
            if kind == .jit && ["tb-size", "one-insn-per-tb", "split-wx"].contains(key) { continue }
            throw OptionError("-accel \(value): unknown accelerator property '\(key)'")
        }
        return kind
    }

    /// The `thread=` of an `-accel` value: true for multi (one host thread
    /// per vCPU), false for single, nil when not given. Call after `parseAccel`.
    public static func parseAccelThreads(_ value: String) -> Bool? {
        var result: Bool? = nil
        for item in splitList(value).dropFirst() {
            let (key, val) = keyValue(item)
            if key == "thread" { result = val == "multi" }
        }
        return result
    }

    /// `predecode=off` of `-accel interp`: run the IR interpreter rather than
    /// the threaded interpreter of pre-decoded blocks. Call after `parseAccel`.
    public static func parseAccelReferenceInterpreter(_ value: String) -> Bool {
        splitList(value).dropFirst().contains { keyValue($0) == ("predecode", "off") }
    }

    // MARK: -semihosting-config

    public struct SemihostingConfig: Equatable, Sendable {
        public var enable = true
        public var args: [String] = []
        /// Ours: the tree host files may be reached in (default: the working directory).
        public var root: String? = nil
        /// Ours: SYS_SYSTEM may run host commands.
        public var allowSystem = false
    }

    public static func parseSemihostingConfig(_ value: String) throws -> SemihostingConfig {
        let opt = "-semihosting-config \(value)"
        var c = SemihostingConfig()
        for (i, item) in splitList(value).enumerated() {
            var (key, val) = keyValue(item)
            if val == nil && i == 0 { val = key; key = "enable" }   // implied key
            guard let v = val else {
                throw OptionError("\(opt): property '\(key)' needs a value")
            }
            switch key {
            case "enable":
                guard let b = parseBool(v) else { throw OptionError("\(opt): bad value '\(v)' for enable (use on or off)") }
                c.enable = b
            case "userspace":
                guard parseBool(v) != nil else { throw OptionError("\(opt): bad value '\(v)' for userspace (use on or off)") }
            case "target":
                switch v {
                case "native", "auto": break
                case "gdb": throw OptionError("\(opt): target=gdb is not supported yet (there is no gdb stub)")
                default: throw OptionError("\(opt): bad value '\(v)' for target (use native or auto)")
                }
            case "chardev":
                // The only character device is the serial port on stdio; semihosting
                // output already shares it.
                guard v == "serial0" else {
                    throw OptionError("\(opt): chardev '\(v)' does not exist (only serial0)")
                }
            case "arg":
                c.args.append(v)
            case "root":
                guard !v.isEmpty else { throw OptionError("\(opt): root needs a directory") }
                c.root = v
            case "system":
                guard let b = parseBool(v) else { throw OptionError("\(opt): bad value '\(v)' for system (use on or off)") }
                c.allowSystem = b
            default:
                throw OptionError("\(opt): unknown property '\(key)'")
            }
        }
        return c
    }
}
