/// The Secure world's nodes of QEMU 7.2's virt with secure=on (hw/arm/virt.c:
/// create_uart, create_secure_ram, create_gpio_devices for the secure GPIO):
/// each is disabled for the Non-secure world (status) and enabled for the
/// Secure one (secure-status), and /secure-chosen names the secure UART.
extension VirtDeviceTree {
    static func addSecureNodes(_ t: FlatDeviceTree, clock: UInt32, gpioPhandle: UInt32, random: (Int) -> [UInt8]) {
        func secureOnly(_ node: String) {
            t.addNode(node)
            t.set(node, "secure-status", string: "okay")
            t.set(node, "status", string: "disabled")
        }
        func primeCell(_ node: String, _ compatible: String, _ r: VirtMap.Region, spi: UInt32) {
            secureOnly(node)
            t.set(node, "compatible", strings: [compatible, "arm,primecell"])
            t.set(node, "reg", cells64: [r.base, r.size])
            t.set(node, "interrupts", cells: [irqSPI, spi, levelHigh])
        }
        let uart = "/pl011@\(String(VirtMap.secureUART.base, radix: 16))"
        primeCell(uart, "arm,pl011", VirtMap.secureUART, spi: VirtMap.SPI.secureUART)
        t.set(uart, "clocks", cells: [clock, clock])
        t.set(uart, "clock-names", strings: ["uartclk", "apb_pclk"])
        t.addNode("/secure-chosen")
        t.set("/secure-chosen", "stdout-path", string: uart)
        t.set("/secure-chosen", "kaslr-seed", bytes: random(8))
        t.set("/secure-chosen", "rng-seed", bytes: random(32))

        let ram = "/secram@\(String(VirtMap.secureMemory.base, radix: 16))"
        secureOnly(ram)
        t.set(ram, "device_type", string: "memory")
        t.set(ram, "reg", cells64: [VirtMap.secureMemory.base, VirtMap.secureMemory.size])

        let gpio = "/pl061@\(String(VirtMap.secureGPIO.base, radix: 16))"
        primeCell(gpio, "arm,pl061", VirtMap.secureGPIO, spi: VirtMap.SPI.secureGPIO)
        t.set(gpio, "#gpio-cells", cell: 2)
        t.set(gpio, "gpio-controller")
        t.set(gpio, "clocks", cell: clock)
        t.set(gpio, "clock-names", string: "apb_pclk")
        t.set(gpio, "phandle", cell: gpioPhandle)
        for (node, compatible, line) in [("/gpio-poweroff", "gpio-poweroff", VirtMap.secureGPIOPowerOffLine),
                                         ("/gpio-restart", "gpio-restart", VirtMap.secureGPIOResetLine)] {
            secureOnly(node)
            t.set(node, "compatible", string: compatible)
            t.set(node, "gpios", cells: [gpioPhandle, UInt32(line), 0])
        }
    }
}
