import XCTest
import Machine
@testable import Devices
@testable import Board

/// The GICv3 virtual CPU interface (Devices/GICv3VirtualState.swift,
/// GICv3VirtualInterface.swift): list-register priority selection,
/// signalling, acknowledge/EOI/deactivate, the maintenance conditions, and
/// the ICH/ICV system registers on a virt machine with EL2.
final class GICVirtualTests: XCTestCase {
    private func lr(_ state: UInt64, group1: Bool = true, prio: UInt64, _ vintid: UInt64) -> UInt64 {
        state << 62 | (group1 ? ICHBits.lrGroup : 0) | prio << 48 | vintid
    }

    private func enabled() -> GICVirtualCPU {
        var v = GICVirtualCPU()
        v.hcr = ICHBits.hcrEn
        v.vmcr = GICVirtualCPU.sanitizedVMCR(0xF0 << 24 | ICHBits.vmcrVENG0 | ICHBits.vmcrVENG1)
        return v
    }

    func testHighestPendingIsLowestPriorityValueThenLowestIndex() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0xA0, 40)
        v.lr[1] = lr(1, prio: 0x80, 41)
        v.lr[2] = lr(1, prio: 0x80, 42)
        v.lr[3] = lr(2, prio: 0x10, 43)   // active only: never the highest pending
        XCTAssertEqual(v.highestPending, 1)
        v.lr[1] = lr(3, prio: 0x80, 41)    // active and pending: not a candidate either
        XCTAssertEqual(v.highestPending, 2)
        v.lr[2] = lr(1, group1: false, prio: 0x80, 42)
        v.vmcr &= ~ICHBits.vmcrVENG0      // its group disabled
        XCTAssertEqual(v.highestPending, 0)
        v.lr[0] = lr(1, prio: 0xF8, 40)    // the lowest priority still wins over nothing...
        XCTAssertEqual(v.highestPending, 0)
        v.lr = [lr(1, prio: 0xFF, 40), 0, 0, 0]
        XCTAssertNil(v.highestPending, "priority 0xFF is never signalled")
    }

    func testSignallingPriorityMaskRunningPriorityAndEnable() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0x80, 50)
        XCTAssertEqual(v.outputs.irq, true)
        v.vmcr = GICVirtualCPU.sanitizedVMCR(0x80 << 24 | ICHBits.vmcrVENG1)
        XCTAssertEqual(v.outputs.irq, false, "VPMR 0x80 masks priority 0x80")
        v.vmcr = GICVirtualCPU.sanitizedVMCR(0xF0 << 24 | ICHBits.vmcrVENG1)
        v.hcr = 0
        XCTAssertEqual(v.outputs.irq, false, "ICH_HCR_EL2.En = 0")
        v.hcr = ICHBits.hcrEn
        XCTAssertEqual(v.acknowledge(group1: true), 50)
        XCTAssertEqual(v.runningPriority, 0x80)
        v.lr[1] = lr(1, prio: 0x88, 51)   // same group priority [7:3]? 0x88 & 0xF8 = 0x88 > 0x80
        XCTAssertFalse(v.outputs.irq)
        v.lr[1] = lr(1, prio: 0x78, 51)
        XCTAssertTrue(v.outputs.irq)
        v.lr[1] = lr(1, group1: false, prio: 0x78, 51)
        v.vmcr |= ICHBits.vmcrVENG0
        XCTAssertEqual(v.outputs.fiq, true, "Group 0 is vFIQ")
        XCTAssertEqual(v.acknowledge(group1: true), GIC.spurious, "IAR1 does not take a Group 0 interrupt")
        XCTAssertEqual(v.acknowledge(group1: false), 51)
        XCTAssertEqual(v.apr, [1 << (0x78 >> 3), 1 << (0x80 >> 3)])
        XCTAssertEqual(v.runningPriority, 0x78)
    }

    func testEOIDeactivatesAndCountsUnmatched() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0x90, 60) | ICHBits.lrHW | 33 << 32
        XCTAssertEqual(v.acknowledge(group1: true), 60)
        XCTAssertEqual(GICVirtualCPU.state(v.lr[0]), 2)
        XCTAssertEqual(v.endOfInterrupt(60, group1: true), 33, "HW = 1: the physical INTID is deactivated too")
        XCTAssertEqual(GICVirtualCPU.state(v.lr[0]), 0)
        XCTAssertEqual(v.runningPriority, 0xFF)
        // EOImode 1: EOIR drops the priority only, DIR deactivates.
        v.vmcr |= ICHBits.vmcrVEOIM
        v.lr[1] = lr(1, prio: 0x90, 61) | ICHBits.lrEOI
        XCTAssertEqual(v.acknowledge(group1: true), 61)
        XCTAssertNil(v.endOfInterrupt(61, group1: true))
        XCTAssertEqual(GICVirtualCPU.state(v.lr[1]), 2)
        XCTAssertNil(v.deactivateInterrupt(61))
        XCTAssertEqual(GICVirtualCPU.state(v.lr[1]), 0)
        XCTAssertEqual(v.eisr, 2, "State 0, HW 0, EOI 1")
        XCTAssertEqual(v.misr & ICHBits.misrEOI, ICHBits.misrEOI)
        XCTAssertTrue(v.maintenanceLevel)
        // DIR of an INTID no list register holds: EOIcount.
        XCTAssertNil(v.deactivateInterrupt(77))
        XCTAssertEqual(v.hcr >> ICHBits.hcrEOIcountShift, 1)
        // EOIR with nothing active does nothing.
        XCTAssertNil(v.endOfInterrupt(77, group1: true))
        XCTAssertEqual(v.hcr >> ICHBits.hcrEOIcountShift, 1)
    }

    func testMaintenanceConditionsAndFreeListRegisters() {
        var v = enabled()
        v.hcr |= ICHBits.hcrUIE | ICHBits.hcrNPIE
        XCTAssertEqual(v.misr, ICHBits.misrU | ICHBits.misrNP)
        v.lr[0] = lr(1, prio: 0x90, 1)
        v.lr[1] = lr(2, prio: 0x90, 2)
        XCTAssertEqual(v.misr, 0)
        XCTAssertEqual(v.elrsr, 0b1100)
        v.hcr = ICHBits.hcrEn | ICHBits.hcrVGrp0DIE | ICHBits.hcrVGrp1EIE
        XCTAssertEqual(v.misr, ICHBits.misrVGrp1E)
        v.vmcr &= ~ICHBits.vmcrVENG0
        XCTAssertEqual(v.misr, ICHBits.misrVGrp0D | ICHBits.misrVGrp1E)
        v.hcr &= ~ICHBits.hcrEn
        XCTAssertFalse(v.maintenanceLevel)
    }

    func testICHRegistersAndICVViewOnAMachine() throws {
        var o = VirtOptions()
        o.gicVersion = "3"
        o.virtualization = true
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        let cpu = vm.cpu
        XCTAssertEqual(vm.gic.readICH(.vtr, cpu), 0x90B8_0003)
        XCTAssertEqual(vm.gic.readICH(.vmcr, cpu), 0x004C_0008)
        vm.gic.writeICH(.vmcr, cpu, 0xF0 << 24 | 2)
        vm.gic.writeICH(.hcr, cpu, 1)
        vm.gic.writeICH(.lr(2), cpu, 1 << 62 | ICHBits.lrGroup | 0xA7 << 48 | 99)
        XCTAssertEqual(vm.gic.readICH(.lr(2), cpu), 1 << 62 | ICHBits.lrGroup | 0xA0 << 48 | 99,
                       "the unimplemented priority bits are RES0")
        XCTAssertEqual(vm.gic.readICH(.elrsr, cpu), 0b1011)
        XCTAssertEqual(cpu.interrupts.virtualLines, 1, "vIRQ asserted")
        vm.gic.writeICH(.hcr, cpu, 0)
        XCTAssertEqual(cpu.interrupts.virtualLines, 0)
    }
}
