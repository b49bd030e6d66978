extension System {
    /// Puts `device` behind the ROM region `region` (see `ROMDevice`).
    public func attach(romDevice device: ROMDevice, to region: MemoryRegion) {
        precondition(!region.isRAM && region.host != nil, "a ROM device sits behind a ROM region")
        region.romDevice = device
    }

    /// A ROM device entered or left its read-array mode: the TLB entries that
    /// read the region's memory directly are dropped, so reads in command
    /// mode reach the device.
    public func romDeviceModeChanged() {
        for cpu in cpus { cpu.flushTLB() }
    }
}
