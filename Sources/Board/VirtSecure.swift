import Machine
import Devices

/// What `-M virt,secure=on` adds for the Secure world, as QEMU 7.2's virt
/// places it (hw/arm/virt.c): 16 MiB of secure RAM at 0x0E000000, a second
/// PL011 at 0x09040000 (SPI 8) and a PL061 at 0x090B0000 whose lines 0 and 1
/// power the machine off and reset it (QEMU's gpio-pwr), all in the Secure
/// address space only; flash bank 0 moves there too (the Non-secure world
/// sees bank 1 alone). The secure UART is QEMU's second serial port
/// (`-serial` given twice); without one its output is dropped, as QEMU's.
public final class SecureDevices {
    public let ram: MemoryRegion
    public let uart: PL011
    public let gpio: PL061

    init(memory: AddressSpace, flash: MemoryRegion, console: HostConsole?) throws {
        ram = try memory.addRAM(name: "virt.secure-ram", base: VirtMap.secureMemory.base, size: VirtMap.secureMemory.size)
        ram.secureOnly = true
        uart = PL011(name: "pl011-secure", console: console ?? HostConsole(outputFD: -1, inputFD: -1))
        try memory.addDevice(uart, base: VirtMap.secureUART.base, size: VirtMap.secureUART.size).secureOnly = true
        gpio = PL061(name: "pl061-secure", irq: IRQLine(name: "pl061-secure"))
        try memory.addDevice(gpio, base: VirtMap.secureGPIO.base, size: VirtMap.secureGPIO.size).secureOnly = true
        flash.secureOnly = true
    }

    /// Guest errors to the log; the GPIO's power lines to the machine.
    func connect(system: System) {
        uart.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
        gpio.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
        gpio.onOutputRising = { [unowned system] lines in
            if lines & 1 << UInt8(VirtMap.secureGPIOPowerOffLine) != 0 { system.requestShutdown(.guestShutdown) }
            if lines & 1 << UInt8(VirtMap.secureGPIOResetLine) != 0 { system.requestReset(.guestReset) }
        }
    }

    func reset() {
        gpio.reset()
    }
}
