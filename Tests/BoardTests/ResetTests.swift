import XCTest
import Machine
@testable import Devices
@testable import Board

/// Machine reset (PSCI SYSTEM_RESET/SYSTEM_RESET2, system_reset): the CPUs
/// to their reset state, the GIC and GPIO reset, the UART and RTC kept (as
/// QEMU 7.2), the secondaries off, the boot images loaded again; `-no-reboot`
/// (`RebootAction.shutdown`) ends the run instead.
final class ResetTests: XCTestCase {
    /// A raw kernel (no Image header): two NOPs, loaded at 0x40080000.
    private let kernel: [UInt8] = [0x1F, 0x20, 0x03, 0xD5, 0x1F, 0x20, 0x03, 0xD5]

    private func machine(cpus: Int = 2) throws -> VirtMachine {
        var o = VirtOptions()
        o.cpuCount = cpus
        o.topology.cores = cpus
        o.topology.maxCPUs = cpus
        o.gicVersion = "3"
        return try VirtMachine(options: o, console: TestConsole().console)
    }

    private func psci(_ vm: VirtMachine, _ cpu: CPU, _ args: UInt64...) {
        for (i, a) in args.enumerated() { cpu.setX(i, a) }
        vm.psci!.call(cpu: cpu)
    }

    func testSystemResetRestartsTheMachine() throws {
        let vm = try machine()
        let layout = try vm.boot(BootFiles(kernel: (kernel, "raw")))
        let c0 = vm.cpus[0], c1 = vm.cpus[1]
        var causes: [ShutdownCause] = []
        vm.system.addResetParticipant { causes.append($0) }

        // Change what a reset must undo.
        psci(vm, c0, 0xC400_0003, 1, layout.entry, 0)   // CPU_ON(1)
        XCTAssertTrue(c1.startIfPoweredOn())
        c0.setX(5, 0x55)
        c0.pc = 0x4000_1000
        c0.setEL(0)
        c0.pstateMisc = 1 << 22   // PAN
        c0.setSysreg(SysRegTable.slot("TPIDR_EL1"), 0x1234)
        _ = [UInt8](repeating: 0, count: kernel.count).withUnsafeBytes { vm.memory.writePhysical(pa: layout.entry, bytes: $0) }
        vm.gpio.write(offset: 0x400, size: 4, value: 0xF)                           // GPIODIR
        vm.uart.write(offset: 0x38, size: 4, value: 0x50)                           // UARTIMSC
        vm.rtc.write(offset: 0x8, size: 4, value: 1000)                             // RTCLR
        vm.gicDevices[0].write(offset: 0x104, size: 4, value: 0x6,                  // GICD_ISENABLER1
                               attributes: MMIOAttributes(cpuIndex: 0, paSpace: .nonSecure, privileged: true))

        psci(vm, c0, 0x8400_0009)   // SYSTEM_RESET
        XCTAssertEqual(vm.system.pendingReset, .guestReset)
        XCTAssertEqual(c0.exitRequest, 1, "the CPUs leave their blocks")
        XCTAssertEqual(c1.exitRequest, 1)
        XCTAssertNil(vm.system.exitStatus)
        XCTAssertTrue(vm.system.performPendingReset())
        XCTAssertFalse(vm.system.performPendingReset(), "once")
        XCTAssertEqual(causes, [.guestReset])

        XCTAssertEqual(c0.pc, layout.entry)
        XCTAssertEqual(c0.x(0), layout.dtb!.lowerBound, "x0: the device tree again")
        XCTAssertEqual(c0.x(5), 0)
        XCTAssertEqual(c0.el, 1)
        XCTAssertEqual(c0.pstateMisc, 0)
        XCTAssertEqual(c0.daif, 0x3C0)
        XCTAssertEqual(c0.sysreg(SysRegTable.slot("TPIDR_EL1")), 0)
        XCTAssertEqual(vm.memory.readPhysical(pa: layout.entry, count: kernel.count), kernel, "the kernel loaded again")
        XCTAssertEqual(vm.memory.readPhysical(pa: layout.dtb!.lowerBound, count: 4), [0xD0, 0x0D, 0xFE, 0xED])
        XCTAssertEqual(c1.powerState, .off, "the secondary waits for CPU_ON again")
        XCTAssertEqual(vm.gpio.read(offset: 0x400, size: 4), 0, "the GPIO is reset")
        let attributes = MMIOAttributes(cpuIndex: 0, paSpace: .nonSecure, privileged: true)
        XCTAssertEqual(vm.gicDevices[0].read(offset: 0x104, size: 4, attributes: attributes), 0, "the GIC is reset")
        XCTAssertEqual(vm.uart.read(offset: 0x38, size: 4), 0x50, "QEMU 7.2's PL011 has no reset")
        XCTAssertEqual(vm.rtc.read(offset: 0x8, size: 4), 1000, "the RTC keeps its registers")
        XCTAssertLessThan(vm.rtc.read(offset: 0x0, size: 4) &- 1000, 5, "and its time")
    }

    func testSystemReset2() throws {
        let vm = try machine(cpus: 1)
        try vm.boot(BootFiles(kernel: (kernel, "raw")))
        let c0 = vm.cpu
        psci(vm, c0, 0x8400_000A, 0xC400_0012)
        XCTAssertEqual(c0.x(0), 0, "PSCI_FEATURES(SYSTEM_RESET2)")
        psci(vm, c0, 0xC400_0012, 0x8000_0001, 0)   // a vendor reset type: none here
        XCTAssertEqual(Int64(bitPattern: c0.x(0)), -2, "INVALID_PARAMETERS")
        psci(vm, c0, 0x8400_0012, 1, 0)              // architectural, not SYSTEM_WARM_RESET
        XCTAssertEqual(Int64(bitPattern: c0.x(0)), -2, "INVALID_PARAMETERS")
        XCTAssertNil(vm.system.pendingReset)
        psci(vm, c0, 0xC400_0012, 0, 0)              // SYSTEM_WARM_RESET
        XCTAssertEqual(vm.system.pendingReset, .guestReset)
    }

    func testNoRebootEndsTheRun() throws {
        let vm = try machine(cpus: 1)
        try vm.boot(BootFiles(kernel: (kernel, "raw")))
        vm.system.rebootAction = .shutdown
        psci(vm, vm.cpu, 0x8400_0009)
        XCTAssertNil(vm.system.pendingReset)
        XCTAssertEqual(vm.system.exitStatus, 0)
        XCTAssertEqual(vm.system.shutdownCause, .guestReset)
        XCTAssertFalse(vm.system.performPendingReset())
    }

    func testSystemOffCause() throws {
        let vm = try machine(cpus: 1)
        psci(vm, vm.cpu, 0x8400_0008)
        XCTAssertEqual(vm.system.exitStatus, 0)
        XCTAssertEqual(vm.system.shutdownCause, .guestShutdown)
        XCTAssertTrue(ShutdownCause.guestShutdown.byGuest)
        XCTAssertFalse(ShutdownCause.hostQMPSystemReset.byGuest)
        XCTAssertEqual(ShutdownCause.hostQMPSystemReset.rawValue, "host-qmp-system-reset")
    }

    func testELFReloadedAtReset() throws {
        let vm = try machine(cpus: 1)
        let img = try vm.loadKernel(bytes: try minimalELF(), name: "k.elf")
        vm.cpu.pc = 0
        _ = [UInt8](repeating: 0xFF, count: 4).withUnsafeBytes { vm.memory.writePhysical(pa: img.entry, bytes: $0) }
        vm.system.requestReset(.hostQMPSystemReset)
        XCTAssertTrue(vm.system.performPendingReset())
        XCTAssertEqual(vm.cpu.pc, img.entry)
        XCTAssertEqual(vm.memory.readPhysical(pa: img.entry, count: 4), [0x1F, 0x20, 0x03, 0xD5])
    }

    /// An ELF64 with one PT_LOAD of a NOP at 0x40080000.
    private func minimalELF() throws -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 0x80)
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for i in 0..<n { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        b[0] = 0x7F; b[1] = 0x45; b[2] = 0x4C; b[3] = 0x46; b[4] = 2; b[5] = 1; b[6] = 1
        put(16, 2, 2); put(18, 183, 2); put(20, 1, 4)
        put(24, 0x4008_0000, 8); put(32, 64, 8)
        put(52, 64, 2); put(54, 56, 2); put(56, 1, 2)
        put(64, 1, 4); put(68, 5, 4); put(72, 0x78, 8)
        put(80, 0x4008_0000, 8); put(88, 0x4008_0000, 8); put(96, 4, 8); put(104, 4, 8); put(112, 0x1000, 8)
        put(0x78, 0xD503_201F, 4)
        return b
    }
}
