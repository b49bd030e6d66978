import Machine
import Devices

extension VirtMachine {
    /// A machine reset (`System.performPendingReset`, between blocks), as
    /// QEMU 7.2's virt does it: every CPU to its reset state, the GIC, the
    /// GPIO and the PCI functions to theirs, the secondary CPUs off again for PSCI CPU_ON, RAM
    /// kept, the boot images (kernel, initrd, device tree, ELF) loaded again
    /// and the boot CPU set up for them. The UART and the RTC keep their
    /// registers (QEMU 7.2's PL011 and PL031 have no reset; the RTC keeps
    /// counting from its offset), and the system counter keeps counting.
    func resetMachine() {
        gic.reset()
        system.resetCPUs()
        gpio.reset()
        secureDevices?.reset()
        // The GIC's inputs are low after its reset: give it the lines' levels.
        for (spi, line) in spiLines { gic.connect(line, spi: Int(spi)) }
        resetPCI()
        (msiController as? GICv3ITS)?.reset()
        resetVirtio()
        if !options.secure {
            for c in cpus.dropFirst() { c.powerOff() }
        }
        do {
            try bootImageLoader?()
        } catch {
            system.fatal("machine reset: the boot images could not be loaded again: \(error)")
        }
    }
}
