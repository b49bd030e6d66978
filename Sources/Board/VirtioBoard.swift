import Machine
import Devices
import Options

/// The virt board's virtio-mmio transports and the devices on them.
///
/// QEMU 7.2's virt always has 32 virtio-mmio transports (0x0a000000, 0x200
/// apart, SPI 16 + n, edge-triggered in the device tree); `-device
/// virtio-*-device` takes the free transport with the highest address
/// first, as QEMU's bus order does. `-device pcie-root-port` and `-device
/// virtio-*-pci` (in the order given), then `-drive if=virtio` (virt's
/// default interface: virtio-blk-pci, as QEMU's) go on the PCIe bus from
/// slot 1; `bus=ID` puts a virtio-*-pci device behind the root port ID.
/// virtio-9p takes an `-fsdev` by its id and a mount tag, virtio-net a
/// `-netdev` by its id (none: a NIC whose frames go nowhere, as QEMU's).
extension VirtMachine {
    public static let virtioMMIOCount = 32

    /// The -device drivers this board knows.
    public static let virtioDrivers = ["virtio-blk-device", "virtio-rng-device", "virtio-9p-device", "virtio-net-device",
                                       "virtio-blk-pci", "virtio-rng-pci", "virtio-9p-pci", "virtio-net-pci",
                                       "pcie-root-port"]

    /// Builds the transports and binds `options.devices` and the drives. Called
    /// once the CPUs exist (the DMA checks the boot CPU's GPT registers).
    func attachVirtio() throws {
        let dma = DMAMemory(memory: memory, gptCPU: cpu)
        var cores: [VirtioCore] = []
        /// PCI functions in -device order: a virtio device with its transport
        /// (the -device that asked for it, nil for -drive), or a root port.
        enum PCIItem { case virtio(MadeVirtioDevice, DeviceOption?, PCIPlace, VirtioPCI.Mode), port(PCIRootPort, PCIPlace) }
        var pciItems: [PCIItem] = []
        var claims = pciHotplug.claims
        defer { pciHotplug.claims = claims }

        for d in options.devices {
            if case .some(.some(let id)) = d.value("id"), !claims.ids.insert(id).inserted {
                throw BoardError("\(d.context): Duplicate ID '\(id)' for device")
            }
            let pci = d.driver.hasSuffix("-pci")
            let place = pci ? try VirtMachine.pciPlace(d, ports: claims.ports) : PCIPlace()
            switch d.driver {
            case "pcie-root-port":
                let port = try VirtMachine.rootPort(d, existing: pciItems.compactMap {
                    if case .port(let p, _) = $0 { return p } else { return nil }
                }, ports: claims.ports)
                let place = try VirtMachine.pciPlace(d, ports: [:])
                if let id = d.value("id") ?? nil { claims.ports[id] = port }
                pciItems.append(.port(port, place))
            case "virtio-blk-device", "virtio-blk-pci", "virtio-rng-device", "virtio-rng-pci",
                 "virtio-9p-device", "virtio-9p-pci", "virtio-net-device", "virtio-net-pci":
                let made = try virtioCore(d, claims: &claims, dma: dma)
                if pci { pciItems.append(.virtio(made, d, place, try VirtMachine.virtioPCIMode(d, place: place))) }
                else { cores.append(made.core) }
            default:
                throw BoardError("\(d.context): '\(d.driver)' is not a valid device model name")
            }
        }
        for drive in options.drives {
            switch drive.interface {
            case .virtio:
                pciItems.append(.virtio(MadeVirtioDevice(core: try blockDevice(drive, serial: nil, dma: dma)), nil,
                                        PCIPlace(), .transitional))
            case .none, .pflash: break   // pflash: the flash banks (VirtFirmware)
            default:
                throw BoardError("\(drive.context): if=\(drive.interface.rawValue) is not supported yet")
            }
        }
        if cores.count > VirtMachine.virtioMMIOCount {
            throw BoardError("too many virtio devices: the virt machine has \(VirtMachine.virtioMMIOCount) virtio-mmio transports")
        }
        let guestError: (String) -> Void = { [unowned system] in system.log(.guestErrors, $0) }
        var transports: [VirtioMMIO] = []
        for n in 0..<VirtMachine.virtioMMIOCount {
            // The first device takes the last transport (QEMU's bus order).
            let k = VirtMachine.virtioMMIOCount - 1 - n
            let t = VirtioMMIO(name: "virtio-mmio.\(n)", core: k < cores.count ? cores[k] : nil)
            t.onGuestError = guestError
            do {
                try memory.addDevice(t, base: VirtMap.virtioMMIO.base + UInt64(n) * VirtMap.virtioMMIO.size,
                                     size: VirtMap.virtioMMIO.size)
            } catch let e as MachineError {
                throw BoardError(e.description)
            }
            gic.connect(t.irq, spi: Int(VirtMap.SPI.virtioMMIO) + n)
            transports.append(t)
        }
        virtioTransports = transports
        for item in pciItems {
            switch item {
            case .virtio(let made, let d, let place, let mode):
                let function = try addVirtioPCI(made.core, name: d?.driver ?? "virtio-blk-pci", place: place, mode: mode)
                // Behind a hot-plug port, a device with an id can be unplugged (device_del).
                if let d, let id = d.value("id") ?? nil, let port = place.port {
                    pciHotplug.devices[id] = .init(function: function, port: port, made: made)
                }
            case .port(let port, let place): try plugPCI(port, name: "pcie-root-port", place: place)
            }
        }
    }

    /// A machine reset: every transport and its device back to reset (work
    /// in flight is dropped when it completes), the lines given to the GIC again.
    func resetVirtio() {
        for (n, t) in virtioTransports.enumerated() {
            t.reset()
            gic.connect(t.irq, spi: Int(VirtMap.SPI.virtioMMIO) + n)
        }
    }
}
