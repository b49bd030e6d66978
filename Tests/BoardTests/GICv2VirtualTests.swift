import XCTest
import Machine
@testable import Devices
@testable import Board

/// The GICv2 virtual interface (Devices/GICv2VirtualState.swift,
/// GICv2VirtualInterface.swift): list-register selection, signalling,
/// acknowledge/EOI/DIR, binary points, the maintenance conditions, and the
/// GICH/GICV frames on a virt machine with EL2 and a GICv2.
final class GICv2VirtualTests: XCTestCase {
    private func lr(_ state: UInt32, group1: Bool = true, prio: UInt32, _ vintid: UInt32) -> UInt32 {
        state << 28 | (group1 ? GICHBits.lrGroup1 : 0) | (prio >> 3) << 23 | vintid
    }

    /// En, PMR 0xF0, both groups enabled, AckCtl.
    private func enabled() -> GICv2VirtualCPU {
        var v = GICv2VirtualCPU()
        v.hcr = GICHBits.hcrEn
        v.writeVMCR(0x1E << 27 | GICHBits.ctlrEnableGrp0 | GICHBits.ctlrEnableGrp1 | GICHBits.ctlrAckCtl)
        return v
    }

    func testResetAndVMCRLayout() {
        let v = GICv2VirtualCPU()
        XCTAssertEqual(GICv2VirtualCPU.vtr, 0x9000_0003)
        XCTAssertEqual(v.vmcr, 0x004C_0000, "VMBP 2, VMABP 3, the rest 0")
        XCTAssertEqual(v.elrsr, 0xF)
        XCTAssertEqual(v.misr, 0)
        var w = v
        w.writeVMCR(0xFFFF_FFFF)
        XCTAssertEqual(w.vmcr, 0xF8FC_021F, "VMCCtlr keeps bits 0-4 and 9 only")
        w.writeVMCR(0)
        XCTAssertEqual(w.vmcr, 0x004C_0000, "binary points below the minimum read as it")
        XCTAssertEqual(w.pmr, 0)
    }

    func testHighestPendingPriorityMaskAndLowestIndex() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0xA0, 40)
        v.lr[1] = lr(1, prio: 0x80, 41)
        v.lr[2] = lr(1, prio: 0x80, 42)
        v.lr[3] = lr(2, prio: 0x10, 43)   // active only: never the highest pending
        XCTAssertEqual(v.highestPending, 1)
        XCTAssertEqual(v.highestPendingID(), 41)
        v.lr[1] = lr(3, prio: 0x80, 41)    // active and pending: not a candidate
        XCTAssertEqual(v.highestPending, 2)
        v.pmr = 0x80
        XCTAssertNil(v.highestPending, "PMR 0x80 masks priority 0x80")
        XCTAssertEqual(v.highestPendingID(), GIC.spurious)
        v.pmr = 0xF0
        v.hcr = 0
        XCTAssertNil(v.highestPending, "GICH_HCR.En = 0")
        v.hcr = GICHBits.hcrEn
        v.ctlr = 0
        XCTAssertNil(v.highestPending, "no group enabled in GICV_CTLR")
    }

    func testSignallingGroupsAndFIQEn() {
        var v = enabled()
        v.lr[0] = lr(1, group1: false, prio: 0x40, 42)
        v.lr[1] = lr(1, prio: 0x80, 41)
        XCTAssertTrue(v.outputs.irq, "Group 0 without FIQEn is vIRQ")
        v.ctlr |= GICHBits.ctlrFIQEn
        XCTAssertEqual(v.outputs.irq, false)
        XCTAssertEqual(v.outputs.fiq, true, "Group 0 with FIQEn is vFIQ")
        v.ctlr &= ~GICHBits.ctlrEnableGrp0
        XCTAssertEqual(v.outputs.irq, false, "the highest pending is in a disabled group: nothing")
        XCTAssertEqual(v.outputs.fiq, false)
        v.lr[0] = 0
        XCTAssertTrue(v.outputs.irq)
    }

    func testAcknowledgePreemptionAndAckCtl() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0x80, 50)
        v.ctlr &= ~GICHBits.ctlrAckCtl
        XCTAssertEqual(v.acknowledge(), 1022, "Group 1 with AckCtl clear")
        XCTAssertEqual(GICv2VirtualCPU.state(v.lr[0]), 1, "still pending")
        XCTAssertEqual(v.acknowledge(aliased: true), 50, "GICV_AIAR takes Group 1 whatever AckCtl")
        XCTAssertEqual(v.runningPriority, 0x80)
        XCTAssertEqual(v.apr, [1 << 16])
        XCTAssertEqual(GICv2VirtualCPU.state(v.lr[0]), 2, "active")
        v.ctlr |= GICHBits.ctlrAckCtl
        v.lr[1] = lr(1, prio: 0x80, 51)
        XCTAssertEqual(v.acknowledge(), GIC.spurious, "the same priority cannot preempt")
        XCTAssertFalse(v.outputs.irq)
        v.lr[2] = lr(1, prio: 0x60, 52)
        XCTAssertTrue(v.outputs.irq)
        XCTAssertEqual(v.acknowledge(), 52)
        XCTAssertEqual(v.runningPriority, 0x60)
        // An SGI carries its source CPU (bits 12:10 of the list register).
        var s = enabled()
        s.lr[3] = lr(1, prio: 0x90, 5) | 3 << 10
        XCTAssertEqual(s.acknowledge(), 0xC05)
    }

    func testBinaryPointsGroupPriority() {
        var v = enabled()
        v.bpr = 4
        v.ctlr |= GICHBits.ctlrCBPR
        v.lr[0] = lr(1, prio: 0x90, 53)
        XCTAssertEqual(v.acknowledge(), 53)
        XCTAssertEqual(v.runningPriority, 0x80, "BPR 4: group priority [7:5]")
        v.lr[1] = lr(1, prio: 0x88, 54)
        XCTAssertEqual(v.acknowledge(), GIC.spurious)
        var w = enabled()
        w.bpr = 4
        w.lr[0] = lr(1, prio: 0x90, 53)
        XCTAssertEqual(w.acknowledge(), 53)
        XCTAssertEqual(w.runningPriority, 0x90, "without CBPR Group 1 uses ABPR - 1 = 2")
        w.lr[1] = lr(1, prio: 0x88, 54)
        XCTAssertEqual(w.acknowledge(), 54)
        XCTAssertEqual(w.apr, [1 << 17 | 1 << 18])
    }

    func testEOIAndDIR() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0x90, 60) | GICHBits.lrEOI
        XCTAssertEqual(v.acknowledge(), 60)
        XCTAssertNil(v.endOfInterrupt(1023), "special INTIDs are ignored")
        XCTAssertEqual(v.apr, [1 << 18])
        XCTAssertNil(v.endOfInterrupt(60))
        XCTAssertEqual(v.apr, [0])
        XCTAssertEqual(GICv2VirtualCPU.state(v.lr[0]), 0)
        XCTAssertEqual(v.eisr, 1, "deactivated with EOI = 1: EOI maintenance")
        XCTAssertEqual(v.elrsr, 0b1110)
        XCTAssertEqual(v.misr, GICHBits.misrEOI)
        XCTAssertTrue(v.maintenanceLevel)
        v.lr[0] = 0
        // An EOI naming no active list register counts when it dropped a priority.
        v.apr = [1 << 10]
        XCTAssertNil(v.endOfInterrupt(99))
        XCTAssertEqual(v.hcr >> 27, 1)
        XCTAssertNil(v.endOfInterrupt(99))
        XCTAssertEqual(v.hcr >> 27, 1, "nothing dropped: not counted")
        // EOImode 1: EOIR only drops, DIR deactivates, an unmatched DIR counts.
        v.ctlr |= GICHBits.ctlrEOImode
        v.lr[1] = lr(1, prio: 0x90, 61) | GICHBits.lrHW | 45 << 10
        XCTAssertEqual(v.acknowledge(), 61)
        XCTAssertNil(v.endOfInterrupt(61))
        XCTAssertEqual(GICv2VirtualCPU.state(v.lr[1]), 2, "still active")
        XCTAssertNil(v.deactivateInterrupt(98))
        XCTAssertEqual(v.hcr >> 27, 2)
        XCTAssertEqual(v.deactivateInterrupt(61), 45, "HW = 1: the physical INTID to deactivate")
        XCTAssertEqual(GICv2VirtualCPU.state(v.lr[1]), 0)
        v.ctlr &= ~GICHBits.ctlrEOImode
        XCTAssertNil(v.deactivateInterrupt(61), "DIR with EOImode 0 is ignored")
        XCTAssertEqual(v.hcr >> 27, 2)
    }

    func testMaintenanceConditions() {
        var v = enabled()
        v.lr[0] = lr(1, prio: 0x90, 70)
        v.lr[1] = lr(1, prio: 0x90, 71)
        v.hcr = GICHBits.hcrEn | GICHBits.hcrUIE
        XCTAssertEqual(v.misr, 0, "two valid list registers: no underflow")
        v.lr[1] = 0
        XCTAssertEqual(v.misr, GICHBits.hcrUIE)
        v.hcr = GICHBits.hcrEn | GICHBits.hcrNPIE
        XCTAssertEqual(v.misr, 0)
        v.lr[0] = lr(2, prio: 0x90, 70)
        XCTAssertEqual(v.misr, GICHBits.hcrNPIE, "nothing pending")
        v.hcr = GICHBits.hcrEn | GICHBits.hcrVGrp0DIE | GICHBits.hcrVGrp1EIE
        XCTAssertEqual(v.misr, GICHBits.hcrVGrp1EIE)
        v.ctlr &= ~GICHBits.ctlrEnableGrp0
        XCTAssertEqual(v.misr, GICHBits.hcrVGrp0DIE | GICHBits.hcrVGrp1EIE)
        v.hcr = GICHBits.hcrEn | GICHBits.hcrLRENPIE | 3 << 27
        XCTAssertEqual(v.misr, GICHBits.hcrLRENPIE)
        v.hcr &= ~GICHBits.hcrEn
        XCTAssertFalse(v.maintenanceLevel)
    }

    func testFramesOnAMachine() throws {
        var o = VirtOptions()
        o.gicVersion = "2"
        o.virtualization = true
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        let cpu = vm.cpu
        /// The device QEMU's virt maps at `base`, a region of `size` bytes.
        func frame(_ base: UInt64, _ size: UInt64) -> MMIODevice? {
            guard let r = vm.memory.region(containing: base), r.base == base, r.size == size,
                  case .mmio(let d) = r.kind else { return nil }
            return d
        }
        let h = try XCTUnwrap(frame(VirtMap.gicHyp.base, 0x1000) as? GICv2VirtualControl)
        let c = try XCTUnwrap(frame(VirtMap.gicVCPU.base, 0x2000) as? GICv2VirtualCPUInterface)
        func hyp(_ off: UInt64) -> UInt64 { h.read(offset: off, size: 4) }
        func setHyp(_ off: UInt64, _ v: UInt64) { h.write(offset: off, size: 4, value: v) }
        func vcpu(_ off: UInt64) -> UInt64 { c.read(offset: off, size: 4) }
        XCTAssertEqual(hyp(0x4), 0x9000_0003, "GICH_VTR")
        XCTAssertEqual(hyp(0x8), 0x004C_0000, "GICH_VMCR")
        XCTAssertEqual(vcpu(0xFC), 0x0002_043B, "GICV_IIDR")
        setHyp(0x8, 0x1E << 27 | 0x6)
        setHyp(0x0, 1)
        setHyp(0x108, UInt64(lr(1, prio: 0xA0, 99)) | 7 << 20)
        XCTAssertEqual(hyp(0x108), UInt64(lr(1, prio: 0xA0, 99)), "GICH_LR2: bits 22:20 are reserved")
        XCTAssertEqual(hyp(0x110), 0, "GICH_LR4 (not implemented) is RAZ")
        XCTAssertEqual(hyp(0x30), 0b1011, "GICH_ELRSR0")
        XCTAssertEqual(cpu.interrupts.virtualLines, 1, "vIRQ asserted")
        XCTAssertEqual(vcpu(0x18), 99, "GICV_HPPIR")
        XCTAssertEqual(vcpu(0x0C), 99, "GICV_IAR")
        XCTAssertEqual(cpu.interrupts.virtualLines, 0, "acknowledged: vIRQ drops")
        XCTAssertEqual(vcpu(0x14), 0xA0, "GICV_RPR")
        XCTAssertEqual(hyp(0xF0), 1 << 20, "GICH_APR")
        // Maintenance: EOI of a list register with EOI = 1 raises PPI 25.
        setHyp(0x108, UInt64(lr(2, prio: 0xA0, 99) | GICHBits.lrEOI))
        c.write(offset: 0x10, size: 4, value: 99)   // GICV_EOIR
        XCTAssertEqual(hyp(0x20), 0b100, "GICH_EISR0")
        XCTAssertEqual(hyp(0x10), 1, "GICH_MISR.EOI")
        XCTAssertTrue(vm.gic.locked { vm.gic.cpus[0].banked[25].pending }, "maintenance PPI 25")
        setHyp(0x0, 0)
        XCTAssertFalse(vm.gic.locked { vm.gic.cpus[0].banked[25].pending })
    }

    func testNoFramesWithoutVirtualization() throws {
        var o = VirtOptions()
        o.gicVersion = "2"
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        XCTAssertFalse(vm.gicDevices.contains { $0 is GICv2VirtualControl || $0 is GICv2VirtualCPUInterface })
    }
}
