import Machine

/// The GICv2m MSI frame of QEMU's virt with a GICv2 (Arm's GICv2m extension,
/// as Linux's irq-gic-v2m driver reads it): a write of an INTID to
/// MSI_SETSPI_NS raises that SPI with an edge, so PCI functions' MSI and
/// MSI-X messages become SPIs. QEMU's virt gives it 64 SPIs from SPI 48
/// (INTIDs 80-143).
public final class GICv2m: MMIODevice {
    public let name = "gicv2m"

    /// Register offsets.
    public enum Reg {
        public static let typer: UInt64 = 0x008       // MSI_TYPER: first INTID << 16 | count
        public static let setSPINS: UInt64 = 0x040    // MSI_SETSPI_NS: the INTID to raise
        public static let iidr: UInt64 = 0xFCC        // MSI_IIDR
    }

    unowned let gic: GIC
    /// The first SPI (SPI numbers: INTID - 32) and how many.
    public let firstSPI: Int, spiCount: Int
    public var onGuestError: ((String) -> Void)?

    public init(gic: GIC, firstSPI: Int = 48, spiCount: Int = 64) {
        self.gic = gic
        self.firstSPI = firstSPI
        self.spiCount = spiCount
    }

    public func read(offset: UInt64, size: Int) -> UInt64 {
        switch offset {
        case Reg.typer: return UInt64(firstSPI + 32) << 16 | UInt64(spiCount)
        // IIDR and the ID registers read as zero: this is no particular implementation (as QEMU's).
        case Reg.iidr, 0xFD0...0xFFC: return 0
        default:
            onGuestError?("gicv2m: read of unknown register \(hex(offset))")
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) {
        guard offset == Reg.setSPINS else {
            onGuestError?("gicv2m: write to unknown register \(hex(offset))")
            return
        }
        let spi = Int(value & 0x3FF) - 32 - firstSPI
        guard spi >= 0 && spi < spiCount else { return }
        // An edge: the SPI latches if configured edge-triggered (Linux does).
        gic.setInput(32 + firstSPI + spi, level: true)
        gic.setInput(32 + firstSPI + spi, level: false)
    }

}
