import Machine

/// The ITS command queue (IHI 0069 5.3, 6.3): 32-byte commands in the ring
/// GITS_CBASER describes, from GITS_CREADR up to GITS_CWRITER. Command number
/// in DW0 [7:0], DeviceID in DW0 [63:32], EventID in DW1 [31:0].
public enum ITSCommand: UInt8, Sendable {
    case movi = 0x01, int = 0x03, clear = 0x04, sync = 0x05, mapd = 0x08, mapc = 0x09
    case mapti = 0x0A, mapi = 0x0B, inv = 0x0C, invall = 0x0D, movall = 0x0E, discard = 0x0F
}

extension GICv3ITS {
    /// Runs the commands from GITS_CREADR to GITS_CWRITER (lock held). A
    /// command that cannot be read stalls the queue (GITS_CREADR.Stalled) until
    /// a write to GITS_CWRITER with Retry; a command with bad parameters is
    /// reported and skipped (both CONSTRAINED UNPREDICTABLE choices QEMU makes).
    func processCommands() {
        guard enabled, !stalled, cbaser >> 63 != 0 else { return }
        let base = cbaser & 0x000F_FFFF_FFFF_F000
        let queueSize = (cbaser & 0xFF + 1) * 4096
        var budget = queueSize / 32   // a CWRITER beyond the queue must not loop
        while creadr != cwriter && budget > 0 {
            budget -= 1
            guard creadr < queueSize else {
                onGuestError?("gicv3-its: GITS_CREADR \(hex(creadr)) beyond the command queue")
                stalled = true
                return
            }
            var dw: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            do {
                let p = try dma.check(pa: base + creadr, length: 32)
                dw = (p.loadUnaligned(as: UInt64.self).littleEndian,
                      p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian,
                      p.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian,
                      p.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
            } catch {
                onGuestError?("gicv3-its: command queue: \(error.description)")
                stalled = true
                return
            }
            execute(dw)
            creadr = (creadr + 32) % queueSize
        }
    }

    /// One command (lock held).
    func execute(_ dw: (UInt64, UInt64, UInt64, UInt64)) {
        let deviceID = UInt32(truncatingIfNeeded: dw.0 >> 32)
        let eventID = UInt32(truncatingIfNeeded: dw.1)
        let icid = Int(dw.2 & 0xFFFF)
        let valid = dw.2 >> 63 != 0
        guard let cmd = ITSCommand(rawValue: UInt8(truncatingIfNeeded: dw.0)) else {
            onGuestError?("gicv3-its: unknown command \(hex(dw.0 & 0xFF)) skipped")
            return
        }
        switch cmd {
        case .mapd:
            // Size (DW1 [4:0]): EventID bits - 1; ITT_addr (DW2 [51:8]).
            guard deviceID < 1 << R.deviceIDBits else { return badParameter(cmd, "DeviceID \(hex(UInt64(deviceID)))") }
            let size = Int(dw.1 & 0x1F) + 1
            guard size <= R.eventIDBits else { return badParameter(cmd, "Size \(size - 1)") }
            let itt = dw.2 & 0x000F_FFFF_FFFF_FF00
            // A device mapped to another table (or unmapped) loses the old
            // table's translations: the new table is the ITS's own, empty.
            if !valid || devices[deviceID]?.ittAddress != itt { translations[deviceID] = nil }
            devices[deviceID] = valid ? DeviceEntry(ittAddress: itt, eventBits: size) : nil
        case .mapc:
            // RDbase (DW2 [51:16]) is a processor number (GITS_TYPER.PTA = 0).
            let rd = Int(truncatingIfNeeded: (dw.2 >> 16) & 0xF_FFFF_FFFF)
            guard icid < 1 << R.collectionIDBits else { return badParameter(cmd, "ICID \(icid)") }
            if valid {
                guard rd < gic.cpuCount else { return badParameter(cmd, "RDbase \(rd)") }
                collections[icid] = rd
            } else {
                collections[icid] = nil
            }
        case .mapti, .mapi:
            let lpi = cmd == .mapi ? Int(eventID) : Int(dw.1 >> 32)
            guard let d = devices[deviceID] else { return badParameter(cmd, "DeviceID \(hex(UInt64(deviceID))) not mapped") }
            guard eventID < 1 << d.eventBits else { return badParameter(cmd, "EventID \(eventID)") }
            guard lpi >= GIC.firstLPI && lpi < 1 << GIC.lpiIDBits else { return badParameter(cmd, "pINTID \(lpi)") }
            guard icid < 1 << R.collectionIDBits else { return badParameter(cmd, "ICID \(icid)") }
            translations[deviceID, default: [:]][eventID] = Translation(lpi: lpi, collection: icid)
        case .int:
            guard let (t, cpu) = lookup(deviceID, eventID, "INT") else { return }
            gic.setLPIPending(t.lpi, cpu: cpu)
        case .clear:
            guard let (t, cpu) = lookup(deviceID, eventID, "CLEAR") else { return }
            gic.clearLPIPending(t.lpi, cpu: cpu)
        case .discard:
            guard let (t, cpu) = lookup(deviceID, eventID, "DISCARD") else { return }
            gic.clearLPIPending(t.lpi, cpu: cpu)
            translations[deviceID]?[eventID] = nil
        case .inv:
            guard let (t, cpu) = lookup(deviceID, eventID, "INV") else { return }
            gic.invalidateLPIConfig(t.lpi)
            gic.updateCPU(cpu)
        case .invall:
            guard let cpu = collections[icid] else { return badParameter(cmd, "collection \(icid) not mapped") }
            gic.invalidateLPIConfig(nil)
            gic.updateCPU(cpu)
        case .movi:
            guard let (t, from) = lookup(deviceID, eventID, "MOVI") else { return }
            guard let to = collections[icid] else { return badParameter(cmd, "collection \(icid) not mapped") }
            translations[deviceID]?[eventID]?.collection = icid
            // A pending LPI moves with its mapping.
            if from != to && gic.clearLPIPending(t.lpi, cpu: from) { gic.setLPIPending(t.lpi, cpu: to) }
        case .movall:
            let from = Int(truncatingIfNeeded: (dw.2 >> 16) & 0xF_FFFF_FFFF)
            let to = Int(truncatingIfNeeded: (dw.3 >> 16) & 0xF_FFFF_FFFF)
            guard from < gic.cpuCount, to < gic.cpuCount else { return badParameter(cmd, "RDbase \(from) or \(to)") }
            guard from != to else { return }
            let moving = gic.cpus[from].lpi.pending
            for lpi in moving {
                gic.clearLPIPending(lpi, cpu: from)
                gic.setLPIPending(lpi, cpu: to)
            }
        case .sync:
            break   // every effect is already visible: commands run synchronously
        }
    }

    private func badParameter(_ cmd: ITSCommand, _ what: String) {
        onGuestError?("gicv3-its: \(String(describing: cmd).uppercased()): bad \(what); command ignored")
    }
}
