import Machine

/// What Arm's PrimeCell peripherals (PL011, PL031, PL061) share: the
/// identification registers at 0xFE0–0xFFC (PeriphID0–3, PCellID0–3, one
/// byte each in a word) and 32-bit registers a guest may read a byte or
/// halfword of.
public struct PrimeCellID: Sendable {
    /// The eight ID bytes, PeriphID0 first.
    public let bytes: [UInt32]
    public init(_ bytes: [UInt32]) { precondition(bytes.count == 8); self.bytes = bytes }

    public static let offsets: ClosedRange<UInt64> = 0xFE0...0xFFC

    /// The ID register holding `offset` (within `offsets`).
    public func read(_ offset: UInt64) -> UInt32 { bytes[Int(((offset & ~3) - PrimeCellID.offsets.lowerBound) >> 2)] }

    /// The `size` bytes at `offset` of the 32-bit register value `v`.
    public static func narrow(_ v: UInt32, offset: UInt64, size: Int) -> UInt64 {
        let shifted = UInt64(v) >> (UInt64(offset & 3) * 8)
        return size >= 4 ? shifted : shifted & ((1 << UInt64(size * 8)) - 1)
    }
}

/// A PrimeCell peripheral's reads: a 32-bit register (or a byte or halfword
/// of it), the ID registers answered from `primeCellID`, and a guest error
/// for an offset that has no register.
public protocol PrimeCellDevice: MMIODevice {
    static var id: PrimeCellID { get }
    var onGuestError: ((String) -> Void)? { get }
    /// The register at the word-aligned offset `reg` (below the ID
    /// registers), or nil when there is none.
    func readRegister(_ reg: UInt64) -> UInt32?
}

extension PrimeCellDevice {
    public func read(offset: UInt64, size: Int) -> UInt64 {
        let reg = offset & ~3
        var v: UInt32 = 0
        if PrimeCellID.offsets.contains(reg) {
            v = Self.id.read(reg)
        } else if let r = readRegister(reg) {
            v = r
        } else {
            onGuestError?("\(name): read of unknown register at offset \(hex(offset))")
        }
        return PrimeCellID.narrow(v, offset: offset, size: size)
    }
}
