/// The board's run-time hot plug as QMP's device_add and device_del reach
/// it (the armature module connects it to the virt board). CPU thread.
public struct QMPHotplug {
    /// device_add: the driver (nil when missing) and the other arguments as
    /// -device properties; nil, or QEMU's error text.
    public var deviceAdd: (String?, [(String, String)]) -> String?
    /// device_del: nil, or QEMU's error class and text.
    public var deviceDel: (String) -> (String, String)?

    public init(deviceAdd: @escaping (String?, [(String, String)]) -> String?,
                deviceDel: @escaping (String) -> (String, String)?) {
        self.deviceAdd = deviceAdd
        self.deviceDel = deviceDel
    }
}
