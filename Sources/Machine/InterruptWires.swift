// How interrupt outputs reach an interrupt controller.
//
// A device's output (Devices' `IRQLine`) is connected by the board to an input
// of an `InterruptSink` (the GIC, whose inputs are numbered by INTID: SPI n is
// input 32 + n).
//
// The per-CPU sources (the generic timers, the PMU) reach the controller
// through the CPU (`CPU.interruptController`): they are private peripheral
// interrupts of that CPU.

/// Something interrupt wires end at: the numbered inputs of an interrupt
/// controller. `setInput` may be called from any thread.
public protocol InterruptSink: AnyObject, Sendable {
    func setInput(_ input: Int, level: Bool)
}

/// The interrupt controller a CPU belongs to (its CPU interface and its
/// private interrupts). Installed by the board; nil on a bare CPU (the timers'
/// and PMU's outputs then go nowhere).
public protocol CPUInterruptController: AnyObject {
    /// A private peripheral interrupt of CPU `cpu` (INTID 16...31) changed
    /// level. Called on that CPU's thread.
    func setPrivateInput(cpu: Int, intid: Int, level: Bool)
    /// The CPU changed exception level or Security state (exception entry and
    /// return): which of IRQ and FIQ signals a pending interrupt depends on it.
    /// Called on that CPU's thread.
    func cpuContextChanged(_ cpu: CPU)
}
