/// The Secure world's nodes of QEMU 7.2's virt with secure=on (hw/arm/virt.c:
/// create_uart, create_secure_ram, create_gpio_devices for the secure GPIO):
/// each is disabled for the Non-secure world (status) and enabled for the
/// Secure one (secure-status), and /secure-chosen names the secure UART.
extension VirtDeviceTree {
    static func addSecureNodes(_ t: FlatDeviceTree, clock: UInt32, gpioPhandle: UInt32, random: (Int) -> [UInt8]) {
        let uart = addPrimeCell(t, "pl011", VirtMap.secureUART, spi: VirtMap.SPI.secureUART, clock: clock, secureOnly: true)
        t.addNode("/secure-chosen")
        t.set("/secure-chosen", "stdout-path", string: uart)
        t.set("/secure-chosen", "kaslr-seed", bytes: random(8))
        t.set("/secure-chosen", "rng-seed", bytes: random(32))

        let ram = "/secram@\(String(VirtMap.secureMemory.base, radix: 16))"
        addSecureNode(t, ram)
        t.set(ram, "device_type", string: "memory")
        t.set(ram, "reg", cells64: [VirtMap.secureMemory.base, VirtMap.secureMemory.size])

        addPrimeCell(t, "pl061", VirtMap.secureGPIO, spi: VirtMap.SPI.secureGPIO, clock: clock,
                     gpioPhandle: gpioPhandle, secureOnly: true)
        for (node, compatible, line) in [("/gpio-poweroff", "gpio-poweroff", VirtMap.secureGPIOPowerOffLine),
                                         ("/gpio-restart", "gpio-restart", VirtMap.secureGPIOResetLine)] {
            addSecureNode(t, node)
            t.set(node, "compatible", string: compatible)
            t.set(node, "gpios", cells: [gpioPhandle, UInt32(line), 0])
        }
    }
}
