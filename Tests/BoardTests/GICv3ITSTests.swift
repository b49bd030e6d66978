import XCTest
import Machine
@testable import Devices
@testable import Board

/// The GICv3 ITS and the redistributors' LPIs (Devices/GICv3ITS*.swift,
/// GICv3LPI.swift) as Linux's irq-gic-v3-its driver drives them: tables in
/// guest memory, the command queue, GITS_TRANSLATER writes becoming LPIs, and
/// acknowledge / EOI of an LPI at the CPU interface.
final class GICv3ITSTests: XCTestCase {
    typealias R3 = GICv3RedistributorRegs
    typealias I = GICv3ITSRegs

    /// Where the test puts the tables in guest RAM.
    let propTable: UInt64 = 0x4010_0000, pendTable: UInt64 = 0x4012_0000, queue: UInt64 = 0x4014_0000

    struct Rig {
        let vm: VirtMachine
        let its: GICv3ITS
        let r: GICv3Redistributor
        var slot: UInt64 = 0
    }

    private func rig(cpus: Int = 1) throws -> Rig {
        var o = VirtOptions()
        o.gicVersion = "3"
        o.cpuCount = cpus
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        let its = try XCTUnwrap(vm.msiController as? GICv3ITS)
        let r = vm.gicDevices[1] as! GICv3Redistributor
        // The distributor's Group 1 and the CPU interface's, PMR open.
        vm.gicDevices[0].write(offset: GICv3DistributorRegs.ctlr, size: 4, value: 2)
        vm.gic.locked {
            for c in 0..<cpus { vm.gic.cpus[c].groupEnable = [false, false, true]; vm.gic.cpus[c].pmr = 0xF0 }
        }
        // LPI 8192 + n: priority 0xA0, enabled.
        let config = [UInt8](repeating: 0xA1, count: 256)
        config.withUnsafeBytes { _ = vm.memory.writePhysical(pa: propTable, bytes: $0) }
        for c in 0..<cpus {
            let rd = UInt64(c) * R3.stride
            r.write(offset: rd + R3.propbaser, size: 8, value: propTable | 13)   // 14 ID bits
            r.write(offset: rd + R3.pendbaser, size: 8, value: pendTable + UInt64(c) * 0x10000)
            r.write(offset: rd + R3.ctlr, size: 4, value: 1)
        }
        its.write(offset: I.cbaser, size: 8, value: 1 << 63 | queue)   // one 4 KiB page
        its.write(offset: I.ctlr, size: 4, value: 1)
        return Rig(vm: vm, its: its, r: r)
    }

    /// Queues one command and moves GITS_CWRITER past it.
    private func command(_ rig: inout Rig, _ dw: [UInt64]) {
        dw.withUnsafeBytes { _ = rig.vm.memory.writePhysical(pa: queue + rig.slot, bytes: $0) }
        rig.slot = (rig.slot + 32) % 4096
        rig.its.write(offset: I.cwriter, size: 8, value: rig.slot)
    }

    private func mapd(_ dev: UInt64, bits: UInt64, valid: Bool = true) -> [UInt64] {
        [dev << 32 | 0x08, bits - 1, (valid ? 1 << 63 : 0) | 0x4020_0000, 0]
    }
    private func mapc(_ icid: UInt64, cpu: UInt64) -> [UInt64] { [0x09, 0, 1 << 63 | cpu << 16 | icid, 0] }
    private func mapti(_ dev: UInt64, event: UInt64, lpi: UInt64, icid: UInt64) -> [UInt64] {
        [dev << 32 | 0x0A, lpi << 32 | event, icid, 0]
    }

    private func setConfig(_ rig: Rig, _ lpi: Int, _ byte: UInt8) {
        withUnsafeBytes(of: byte) { _ = rig.vm.memory.writePhysical(pa: propTable + UInt64(lpi - 8192), bytes: $0) }
    }

    private func hppi(_ rig: Rig, _ cpu: Int = 0) -> Int { rig.vm.gic.locked { rig.vm.gic.cpus[cpu].hppi } }

    func testRegistersAsLinuxProbesThem() throws {
        let rig = try rig()
        let its = rig.its
        XCTAssertEqual(its.read(offset: 0xFFE8, size: 4) & 0xF0, 0x30, "PIDR2.ArchRev: GICv3")
        let typer = its.read(offset: I.typer, size: 8)
        XCTAssertEqual(typer & 1, 1, "Physical")
        XCTAssertEqual(typer >> 4 & 0xF, 11, "ITT entries of 12 bytes")
        XCTAssertEqual(typer >> 13 & 0x1F, 15, "16 DeviceID bits")
        XCTAssertEqual(typer >> 19 & 1, 0, "PTA = 0: RDbase is a processor number")
        XCTAssertEqual(its.read(offset: I.ctlr, size: 4), UInt64(I.ctlrEnabled | I.ctlrQuiescent))
        // GITS_BASER0: devices, 8-byte entries; Page_Size written, Indirect RAZ/WI, Type read-only.
        XCTAssertEqual(its.read(offset: I.baser, size: 8) >> 56 & 7, 1)
        XCTAssertEqual(its.read(offset: I.baser + 8, size: 8) >> 56 & 7, 4)
        XCTAssertEqual(its.read(offset: I.baser + 16, size: 8), 0, "BASER2: no table")
        its.write(offset: I.ctlr, size: 4, value: 0)
        its.write(offset: I.baser, size: 8, value: 1 << 63 | 1 << 62 | 0x4030_0000 | 0 << 8 | 3)
        let b = its.read(offset: I.baser, size: 8)
        XCTAssertEqual(b >> 62, 2, "Valid, not Indirect")
        XCTAssertEqual(b & 0x0000_FFFF_FFFF_F000, 0x4030_0000)
        XCTAssertEqual(b >> 8 & 3, 0, "4 KiB pages")
        XCTAssertEqual(b >> 56 & 7, 1, "Type kept")
        // The redistributor: PROPBASER and PENDBASER read back, EnableLPIs in GICR_CTLR.
        XCTAssertEqual(rig.r.read(offset: R3.propbaser, size: 8), propTable | 13)
        XCTAssertEqual(rig.r.read(offset: R3.ctlr, size: 4), 1)
        rig.r.write(offset: R3.propbaser, size: 8, value: 0x5000_0000)
        XCTAssertEqual(rig.r.read(offset: R3.propbaser, size: 8), propTable | 13, "fixed while LPIs are enabled")
    }

    func testMSIBecomesAnLPIThroughTheMappings() throws {
        var rig = try rig()
        let gic = rig.vm.gic
        command(&rig, mapc(3, cpu: 0))
        command(&rig, mapd(0x10, bits: 2))
        command(&rig, mapti(0x10, event: 1, lpi: 8200, icid: 3))
        command(&rig, [0x05, 0, 0, 0])   // SYNC
        XCTAssertEqual(rig.its.read(offset: I.creadr, size: 8), rig.slot, "every command consumed")
        // Unmapped requester or event: dropped.
        rig.its.translate(deviceID: 0x11, eventID: 1)
        rig.its.translate(deviceID: 0x10, eventID: 0)
        rig.its.translate(deviceID: 0x10, eventID: 5)
        XCTAssertEqual(hppi(rig), -1)
        rig.its.translate(deviceID: 0x10, eventID: 1)
        XCTAssertEqual(hppi(rig), 8200)
        XCTAssertTrue(rig.vm.cpu.interrupts.isAsserted(.irq))
        // Acknowledge: the LPI is no longer pending (no active state); EOI drops the priority.
        rig.vm.cpu.setEL(1)
        gic.cpuContextChanged(rig.vm.cpu)
        XCTAssertEqual(gic.readICC(.iar1, rig.vm.cpu), 8200)
        XCTAssertEqual(hppi(rig), -1)
        XCTAssertEqual(gic.readICC(.rpr, rig.vm.cpu), 0xA0)
        rig.its.translate(deviceID: 0x10, eventID: 1)
        XCTAssertEqual(hppi(rig), 8200, "pending again while being handled")
        XCTAssertFalse(rig.vm.cpu.interrupts.isAsserted(.irq), "same priority: no preemption")
        gic.writeICC(.eoir1, rig.vm.cpu, 8200)
        XCTAssertEqual(gic.readICC(.rpr, rig.vm.cpu), 0xFF)
        XCTAssertTrue(rig.vm.cpu.interrupts.isAsserted(.irq))
        // A PCI function's MSI: the board hands the requester ID to the ITS.
        XCTAssertEqual(gic.readICC(.iar1, rig.vm.cpu), 8200)
        gic.writeICC(.eoir1, rig.vm.cpu, 8200)
        VirtMachine.deliverMSI(rig.vm.memory, address: VirtMap.gicITS.base + I.translater, data: 1, requesterID: 0x10)
        XCTAssertEqual(hppi(rig), 8200)
    }

    func testConfigurationTableAndINV() throws {
        var rig = try rig()
        command(&rig, mapc(0, cpu: 0))
        command(&rig, mapd(1, bits: 4))
        command(&rig, mapti(1, event: 0, lpi: 8192, icid: 0))
        command(&rig, mapti(1, event: 1, lpi: 8193, icid: 0))
        rig.its.translate(deviceID: 1, eventID: 0)
        rig.its.translate(deviceID: 1, eventID: 1)
        XCTAssertEqual(hppi(rig), 8192, "same priority: the lowest INTID")
        // LPI 8193 at a higher priority (0x80) once the ITS is told (INV).
        setConfig(rig, 8193, 0x81)
        rig.its.translate(deviceID: 1, eventID: 0)
        XCTAssertEqual(hppi(rig), 8192, "the cached configuration")
        command(&rig, [1 << 32 | 0x0C, 1, 0, 0])   // INV (1, 1)
        XCTAssertEqual(hppi(rig), 8193)
        // Disabled in the table, INVALL: only 8192 is left.
        setConfig(rig, 8193, 0x80)
        command(&rig, [0x0D, 0, 0, 0])             // INVALL (collection 0)
        XCTAssertEqual(hppi(rig), 8192)
        // CLEAR ends 8192's pending state; DISCARD removes 8193's mapping.
        command(&rig, [1 << 32 | 0x04, 0, 0, 0])
        XCTAssertEqual(hppi(rig), -1)
        command(&rig, [1 << 32 | 0x0F, 1, 0, 0])
        rig.vm.gic.locked { XCTAssertTrue(rig.vm.gic.cpus[0].lpi.pending.isEmpty) }
        // INT raises an LPI by command; MAPD V=0 unmaps the device and its events.
        command(&rig, [1 << 32 | 0x03, 0, 0, 0])
        XCTAssertEqual(hppi(rig), 8192)
        command(&rig, [1 << 32 | 0x04, 0, 0, 0])
        command(&rig, mapd(1, bits: 4, valid: false))
        rig.its.translate(deviceID: 1, eventID: 0)
        XCTAssertEqual(hppi(rig), -1)
    }

    func testMOVIAndMOVALLMovePendingLPIs() throws {
        var rig = try rig(cpus: 2)
        command(&rig, mapc(0, cpu: 0))
        command(&rig, mapc(1, cpu: 1))
        command(&rig, mapd(7, bits: 1))
        command(&rig, mapti(7, event: 0, lpi: 8300, icid: 0))
        rig.its.translate(deviceID: 7, eventID: 0)
        XCTAssertEqual(hppi(rig, 0), 8300)
        command(&rig, [7 << 32 | 0x01, 0, 1, 0])   // MOVI to collection 1
        XCTAssertEqual(hppi(rig, 0), -1)
        XCTAssertEqual(hppi(rig, 1), 8300, "the pending LPI moved with its mapping")
        command(&rig, [0x0E, 0, 1 << 16, 0])       // MOVALL from CPU 1 to CPU 0
        XCTAssertEqual(hppi(rig, 0), 8300)
        XCTAssertEqual(hppi(rig, 1), -1)
    }

    func testPendingTableOnDisableAndEnable() throws {
        var rig = try rig()
        command(&rig, mapc(0, cpu: 0))
        command(&rig, mapd(2, bits: 1))
        command(&rig, mapti(2, event: 0, lpi: 8195, icid: 0))
        rig.its.translate(deviceID: 2, eventID: 0)
        rig.r.write(offset: R3.ctlr, size: 4, value: 0)
        XCTAssertEqual(hppi(rig), -1, "LPIs off")
        XCTAssertEqual(rig.vm.memory.readPhysical(pa: pendTable + 8195 / 8, count: 1), [1 << 3], "written back")
        rig.its.translate(deviceID: 2, eventID: 0)   // dropped while LPIs are off
        rig.r.write(offset: R3.ctlr, size: 4, value: 1)
        XCTAssertEqual(hppi(rig), 8195, "read from the pending table")
    }

    func testCommandErrorsAndStalls() throws {
        var rig = try rig()
        var errors: [String] = []
        rig.its.onGuestError = { errors.append($0) }
        command(&rig, mapti(9, event: 0, lpi: 8192, icid: 0))   // device 9 not mapped: skipped
        command(&rig, [0xEE, 0, 0, 0])                          // unknown command: skipped
        XCTAssertEqual(rig.its.read(offset: I.creadr, size: 8), rig.slot)
        XCTAssertEqual(errors.count, 2)
        // A queue outside RAM stalls at its first command.
        rig.its.write(offset: I.ctlr, size: 4, value: 0)
        rig.its.write(offset: I.cbaser, size: 8, value: 1 << 63 | 0x0900_0000)
        rig.its.write(offset: I.ctlr, size: 4, value: 1)
        rig.its.write(offset: I.cwriter, size: 8, value: 32)
        XCTAssertEqual(rig.its.read(offset: I.creadr, size: 8), 1, "Stalled at offset 0")
    }

    func testDeviceTreeHasTheITSAndMSIMap() throws {
        var o = VirtOptions()
        o.gicVersion = "3"
        let t = VirtDeviceTree.build(options: o, inputs: DeviceTreeInputs())
        let its = "/intc@8000000/its@8080000"
        XCTAssertEqual(t.property(its, "compatible"), Array("arm,gic-v3-its\0".utf8))
        XCTAssertNotNil(t.property(its, "msi-controller"))
        XCTAssertNotNil(t.property("/pcie@10000000", "msi-map"))
        o.its = false
        let plain = VirtDeviceTree.build(options: o, inputs: DeviceTreeInputs())
        XCTAssertNil(plain.property(its, "compatible"))
        XCTAssertNil(plain.property("/pcie@10000000", "msi-map"), "its=off: INTx only")
    }
}
