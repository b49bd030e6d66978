/// The host code of one block the JIT compiled, as `EngineOptions.onCompile`
/// reports it (for `-d out_asm`).
public struct HostCodeInfo: Sendable {
    /// Where one guest instruction's code starts in the block.
    public struct InstructionStart: Sendable, Equatable {
        /// Offset of its first host byte from the start of the block.
        public var hostOffset: Int
        public var guestPC: UInt64
        public init(hostOffset: Int, guestPC: UInt64) {
            self.hostOffset = hostOffset
            self.guestPC = guestPC
        }
    }

    /// The guest PC of the block's first instruction.
    public var guestPC: UInt64
    /// The block's host code, body then out-of-line stubs.
    public var code: [UInt8]
    /// The executable address of `code[0]`.
    public var hostAddress: UInt64
    /// One entry per guest instruction, in order; code before the first is the
    /// block's entry check.
    public var instructionStarts: [InstructionStart]
    /// Bytes of the block body; the out-of-line code (softmmu slow paths,
    /// exception and exit stubs) follows it up to `code.count`.
    public var bodySize: Int

    public init(guestPC: UInt64, code: [UInt8], hostAddress: UInt64, instructionStarts: [InstructionStart], bodySize: Int) {
        self.guestPC = guestPC
        self.code = code
        self.hostAddress = hostAddress
        self.instructionStarts = instructionStarts
        self.bodySize = bodySize
    }
}
