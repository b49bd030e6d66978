/// virtio 1.2 (OASIS) constants shared by the devices and the transports.
public enum Virtio {
    // Device status (2.1).
    public static let statusAcknowledge: UInt8 = 1
    public static let statusDriver: UInt8 = 2
    public static let statusDriverOK: UInt8 = 4
    public static let statusFeaturesOK: UInt8 = 8
    public static let statusNeedsReset: UInt8 = 0x40
    public static let statusFailed: UInt8 = 0x80

    // Reserved feature bits (6).
    public static let featureIndirectDesc: UInt64 = 1 << 28
    public static let featureEventIndex: UInt64 = 1 << 29
    public static let featureVersion1: UInt64 = 1 << 32

    // Interrupt status (ISR) bits: virtio-mmio InterruptStatus, virtio-pci ISR.
    public static let interruptUsedBuffer: UInt32 = 1
    public static let interruptConfigChange: UInt32 = 2

    // Device IDs (5).
    public static let deviceNet: UInt32 = 1
    public static let deviceBlock: UInt32 = 2
    public static let deviceEntropy: UInt32 = 4
    public static let device9P: UInt32 = 9
}

/// A virtio device type (virtio-blk, virtio-rng, virtio-9p, virtio-net, ...),
/// independent of its transport. How the pieces fit:
///
/// - The board makes the device, then a `VirtioCore` around it
///   (`VirtioCore(device:dma:)`), then a transport around the core
///   (`VirtioMMIO`, or the PCI transport). The core calls `attach` once.
/// - The transport maps its registers onto the core: feature words
///   (`offeredFeatures`, `setDriverFeatures`), `writeStatus`, the queues'
///   size/addresses/ready (`core.queues`, `queueReadyChanged`), queue
///   notifications (`notify`), interrupt status (`interruptStatus`,
///   `acknowledgeInterrupt`), config generation and the config space, which
///   it forwards to `readConfig`/`writeConfig` (offset from the start of the
///   device-specific configuration, sizes 1, 2, 4 or 8, little-endian).
/// - The core calls `queueNotified` when the driver kicks a ready queue of
///   a live device (DRIVER_OK set, not in the error state); the device takes
///   chains with `core.pop(queue:)`, moves data with `core.gather`/`scatter`
///   and returns them with `core.complete(queue:head:written:)`, which raises
///   the used-buffer interrupt when the driver wants one (event index or
///   NO_INTERRUPT). A malformed queue puts the device in the error state
///   (`core.deviceError`): DEVICE_NEEDS_RESET and a config-change interrupt;
///   then the device does nothing until reset.
/// - The transport gets interrupts through `core.onInterrupt` (virtio-mmio: its
///   line follows `interruptStatus != 0`; PCI: a queue's or the config's
///   MSI-X vector, or INTx with the ISR).
///
/// Threads: the core, the device's queue handling and the transport run on
/// the CPU thread (MMIO handlers and the board's host events). A device
/// that does its I/O elsewhere (`IOWorker`) hands the result back to the CPU
/// thread before touching guest memory or the core, and checks
/// `core.resetCount` there: a reset in between makes the result stale.
public protocol VirtioDevice: AnyObject {
    /// The virtio device ID (`Virtio.deviceBlock`, ...).
    var deviceID: UInt32 { get }
    /// Device-type feature bits; the core adds VERSION_1, INDIRECT_DESC and EVENT_IDX.
    var deviceFeatures: UInt64 { get }
    /// QueueNumMax of each virtqueue (their count is the device's queue count).
    var queueSizes: [UInt16] { get }
    /// Bytes of device-specific configuration.
    var configSize: Int { get }
    func readConfig(offset: Int, size: Int) -> UInt64
    func writeConfig(offset: Int, size: Int, value: UInt64)
    /// The core the device belongs to (keep it unowned).
    func attach(_ core: VirtioCore)
    /// The driver set DRIVER_OK (`core.driverFeatures` are final).
    func driverReady()
    /// The driver notified queue `index`.
    func queueNotified(_ index: Int)
    /// The device was reset (status 0): forget in-flight requests.
    func reset()
}

extension VirtioDevice {
    public func driverReady() {}
    public func writeConfig(offset: Int, size: Int, value: UInt64) {}
}

/// What a transport is told.
public enum VirtioInterrupt: Equatable, Sendable {
    /// Buffers were used in queue `n` (ISR bit 0 is set).
    case queue(Int)
    /// The configuration changed or the device entered the error state (ISR bit 1 is set).
    case config
    /// The driver acknowledged interrupts (`interruptStatus` changed).
    case acknowledged
}
