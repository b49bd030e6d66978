import CFFI
import IR
import Machine

/// The C ABI every helper has: the state block, three 64-bit arguments, a
/// 64-bit result. The JIT calls these directly; the IR interpreter calls them
/// through libffi, so both engines share one table.
public typealias HelperFunction = @convention(c) (UnsafeMutableRawPointer, UInt64, UInt64, UInt64) -> UInt64

public enum HelperTable {
    /// Indexed by `HelperID.rawValue`.
    public static let functions: [HelperFunction] = HelperID.allCases.map { function(for: $0) }

    static func function(for id: HelperID) -> HelperFunction {
        switch id {
        case .mrs: return helperMRS
        case .msr: return helperMSR
        case .msrImmediate: return helperMSRImmediate
        case .sys: return helperSys
        case .svc: return helperSVC
        case .hvc: return helperHVC
        case .smc: return helperSMC
        case .brk: return helperBRK
        case .hlt: return helperHLT
        case .undefined: return helperUndefined
        case .eret: return helperERET
        case .hint: return helperHint
        case .crc32: return helperCRC32
        case .loadExclusive: return helperLoadExclusive
        case .storeExclusive: return helperStoreExclusive
        case .atomic: return helperAtomic
        case .compareAndSwap: return helperCompareAndSwap
        case .compareAndSwapPair: return helperCompareAndSwapPair
        case .dcZeroVA: return helperDCZeroVA
        case .clrex: return helperClearExclusive
        case .fpAccessTrap: return helperFPAccessTrap
        case .barrier: return helperBarrier
        case .dataCacheMaintenance: return helperDataCacheMaintenance
        case .random: return helperRandom
        case .pauth: return helperPAuth
        case .eretAuth: return helperERETAuth
        }
    }
}

/// Calls helpers through libffi with one prepared call interface
/// (pointer, u64, u64, u64) -> u64.
final class FFIHelperCaller {
    private var cif = ffi_cif()
    private let argTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>
    private let argValues: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let storage: UnsafeMutablePointer<UInt64>   // [state, a, b, c]

    init() {
        argTypes = .allocate(capacity: 4)
        argTypes[0] = armature_ffi_type_pointer()
        argTypes[1] = armature_ffi_type_uint64()
        argTypes[2] = armature_ffi_type_uint64()
        argTypes[3] = armature_ffi_type_uint64()
        storage = .allocate(capacity: 4)
        storage.initialize(repeating: 0, count: 4)
        argValues = .allocate(capacity: 4)
        for i in 0..<4 { argValues[i] = UnsafeMutableRawPointer(storage + i) }
        let status = ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 4, armature_ffi_type_uint64(), argTypes)
        precondition(status == FFI_OK, "libffi could not prepare the helper call interface")
    }

    deinit {
        argTypes.deallocate()
        argValues.deallocate()
        storage.deallocate()
    }

    @inline(__always)
    func call(_ fn: HelperFunction, state: UnsafeMutableRawPointer, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        storage[0] = UInt64(UInt(bitPattern: state))
        storage[1] = a
        storage[2] = b
        storage[3] = c
        var result: UInt64 = 0
        let entry = unsafeBitCast(fn, to: (@convention(c) () -> Void).self)
        ffi_call(&cif, entry, &result, argValues)
        return result
    }
}
