import Machine

/// PSCI 1.1 (Arm DEN 0022) answered by the emulator, as QEMU's virt does when
/// the guest has no EL3 firmware of its own. The machine has one CPU, so CPU_ON
/// of another reports INVALID_PARAMETERS; SYSTEM_OFF ends the run with status 0.
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
    }

    public enum Status: Int64 {
        case success = 0
        case notSupported = -1
        case invalidParameters = -2
        case alreadyOn = -4
    }

    public init(conduit: FirmwareConduit) { self.conduit = conduit }

    public func call(cpu: CPU) {
        // SMC32/HVC32 function IDs use only W0.
        var fid = cpu.x(0)
        if fid & 0x4000_0000 == 0 { fid &= 0xFFFF_FFFF }
        cpu.setX(0, UInt64(bitPattern: result(fid, cpu)))
    }

    private func result(_ fid: UInt64, _ cpu: CPU) -> Int64 {
        guard let f = Function(rawValue: fid) else {
            cpu.system.log(.unimp, "psci: unimplemented function \(hex(fid)); returning NOT_SUPPORTED")
            return Status.notSupported.rawValue
        }
        switch f {
        case .version:
            return 0x0001_0001
        case .cpuSuspend32, .cpuSuspend64:
            return Status.success.rawValue   // a power-down request may return at once
        case .cpuOff, .systemOff:
            cpu.system.requestExit(status: 0)
            return Status.success.rawValue
        case .systemReset:
            // Like QEMU with -no-reboot: a reset request ends the run.
            cpu.system.requestExit(status: 0)
            return Status.success.rawValue
        case .cpuOn32, .cpuOn64:
            return isThisCPU(cpu.x(1), cpu) ? Status.alreadyOn.rawValue : Status.invalidParameters.rawValue
        case .affinityInfo32, .affinityInfo64:
            return isThisCPU(cpu.x(1), cpu) ? 0 /* ON */ : Status.invalidParameters.rawValue
        case .migrateInfoType:
            return 2   // Trusted OS not present / migration not required
        case .features:
            var q = cpu.x(1)
            if q & 0x4000_0000 == 0 { q &= 0xFFFF_FFFF }
            return Function(rawValue: q) != nil ? 0 : Status.notSupported.rawValue
        }
    }

    private func isThisCPU(_ mpidr: UInt64, _ cpu: CPU) -> Bool {
        mpidr & 0xFF_00FF_FFFF == UInt64(cpu.index)
    }
}
