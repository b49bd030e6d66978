import Machine

/// The transport-independent state of one virtio device (virtio 1.2 2-3):
/// device status, feature negotiation, the virtqueues, the interrupt status
/// and the error state. See `VirtioDevice` for how devices and transports
/// use it. CPU thread only.
public final class VirtioCore {
    public let device: VirtioDevice
    public let dma: DMAMemory
    public let queues: [Virtqueue]
    /// Everything offered: the device's bits and the core's (VERSION_1 and
    /// the ring features).
    public let offeredFeatures: UInt64
    public private(set) var driverFeatures: UInt64 = 0
    public private(set) var status: UInt8 = 0
    /// ISR / InterruptStatus: `Virtio.interruptUsedBuffer`, `interruptConfigChange`.
    public private(set) var interruptStatus: UInt32 = 0
    /// Bumped when the device changes its configuration.
    public private(set) var configGeneration: UInt32 = 0
    /// How many times the device was reset: work started before a reset
    /// compares it when it completes.
    public private(set) var resetCount: UInt64 = 0
    /// The transport's interrupt hook.
    public var onInterrupt: ((VirtioInterrupt) -> Void)?
    /// Guest errors (malformed queues, bad register use), for -d guest_errors.
    public var onGuestError: ((String) -> Void)?

    public init(device: VirtioDevice, dma: DMAMemory) {
        self.device = device
        self.dma = dma
        queues = device.queueSizes.enumerated().map { Virtqueue(index: $0.offset, maxQueueSize: $0.element) }
        offeredFeatures = device.deviceFeatures | Virtio.featureVersion1 | Virtio.featureIndirectDesc | Virtio.featureEventIndex
        device.attach(self)
    }

    /// In the error state (DEVICE_NEEDS_RESET): queues are not processed.
    public var isBroken: Bool { status & Virtio.statusNeedsReset != 0 }
    public var isLive: Bool { status & Virtio.statusDriverOK != 0 && !isBroken }
    public func negotiated(_ feature: UInt64) -> Bool { driverFeatures & feature != 0 }

    // MARK: Transport side

    /// The 32-bit word `index` of the offered features.
    public func offeredFeatureWord(_ index: UInt32) -> UInt32 {
        index < 2 ? UInt32(truncatingIfNeeded: offeredFeatures >> (32 * UInt64(index))) : 0
    }

    /// The driver writes word `index` of its features (ignored once
    /// FEATURES_OK is set, as the spec forbids changing them then).
    public func setDriverFeatures(word index: UInt32, _ value: UInt32) {
        guard index < 2, status & Virtio.statusFeaturesOK == 0 else { return }
        let shift = 32 * UInt64(index)
        driverFeatures = driverFeatures & ~(0xFFFF_FFFF << shift) | UInt64(value) << shift
    }

    /// The driver writes the device status. 0 resets the device. FEATURES_OK
    /// is kept only if the driver's features are a subset of the offered
    /// ones and include VERSION_1 (a modern transport needs it); the driver
    /// reads it back to learn (3.1.1). DRIVER_OK starts the queues.
    public func writeStatus(_ value: UInt8) {
        if value == 0 { reset(); return }
        var v = value & ~Virtio.statusNeedsReset | status & Virtio.statusNeedsReset
        if v & Virtio.statusFeaturesOK != 0 && status & Virtio.statusFeaturesOK == 0 {
            if driverFeatures & ~offeredFeatures != 0 || driverFeatures & Virtio.featureVersion1 == 0 {
                onGuestError?("virtio: features \(hex(driverFeatures)) refused (offered \(hex(offeredFeatures)))")
                v &= ~Virtio.statusFeaturesOK
            }
        }
        let starting = v & Virtio.statusDriverOK != 0 && status & Virtio.statusDriverOK == 0
        status = v
        if starting {
            for q in queues { q.eventIndex = negotiated(Virtio.featureEventIndex) }
            device.driverReady()
        }
    }

    /// QueueReady was written for queue `q`: a ready queue is checked (size a
    /// power of two, ring alignment); a bad one is the error state.
    public func queueReadyChanged(_ q: Virtqueue, ready: Bool) {
        if !ready { q.ready = false; return }
        do throws(VirtqueueError) {
            try q.validate()
            q.eventIndex = negotiated(Virtio.featureEventIndex)
            q.ready = true
        } catch {
            deviceError(error.description)
        }
    }

    /// The driver notified queue `index`. Ignored (and logged) before
    /// DRIVER_OK, for a queue that is not ready or does not exist, and in the
    /// error state.
    public func notify(queue index: Int) {
        guard index >= 0 && index < queues.count else {
            onGuestError?("virtio: notify of queue \(index), which does not exist"); return
        }
        guard isLive, queues[index].ready else {
            if !isBroken { onGuestError?("virtio: notify of queue \(index) before DRIVER_OK or QueueReady") }
            return
        }
        device.queueNotified(index)
    }

    /// The driver acknowledges interrupt bits (virtio-mmio InterruptACK).
    public func acknowledgeInterrupt(_ bits: UInt32) {
        interruptStatus &= ~bits
        onInterrupt?(.acknowledged)
    }

    /// Reads and clears the ISR (virtio-pci).
    public func takeInterruptStatus() -> UInt32 {
        defer { if interruptStatus != 0 { interruptStatus = 0; onInterrupt?(.acknowledged) } }
        return interruptStatus
    }

    public func reset() {
        let hadInterrupt = interruptStatus != 0
        resetCount &+= 1
        status = 0
        driverFeatures = 0
        interruptStatus = 0
        for q in queues { q.reset() }
        device.reset()
        if hadInterrupt { onInterrupt?(.acknowledged) }
    }

    // MARK: Device side

    /// The device's configuration changed.
    public func configChanged() {
        configGeneration &+= 1
        interruptStatus |= Virtio.interruptConfigChange
        onInterrupt?(.config)
    }

    /// Enters the error state (virtio 1.2 2.1.2: DEVICE_NEEDS_RESET, then a
    /// configuration change notification), as QEMU's virtio_error.
    public func deviceError(_ reason: String) {
        onGuestError?("virtio (device \(device.deviceID)): \(reason)")
        guard !isBroken else { return }
        status |= Virtio.statusNeedsReset
        configChanged()
    }

    /// The next available chain of queue `index`; nil when there is none or
    /// the queue is malformed (then the device is in the error state).
    public func pop(queue index: Int) -> VirtqueueChain? {
        guard isLive else { return nil }
        do throws(VirtqueueError) {
            return try queues[index].pop(dma)
        } catch {
            deviceError(error.description)
            return nil
        }
    }

    /// Returns a chain to the driver and raises the used-buffer interrupt
    /// if the driver wants one.
    public func complete(queue index: Int, head: UInt16, written: UInt32) {
        guard isLive else { return }
        let q = queues[index]
        do throws(VirtqueueError) {
            try q.push(dma, head: head, written: written)
            if try q.shouldNotify(dma) {
                interruptStatus |= Virtio.interruptUsedBuffer
                onInterrupt?(.queue(index))
            }
        } catch {
            deviceError(error.description)
        }
    }

    /// Copies `count` bytes of the chain's readable buffers, from byte
    /// `offset` of their concatenation, into `out`; false when the buffers
    /// are shorter or a buffer cannot be read (then the device is in the
    /// error state).
    public func gather(_ segments: [VirtqueueSegment], offset: UInt64, into out: UnsafeMutableRawBufferPointer) -> Bool {
        var skip = offset, done = 0
        for s in segments where done < out.count {
            if skip >= UInt64(s.length) { skip -= UInt64(s.length); continue }
            let n = min(Int(UInt64(s.length) - skip), out.count - done)
            do throws(DMAError) {
                try dma.read(pa: s.address + skip, into: UnsafeMutableRawBufferPointer(rebasing: out[done..<done + n]))
            } catch {
                deviceError(error.description); return false
            }
            done += n
            skip = 0
        }
        return done == out.count
    }

    /// Copies `data` into the chain's writable buffers from byte `offset` of
    /// their concatenation; returns the bytes written (fewer when the
    /// buffers are shorter), or nil after a DMA error (the error state).
    public func scatter(_ segments: [VirtqueueSegment], offset: UInt64, from data: UnsafeRawBufferPointer) -> Int? {
        var skip = offset, done = 0
        for s in segments where done < data.count {
            if skip >= UInt64(s.length) { skip -= UInt64(s.length); continue }
            let n = min(Int(UInt64(s.length) - skip), data.count - done)
            do throws(DMAError) {
                try dma.write(pa: s.address + skip, from: UnsafeRawBufferPointer(rebasing: data[done..<done + n]))
            } catch {
                deviceError(error.description); return nil
            }
            done += n
            skip = 0
        }
        return done
    }
}
