import Machine

/// The virtio-mmio transport, version 2 (modern; virtio 1.2 4.2.2), one
/// 0x200-byte register window with one interrupt line. Without a device it
/// answers as QEMU's empty transport: magic, version and vendor, DeviceID 0
/// (the driver skips it). CPU thread (MMIO handlers).
public final class VirtioMMIO: MMIODevice {
    public enum Reg {
        public static let magic: UInt64 = 0x000             // "virt"
        public static let version: UInt64 = 0x004
        public static let deviceID: UInt64 = 0x008
        public static let vendorID: UInt64 = 0x00C
        public static let deviceFeatures: UInt64 = 0x010
        public static let deviceFeaturesSel: UInt64 = 0x014
        public static let driverFeatures: UInt64 = 0x020
        public static let driverFeaturesSel: UInt64 = 0x024
        public static let queueSel: UInt64 = 0x030
        public static let queueNumMax: UInt64 = 0x034
        public static let queueNum: UInt64 = 0x038
        public static let queueReady: UInt64 = 0x044
        public static let queueNotify: UInt64 = 0x050
        public static let interruptStatus: UInt64 = 0x060
        public static let interruptACK: UInt64 = 0x064
        public static let status: UInt64 = 0x070
        public static let queueDescLow: UInt64 = 0x080
        public static let queueDescHigh: UInt64 = 0x084
        public static let queueDriverLow: UInt64 = 0x090
        public static let queueDriverHigh: UInt64 = 0x094
        public static let queueDeviceLow: UInt64 = 0x0A0
        public static let queueDeviceHigh: UInt64 = 0x0A4
        public static let shmSel: UInt64 = 0x0AC
        public static let shmLenLow: UInt64 = 0x0B0
        public static let shmLenHigh: UInt64 = 0x0B4
        public static let shmBaseLow: UInt64 = 0x0B8
        public static let shmBaseHigh: UInt64 = 0x0BC
        public static let configGeneration: UInt64 = 0x0FC
        public static let config: UInt64 = 0x100
    }
    public static let magicValue: UInt64 = 0x7472_6976
    /// QEMU's vendor ID ("QEMU").
    public static let vendor: UInt64 = 0x554D_4551
    public static let windowSize: UInt64 = 0x200

    public let name: String
    public let irq: IRQLine
    public let core: VirtioCore?
    public var onGuestError: ((String) -> Void)?

    private var deviceFeaturesSel: UInt32 = 0
    private var driverFeaturesSel: UInt32 = 0
    private var queueSel: UInt32 = 0

    /// `core`: the device behind the transport (nil: an empty transport).
    public init(name: String, core: VirtioCore?) {
        self.name = name
        self.core = core
        irq = IRQLine(name: name)
        core?.onInterrupt = { [unowned self] _ in
            self.irq.set(self.core!.interruptStatus != 0)
        }
        core?.onGuestError = { [unowned self] in self.onGuestError?($0) }
    }

    /// Device reset (a machine reset): the selectors and the device.
    public func reset() {
        deviceFeaturesSel = 0
        driverFeaturesSel = 0
        queueSel = 0
        core?.reset()
    }

    private var selectedQueue: Virtqueue? {
        guard let core, Int(queueSel) < core.queues.count else { return nil }
        return core.queues[Int(queueSel)]
    }

    public func read(offset: UInt64, size: Int) -> UInt64 {
        if offset >= Reg.config {
            guard let core else { return 0 }
            let o = Int(offset - Reg.config)
            guard o + size <= core.device.configSize else { return 0 }
            return core.device.readConfig(offset: o, size: size)
        }
        guard size == 4 else {
            onGuestError?("\(name): \(size)-byte read of register \(hex(offset))")
            return 0
        }
        switch offset {
        case Reg.magic: return VirtioMMIO.magicValue
        case Reg.version: return 2
        case Reg.vendorID: return VirtioMMIO.vendor
        default: break
        }
        guard let core else { return 0 }
        switch offset {
        case Reg.deviceID: return UInt64(core.device.deviceID)
        case Reg.deviceFeatures: return UInt64(core.offeredFeatureWord(deviceFeaturesSel))
        case Reg.queueNumMax: return UInt64(selectedQueue?.maxQueueSize ?? 0)
        case Reg.queueReady: return selectedQueue?.ready == true ? 1 : 0
        case Reg.interruptStatus: return UInt64(core.interruptStatus)
        case Reg.status: return UInt64(core.status)
        case Reg.configGeneration: return UInt64(core.configGeneration)
        case Reg.shmLenLow, Reg.shmLenHigh, Reg.shmBaseLow, Reg.shmBaseHigh:
            return 0xFFFF_FFFF   // no shared memory regions (length -1: none)
        case Reg.deviceFeaturesSel, Reg.driverFeatures, Reg.driverFeaturesSel, Reg.queueSel, Reg.queueNum,
             Reg.queueNotify, Reg.interruptACK, Reg.queueDescLow, Reg.queueDescHigh, Reg.queueDriverLow,
             Reg.queueDriverHigh, Reg.queueDeviceLow, Reg.queueDeviceHigh, Reg.shmSel:
            onGuestError?("\(name): read of write-only register \(hex(offset))")
            return 0
        default:
            onGuestError?("\(name): read of unknown register \(hex(offset))")
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) {
        guard let core else { return }
        if offset >= Reg.config {
            let o = Int(offset - Reg.config)
            guard o + size <= core.device.configSize else { return }
            core.device.writeConfig(offset: o, size: size, value: value)
            return
        }
        guard size == 4 else {
            onGuestError?("\(name): \(size)-byte write of register \(hex(offset))")
            return
        }
        let v = UInt32(truncatingIfNeeded: value)
        func setAddress(_ keyPath: ReferenceWritableKeyPath<Virtqueue, UInt64>, high: Bool) {
            guard let q = selectedQueue else { return }
            guard !q.ready else {
                onGuestError?("\(name): queue \(queueSel) address written while the queue is ready")
                return
            }
            let old = q[keyPath: keyPath]
            q[keyPath: keyPath] = high ? old & 0xFFFF_FFFF | UInt64(v) << 32 : old & ~0xFFFF_FFFF | UInt64(v)
        }
        switch offset {
        case Reg.deviceFeaturesSel: deviceFeaturesSel = v
        case Reg.driverFeatures: core.setDriverFeatures(word: driverFeaturesSel, v)
        case Reg.driverFeaturesSel: driverFeaturesSel = v
        case Reg.queueSel: queueSel = v
        case Reg.queueNum:
            guard let q = selectedQueue else { return }
            if q.ready { onGuestError?("\(name): QueueNum written while queue \(queueSel) is ready"); return }
            q.size = UInt16(truncatingIfNeeded: min(v, 0xFFFF))
        case Reg.queueReady:
            guard let q = selectedQueue else { return }
            core.queueReadyChanged(q, ready: v & 1 != 0)
        case Reg.queueNotify: core.notify(queue: Int(v & 0xFFFF))
        case Reg.interruptACK: core.acknowledgeInterrupt(v)
        case Reg.status: core.writeStatus(UInt8(truncatingIfNeeded: v))
        case Reg.queueDescLow: setAddress(\.descAddress, high: false)
        case Reg.queueDescHigh: setAddress(\.descAddress, high: true)
        case Reg.queueDriverLow: setAddress(\.driverAddress, high: false)
        case Reg.queueDriverHigh: setAddress(\.driverAddress, high: true)
        case Reg.queueDeviceLow: setAddress(\.deviceAddress, high: false)
        case Reg.queueDeviceHigh: setAddress(\.deviceAddress, high: true)
        case Reg.shmSel: break
        default: onGuestError?("\(name): write of \(hex(value)) to register \(hex(offset))")
        }
    }
}
