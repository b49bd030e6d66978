import Machine

/// GICv3 ITS register offsets (IHI 0069 12.19): the control frame, then the
/// translation frame 64 KiB above it.
public enum GICv3ITSRegs {
    public static let ctlr: UInt64 = 0x0000
    public static let iidr: UInt64 = 0x0004
    public static let typer: UInt64 = 0x0008
    public static let cbaser: UInt64 = 0x0080
    public static let cwriter: UInt64 = 0x0088
    public static let creadr: UInt64 = 0x0090
    public static let baser: UInt64 = 0x0100       // GITS_BASER<n>: 8 of them
    public static let pidr4: UInt64 = 0xFFD0
    public static let translater: UInt64 = 0x10040
    /// The identification registers at 0xFFD0-0xFFFC (ArchRev 3 in PIDR2, as QEMU's ITS).
    public static let idBytes: [UInt8] = [0x44, 0x00, 0x00, 0x00, 0x94, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]
    public static let size: UInt64 = 0x20000

    /// GITS_CTLR: Enabled (0), Quiescent (31).
    public static let ctlrEnabled: UInt32 = 1
    public static let ctlrQuiescent: UInt32 = 1 << 31
    /// Identifier widths: 16-bit DeviceIDs, EventIDs and collection IDs.
    public static let deviceIDBits = 16, eventIDBits = 16, collectionIDBits = 16
    /// Bytes per ITT entry Linux allocates for (the table's format is the ITS's own).
    public static let ittEntrySize = 12
    /// GITS_TYPER: Physical (0), ITT_entry_size - 1 (7:4), IDbits - 1 (12:8),
    /// Devbits - 1 (17:13), PTA = 0 (RDbase is a processor number), CIDbits - 1
    /// (35:32), CIL (36).
    public static let typerValue: UInt64 = 1 | UInt64(ittEntrySize - 1) << 4 | UInt64(eventIDBits - 1) << 8
        | UInt64(deviceIDBits - 1) << 13 | UInt64(collectionIDBits - 1) << 32 | 1 << 36
    /// GITS_BASER types (58:56) of BASER0 and BASER1, and their entry sizes.
    public static let baserTypeDevices: UInt64 = 1, baserTypeCollections: UInt64 = 4
    public static let tableEntrySize: UInt64 = 8
    /// GITS_BASER fields software writes: Valid (63), InnerCache (61:59),
    /// OuterCache (55:53), PA (47:12), Shareability (11:10), Page_Size (9:8),
    /// Size (7:0). Indirect (62) is RAZ/WI: flat tables only.
    public static let baserWritable: UInt64 = 1 << 63 | 0x7 << 59 | 0x7 << 53 | 0x0000_FFFF_FFFF_F000 | 0xFFF
    /// GITS_CBASER: Valid (63), InnerCache (61:59), OuterCache (55:53), PA (51:12),
    /// Shareability (11:10), Size (7:0).
    public static let cbaserWritable: UInt64 = 1 << 63 | 0x7 << 59 | 0x7 << 53 | 0x000F_FFFF_FFFF_F000 | 0xCFF
}

/// The GICv3 Interrupt Translation Service of QEMU's virt with gic-version=3
/// (0x0808_0000, 128 KiB): MSI writes to GITS_TRANSLATER carry an EventID and
/// the requester's DeviceID (the PCI requester ID, msi-map 1:1), and become
/// LPIs pending at a redistributor through the mappings the command queue
/// made (MAPD, MAPC, MAPTI/MAPI, ...: GICv3ITSCommands.swift).
///
/// The device, collection and interrupt translation tables are the ITS's
/// own (their format in memory is IMPLEMENTATION DEFINED, IHI 0069 5.2): the
/// memory GITS_BASER<n> and MAPD give is reserved by software and not written;
/// the mappings are held here. The command queue is read from guest memory
/// and processed at once when GITS_CWRITER is written, so GITS_CTLR is always
/// Quiescent and SYNC has nothing to wait for.
///
/// State is guarded by the GIC's lock: MSIs come from device completions and
/// commands from CPUs.
public final class GICv3ITS: MMIODevice {
    public let name = "gicv3-its"
    public unowned let gic: GIC
    /// How commands are read from memory (the CPU's rules for a device).
    public var dma: DMAMemory
    public var onGuestError: ((String) -> Void)?

    typealias R = GICv3ITSRegs

    struct DeviceEntry {
        var ittAddress: UInt64
        /// EventIDs below 2^eventBits are valid (MAPD's Size + 1).
        var eventBits: Int
    }

    struct Translation {
        var lpi: Int
        var collection: Int
    }

    var enabled = false
    var cbaser: UInt64 = 0
    var cwriter: UInt64 = 0
    var creadr: UInt64 = 0
    var stalled = false
    var baser: [UInt64] = []
    var devices: [UInt32: DeviceEntry] = [:]
    /// Per DeviceID: EventID → its LPI and collection.
    var translations: [UInt32: [UInt32: Translation]] = [:]
    /// Collection ID → the processor number of its redistributor.
    var collections: [Int: Int] = [:]

    public init(gic: GIC, dma: DMAMemory) {
        precondition(gic.lpisSupported)
        self.gic = gic
        self.dma = dma
        reset()
    }

    /// Back to reset: disabled, no mappings, the command queue invalid.
    public func reset() {
        gic.locked {
            enabled = false
            cbaser = 0; cwriter = 0; creadr = 0; stalled = false
            baser = [UInt64](repeating: 0, count: 8)
            // Page_Size 64 KiB (9:8 = 2), as QEMU's reset value.
            baser[0] = R.baserTypeDevices << 56 | (R.tableEntrySize - 1) << 48 | 2 << 8
            baser[1] = R.baserTypeCollections << 56 | (R.tableEntrySize - 1) << 48 | 2 << 8
            devices = [:]
            translations = [:]
            collections = [:]
        }
    }

    public func read(offset: UInt64, size: Int) -> UInt64 {
        gic.locked {
            if (R.pidr4..<R.pidr4 + 0x30).contains(offset) && size == 4 {
                return UInt64(R.idBytes[Int(offset - R.pidr4) >> 2])
            }
            let reg: UInt64
            switch offset & ~7 {
            case R.ctlr:
                // GITS_CTLR and GITS_IIDR share the first doubleword.
                let ctlr = UInt64(R.ctlrQuiescent | (enabled ? R.ctlrEnabled : 0))
                reg = ctlr | UInt64(GICv3RedistributorRegs.iidrValue) << 32
            case R.typer: reg = R.typerValue
            case R.cbaser: reg = cbaser
            case R.cwriter: reg = cwriter
            case R.creadr: reg = creadr | (stalled ? 1 : 0)
            case R.baser..<R.baser + 0x40: reg = baser[Int(offset - R.baser) >> 3]
            case R.translater & ~7: return 0   // write-only
            default:
                onGuestError?("gicv3-its: read of unknown register at \(hex(offset))")
                return 0
            }
            if size == 8 { return reg }
            return offset & 4 != 0 ? reg >> 32 : reg & 0xFFFF_FFFF
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) {
        if offset == R.translater {
            // A CPU's write: its requester DeviceID is 0.
            translate(deviceID: 0, eventID: UInt32(truncatingIfNeeded: value))
            return
        }
        gic.locked {
            /// The register after this write (a 64-bit one written in halves).
            func merged(_ old: UInt64) -> UInt64 {
                if size == 8 { return value }
                if offset & 4 != 0 { return old & 0xFFFF_FFFF | value << 32 }
                return old & ~0xFFFF_FFFF | value & 0xFFFF_FFFF
            }
            switch offset & ~7 {
            case R.ctlr:
                guard offset & 4 == 0 else { return }   // GITS_IIDR: read-only
                enabled = value & UInt64(R.ctlrEnabled) != 0
                if enabled { processCommands() }
            case R.cbaser:
                // Writes while the ITS is enabled are UNPREDICTABLE: ignored, as QEMU.
                guard !enabled else { return }
                cbaser = merged(cbaser) & R.cbaserWritable
                creadr = 0
                stalled = false
            case R.cwriter:
                // Offset (19:5), Retry (0): a stalled queue restarts.
                let w = merged(cwriter)
                cwriter = w & 0xF_FFE0
                if w & 1 != 0 { stalled = false }
                processCommands()
            case R.creadr: break   // read-only (GITS_CTLR.UMSIirq is not implemented)
            case R.baser..<R.baser + 0x40:
                let n = Int(offset - R.baser) >> 3
                guard !enabled, n < 2 else { return }   // BASER2-7: no table (RAZ/WI)
                baser[n] = baser[n] & ~R.baserWritable | merged(baser[n]) & R.baserWritable
            case R.typer, R.pidr4 & ~7..<R.pidr4 + 0x30: break
            default:
                onGuestError?("gicv3-its: write of unknown register at \(hex(offset)) ignored")
            }
        }
    }

    /// An MSI from a bus master: a write of `eventID` to GITS_TRANSLATER by
    /// the function with `deviceID` (its requester ID). Unmapped IDs are
    /// dropped (IHI 0069 5.3.2's translation errors, no SError as QEMU).
    public func translate(deviceID: UInt32, eventID: UInt32) {
        gic.locked {
            guard enabled else { return }
            guard let (t, cpu) = lookup(deviceID, eventID, "MSI") else { return }
            gic.setLPIPending(t.lpi, cpu: cpu)
        }
    }

    /// The mapping of (DeviceID, EventID) and its target processor, or nil
    /// (reported as a guest error with `what`). Lock held.
    func lookup(_ deviceID: UInt32, _ eventID: UInt32, _ what: String) -> (Translation, Int)? {
        guard let d = devices[deviceID] else {
            onGuestError?("gicv3-its: \(what): DeviceID \(hex(UInt64(deviceID))) is not mapped")
            return nil
        }
        guard eventID < 1 << d.eventBits, let t = translations[deviceID]?[eventID] else {
            onGuestError?("gicv3-its: \(what): EventID \(eventID) of DeviceID \(hex(UInt64(deviceID))) is not mapped")
            return nil
        }
        guard let cpu = collections[t.collection] else {
            onGuestError?("gicv3-its: \(what): collection \(t.collection) is not mapped")
            return nil
        }
        return (t, cpu)
    }
}
