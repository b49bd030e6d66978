import Machine

/// Which engine runs guest code.
public enum EngineKind: String, Sendable, CaseIterable {
    case interp
    case jit
}

public struct EngineOptions: Sendable {
    public var kind: EngineKind = .interp
    public init() {}
}

/// Runs the CPUs of a system until the guest exits. (Being written.)
public final class Dispatcher {
    public let system: System
    public let options: EngineOptions
    public init(system: System, options: EngineOptions) {
        self.system = system
        self.options = options
    }
    /// Runs until `system.exitStatus` is set; returns it.
    public func run() -> Int32 {
        fatalError("engine being written")
    }
}
