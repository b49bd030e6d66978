import Machine

/// What the virt board's device tree describes beyond the machine options.
public struct DeviceTreeInputs {
    /// The interrupt controller: 2 (GICv2) or 3 (GICv3).
    public var gicVersion = 3
    /// How the guest calls PSCI; nil: no PSCI node (the guest brings EL3 firmware).
    public var psciConduit: FirmwareConduitName? = .hvc
    /// `-append`.
    public var bootArgs: String? = nil
    /// `-initrd`: where it was placed, [start, end).
    public var initrd: Range<UInt64>? = nil
    /// The source of kaslr-seed and rng-seed (host randomness unless a test
    /// gives its own).
    public var random: (Int) -> [UInt8] = DeviceTreeInputs.hostRandom
    public init() {}

    public static func hostRandom(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()   // the host's getrandom(2)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

public enum FirmwareConduitName: String, Sendable { case hvc, smc }

/// The device tree of QEMU 7.2's virt machine for the devices Armature models,
/// node by node with QEMU's names, properties and interrupt numbers (so a
/// kernel sees the same machine under both).
public enum VirtDeviceTree {
    /// GIC interrupt specifier types and flags (the three-cell format).
    static let irqSPI: UInt32 = 0, irqPPI: UInt32 = 1
    static let levelHigh: UInt32 = 4

    public static func build(options: VirtOptions, inputs: DeviceTreeInputs) -> FlatDeviceTree {
        let t = FlatDeviceTree()
        var nextPhandle: UInt32 = 0x8000
        func phandle() -> UInt32 { defer { nextPhandle += 1 }; return nextPhandle }
        let v2 = inputs.gicVersion == 2
        // GICv2 PPI specifiers carry the mask of the CPUs they go to (bits 15:8).
        let ppiFlags = v2 ? levelHigh | (((1 << UInt32(options.cpuCount)) - 1) << 8) : levelHigh

        t.set("/", "compatible", string: "linux,dummy-virt")
        t.set("/", "#address-cells", cell: 2)
        t.set("/", "#size-cells", cell: 2)
        t.set("/", "model", string: "linux,dummy-virt")

        t.addNode("/chosen")
        t.set("/chosen", "kaslr-seed", bytes: inputs.random(8))
        t.set("/chosen", "rng-seed", bytes: inputs.random(32))

        let clock = phandle()
        t.addNode("/apb-pclk")
        t.set("/apb-pclk", "compatible", string: "fixed-clock")
        t.set("/apb-pclk", "#clock-cells", cell: 0)
        t.set("/apb-pclk", "clock-frequency", cell: VirtMap.apbClockHz)
        t.set("/apb-pclk", "clock-output-names", string: "clk24mhz")
        t.set("/apb-pclk", "phandle", cell: clock)

        if let conduit = inputs.psciConduit {
            t.addNode("/psci")
            t.set("/psci", "compatible", strings: ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"])
            t.set("/psci", "method", string: conduit.rawValue)
            t.set("/psci", "cpu_suspend", cell: 0xC400_0001)
            t.set("/psci", "cpu_off", cell: 0x8400_0002)
            t.set("/psci", "cpu_on", cell: 0xC400_0003)
            t.set("/psci", "migrate", cell: 0xC400_0005)
        }

        // CPUs: one cell of MPIDR affinity (Aff3 is 0 for every CPU Armature
        // builds), named by CPU number in decimal as QEMU does; the cpu-map
        // of -smp's sockets, clusters, cores and threads.
        t.addNode("/cpus")
        t.set("/cpus", "#address-cells", cell: 1)
        t.set("/cpus", "#size-cells", cell: 0)
        var cpuPhandles = [UInt32](repeating: 0, count: options.cpuCount)
        for i in (0..<options.cpuCount).reversed() {
            let node = "/cpus/cpu@\(i)"
            t.addNode(node)
            t.set(node, "device_type", string: "cpu")
            // QEMU 7.2 names its max CPU a Cortex-A57 in the tree.
            t.set(node, "compatible", string: "arm,cortex-a57")
            // With secure=on QEMU 7.2 keeps the enable-method when EL3
            // firmware brings PSCI (and the /psci node is left out).
            if options.cpuCount > 1 && (inputs.psciConduit != nil || options.secure) {
                t.set(node, "enable-method", string: "psci")
            }
            t.set(node, "reg", cell: UInt32(truncatingIfNeeded: options.affinity(ofCPU: i)))
            let p = phandle()
            t.set(node, "phandle", cell: p)
            cpuPhandles[i] = p
        }
        t.addNode("/cpus/cpu-map")
        let topo = options.topology
        let clusters = max(topo.clusters, 1), cores = max(topo.cores, 1), threads = max(topo.threads, 1)
        for i in (0..<options.cpuCount).reversed() {
            var path = "/cpus/cpu-map/socket\(i / (clusters * cores * threads))"
                + "/cluster\((i / (cores * threads)) % clusters)/core\((i / threads) % cores)"
            if threads > 1 { path += "/thread\(i % threads)" }
            t.addPath(path)
            t.set(path, "cpu", cell: cpuPhandles[i])
        }

        // The generic timers' PPIs: secure, non-secure physical, virtual, hypervisor.
        t.addNode("/timer")
        t.set("/timer", "compatible", strings: ["arm,armv8-timer", "arm,armv7-timer"])
        t.set("/timer", "always-on")
        t.set("/timer", "interrupts", cells: [
            irqPPI, VirtMap.PPI.secureTimer, ppiFlags, irqPPI, VirtMap.PPI.physicalTimer, ppiFlags,
            irqPPI, VirtMap.PPI.virtualTimer, ppiFlags, irqPPI, VirtMap.PPI.hypTimer, ppiFlags,
        ])

        t.addNode("/memory@\(String(VirtMap.ram.base, radix: 16))")   // filled by applyBootInputs

        // The interrupt controller.
        let gic = phandle()
        let intc = "/intc@\(String(VirtMap.gicDist.base, radix: 16))"
        t.addNode(intc)
        t.set(intc, "#interrupt-cells", cell: 3)
        t.set(intc, "interrupt-controller")
        t.set(intc, "#address-cells", cell: 2)
        t.set(intc, "#size-cells", cell: 2)
        t.set(intc, "ranges")
        if v2 {
            t.set(intc, "compatible", string: "arm,cortex-a15-gic")
            var regs = [VirtMap.gicDist.base, VirtMap.gicDist.size, VirtMap.gicCPU.base, VirtMap.gicCPU.size]
            if options.virtualization {
                regs += [VirtMap.gicHyp.base, VirtMap.gicHyp.size, VirtMap.gicVCPU.base, VirtMap.gicVCPU.size]
            }
            t.set(intc, "reg", cells64: regs)
        } else {
            t.set(intc, "compatible", string: "arm,gic-v3")
            t.set(intc, "#redistributor-regions", cell: 1)
            t.set(intc, "reg", cells64: [VirtMap.gicDist.base, VirtMap.gicDist.size,
                                         VirtMap.gicRedist.base, VirtMap.gicRedist.size])
        }
        if options.virtualization {
            // QEMU 7.2 gives the maintenance interrupt no CPU mask, even on GICv2.
            t.set(intc, "interrupts", cells: [irqPPI, VirtMap.PPI.gicMaintenance, levelHigh])
        }
        t.set(intc, "phandle", cell: gic)
        let msi: UInt32? = v2 || options.its ? phandle() : nil
        if let msi { addMSIController(t, intc: intc, phandle: msi, its: !v2) }
        t.set("/", "interrupt-parent", cell: gic)

        t.addNode("/pmu")
        t.set("/pmu", "compatible", string: "arm,armv8-pmuv3")
        t.set("/pmu", "interrupts", cells: [irqPPI, VirtMap.PPI.pmu, ppiFlags])

        let uart = addPrimeCell(t, "pl011", VirtMap.uart, spi: VirtMap.SPI.uart, clock: clock)
        t.set("/chosen", "stdout-path", string: uart)
        addPrimeCell(t, "pl031", VirtMap.rtc, spi: VirtMap.SPI.rtc, clock: clock)
        let gpioPhandle = phandle()
        addPrimeCell(t, "pl061", VirtMap.gpio, spi: VirtMap.SPI.gpio, clock: clock, gpioPhandle: gpioPhandle)
        t.addNode("/gpio-keys")
        t.set("/gpio-keys", "compatible", string: "gpio-keys")
        t.addNode("/gpio-keys/poweroff")
        t.set("/gpio-keys/poweroff", "label", string: "GPIO Key Poweroff")
        t.set("/gpio-keys/poweroff", "linux,code", cell: VirtMap.keyPower)
        t.set("/gpio-keys/poweroff", "gpios", cells: [gpioPhandle, UInt32(VirtMap.gpioPowerButtonLine), 0])

        if options.secure { addSecureNodes(t, clock: clock, gpioPhandle: phandle(), random: inputs.random) }
        addPCIe(t, options: options, gicPhandle: gic, msiPhandle: msi)
        addFirmwareNodes(t, options: options)
        addVirtioMMIO(t)

        // Our own root has two cells each: this cannot fail.
        try! applyBootInputs(t, options: options, inputs: inputs)
        return t
    }

    /// A PrimeCell device's node (hw/arm/virt.c create_uart, create_rtc,
    /// create_gpio_devices): `/<kind>@<base>` with its compatible, registers,
    /// level-high SPI and clocks (a PL011 names two, uartclk and apb_pclk);
    /// a PL061 is also a GPIO controller with `gpioPhandle`. `secureOnly`: the
    /// device is the Secure world's (disabled for the Non-secure one). Returns the path.
    @discardableResult
    static func addPrimeCell(_ t: FlatDeviceTree, _ kind: String, _ r: VirtMap.Region, spi: UInt32, clock: UInt32,
                             gpioPhandle: UInt32? = nil, secureOnly: Bool = false) -> String {
        let node = "/\(kind)@\(String(r.base, radix: 16))"
        if secureOnly { addSecureNode(t, node) } else { t.addNode(node) }
        t.set(node, "compatible", strings: ["arm,\(kind)", "arm,primecell"])
        t.set(node, "reg", cells64: [r.base, r.size])
        t.set(node, "interrupts", cells: [irqSPI, spi, levelHigh])
        if kind == "pl011" {
            t.set(node, "clocks", cells: [clock, clock])
            t.set(node, "clock-names", strings: ["uartclk", "apb_pclk"])
        } else {
            t.set(node, "clocks", cell: clock)
            t.set(node, "clock-names", string: "apb_pclk")
        }
        if let gpioPhandle {
            t.set(node, "#gpio-cells", cell: 2)
            t.set(node, "gpio-controller")
            t.set(node, "phandle", cell: gpioPhandle)
        }
        return node
    }

    /// A node of the Secure world: disabled for the Non-secure world (status),
    /// enabled for the Secure one (secure-status).
    static func addSecureNode(_ t: FlatDeviceTree, _ node: String) {
        t.addNode(node)
        t.set(node, "secure-status", string: "okay")
        t.set(node, "status", string: "disabled")
    }

    /// What the loader sets in any tree, ours or the user's (`-dtb`): the
    /// memory node, /chosen's bootargs and initrd range, in the root's
    /// #address-cells and #size-cells.
    public static func applyBootInputs(_ t: FlatDeviceTree, options: VirtOptions, inputs: DeviceTreeInputs,
                                       name: String = "device tree") throws {
        let acells = t.cell("/", "#address-cells") ?? 0
        let scells = t.cell("/", "#size-cells") ?? 0
        guard (1...2).contains(acells), (1...2).contains(scells) else {
            throw BoardError("\(name): invalid device tree (the root's #address-cells and #size-cells must be 1 or 2)")
        }
        func sized(_ v: UInt64, _ cells: UInt32, _ what: String) throws -> [UInt32] {
            if cells == 2 { return [UInt32(truncatingIfNeeded: v >> 32), UInt32(truncatingIfNeeded: v)] }
            guard v >> 32 == 0 else {
                throw BoardError("\(name): the device tree's one-cell \(what) cannot hold \(hex(v)) (RAM above 4 GiB needs 2 cells)")
            }
            return [UInt32(v)]
        }
        let memNode = "/memory@\(String(VirtMap.ram.base, radix: 16))"
        for m in t.rootNodes(named: "memory") where m != memNode { t.deleteNode(m) }
        if !t.hasNode(memNode) { t.addNode(memNode) }
        t.set(memNode, "device_type", string: "memory")
        t.set(memNode, "reg", cells: try sized(VirtMap.ram.base, acells, "#address-cells")
                                    + sized(options.ramSize, scells, "#size-cells"))
        if !t.hasNode("/chosen") { t.addNode("/chosen") }
        if let args = inputs.bootArgs, !args.isEmpty {
            t.set("/chosen", "bootargs", string: args)
        }
        if let r = inputs.initrd, !r.isEmpty {
            // One cell, as QEMU writes them, unless the initrd ends above 4 GiB.
            let cells: UInt32 = r.upperBound >> 32 == 0 ? 1 : 2
            t.set("/chosen", "linux,initrd-start", cells: try sized(r.lowerBound, cells, "initrd address"))
            t.set("/chosen", "linux,initrd-end", cells: try sized(r.upperBound, cells, "initrd address"))
        }
    }
}
