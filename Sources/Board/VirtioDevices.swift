import Machine
import Devices
import Options

/// Building a virtio device from a `-device` (or QMP's device_add) on the
/// virt board: virtio-blk on a `-drive if=none`, virtio-rng, virtio-9p on an
/// `-fsdev`, virtio-net on a `-netdev`, with QEMU 7.2's property checks and
/// errors. What the devices claim (ids, drives, netdevs, root ports) is kept
/// in `DeviceClaims` for the machine's life, so devices added at run time
/// follow the same rules (VirtioHotplug.swift).
struct DeviceClaims {
    /// Device ids given so far.
    var ids = Set<String>()
    /// Drives (-drive if=none ids) and netdevs a device uses.
    var drives = Set<String>()
    var netdevs = Set<String>()
    /// Drives deleted with the device that used them (QEMU deletes a -drive with its device).
    var deletedDrives = Set<String>()
    /// Root ports by id.
    var ports: [String: PCIRootPort] = [:]
}

/// A virtio device built for a -device, and what it took.
struct MadeVirtioDevice {
    let core: VirtioCore
    var drive: String? = nil
    var netdev: String? = nil
}

extension VirtMachine {
    /// A virtio-blk device on `drive`'s raw image, its I/O on a new I/O thread.
    func blockDevice(_ drive: DriveOption, serial: String?, dma: DMAMemory) throws -> VirtioCore {
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

    /// The virtio device `d` asks for (virtio-{blk,rng,9p,net}-{device,pci});
    /// the drive or netdev it takes is added to `claims`.
    func virtioCore(_ d: DeviceOption, claims: inout DeviceClaims, dma: DMAMemory) throws -> MadeVirtioDevice {
        let pciKeys: Set<String> = d.driver.hasSuffix("-pci") ? VirtMachine.pciProperties : []
        func unknownProperties(allowed: Set<String>) throws {
            if let p = d.properties.first(where: { !allowed.union(pciKeys).contains($0.key) }) {
                throw BoardError("\(d.context): Property '\(d.driver).\(p.key)' not found")
            }
        }
        switch d.driver {
        case "virtio-blk-device", "virtio-blk-pci":
            try unknownProperties(allowed: ["drive", "serial", "id"])
            guard case .some(.some(let id)) = d.value("drive"), !id.isEmpty else {
                throw BoardError("\(d.context): drive property not set")
            }
            guard !claims.deletedDrives.contains(id),
                  let drive = options.drives.first(where: { $0.id == id && $0.interface == .none }) else {
                throw BoardError("\(d.context): Property '\(d.driver).drive' can't find value '\(id)'")
            }
            if claims.drives.contains(id) {
                throw BoardError("\(d.context): Drive '\(id)' is already in use by another device")
            }
            let core = try blockDevice(drive, serial: d.value("serial") ?? nil, dma: dma)
            claims.drives.insert(id)
            return MadeVirtioDevice(core: core, drive: id)
        case "virtio-rng-device", "virtio-rng-pci":
            try unknownProperties(allowed: ["id", "max-bytes", "period"])
            return MadeVirtioDevice(core: VirtioCore(device: VirtioRNG(), dma: dma))
        case "virtio-9p-device", "virtio-9p-pci":
            // QEMU 7.2's v9fs_device_realize_common: the fsdev first, then its tag.
            try unknownProperties(allowed: ["fsdev", "mount_tag", "id"])
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
            return MadeVirtioDevice(core: VirtioCore(device: try ninePDevice(fsdev, tag: tag), dma: dma))
        default:   // virtio-net-device, virtio-net-pci
            try unknownProperties(allowed: ["netdev", "mac", "id"])
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
                if claims.netdevs.contains(id) {
                    throw BoardError("\(d.context): Property '\(d.driver).netdev' can't take value '\(id)', it's in use")
                }
                netdev = n
            }
            let core = VirtioCore(device: try netDevice(netdev, mac: mac), dma: dma)
            if let id = netdev?.id { claims.netdevs.insert(id) }
            return MadeVirtioDevice(core: core, netdev: netdev?.id)
        }
    }
}
