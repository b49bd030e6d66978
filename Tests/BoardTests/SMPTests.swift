import XCTest
import Machine
@testable import Devices
@testable import Board

/// Several CPUs on the virt board (`-smp`): MPIDR affinities, secondaries
/// powered off until PSCI CPU_ON, PSCI's power functions and error codes,
/// the device tree's cpu nodes, and the GIC's per-CPU views through MMIO
/// attributes.
final class SMPTests: XCTestCase {
    private func machine(cpus: Int, gic: String = "3", secure: Bool = false, virtualization: Bool = false) throws -> VirtMachine {
        var o = VirtOptions()
        o.cpuCount = cpus
        o.topology.cores = cpus
        o.topology.maxCPUs = cpus
        o.gicVersion = gic
        o.secure = secure
        o.virtualization = virtualization
        return try VirtMachine(options: o, console: TestConsole().console)
    }

    private func attributes(_ cpu: Int) -> MMIOAttributes {
        MMIOAttributes(cpuIndex: cpu, paSpace: .nonSecure, privileged: true)
    }

    func testAffinitiesAndPowerAtReset() throws {
        let vm = try machine(cpus: 4)
        XCTAssertEqual(vm.cpus.map(\.mpidr), [0x8000_0000, 0x8000_0001, 0x8000_0002, 0x8000_0003])
        XCTAssertEqual(vm.cpus.map(\.powerState), [.on, .off, .off, .off], "secondaries wait for CPU_ON")
        // With its own EL3 firmware the guest gets every CPU running (QEMU).
        let secure = try machine(cpus: 2, secure: true)
        XCTAssertEqual(secure.cpus.map(\.powerState), [.on, .on])
        // Clusters of 8 with a GICv2, of 16 with a GICv3 (QEMU's virt_cpu_mp_affinity).
        var o = VirtOptions()
        o.gicVersion = "2"
        XCTAssertEqual(o.affinity(ofCPU: 9), 0x101)
        o.gicVersion = "3"
        XCTAssertEqual(o.affinity(ofCPU: 9), 9)
        XCTAssertEqual(o.affinity(ofCPU: 16), 0x100)
    }

    func testTooManyCPUs() throws {
        XCTAssertThrowsError(try machine(cpus: 9, gic: "2")) {
            XCTAssertTrue("\($0)".contains("exceeds max CPUs supported by machine 'mach-virt' (8)"))
        }
        XCTAssertThrowsError(try machine(cpus: 17))
        XCTAssertNoThrow(try machine(cpus: 16))
    }

    /// Calls PSCI on `cpu` with X0-X3 and returns X0.
    private func psci(_ vm: VirtMachine, _ cpu: CPU, _ args: UInt64...) -> Int64 {
        for (i, a) in args.enumerated() { cpu.setX(i, a) }
        vm.psci!.call(cpu: cpu)
        return Int64(bitPattern: cpu.x(0))
    }

    func testPSCIPowerFunctions() throws {
        let vm = try machine(cpus: 3, virtualization: true)
        let c0 = vm.cpus[0], c1 = vm.cpus[1]
        XCTAssertEqual(psci(vm, c0, 0xC400_0004, 1, 0), 1, "AFFINITY_INFO: OFF")
        XCTAssertEqual(psci(vm, c0, 0xC400_0004, 0, 0), 0, "AFFINITY_INFO: ON")
        XCTAssertEqual(psci(vm, c0, 0xC400_0004, 7, 0), -2, "AFFINITY_INFO of no CPU: INVALID_PARAMETERS")
        XCTAssertEqual(psci(vm, c0, 0xC400_0004, 1, 1), 0, "levels above 0 are on")
        XCTAssertEqual(psci(vm, c0, 0xC400_0003, 0, 0x4008_0000, 5), -4, "CPU_ON of itself: ALREADY_ON")
        XCTAssertEqual(psci(vm, c0, 0xC400_0003, 3, 0x4008_0000, 5), -2, "CPU_ON of no CPU: INVALID_PARAMETERS")
        XCTAssertEqual(psci(vm, c0, 0xC400_0003, 0x8000_0001, 0x4008_1000, 0x77), 0, "MPIDR bit 31 is not affinity")
        XCTAssertEqual(c1.powerState, .onPending)
        XCTAssertEqual(psci(vm, c0, 0xC400_0003, 1, 0x4008_1000, 0x77), -5, "ON_PENDING")
        XCTAssertEqual(psci(vm, c0, 0xC400_0004, 1, 0), 2, "AFFINITY_INFO: ON_PENDING")
        c1.setX(5, 0xdead)
        XCTAssertTrue(c1.startIfPoweredOn())
        XCTAssertEqual(c1.powerState, .on)
        XCTAssertEqual(c1.pc, 0x4008_1000)
        XCTAssertEqual(c1.x(0), 0x77, "context ID")
        XCTAssertEqual(c1.x(5), 0, "a reset")
        XCTAssertEqual(c1.el, 2, "the highest Non-secure EL the guest has")
        XCTAssertEqual(c1.spSel, 1)
        XCTAssertEqual(c1.daif, 0x3C0)
        XCTAssertEqual(psci(vm, c0, 0x8400_0003, 1, 0x4008_1000, 0x77), -4, "CPU_ON32: ALREADY_ON")
        // CPU_OFF: the caller goes off; X0 is not written (it does not return).
        c1.setX(0, 0x8400_0002)
        vm.psci!.call(cpu: c1)
        XCTAssertEqual(c1.powerState, .off)
        XCTAssertFalse(c1.startIfPoweredOn())
        XCTAssertEqual(c1.exitRequest, 1, "leaves its block")
        XCTAssertNil(vm.system.exitStatus, "CPU 0 is still on")
        c0.setX(0, 0x8400_0002)
        vm.psci!.call(cpu: c0)
        XCTAssertEqual(vm.system.exitStatus, 0, "the last CPU off ends the run")
    }

    func testPSCIOtherFunctions() throws {
        let vm = try machine(cpus: 2)
        let c0 = vm.cpus[0]
        XCTAssertEqual(psci(vm, c0, 0xC400_0001, 0x2_0000), -2, "CPU_SUSPEND with a power level: INVALID_PARAMETERS")
        XCTAssertEqual(psci(vm, c0, 0x8400_0006), 2, "MIGRATE_INFO_TYPE")
        XCTAssertEqual(psci(vm, c0, 0xC400_0005, 1), -1, "MIGRATE: NOT_SUPPORTED")
        for f: UInt64 in [0x8400_0000, 0xC400_0001, 0x8400_0002, 0xC400_0003, 0x8400_0003, 0xC400_0004,
                          0x8400_0006, 0x8400_0008, 0x8400_0009, 0x8400_000A] {
            XCTAssertEqual(psci(vm, c0, 0x8400_000A, f), 0, "PSCI_FEATURES(\(String(f, radix: 16)))")
        }
        XCTAssertEqual(psci(vm, c0, 0x8400_000A, 0xC400_0005), -1, "PSCI_FEATURES(MIGRATE)")
    }

    func testDeviceTreeCPUNodes() throws {
        var o = VirtOptions()
        o.gicVersion = "3"
        o.cpuCount = 12
        o.topology.sockets = 2
        o.topology.cores = 3
        o.topology.threads = 2
        o.topology.maxCPUs = 12
        let t = VirtDeviceTree.build(options: o, inputs: DeviceTreeInputs())
        XCTAssertTrue(t.hasNode("/cpus/cpu@10"), "named in decimal, as QEMU")
        XCTAssertEqual(t.cell("/cpus/cpu@10", "reg"), 10)
        XCTAssertTrue(t.hasNode("/cpus/cpu-map/socket1/cluster0/core2/thread1"))
        XCTAssertEqual(t.cell("/cpus/cpu-map/socket1/cluster0/core2/thread1", "cpu"), t.cell("/cpus/cpu@11", "phandle"))
        XCTAssertEqual(t.cell("/cpus/cpu-map/socket0/cluster0/core1/thread0", "cpu"), t.cell("/cpus/cpu@2", "phandle"))
    }

    func testGICv2BankedPerCPU() throws {
        let vm = try machine(cpus: 2, gic: "2")
        let d = vm.gicDevices[0] as! GICv2Distributor, c = vm.gicDevices[1] as! GICv2CPUInterface
        typealias D2 = GICv2DistributorRegs
        typealias C2 = GICv2CPUInterfaceRegs
        // GICD_ITARGETSR0-7: each CPU reads its own bit.
        XCTAssertEqual(d.read(offset: D2.itargetsr, size: 4, attributes: attributes(0)), 0x0101_0101)
        XCTAssertEqual(d.read(offset: D2.itargetsr, size: 4, attributes: attributes(1)), 0x0202_0202)
        d.write(offset: D2.ctlr, size: 4, value: 1, attributes: attributes(0))
        for cpu in 0..<2 {
            c.write(offset: C2.pmr, size: 4, value: 0xFF, attributes: attributes(cpu))
        }
        c.write(offset: C2.ctlr, size: 4, value: 1, attributes: attributes(1))
        XCTAssertEqual(c.read(offset: C2.ctlr, size: 4, attributes: attributes(0)), 0, "CPU 0's interface is its own")
        XCTAssertEqual(c.read(offset: C2.ctlr, size: 4, attributes: attributes(1)), 1)
        // CPU 0 sends SGI 3 to CPU 1 (target list), which sees its source.
        d.write(offset: D2.sgir, size: 4, value: 0b10 << 16 | 3, attributes: attributes(0))
        XCTAssertFalse(vm.cpus[0].interrupts.isAsserted(.irq))
        XCTAssertTrue(vm.cpus[1].interrupts.isAsserted(.irq))
        XCTAssertEqual(c.read(offset: C2.iar, size: 4, attributes: attributes(1)), 0 << 10 | 3)
        c.write(offset: C2.eoir, size: 4, value: 3, attributes: attributes(1))
        XCTAssertFalse(vm.cpus[1].interrupts.isAsserted(.irq))
        // CPU 1 to every other CPU: CPU 0, source 1.
        c.write(offset: C2.ctlr, size: 4, value: 1, attributes: attributes(0))
        d.write(offset: D2.sgir, size: 4, value: 1 << 24 | 4, attributes: attributes(1))
        XCTAssertTrue(vm.cpus[0].interrupts.isAsserted(.irq))
        XCTAssertFalse(vm.cpus[1].interrupts.isAsserted(.irq))
        XCTAssertEqual(c.read(offset: C2.iar, size: 4, attributes: attributes(0)), 1 << 10 | 4)
    }

    func testGICv3RedistributorPerCPU() throws {
        let vm = try machine(cpus: 3)
        let r = vm.gicDevices[1] as! GICv3Redistributor
        typealias R3 = GICv3RedistributorRegs
        for cpu in 0..<3 {
            let typer = r.read(offset: UInt64(cpu) * R3.stride + R3.typer, size: 8, attributes: attributes(0))
            XCTAssertEqual(typer >> 32, UInt64(cpu), "Affinity_Value")
            XCTAssertEqual(typer >> 8 & 0xFFFF, UInt64(cpu), "Processor_Number")
            XCTAssertEqual(typer >> 4 & 1, cpu == 2 ? 1 : 0, "Last")
        }
        XCTAssertEqual(r.size, 3 * R3.stride)
    }
}
