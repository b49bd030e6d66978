/// The root port's extended capabilities (PCIRootPort.swift), as QEMU 7.2's
/// pcie-root-port has them: Advanced Error Reporting at 0x100 and Access
/// Control Services at 0x148.
extension PCIRootPort {
    /// Advanced Error Reporting registers, from the capability's offset (PCIe Base 4.0, 7.8.4).
    public enum AER {
        public static let offset = 0x100, length = 0x48
        public static let uncorrectableStatus = 0x04, uncorrectableMask = 0x08, uncorrectableSeverity = 0x0C
        public static let correctableStatus = 0x10, correctableMask = 0x14, capabilitiesAndControl = 0x18
        public static let rootCommand = 0x2C, rootStatus = 0x30, errorSourceID = 0x34
        /// The uncorrectable errors QEMU 7.2 models (data link protocol, surprise
        /// down, poisoned TLP, flow control, completion timeout and abort,
        /// unexpected completion, receiver overflow, malformed TLP, ECRC,
        /// unsupported request, ACS violation, internal, MC blocked, AtomicOp
        /// egress blocked, TLP prefix blocked) and those fatal by default.
        public static let uncorrectableSupported: UInt32 = 0x03FF_F030, severityDefault: UInt32 = 0x0046_2030
        /// The correctable errors modelled (receiver, bad TLP and DLLP, replay
        /// rollover and timeout, advisory non-fatal, internal, header log
        /// overflow) and those masked by default (the last three).
        public static let correctableSupported: UInt32 = 0xF1C1, correctableMaskDefault: UInt32 = 0xE000
    }

    /// The AER capability (version 2) as QEMU 7.2's root port: ECRC generation
    /// and checking and multiple header recording capable (their enables
    /// writable), the error masks and severities writable, the root's error
    /// reporting enables and its status bits (write 1 to clear).
    func addAdvancedErrorReporting() {
        let a = addExtendedCapability(id: 0x0001, version: 2, offset: AER.offset, length: AER.length)
        func bytes(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        setClearMask(a + AER.uncorrectableStatus, bytes(AER.uncorrectableSupported))
        setWriteMask(a + AER.uncorrectableMask, bytes(AER.uncorrectableSupported))
        set32(a + AER.uncorrectableSeverity, AER.severityDefault)
        setWriteMask(a + AER.uncorrectableSeverity, bytes(AER.uncorrectableSupported))
        setClearMask(a + AER.correctableStatus, bytes(AER.correctableSupported))
        set32(a + AER.correctableMask, AER.correctableMaskDefault)
        setWriteMask(a + AER.correctableMask, bytes(AER.correctableSupported))
        set32(a + AER.capabilitiesAndControl, 0x2A0)                     // ECRC gen/check, multiple headers capable
        setWriteMask(a + AER.capabilitiesAndControl, bytes(0x540))      // and their enables
        setWriteMask(a + AER.rootCommand, bytes(0x7))                    // correctable, non-fatal, fatal reporting
        setClearMask(a + AER.rootStatus, bytes(0x7F))                    // errors received (message number: 0)
    }

    /// Access Control Services (PCIe Base 4.0, 7.7.7), version 1 at 0x148:
    /// what a downstream port must offer (source validation, translation
    /// blocking, P2P request and completion redirect, upstream forwarding,
    /// direct translated P2P), each enabled in ACS Control. Nothing here
    /// does peer-to-peer, so the enables change no routing.
    func addAccessControlServices() {
        let c = addExtendedCapability(id: 0x000D, version: 1, offset: 0x148, length: 8)
        set16(c + 4, 0x005F)
        setWriteMask(c + 6, [0x5F, 0x00])
    }
}
