import XCTest
import Machine
@testable import Devices
@testable import Board

/// The GIC's interrupt state (Devices/GIC*.swift): pending, enable, active,
/// priorities, groups, routing, the highest-priority pending interrupt, the
/// IRQ/FIQ outputs, acknowledge/EOI/deactivate, and the MMIO register maps of
/// GICv2 and GICv3 as QEMU's virt has them.
final class GICTests: XCTestCase {
    private func machine(_ version: String, secure: Bool = false) throws -> VirtMachine {
        var o = VirtOptions()
        o.gicVersion = version
        o.secure = secure
        return try VirtMachine(options: o, console: TestConsole().console)
    }

    private func irqLine(_ vm: VirtMachine) -> Bool { vm.cpu.interrupts.isAsserted(.irq) }
    private func fiqLine(_ vm: VirtMachine) -> Bool { vm.cpu.interrupts.isAsserted(.fiq) }

    typealias D2 = GICv2DistributorRegs
    typealias C2 = GICv2CPUInterfaceRegs
    typealias D3 = GICv3DistributorRegs
    typealias R3 = GICv3RedistributorRegs

    // MARK: GICv2

    private func v2(_ vm: VirtMachine) -> (GICv2Distributor, GICv2CPUInterface) {
        (vm.gicDevices[0] as! GICv2Distributor, vm.gicDevices[1] as! GICv2CPUInterface)
    }

    /// A kernel booted directly with secure=on runs Non-secure: the GIC sees
    /// its accesses as Non-secure ones (the Non-secure GICC_CTLR and GICD_CTLR
    /// views, Group 1 SGIs from GICD_SGIR), and the running priority reads
    /// through the Non-secure view (idle 0xFF, an active Group 1 priority
    /// shifted back).
    func testDirectKernelBootWithSecureGICv2IsNonSecure() throws {
        let vm = try machine("2", secure: true)
        try vm.boot(BootFiles(kernel: ([UInt8](repeating: 0, count: 64), "raw")))
        XCTAssertEqual(vm.cpu.el, 1)
        let (d, c) = v2(vm)
        d.write(offset: D2.ctlr, size: 4, value: 1)
        XCTAssertEqual(vm.gic.distCtlr, 2, "a Non-secure write sets EnableGrp1")
        c.write(offset: C2.ctlr, size: 4, value: 1)
        XCTAssertEqual(vm.gic.cpus[0].giccCtlr & 3, 2, "the Non-secure view's bit 0 is EnableGrp1")
        c.write(offset: C2.pmr, size: 4, value: 0xF0)
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0xFF, "idle")
        d.write(offset: D2.sgir, size: 4, value: 2 << 24 | 1)   // SGI 1 to self
        XCTAssertTrue(irqLine(vm), "a Group 1 SGI from a Non-secure write")
        XCTAssertEqual(c.read(offset: C2.iar, size: 4), 1)
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0x00, "priority 0x80 (reset) is 0x00 in the Non-secure view")
        c.write(offset: C2.eoir, size: 4, value: 1)
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0xFF)
    }

    func testDefaultIsGICv2AtQEMUsAddresses() throws {
        let vm = try machine(VirtOptions().gicVersion)
        XCTAssertEqual(vm.gic.version, .v2)
        let regions = vm.memory.regions.map { ($0.name, $0.base, $0.size) }
        // The register maps (4 KiB, 8 KiB) in QEMU's 64 KiB windows, as QEMU maps them.
        XCTAssertTrue(regions.contains { $0 == ("gicv2-dist", 0x0800_0000, 0x1000) })
        XCTAssertTrue(regions.contains { $0 == ("gicv2-cpu", 0x0801_0000, 0x2000) })
        let (d, c) = v2(vm)
        XCTAssertEqual(d.read(offset: D2.typer, size: 4), 8, "ITLinesNumber 8 (288 interrupts), one CPU, no Security Extensions")
        XCTAssertEqual(d.read(offset: 0xFE8, size: 4), 0x2B, "PIDR2: GICv2")
        // GICC_IIDR (IHI 0048B 4.4.16): Implementer [11:0] ARM, Revision
        // [15:12] 0, Architecture version [19:16] 2, ProductID [31:20] 0, as
        // QEMU 7.2's; GICD_IIDR (4.3.3, no version field) ARM, the rest 0.
        XCTAssertEqual(d.read(offset: 0x008, size: 4), 0x0000_043B)
        let iidr = c.read(offset: C2.iidr, size: 4)
        XCTAssertEqual(iidr & 0xFFF, 0x43B)
        XCTAssertEqual(iidr >> 16 & 0xF, 2, "architecture version: GICv2")
        XCTAssertEqual(iidr >> 20, 0, "ProductID")
        XCTAssertEqual(iidr, 0x0002_043B)
        XCTAssertEqual(try machine("2", secure: true).gicDevices[0].read(offset: D2.typer, size: 4), 8 | 1 << 10)
        XCTAssertThrowsError(try machine("host"))
        XCTAssertEqual(try machine("max").gic.version, .v3)
    }

    func testGICv2TimerPPIAcknowledgeAndEOI() throws {
        let vm = try machine("2")
        let (d, c) = v2(vm)
        d.write(offset: D2.ctlr, size: 4, value: 1)
        c.write(offset: C2.pmr, size: 4, value: 0xF0)
        c.write(offset: C2.ctlr, size: 4, value: 1)
        d.write(offset: D2.ipriorityr + 30, size: 1, value: 0x80)
        // The physical timer fires: PPI 30 goes high, but it is not enabled yet.
        vm.gic.setPrivateInput(cpu: 0, intid: 30, level: true)
        XCTAssertFalse(irqLine(vm))
        XCTAssertEqual(d.read(offset: D2.ispendr, size: 4) >> 30 & 1, 1, "pending while its input is high")
        d.write(offset: D2.isenabler, size: 4, value: 1 << 30)
        XCTAssertTrue(irqLine(vm))
        XCTAssertFalse(fiqLine(vm), "Group 0 is IRQ while GICC_CTLR.FIQEn is 0")
        XCTAssertEqual(c.read(offset: C2.hppir, size: 4), 30)
        XCTAssertEqual(c.read(offset: C2.iar, size: 4), 30)
        XCTAssertFalse(irqLine(vm), "active: no longer signalled")
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0x80)
        XCTAssertEqual(d.read(offset: D2.isactiver, size: 4) >> 30 & 1, 1)
        XCTAssertEqual(c.read(offset: C2.iar, size: 4), 1023, "nothing else pending")
        // Still high after EOI: level-sensitive, pending again.
        c.write(offset: C2.eoir, size: 4, value: 30)
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0xFF)
        XCTAssertTrue(irqLine(vm))
        vm.gic.setPrivateInput(cpu: 0, intid: 30, level: false)
        XCTAssertFalse(irqLine(vm))
        XCTAssertEqual(d.read(offset: D2.ispendr, size: 4) >> 30 & 1, 0)
        // FIQEn: Group 0 is signalled as FIQ.
        c.write(offset: C2.ctlr, size: 4, value: 1 | UInt64(C2.fiqEn))
        vm.gic.setPrivateInput(cpu: 0, intid: 30, level: true)
        XCTAssertTrue(fiqLine(vm))
        XCTAssertFalse(irqLine(vm))
    }

    func testGICv2SGIsCarryTheirSource() throws {
        let vm = try machine("2")
        let (d, c) = v2(vm)
        d.write(offset: D2.ctlr, size: 4, value: 1)
        c.write(offset: C2.pmr, size: 4, value: 0xFF)
        c.write(offset: C2.ctlr, size: 4, value: 1)
        XCTAssertEqual(d.read(offset: D2.isenabler, size: 4) & 0xFFFF, 0xFFFF, "SGIs are always enabled")
        d.write(offset: D2.sgir, size: 4, value: 2 << 24 | 5)   // to this CPU
        XCTAssertEqual(d.read(offset: D2.spendsgir + 4, size: 4) >> 8 & 0xFF, 1, "SGI 5 pending from CPU 0")
        XCTAssertTrue(irqLine(vm))
        XCTAssertEqual(c.read(offset: C2.iar, size: 4), 5)
        XCTAssertEqual(d.read(offset: D2.ispendr, size: 4) & 0xFFFF, 0)
        c.write(offset: C2.eoir, size: 4, value: 5)
        XCTAssertEqual(d.read(offset: D2.isactiver, size: 4), 0)
    }

    func testGICv2EOIModeSplitsDropAndDeactivate() throws {
        let vm = try machine("2")
        let (d, c) = v2(vm)
        d.write(offset: D2.ctlr, size: 4, value: 1)
        c.write(offset: C2.pmr, size: 4, value: 0xFF)
        c.write(offset: C2.ctlr, size: 4, value: 1 | UInt64(C2.eoiModeS))
        d.write(offset: D2.ipriorityr + 33, size: 1, value: 0x40)
        d.write(offset: D2.isenabler + 4, size: 4, value: 1 << 1)
        vm.uart.write(offset: PL011.Reg.imsc, size: 4, value: UInt64(PL011.Interrupt.tx))
        vm.uart.write(offset: PL011.Reg.dr, size: 4, value: 0x41)   // TX interrupt: SPI 1
        XCTAssertTrue(irqLine(vm))
        XCTAssertEqual(c.read(offset: C2.iar, size: 4), 33)
        c.write(offset: C2.eoir, size: 4, value: 33)
        XCTAssertEqual(c.read(offset: C2.rpr, size: 4), 0xFF, "priority dropped")
        XCTAssertEqual(d.read(offset: D2.isactiver + 4, size: 4), 2, "still active until GICC_DIR")
        XCTAssertFalse(irqLine(vm))
        c.write(offset: C2.dir, size: 4, value: 33)
        XCTAssertEqual(d.read(offset: D2.isactiver + 4, size: 4), 0)
        XCTAssertTrue(irqLine(vm), "the UART still asserts its interrupt")
    }

    // MARK: GICv3

    private func v3(_ vm: VirtMachine) -> (GICv3Distributor, GICv3Redistributor) {
        (vm.gicDevices[0] as! GICv3Distributor, vm.gicDevices[1] as! GICv3Redistributor)
    }

    func testGICv3RegisterMap() throws {
        let vm = try machine("3")
        let (d, r) = v3(vm)
        let regions = vm.memory.regions.map { ($0.name, $0.base, $0.size) }
        XCTAssertTrue(regions.contains { $0 == ("gicv3-dist", 0x0800_0000, 0x10000) })
        XCTAssertTrue(regions.contains { $0 == ("gicv3-redist", 0x080A_0000, 0x20000) })
        XCTAssertEqual(d.read(offset: D3.ctlr, size: 4), UInt64(D3.ctlrDS | D3.ctlrARES), "one Security state: DS, ARE")
        XCTAssertEqual(d.read(offset: D3.typer, size: 4), 1 << 25 | 1 << 24 | 0xF << 19 | 1 << 17 | 8, "LPIS: the ITS")
        XCTAssertEqual(d.read(offset: 0xFFE8, size: 4), 0x3B)
        XCTAssertEqual(r.read(offset: 0xFFE8, size: 4), 0x3B)
        XCTAssertEqual(r.read(offset: R3.typer, size: 8), 1 << 4 | 1, "affinity 0.0.0.0, processor 0, Last, PLPIS")
        var noITS = VirtOptions()
        noITS.gicVersion = "3"
        noITS.its = false
        let plain = try VirtMachine(options: noITS, console: TestConsole().console)
        XCTAssertEqual(plain.gicDevices[0].read(offset: D3.typer, size: 4), 1 << 25 | 1 << 24 | 0xF << 19 | 8, "its=off: no LPIs")
        XCTAssertEqual(plain.gicDevices[1].read(offset: R3.typer, size: 8), 1 << 4)
        XCTAssertNil(plain.msiController)
        XCTAssertEqual(r.read(offset: R3.waker, size: 4), 6, "asleep at reset")
        r.write(offset: R3.waker, size: 4, value: 0)
        XCTAssertEqual(r.read(offset: R3.waker, size: 4), 0)
        XCTAssertEqual(r.read(offset: R3.sgiBase + R3.icfgr, size: 4), 0xAAAA_AAAA, "SGIs are edge-triggered")
        let s = try machine("3", secure: true)
        XCTAssertEqual(s.gicDevices[0].read(offset: D3.ctlr, size: 4), UInt64(D3.ctlrARES | D3.ctlrARENS))
        XCTAssertEqual(s.gicDevices[0].read(offset: D3.typer, size: 4) >> 10 & 1, 1, "SecurityExtn")
    }

    func testGICv3HighestPriorityPendingAndRouting() throws {
        let vm = try machine("3")
        let (d, r) = v3(vm)
        let gic = vm.gic
        d.write(offset: D3.ctlr, size: 4, value: 3)
        // SPIs 40 and 41 at priority 0x60, PPI 27 at 0x60, SGI 3 at 0xA0; all Group 1.
        d.write(offset: D3.igroupr + 4, size: 4, value: 0xFFFF_FFFF)
        r.write(offset: R3.sgiBase + R3.igroupr, size: 4, value: 0xFFFF_FFFF)
        for n in [40, 41] { d.write(offset: D3.ipriorityr + UInt64(n), size: 1, value: 0x60) }
        r.write(offset: R3.sgiBase + R3.ipriorityr + 27, size: 1, value: 0x60)
        r.write(offset: R3.sgiBase + R3.ipriorityr + 3, size: 1, value: 0xA0)
        d.write(offset: D3.isenabler + 4, size: 4, value: 3 << 8)
        r.write(offset: R3.sgiBase + R3.isenabler, size: 4, value: 1 << 27 | 1 << 3)
        gic.setInput(41, level: true)
        gic.setInput(40, level: true)
        gic.setPrivateInput(cpu: 0, intid: 27, level: true)
        r.write(offset: R3.sgiBase + R3.ispendr, size: 4, value: 1 << 3)
        gic.locked {
            XCTAssertEqual(gic.cpus[0].hppi, 27, "same priority: the lowest INTID")
            XCTAssertEqual(gic.cpus[0].hppiGroup, .g1ns)
        }
        // Routed elsewhere (no CPU with affinity 0.0.0.1): SPI 40 is not this CPU's.
        r.write(offset: R3.sgiBase + R3.icenabler, size: 4, value: 1 << 27)
        d.write(offset: D3.irouter + 8 * 40, size: 8, value: 1)
        XCTAssertEqual(d.read(offset: D3.irouter + 8 * 40, size: 8), 1)
        gic.locked { XCTAssertEqual(gic.cpus[0].hppi, 41) }
        // Group 1 disabled in the distributor: nothing.
        d.write(offset: D3.ctlr, size: 4, value: 1)
        gic.locked { XCTAssertEqual(gic.cpus[0].hppi, -1) }
        XCTAssertFalse(irqLine(vm))
    }

    func testGICv3EdgeLatchesAndPendingWrites() throws {
        let vm = try machine("3")
        let (d, _) = v3(vm)
        let gic = vm.gic
        d.write(offset: D3.icfgr + 8, size: 4, value: 2)   // SPI 32 (INTID 32... ICFGR2 covers 32-47): edge
        XCTAssertEqual(d.read(offset: D3.icfgr + 8, size: 4), 2)
        gic.setInput(32, level: true)
        gic.setInput(32, level: false)
        XCTAssertEqual(d.read(offset: D3.ispendr + 4, size: 4) & 1, 1, "an edge latches")
        d.write(offset: D3.icpendr + 4, size: 4, value: 1)
        XCTAssertEqual(d.read(offset: D3.ispendr + 4, size: 4) & 1, 0)
        gic.setInput(33, level: true)   // level: pending while high
        XCTAssertEqual(d.read(offset: D3.ispendr + 4, size: 4) >> 1 & 1, 1)
        d.write(offset: D3.icpendr + 4, size: 4, value: 2)
        XCTAssertEqual(d.read(offset: D3.ispendr + 4, size: 4) >> 1 & 1, 1, "ICPENDR cannot clear a high level")
        XCTAssertEqual(d.read(offset: D3.ispendr, size: 4), 0, "INTIDs 0-31 are the redistributor's")
    }

    func testGICv3PreemptionUsesGroupPriorityAndPMR() throws {
        let vm = try machine("3")
        let gic = vm.gic
        gic.locked {
            gic.distCtlr |= 3
            for (n, p) in [(40, 0x80), (41, 0x70), (42, 0x40), (43, 0x88)] {
                gic.irqs[n].enabled = true
                gic.irqs[n].group1 = true
                gic.irqs[n].priority = UInt8(p)
            }
            gic.cpus[0].groupEnable = [true, false, true]
            gic.cpus[0].pmr = 0xF8
            gic.cpus[0].bpr = [2, 3, 3]   // Group 1: group priority [7:3]
            gic.irqs[40].latch = true
            gic.updateCPU(0)
        }
        XCTAssertTrue(irqLine(vm))
        gic.locked {
            gic.activate(0, 40)
            XCTAssertEqual(gic.runningPriority(0), 0x80)
            gic.irqs[43].latch = true   // 0x88: lower priority, cannot preempt
            gic.updateCPU(0)
            XCTAssertFalse(gic.hppiCanPreempt(0))
            gic.irqs[41].latch = true   // 0x70 preempts 0x80
            gic.updateCPU(0)
            XCTAssertTrue(gic.hppiCanPreempt(0))
            gic.cpus[0].bpr[2] = 6      // group priority [7:6]: 0x70 -> 0x40 < 0x80
            XCTAssertTrue(gic.hppiCanPreempt(0))
            gic.cpus[0].bpr[2] = 7      // group priority [7]: 0x00 < 0x80
            XCTAssertTrue(gic.hppiCanPreempt(0))
            gic.activate(0, 41)
            XCTAssertEqual(gic.runningPriority(0), 0x00, "group priority of 0x70 with BPR1 7")
            gic.irqs[42].latch = true   // 0x40: group priority 0x00, the running one's
            gic.updateCPU(0)
            XCTAssertFalse(gic.hppiCanPreempt(0))
            gic.dropPriority(0, .g1ns)
            XCTAssertEqual(gic.runningPriority(0), 0x80)
            XCTAssertTrue(gic.hppiCanPreempt(0))
            gic.cpus[0].pmr = 0x40      // PMR masks priority 0x40 and lower
            XCTAssertFalse(gic.hppiCanPreempt(0))
        }
    }

    func testGICv3GroupsSignalIRQOrFIQByContext() throws {
        let vm = try machine("3", secure: true)
        let gic = vm.gic
        XCTAssertEqual(vm.cpu.el, 3)
        gic.locked {
            gic.distCtlr = D3.ctlrARES | D3.ctlrARENS | 7
            gic.cpus[0].groupEnable = [true, true, true]
            gic.cpus[0].pmr = 0xFF
            gic.irqs[50].enabled = true
            gic.irqs[50].priority = 0x10
            gic.irqs[50].latch = true   // Group 0
            gic.updateCPU(0)
        }
        XCTAssertTrue(fiqLine(vm), "Group 0: FIQ")
        gic.locked {
            gic.irqs[50].group1 = true   // Non-secure Group 1 at EL3: FIQ
            gic.updateCPU(0)
        }
        XCTAssertTrue(fiqLine(vm))
        XCTAssertFalse(irqLine(vm))
        // At Non-secure EL1 it is an IRQ.
        vm.cpu.setSysreg(SysRegTable.scrEL3, 1)
        vm.cpu.setEL(1)
        gic.cpuContextChanged(vm.cpu)
        XCTAssertTrue(irqLine(vm))
        XCTAssertFalse(fiqLine(vm))
        // Secure Group 1 seen from Non-secure EL1: FIQ.
        gic.locked {
            gic.irqs[50].group1 = false
            gic.irqs[50].grpmod = true
            gic.updateCPU(0)
        }
        XCTAssertTrue(fiqLine(vm))
    }

    func testTimersDrivePPIsThroughTheGIC() throws {
        let vm = try machine("3")
        let gic = vm.gic
        let cpu = vm.cpu
        gic.locked {
            gic.distCtlr |= 3
            gic.cpus[0].banked[30].enabled = true
            gic.cpus[0].banked[30].group1 = true
            gic.cpus[0].groupEnable = [false, false, true]
            gic.cpus[0].pmr = 0xFF
        }
        cpu.setEL(1)
        let ctl = SysRegTable.all[GenericTimerID.physical.ctlSlot.slot].key
        let cval = SysRegTable.all[GenericTimerID.physical.cvalSlot.slot].key
        XCTAssertTrue(cpu.writeSysReg(key: cval, value: 0))
        XCTAssertTrue(cpu.writeSysReg(key: ctl, value: 1))
        gic.locked { XCTAssertTrue(gic.cpus[0].banked[30].level) }
        XCTAssertTrue(irqLine(vm))
        XCTAssertTrue(cpu.writeSysReg(key: ctl, value: 3))   // IMASK
        gic.locked { XCTAssertFalse(gic.cpus[0].banked[30].level) }
        XCTAssertFalse(irqLine(vm))
    }
}

/// The GICv3 CPU interface: the ICC_* rows the GIC adds to the system-register
/// table, read and written through MRS/MSR (`CPU.readSysReg`/`writeSysReg`).
final class GICv3CPUInterfaceTests: XCTestCase {
    private func key(_ r: ICCRegister) -> UInt32 {
        let (op1, crn, crm, op2) = r.encoding
        return sysRegKey(op0: 3, op1: op1, crn: crn, crm: crm, op2: op2)
    }

    private func machine(secure: Bool = false) throws -> VirtMachine {
        var o = VirtOptions()
        o.gicVersion = "3"
        o.secure = secure
        return try VirtMachine(options: o, console: TestConsole().console)
    }

    func testRegistersAndAcknowledgeFlow() throws {
        let vm = try machine()
        let cpu = vm.cpu
        let (d, r) = (vm.gicDevices[0], vm.gicDevices[1])
        XCTAssertEqual(cpu.readSysReg(key: SysRegTable.all[SysRegTable.slot("ID_AA64PFR0_EL1").slot].key)! >> 24 & 0xF, 1,
                       "ID_AA64PFR0_EL1.GIC: system-register CPU interface")
        XCTAssertEqual(cpu.readSysReg(key: key(.sre)), 7, "SRE, DFB, DIB: RAO")
        XCTAssertEqual(cpu.readSysReg(key: key(.ctlr)), 4 << 8 | 1 << 15, "PRIbits 4, IDbits 16, A3V")
        XCTAssertEqual(cpu.readSysReg(key: key(.bpr1)), 3, "the Non-secure BPR1 resets to its minimum")
        XCTAssertTrue(cpu.writeSysReg(key: key(.pmr), value: 0xFF))
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0xF8, "5 priority bits")
        XCTAssertFalse(cpu.writeSysReg(key: key(.iar1), value: 0), "read-only")
        XCTAssertNil(cpu.readSysReg(key: key(.eoir1)), "write-only")
        XCTAssertNil(cpu.readSysReg(key: key(.ctlrEL3)), "no EL3")
        d.write(offset: GICv3DistributorRegs.ctlr, size: 4, value: 3)
        r.write(offset: GICv3RedistributorRegs.sgiBase + GICv3RedistributorRegs.igroupr, size: 4, value: 1 << 5)
        r.write(offset: GICv3RedistributorRegs.sgiBase + GICv3RedistributorRegs.ipriorityr + 5, size: 1, value: 0x50)
        r.write(offset: GICv3RedistributorRegs.sgiBase + GICv3RedistributorRegs.isenabler, size: 4, value: 1 << 5)
        XCTAssertTrue(cpu.writeSysReg(key: key(.sgi1r), value: 5 << 24 | 1))
        XCTAssertFalse(cpu.interrupts.isAsserted(.irq), "Group 1 not enabled at the CPU interface")
        XCTAssertEqual(cpu.readSysReg(key: key(.hppir1)), 5)
        XCTAssertEqual(cpu.readSysReg(key: key(.iar1)), 1023)
        XCTAssertTrue(cpu.writeSysReg(key: key(.igrpen1), value: 1))
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        XCTAssertEqual(cpu.readSysReg(key: key(.hppir0)), 1023, "not Group 0")
        XCTAssertEqual(cpu.readSysReg(key: key(.iar1)), 5)
        XCTAssertEqual(cpu.readSysReg(key: key(.rpr)), 0x50)
        XCTAssertEqual(cpu.readSysReg(key: key(.ap1r(0))), 1 << (0x50 >> 3))
        // EOImode 1: EOIR drops the priority, DIR deactivates.
        XCTAssertTrue(cpu.writeSysReg(key: key(.ctlr), value: 2))
        XCTAssertTrue(cpu.writeSysReg(key: key(.eoir1), value: 5))
        XCTAssertEqual(cpu.readSysReg(key: key(.rpr)), 0xFF)
        XCTAssertEqual(r.read(offset: GICv3RedistributorRegs.sgiBase + GICv3RedistributorRegs.isactiver, size: 4), 1 << 5)
        XCTAssertTrue(cpu.writeSysReg(key: key(.dir), value: 5))
        XCTAssertEqual(r.read(offset: GICv3RedistributorRegs.sgiBase + GICv3RedistributorRegs.isactiver, size: 4), 0)
    }

    func testTrapsToEL3AndEL2() throws {
        var o = VirtOptions()
        o.gicVersion = "3"
        o.secure = true
        o.virtualization = true
        let vm = try VirtMachine(options: o, console: TestConsole().console)
        let cpu = vm.cpu
        let scr = SysRegTable.scrEL3, hcr = SysRegTable.hcrEL2
        cpu.setSysreg(scr, 1 | 1 << 10 | 1 << 8)   // NS, RW, HCE
        cpu.setEL(1)
        XCTAssertNotNil(cpu.readSysReg(key: key(.iar0)))
        cpu.setSysreg(scr, cpu.sysreg(scr) | 1 << 2)   // FIQ: Group 0 registers trap to EL3
        XCTAssertNil(cpu.readSysReg(key: key(.iar0)))
        XCTAssertNotNil(cpu.readSysReg(key: key(.iar1)))
        XCTAssertNotNil(cpu.readSysReg(key: key(.pmr)), "common registers need both IRQ and FIQ")
        cpu.setSysreg(scr, cpu.sysreg(scr) | 1 << 1)   // and IRQ
        XCTAssertNil(cpu.readSysReg(key: key(.pmr)))
        cpu.faultPC = 0x4000_0000
        XCTAssertTrue(cpu.takeSysRegTrap(key: key(.pmr), rt: 0, read: true))
        XCTAssertEqual(cpu.el, 3)
        // HCR_EL2.FMO/IMO: EL2 takes them instead (and traps the SGI registers).
        cpu.setEL(1)
        cpu.setSysreg(hcr, 1 << 3 | 1 << 4 | 1 << 31)
        XCTAssertNotNil(cpu.readSysReg(key: key(.pmr)))
        XCTAssertFalse(cpu.writeSysReg(key: key(.sgi1r), value: 0))
        cpu.faultPC = 0x4000_0000
        XCTAssertTrue(cpu.takeSysRegTrap(key: key(.sgi1r), rt: 0, read: false))
        XCTAssertEqual(cpu.el, 2)
        // At EL2 the routing to EL3 applies again.
        XCTAssertNil(cpu.readSysReg(key: key(.pmr)))
    }

    /// ICC_PMR_EL1 from Non-secure state: with SCR_EL3.FIQ = 1 (Group 0 at
    /// EL3) the Non-secure view (a mask in the Secure half cannot be changed;
    /// writes land in the upper half, reads shift back); with FIQ = 0 the
    /// register as Secure software sees it, which a kernel started directly
    /// in Non-secure state relies on (its PMR resets to 0). As QEMU.
    func testNonSecurePMRViewFollowsSCRFIQ() throws {
        let vm = try machine(secure: true)
        let cpu = vm.cpu
        let scr = SysRegTable.scrEL3
        cpu.setSysreg(scr, 1 | 1 << 10 | 1 << 8)   // NS, RW, HCE
        cpu.setEL(2)
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0)
        XCTAssertTrue(cpu.writeSysReg(key: key(.pmr), value: 0xF0))
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0xF0, "SCR_EL3.FIQ = 0: written as by Secure software")
        XCTAssertEqual(cpu.readSysReg(key: key(.rpr)), 0xFF, "idle")
        cpu.setSysreg(scr, cpu.sysreg(scr) | 1 << 2)
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0xE0, "the Non-secure view of 0xF0")
        XCTAssertTrue(cpu.writeSysReg(key: key(.pmr), value: 0xA0))
        cpu.setSysreg(scr, cpu.sysreg(scr) & ~(1 << 2))
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0xD0, "stored as 0x80 | 0xA0 >> 1")
        XCTAssertTrue(cpu.writeSysReg(key: key(.pmr), value: 0x40))
        cpu.setSysreg(scr, cpu.sysreg(scr) | 1 << 2)
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0, "a Secure-half mask reads as 0")
        XCTAssertTrue(cpu.writeSysReg(key: key(.pmr), value: 0xF8))
        cpu.setSysreg(scr, cpu.sysreg(scr) & ~(1 << 2))
        XCTAssertEqual(cpu.readSysReg(key: key(.pmr)), 0x40, "and cannot be changed from Non-secure state")
    }

    func testBankedRegistersAtEL3FollowSCRNS() throws {
        let vm = try machine(secure: true)
        let cpu = vm.cpu
        XCTAssertEqual(cpu.el, 3)
        XCTAssertTrue(cpu.writeSysReg(key: key(.ctlr), value: 2))           // Secure bank: EOImode
        cpu.setSysreg(SysRegTable.scrEL3, 1)
        XCTAssertEqual(cpu.readSysReg(key: key(.ctlr))! & 3, 0, "Non-secure bank")
        XCTAssertTrue(cpu.writeSysReg(key: key(.ctlr), value: 1))           // Non-secure bank: CBPR
        XCTAssertEqual(cpu.readSysReg(key: key(.ctlrEL3))! & 0x1F, 0b0_1010, "CBPR_EL1NS, EOImode_EL1S")
        XCTAssertTrue(cpu.writeSysReg(key: key(.igrpen1EL3), value: 3))
        XCTAssertEqual(cpu.readSysReg(key: key(.igrpen1)), 1)
        XCTAssertTrue(cpu.writeSysReg(key: key(.sreEL3), value: 0))          // Enable = 0: lower ELs trap
        cpu.setEL(1)
        XCTAssertNil(cpu.readSysReg(key: key(.sre)))
    }
}
