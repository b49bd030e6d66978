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
        /// PCI functions in -device order: a virtio core with its transport, or a root port.
        enum PCIItem { case virtio(VirtioCore, String, PCIPlace, VirtioPCI.Mode), port(PCIRootPort, PCIPlace) }
        var pciItems: [PCIItem] = []
        var ports: [String: PCIRootPort] = [:]
        var ids = Set<String>()
        var claimed = Set<String>()
        var claimedNetdevs = Set<String>()

        func blockDevice(_ drive: DriveOption, serial: String?) throws -> VirtioCore {
            let backend: BlockBackend
            do {
                backend = try BlockBackend(path: drive.file ?? "", readOnly: drive.readOnly,
                                           writeThrough: !drive.cache.writeback,
                                           ignoreFlush: drive.cache.ignoresFlush, discardUnmap: drive.discardUnmap)
            } catch {
                throw BoardError("\(drive.context): \(error.description)")
            }
            let worker = hostDevices.newWorker(interrupts: cpu.interrupts)
            let blk = VirtioBlock(backend: backend, serial: serial ?? drive.serial ?? "", worker: worker)
            return VirtioCore(device: blk, dma: dma)
        }

        for d in options.devices {
            func unknownProperties(allowed: Set<String>) throws {
                if let p = d.properties.first(where: { !allowed.contains($0.key) }) {
                    throw BoardError("\(d.context): Property '\(d.driver).\(p.key)' not found")
                }
            }
            if case .some(.some(let id)) = d.value("id"), !ids.insert(id).inserted {
                throw BoardError("\(d.context): Duplicate ID '\(id)' for device")
            }
            let pci = d.driver.hasSuffix("-pci")
            let place = pci ? try VirtMachine.pciPlace(d, ports: ports) : PCIPlace()
            let pciKeys: Set<String> = pci ? VirtMachine.pciProperties : []
            func add(_ core: VirtioCore) throws {
                if pci { pciItems.append(.virtio(core, d.driver, place, try VirtMachine.virtioPCIMode(d, place: place))) }
                else { cores.append(core) }
            }
            switch d.driver {
            case "pcie-root-port":
                let port = try VirtMachine.rootPort(d, existing: pciItems.compactMap {
                    if case .port(let p, _) = $0 { return p } else { return nil }
                }, ports: ports)
                let place = try VirtMachine.pciPlace(d, ports: [:])
                if let id = d.value("id") ?? nil { ports[id] = port }
                pciItems.append(.port(port, place))
            case "virtio-blk-device", "virtio-blk-pci":
                try unknownProperties(allowed: Set(["drive", "serial", "id"]).union(pciKeys))
                guard case .some(.some(let id)) = d.value("drive"), !id.isEmpty else {
                    throw BoardError("\(d.context): drive property not set")
                }
                guard let drive = options.drives.first(where: { $0.id == id && $0.interface == .none }) else {
                    throw BoardError("\(d.context): Property '\(d.driver).drive' can't find value '\(id)'")
                }
                if !claimed.insert(id).inserted {
                    throw BoardError("\(d.context): Drive '\(id)' is already in use by another device")
                }
                let core = try blockDevice(drive, serial: d.value("serial") ?? nil)
                try add(core)
            case "virtio-rng-device", "virtio-rng-pci":
                try unknownProperties(allowed: Set(["id", "max-bytes", "period"]).union(pciKeys))
                let core = VirtioCore(device: VirtioRNG(), dma: dma)
                try add(core)
            case "virtio-9p-device", "virtio-9p-pci":
                // QEMU 7.2's v9fs_device_realize_common: the fsdev first, then its tag.
                try unknownProperties(allowed: Set(["fsdev", "mount_tag", "id"]).union(pciKeys))
                let id = d.value("fsdev") ?? nil
                guard let id, let fsdev = options.fsdevs.first(where: { $0.id == id }) else {
                    throw BoardError("\(d.context): 9pfs device couldn't find fsdev with the id = \(id ?? "NULL")")
                }
                guard case .some(.some(let tag)) = d.value("mount_tag") else {
                    throw BoardError("\(d.context): fsdev with id \(id) needs mount_tag arguments")
                }
                if tag.isEmpty || tag.utf8.count > 65535 {
                    throw BoardError("\(d.context): mount tag must be between 1 and 65535 bytes")
                }
                let core = VirtioCore(device: try ninePDevice(fsdev, tag: tag), dma: dma)
                try add(core)
            case "virtio-net-device", "virtio-net-pci":
                try unknownProperties(allowed: Set(["netdev", "mac", "id"]).union(pciKeys))
                var mac: [UInt8]? = nil
                if case .some(let m) = d.value("mac") {
                    guard let m, let bytes = NetdevOption.parseMAC(m) else {
                        throw BoardError("\(d.context): Property '\(d.driver).mac' doesn't take value '\(m ?? "")'")
                    }
                    mac = bytes
                }
                var netdev: NetdevOption? = nil
                if case .some(let id) = d.value("netdev") {
                    guard let id, let n = options.netdevs.first(where: { $0.id == id && $0.option == "-netdev" }) else {
                        throw BoardError("\(d.context): Property '\(d.driver).netdev' can't find value '\(id ?? "")'")
                    }
                    if !claimedNetdevs.insert(id).inserted {
                        throw BoardError("\(d.context): Property '\(d.driver).netdev' can't take value '\(id)', it's in use")
                    }
                    netdev = n
                }
                let core = VirtioCore(device: try netDevice(netdev, mac: mac), dma: dma)
                try add(core)
            default:
                throw BoardError("\(d.context): '\(d.driver)' is not a valid device model name")
            }
        }
        for drive in options.drives {
            switch drive.interface {
            case .virtio:
                pciItems.append(.virtio(try blockDevice(drive, serial: nil), "virtio-blk-pci", PCIPlace(), .transitional))
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
            case .virtio(let core, let name, let place, let mode): try addVirtioPCI(core, name: name, place: place, mode: mode)
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
