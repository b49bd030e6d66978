/// A bad option value: one line naming the option and the value. Thrown by the
/// parsers of every layer that reads a command-line value (the QEMU options in the
/// command line, the `-d` items in Debug) and printed by the command line as is.
public struct OptionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
