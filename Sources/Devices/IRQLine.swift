/// A level-sensitive interrupt wire from a device to the interrupt controller.
/// The device sets its level; the board connects the other end (an SPI of the
/// GIC) with `connect`. Unconnected, it only records the level.
public final class IRQLine {
    public let name: String
    public private(set) var level = false
    private var sink: ((Bool) -> Void)?

    public init(name: String) { self.name = name }

    /// Connects the line; the sink is told at once if the line is already high.
    public func connect(_ sink: @escaping (Bool) -> Void) {
        self.sink = sink
        if level { sink(true) }
    }

    public func set(_ high: Bool) {
        guard high != level else { return }
        level = high
        sink?(high)
    }
}
