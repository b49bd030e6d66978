import Glibc

/// Signal handlers that do something first (flush the `-D` log, restore the
/// terminal) and then hand the signal on to the action installed before
/// them (another such handler, the Swift runtime's crash reporter, the
/// default action). Each user keeps its own table of previous actions, so
/// several chain.
public struct ChainedSignals: @unchecked Sendable {
    /// The previous actions, by signal number.
    private let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    public init() {}

    /// Installs `handler` for `signals`; the handler ends with `handOn`.
    public func install(_ signals: [Int32], _ handler: @escaping @convention(c) (Int32) -> Void) {
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = handler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            _ = sigaction(sig, &action, previous + Int(sig))
        }
    }

    /// In the handler: puts back the previous action of `s` and raises `s`
    /// again; blocked while the handler runs, it reaches that action on return.
    public func handOn(_ s: Int32) {
        _ = sigaction(s, previous + Int(s), nil)
        raise(s)
    }
}
