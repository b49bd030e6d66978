/// QEMU 7.2's `virt` memory map and interrupt numbers (hw/arm/virt.c's
/// base_memmap and a15irqmap), the one table the board, its device tree and
/// the tests read. Addresses of devices Armature does not model yet are kept
/// so their places stay reserved.
public enum VirtMap {
    public struct Region: Sendable, Equatable {
        public let base: UInt64
        public let size: UInt64
    }

    public static let flash = Region(base: 0x0000_0000, size: 0x0800_0000)   // two 64 MiB banks
    public static let gicDist = Region(base: 0x0800_0000, size: 0x0001_0000)
    public static let gicCPU = Region(base: 0x0801_0000, size: 0x0001_0000)   // GICv2 CPU interface
    public static let gicV2M = Region(base: 0x0802_0000, size: 0x0000_1000)
    public static let gicHyp = Region(base: 0x0803_0000, size: 0x0001_0000)   // GICv2 GICH
    public static let gicVCPU = Region(base: 0x0804_0000, size: 0x0001_0000)  // GICv2 GICV
    public static let gicITS = Region(base: 0x0808_0000, size: 0x0002_0000)
    public static let gicRedist = Region(base: 0x080A_0000, size: 0x00F6_0000)
    public static let uart = Region(base: 0x0900_0000, size: 0x1000)
    public static let rtc = Region(base: 0x0901_0000, size: 0x1000)
    public static let fwCfg = Region(base: 0x0902_0000, size: 0x18)
    public static let gpio = Region(base: 0x0903_0000, size: 0x1000)
    public static let secureUART = Region(base: 0x0904_0000, size: 0x1000)      // secure=on: Secure only
    public static let secureGPIO = Region(base: 0x090B_0000, size: 0x1000)      // secure=on: Secure only
    public static let virtioMMIO = Region(base: 0x0A00_0000, size: 0x200)     // × 32
    public static let secureMemory = Region(base: 0x0E00_0000, size: 0x0100_0000) // secure=on: Secure only
    public static let platformBus = Region(base: 0x0C00_0000, size: 0x0200_0000)
    public static let pcieMMIO = Region(base: 0x1000_0000, size: 0x2EFF_0000) // 32-bit memory window
    public static let pciePIO = Region(base: 0x3EFF_0000, size: 0x0001_0000)  // I/O window
    public static let pcieECAM = Region(base: 0x3F00_0000, size: 0x0100_0000) // 16 buses (highmem=off)
    public static let ram = Region(base: 0x4000_0000, size: 0)                // size: -m
    /// Above RAM (RAM ends below 256 GiB: QEMU places them from there).
    public static let highPCIeECAM = Region(base: 0x40_1000_0000, size: 0x1000_0000)   // 256 buses
    public static let highPCIeMMIO = Region(base: 0x80_0000_0000, size: 0x80_0000_0000) // 64-bit window

    /// Shared peripheral interrupts (SPI numbers: INTID - 32).
    public enum SPI {
        public static let uart: UInt32 = 1
        public static let rtc: UInt32 = 2
        public static let pcie: UInt32 = 3            // INTA-INTD: 3-6
        public static let gpio: UInt32 = 7
        public static let secureUART: UInt32 = 8
        /// QEMU's virt has no interrupt for the secure PL061: its tree says SPI 0.
        public static let secureGPIO: UInt32 = 0
        public static let virtioMMIO: UInt32 = 16
        public static let gicV2M: UInt32 = 48         // 64 SPIs: 48-111
    }

    /// Private peripheral interrupts (PPI numbers: INTID - 16).
    public enum PPI {
        public static let pmu: UInt32 = 7             // INTID 23
        public static let gicMaintenance: UInt32 = 9  // INTID 25
        public static let hypTimer: UInt32 = 10       // INTID 26
        public static let virtualTimer: UInt32 = 11   // INTID 27
        public static let secureTimer: UInt32 = 13    // INTID 29
        public static let physicalTimer: UInt32 = 14  // INTID 30
    }

    /// The GICv2m frame's SPIs.
    public static let gicV2MSPICount = 64

    /// The secure PL061's lines to the machine's power control (QEMU's gpio-pwr;
    /// TF-A's SECURE_GPIO_POWEROFF and SECURE_GPIO_RESET): a rising edge powers off or resets.
    public static let secureGPIOPowerOffLine = 0
    public static let secureGPIOResetLine = 1
    /// The PL061's line wired to the gpio-keys power button.
    public static let gpioPowerButtonLine = 3
    /// Linux's KEY_POWER.
    public static let keyPower: UInt32 = 116
    /// The apb-pclk fixed clock of the PrimeCell devices: 24 MHz.
    public static let apbClockHz: UInt32 = 24_000_000
}
