import Glibc
import Machine
import Devices
import Options

/// Run-time hot plug of virtio-*-pci devices behind a `pcie-root-port`
/// (hotplug=on), as QMP's device_add and device_del do on QEMU 7.2's virt:
/// device_add builds the device as `-device` would and plugs it into the
/// port's slot, which tells the guest (PCIRootPortHotPlug.swift);
/// device_del presses the slot's attention button, and the device goes
/// when the guest powers the slot off, with QEMU's DEVICE_DELETED events
/// (its virtio backend's, then its own). Errors are QEMU 7.2's texts.
/// Everything runs on the CPU thread (QMP answers there).
public final class PCIHotplugState {
    /// A virtio-pci device with an id behind a root port.
    struct Plugged {
        let function: VirtioPCI
        let port: PCIRootPort
        let made: MadeVirtioDevice
        /// While an unplug is pending: when another device_del may press the button again.
        var unplugUntil: Double? = nil
    }

    var claims = DeviceClaims()
    var devices: [String: Plugged] = [:]
    /// QEMU's DEVICE_DELETED (device id or nil, QOM path); the QMP server sets it.
    public var deviceDeleted: ((String?, String) -> Void)?

    init() {}
}

extension VirtMachine {
    /// QEMU 7.2 lets a second device_del press the button again 5 s after the first.
    static let unplugPendingSeconds = 5.0

    /// Routes the host bridge's removals to `deviceRemoved` (at construction).
    func wireHotplug() {
        pcie.removed = { [unowned self] f in self.deviceRemoved(f) }
    }

    /// QMP's device_add: `driver` and the other arguments as -device
    /// properties (text). Returns nil, or QEMU's error text.
    public func deviceAdd(driver: String?, properties: [(String, String)]) -> String? {
        guard let driver else { return "Parameter 'driver' is missing" }
        let text = ([driver] + properties.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        let d = DeviceOption(text: text, driver: driver, properties: properties.map { .init(key: $0.0, value: $0.1) })
        do {
            try hotPlug(d)
            return nil
        } catch let e as BoardError {
            // -device's messages start with the option; QMP's do not.
            let prefix = d.context + ": "
            return e.description.hasPrefix(prefix) ? String(e.description.dropFirst(prefix.count)) : e.description
        } catch {
            return "\(error)"
        }
    }

    private func hotPlug(_ d: DeviceOption) throws {
        var claims = pciHotplug.claims
        guard VirtMachine.virtioDrivers.contains(d.driver) else {
            throw BoardError("'\(d.driver)' is not a valid device model name")
        }
        let id = d.value("id") ?? nil
        if let id, claims.ids.contains(id) { throw BoardError("Duplicate device ID '\(id)'") }
        guard d.driver.hasSuffix("-pci") else {
            throw BoardError("\(d.driver): Armature hot-plugs virtio-*-pci devices behind a pcie-root-port only")
        }
        let place = try VirtMachine.pciPlace(d, ports: claims.ports)
        guard let port = place.port else { throw BoardError("Bus 'pcie.0' does not support hotplugging") }
        guard port.hotplug else { throw BoardError("Hot-plug failed: unsupported by the port device '\(port.name)'") }
        let mode = try VirtMachine.virtioPCIMode(d, place: place)
        if let slot = place.slot, let user = pcie.function(slot: slot, behind: port) {
            throw BoardError("PCI: slot \(slot) function 0 not available for \(d.driver), in use by \(user.name)")
        }
        guard port.devices.contains(where: { $0 == nil }) else {
            throw BoardError("PCI: no slot/function available for \(d.driver), all in use or reserved")
        }
        let made = try virtioCore(d, claims: &claims, dma: DMAMemory(memory: memory, gptCPU: cpu))
        made.core.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
        let function = VirtioPCI(name: d.driver, core: made.core, mode: mode, express: true)
        guard pcie.plug(function, slot: place.slot, behind: port, hot: true) != nil else {
            release(made)
            throw BoardError("PCI: no slot/function available for \(d.driver), all in use or reserved")
        }
        if let id {
            claims.ids.insert(id)
            pciHotplug.devices[id] = .init(function: function, port: port, made: made)
        }
        pciHotplug.claims = claims
    }

    /// QMP's device_del: nil, or QEMU's error class and text.
    public func deviceDel(id: String) -> (String, String)? {
        guard pciHotplug.claims.ids.contains(id) else { return ("DeviceNotFound", "Device '\(id)' not found") }
        guard var plugged = pciHotplug.devices[id] else {
            // Root ports, devices on bus 0 and on virtio-mmio: buses without hot plug.
            let bus = options.devices.first { ($0.value("id") ?? nil) == id }.map { $0.driver.hasSuffix("-device") } == true
                ? "virtio-mmio-bus" : "pcie.0"
            return ("GenericError", "Bus '\(bus)' does not support hotplugging")
        }
        let now = Double(HostClock.nanoseconds()) / 1e9
        if let until = plugged.unplugUntil, now < until {
            return ("GenericError", "Device \(id) is already in the process of unplug")
        }
        if let why = plugged.port.requestUnplug() { return ("GenericError", why) }
        plugged.unplugUntil = now + VirtMachine.unplugPendingSeconds
        if pciHotplug.devices[id] != nil { pciHotplug.devices[id] = plugged }   // not gone at once
        return nil
    }

    /// A function left its bus (the guest powered its slot off): the device
    /// and what it held go, DEVICE_DELETED for its backend and for it.
    func deviceRemoved(_ f: PCIFunction) {
        guard let entry = pciHotplug.devices.first(where: { $0.value.function === f }) else { return }
        let (id, plugged) = (entry.key, entry.value)
        pciHotplug.devices[id] = nil
        pciHotplug.claims.ids.remove(id)
        if let n = plugged.made.netdev { pciHotplug.claims.netdevs.remove(n) }
        if let drive = plugged.made.drive {
            pciHotplug.claims.drives.remove(drive)
            pciHotplug.claims.deletedDrives.insert(drive)
        }
        release(plugged.made)
        pciHotplug.deviceDeleted?(nil, "/machine/peripheral/\(id)/virtio-backend")
        pciHotplug.deviceDeleted?(id, "/machine/peripheral/\(id)")
    }

    /// Stops what a removed device had on the host: its I/O thread, its network.
    private func release(_ made: MadeVirtioDevice) {
        made.core.reset()
        hostDevices.release(device: made.core.device)
    }
}
