import Devices
import Glibc
import Machine
import NineP
import Options

/// Shared host folders (virtio-9p) on the virt board: `-virtfs` makes a
/// virtio-9p-pci device, as on QEMU's virt.
extension VirtMachine {
    /// The virtio-9p device serving `fsdev` under `tag`, its server on an I/O
    /// thread, errors as QEMU 7.2's.
    func ninePDevice(_ fsdev: FsdevOption, tag: String) throws -> Virtio9P {
        guard let model = NinePSecurityModel(rawValue: fsdev.securityModel) else {
            throw BoardError("\(fsdev.context): invalid security_model property '\(fsdev.securityModel)'")
        }
        let server: NinePServer
        do {
            server = try NinePServer(.init(root: fsdev.path, security: model, readOnly: fsdev.readOnly))
        } catch let e as NinePError {
            throw BoardError("\(fsdev.context): cannot initialize fsdev '\(fsdev.id)': failed to open '\(fsdev.path)': \(String(cString: strerror(e.hostErrno)))")
        }
        let worker = hostDevices.newWorker(interrupts: cpu.interrupts)
        return Virtio9P(tag: tag, server: server, worker: worker)
    }

    /// `-virtfs` (each fsdev with its own mount tag) and `-nic user`: their
    /// virtio PCI devices, in the order given.
    func attachSharesAndNICs() throws {
        var ids = Set<String>()
        for f in options.fsdevs {
            if !ids.insert(f.id).inserted { throw BoardError("\(f.context): Duplicate ID '\(f.id)' for fsdev") }
            guard let tag = f.mountTag else { continue }
            try addVirtioPCI(try ninePDevice(f, tag: tag), name: "virtio-9p-pci")
        }
        var netIDs = Set<String>()
        for n in options.netdevs where !netIDs.insert(n.id).inserted {
            throw BoardError("\(n.context): Duplicate ID '\(n.id)' for netdev")
        }
        for n in options.netdevs where n.option == "-nic" {
            if let model = n.model, model != "virtio-net-pci", model != "virtio" {
                throw BoardError("\(n.context): Unsupported NIC model: \(model)")
            }
            try addVirtioPCI(try netDevice(n, mac: n.mac), name: "virtio-net-pci")
        }
        // A -netdev no -device takes stays unconnected: QEMU's warning.
        for n in options.netdevs where n.option == "-netdev"
            && !options.devices.contains(where: { $0.driver.hasPrefix("virtio-net-") && $0.value("netdev") == .some(n.id) }) {
            HostConsole.writeAll(fd: STDERR_FILENO, "armature: warning: netdev \(n.id) has no peer\n")
        }
    }

    /// CPU thread (host event): the I/O threads' completions and the frames
    /// waiting for the NICs.
    func runHostDeviceEvents() {
        for w in hostDevices.workers { w.runCompletions() }
        for l in hostDevices.netLinks where l.device.hasIncoming { l.device.deliverPending() }
    }
}

/// What the host-backed devices keep alive: the I/O threads of the disks and
/// shared folders (one per device) and the NICs' networks.
public final class HostDeviceSet {
    public private(set) var workers: [IOWorker] = []
    var netLinks: [NetLink] = []
    init() {}

    /// A new I/O thread whose completions run at `interrupts`' host events.
    func newWorker(interrupts: InterruptState) -> IOWorker {
        let w = IOWorker(interrupts: interrupts)
        workers.append(w)
        return w
    }

    /// A device hot-unplugged: its I/O thread stops (its work in flight
    /// still completes, for a device reset to ignore), its network closes.
    func release(device: VirtioDevice) {
        let worker = (device as? VirtioBlock)?.worker ?? (device as? Virtio9P)?.worker
        if let worker {
            worker.shutdown()
            worker.runCompletions()   // what finished: ignored by the reset device, its wake source released
            workers.removeAll { $0 === worker }
        }
        if let i = netLinks.firstIndex(where: { $0.device === device }) {
            netLinks[i].network?.stop()
            netLinks.remove(at: i)
        }
    }
}
