import Machine

/// PSCI 1.1 (Arm DEN 0022) answered by the emulator, as QEMU's virt does when
/// the guest has no EL3 firmware of its own. CPU_ON starts a powered-off CPU
/// at the highest Non-secure EL the guest has (EL2 with virtualization=on,
/// else EL1); CPU_OFF powers the caller off (the run ends when no CPU is left
/// on); CPU_SUSPEND is a standby (a WFI); SYSTEM_OFF ends the run with status
/// 0; SYSTEM_RESET and SYSTEM_RESET2 (its warm reset) restart the machine
/// (`System.requestReset`: the run ends instead with `-no-reboot`).
public final class PSCI: FirmwareServices {
    public let conduit: FirmwareConduit

    public enum Function: UInt64 {
        case version = 0x8400_0000
        case cpuSuspend32 = 0x8400_0001, cpuSuspend64 = 0xC400_0001
        case cpuOff = 0x8400_0002
        case cpuOn32 = 0x8400_0003, cpuOn64 = 0xC400_0003
        case affinityInfo32 = 0x8400_0004, affinityInfo64 = 0xC400_0004
        case migrateInfoType = 0x8400_0006
        case systemOff = 0x8400_0008
        case systemReset = 0x8400_0009
        case features = 0x8400_000A
        case systemReset2_32 = 0x8400_0012, systemReset2_64 = 0xC400_0012
    }

    public enum Status: Int64 {
        case success = 0
        case notSupported = -1
        case invalidParameters = -2
        case denied = -3
        case alreadyOn = -4
        case onPending = -5
    }

    /// The affinity fields of an MPIDR argument (Aff3 39:32, Aff2-Aff0 23:0).
    static let affinityMask: UInt64 = 0xFF_00FF_FFFF

    public init(conduit: FirmwareConduit) { self.conduit = conduit }

    public func call(cpu: CPU) {
        // SMC32/HVC32 function IDs use only W0.
        var fid = cpu.x(0)
        if fid & 0x4000_0000 == 0 { fid &= 0xFFFF_FFFF }
        let f = Function(rawValue: fid)
        // CPU_SUSPEND writes its result before the standby; CPU_OFF does not return.
        if let r = result(f, fid, cpu) { cpu.setX(0, UInt64(bitPattern: r)) }
        if f == .cpuSuspend32 || f == .cpuSuspend64, cpu.x(0) == 0 { cpu.standby() }
    }

    /// Argument `n` (X1-X3): 32 bits for the SMC32/HVC32 functions.
    private func argument(_ n: Int, _ fid: UInt64, _ cpu: CPU) -> UInt64 {
        fid & 0x4000_0000 == 0 ? cpu.x(n) & 0xFFFF_FFFF : cpu.x(n)
    }

    private func result(_ f: Function?, _ fid: UInt64, _ cpu: CPU) -> Int64? {
        guard let f else {
            cpu.system.log(.unimp, "psci: unimplemented function \(hex(fid)); returning NOT_SUPPORTED")
            return Status.notSupported.rawValue
        }
        switch f {
        case .version:
            return 0x0001_0001
        case .cpuSuspend32, .cpuSuspend64:
            // Power states with affinity levels above 0 are not supported (QEMU).
            return argument(1, fid, cpu) & 0xFFFE_0000 != 0 ? Status.invalidParameters.rawValue : Status.success.rawValue
        case .cpuOff:
            cpu.powerOff()
            if !cpu.system.cpus.contains(where: { $0.powerState != .off }) { cpu.system.requestExit(status: 0) }
            return nil
        case .systemOff:
            cpu.system.requestShutdown(.guestShutdown)
            return nil
        case .systemReset:
            cpu.system.requestReset(.guestReset)
            return nil
        case .systemReset2_32, .systemReset2_64:
            // reset_type: bit 31 set is vendor-specific (none here); of the
            // architectural types only 0, SYSTEM_WARM_RESET, exists (DEN 0022 5.20).
            guard argument(1, fid, cpu) == 0 else { return Status.invalidParameters.rawValue }
            cpu.system.requestReset(.guestReset)
            return nil
        case .cpuOn32, .cpuOn64:
            guard let target = PSCI.cpu(withAffinity: argument(1, fid, cpu), in: cpu.system) else {
                return Status.invalidParameters.rawValue
            }
            let el = cpu.config.hasEL2 ? 2 : 1
            let request = PowerOnRequest(entry: argument(2, fid, cpu), contextID: argument(3, fid, cpu), el: el)
            switch target.requestPowerOn(request) {
            case .off: return Status.success.rawValue
            case .on: return Status.alreadyOn.rawValue
            case .onPending: return Status.onPending.rawValue
            }
        case .affinityInfo32, .affinityInfo64:
            // Levels above 0 are always on (QEMU).
            guard argument(2, fid, cpu) == 0 else { return 0 }
            guard let target = PSCI.cpu(withAffinity: argument(1, fid, cpu), in: cpu.system) else {
                return Status.invalidParameters.rawValue
            }
            return Int64(target.powerState.rawValue)
        case .migrateInfoType:
            return 2   // Trusted OS not present / migration not required
        case .features:
            let q = cpu.x(1) & 0xFFFF_FFFF
            return Function(rawValue: q) != nil ? 0 : Status.notSupported.rawValue
        }
    }

    /// The CPU whose MPIDR affinity fields are those of `mpidr`.
    static func cpu(withAffinity mpidr: UInt64, in system: System) -> CPU? {
        system.cpus.first { $0.mpidr & affinityMask == mpidr & affinityMask }
    }
}
