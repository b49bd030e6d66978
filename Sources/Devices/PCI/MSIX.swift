/// A function's MSI-X capability and its table and Pending Bit Array in a
/// BAR (PCI Local Bus Specification 3.0, 6.8.2): the capability's Message
/// Control (enable, function mask, table size), each vector's address, data
/// and mask bit, and the pending bits of vectors signalled while masked,
/// sent when unmasked.
public final class MSIX {
    /// Message Control bits.
    public static let enableBit: UInt16 = 1 << 15, functionMaskBit: UInt16 = 1 << 14
    /// Vector Control: the entry's mask bit.
    static let entryMasked: UInt32 = 1

    unowned let function: PCIFunction
    /// The capability's offset in configuration space.
    public let capability: Int
    public let vectorCount: Int
    /// The BAR holding the table (at offset 0) and the PBA (at `pbaOffset`).
    public let bar: Int
    public let pbaOffset: UInt64
    /// Table entries: address low, address high, data, vector control.
    private var table: [UInt32]
    private var pending: [Bool]

    /// Adds the capability to `function` (at the head of its list: `first`); the caller declares `bar` and
    /// routes its accesses to `readBAR`/`writeBAR`.
    public init(function: PCIFunction, vectors: Int, bar: Int, pbaOffset: UInt64, first: Bool = false) {
        precondition(vectors >= 1 && vectors <= 2048 && UInt64(vectors * 16) <= pbaOffset)
        self.function = function
        self.vectorCount = vectors
        self.bar = bar
        self.pbaOffset = pbaOffset
        table = Array(repeating: 0, count: vectors * 4)
        for v in 0..<vectors { table[v * 4 + 3] = MSIX.entryMasked }
        pending = Array(repeating: false, count: vectors)
        capability = function.addCapability(id: 0x11, length: 12, first: first)
        function.set16(capability + 2, UInt16(vectors - 1))
        function.set32(capability + 4, UInt32(bar))                              // table at offset 0
        function.set32(capability + 8, UInt32(pbaOffset) | UInt32(bar))
        function.setWriteMask(capability + 3, [UInt8((MSIX.enableBit | MSIX.functionMaskBit) >> 8)])
    }

    var control: UInt16 { function.get16(capability + 2) }
    public var enabled: Bool { control & MSIX.enableBit != 0 }
    public var functionMasked: Bool { control & MSIX.functionMaskBit != 0 }

    /// Signals `vector`: sends its message, or marks it pending while masked.
    /// Returns false when MSI-X is disabled (the caller uses INTx).
    @discardableResult
    public func notify(_ vector: Int) -> Bool {
        guard enabled else { return false }
        guard vector >= 0 && vector < vectorCount else { return true }
        if functionMasked || table[vector * 4 + 3] & MSIX.entryMasked != 0 {
            pending[vector] = true
        } else {
            send(vector)
        }
        return true
    }

    private func send(_ v: Int) {
        let address = UInt64(table[v * 4]) | UInt64(table[v * 4 + 1]) << 32
        function.sendMSI(address: address, data: table[v * 4 + 2])
    }

    /// Sends what became deliverable (after an unmask or an enable).
    public func deliverPending() {
        guard enabled && !functionMasked else { return }
        for v in 0..<vectorCount where pending[v] && table[v * 4 + 3] & MSIX.entryMasked == 0 {
            pending[v] = false
            send(v)
        }
    }

    /// The function's configuration write touched the capability.
    public func configWritten(offset: Int, size: Int) {
        if offset < capability + 4 && offset + size > capability + 2 { deliverPending() }
    }

    /// Resets the table (every vector masked) and the pending bits; the
    /// capability's control register is the function's to reset.
    public func reset() {
        for v in 0..<vectorCount { table[v * 4] = 0; table[v * 4 + 1] = 0; table[v * 4 + 2] = 0; table[v * 4 + 3] = MSIX.entryMasked }
        pending = Array(repeating: false, count: vectorCount)
    }

    // MARK: The BAR

    public func readBAR(offset: UInt64, size: Int) -> UInt64 {
        if offset >= pbaOffset {
            // Pending bits, 64 per qword.
            var v: UInt64 = 0
            let first = Int(offset - pbaOffset) * 8
            for b in 0..<(size * 8) where first + b < vectorCount && pending[first + b] { v |= 1 << UInt64(b) }
            return v
        }
        var v: UInt64 = 0
        for i in 0..<size {
            let byte = Int(offset) + i, word = byte / 4
            guard word < table.count else { break }
            v |= UInt64((table[word] >> (8 * UInt32(byte % 4))) & 0xFF) << (8 * UInt64(i))
        }
        return v
    }

    public func writeBAR(offset: UInt64, size: Int, value: UInt64) {
        guard offset < pbaOffset else { return }   // the PBA is read-only
        var touched = Set<Int>()
        for i in 0..<size {
            let byte = Int(offset) + i, word = byte / 4
            guard word < table.count else { break }
            let shift = 8 * UInt32(byte % 4)
            let b = UInt32(truncatingIfNeeded: value >> (8 * UInt64(i))) & 0xFF
            table[word] = table[word] & ~(0xFF << shift) | b << shift
            touched.insert(word / 4)
        }
        // Only bit 0 of Vector Control is defined; an unmask may send a pending message.
        for v in touched { table[v * 4 + 3] &= MSIX.entryMasked }
        if !touched.isEmpty { deliverPending() }
    }
}
