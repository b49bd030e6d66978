/// The CPU state is one flat, page-aligned block of memory with fixed offsets.
/// The IR interpreter, the JIT and the helpers all address it the same way.
/// No Swift objects live inside it (only an opaque back pointer to the CPU).
public enum StateLayout {
    /// X0...X30, then SP_EL0...SP_EL3 as guest register ids 31...34.
    public static let gprBase = 0
    public static let gprCount = 35
    @inlinable public static func gpr(_ id: Int) -> Int { gprBase + id * 8 }
    public static let spEL0Id = 31

    public static let pc = 280
    /// NZCV as a "flags word" (`FlagsWord`): N bit 15, Z bit 14, C bit 8, V bit 0,
    /// the layout x86's LAHF + SETO produce, so JIT code saves and restores guest
    /// flags in a few instructions. Other bits are don't-care. Use `CPU.nzcv`
    /// for the architectural value.
    public static let nzcv = 288
    /// PSTATE fields other than NZCV, one 64-bit slot each.
    public static let currentEL = 296
    public static let spSel = 304
    /// DAIF in bits 9:6, as the DAIF system register shows them.
    public static let daif = 312
    /// PSTATE.IL (bit 20), SS (bit 21), PAN (bit 22), UAO (bit 23), SSBS (bit 12), BTYPE (11:10).
    public static let pstateMisc = 320

    // Exclusive monitor (local): address, size in bytes, values seen by the load-exclusive.
    public static let exclusiveAddr = 328
    public static let exclusiveSize = 336   // 0 = monitor open (no reservation)
    public static let exclusiveValue = 344
    public static let exclusiveValue2 = 352

    /// Non-zero asks generated code / the interpreter to return to the dispatcher
    /// at the next block boundary (interrupt, halt, sysreg change by another agent).
    public static let exitRequest = 360
    /// Set by a helper or slow path that has delivered an exception (PC now at the
    /// vector); the engine must leave the block at once.
    public static let exceptionTaken = 368
    /// Opaque `Unmanaged<CPU>` back pointer for helpers.
    public static let cpuObject = 376
    /// Guest instructions retired (maintained by the engines at block ends).
    public static let instructionCount = 384
    /// PC of the instruction being executed when a slow path runs (set by the engines
    /// when calling out, so faults are precise).
    public static let faultPC = 392

    /// Set by a slow-path store that wrote to a page holding translated code: the
    /// running block stops at the next instruction boundary.
    public static let codeWritten = 400
    /// Staging slots for helper arguments (JIT call sites).
    public static let helperArgs = 408   // three slots
    /// Non-zero asks the dispatcher to evaluate interrupts before the next block
    /// (a line went up, a timer deadline passed, a mask may have opened); set
    /// together with `exitRequest`, from any thread (Interrupts.swift).
    public static let interruptCheck = 432
    /// The host address of this CPU's JIT jump cache (VA -> host code pairs):
    /// translated code reaches it through the state pointer, so the same code
    /// serves every CPU.
    public static let jumpCache = 440
    /// While CPUs share a thread round-robin: the instruction count at which
    /// this CPU's time slice ends (JIT code compiled for that mode leaves at
    /// the first block entry at or past it, as the interpreter's dispatcher
    /// does, so the interleaving depends on nothing but the guest).
    public static let instructionLimit = 448

    /// FP/SIMD registers V0...V31, 16 bytes each.
    public static let vregBase = 512
    @inlinable public static func vreg(_ n: Int) -> Int { vregBase + n * 16 }
    public static let fpcr = 1024
    public static let fpsr = 1032
    /// Two slots for FP/SIMD helpers: the high half of a 128-bit helper
    /// result, and the host MXCSR the JIT computes with (FP/SIMD IR ops).
    public static let fpScratch = 1040
    public static let hostMXCSR = 1048

    /// Spill slots of the JIT's register allocator.
    public static let spillBase = 1088
    public static let spillSlots = 120

    /// System registers: one 64-bit slot each, in the order of `SysRegTable.all`.
    public static let sysregBase = 2048
    public static let sysregSlots = 512
    @inlinable public static func sysreg(_ slot: Int) -> Int { sysregBase + slot * 8 }

    /// 16-byte slots where the JIT keeps 128-bit IR values (v128).
    public static let vectorSpillBase = 6144
    public static let vectorSpillSlots = 64

    /// Softmmu TLB: `TLB.mmuIndexCount` tables of `TLB.entries` entries of 32 bytes.
    public static let tlbBase = 8192

    public static var size: Int { tlbBase + TLB.tableBytes * TLB.mmuIndexCount }
}

/// The softmmu TLB: per MMU index, a direct-mapped table of entries
/// {read tag, write tag, code tag, addend} in the style of QEMU's cputlb.
/// A tag is the page-aligned virtual address; a low bit set (or all bits set
/// for an empty entry) sends the access to the slow path, so one compare
/// checks page, permission and "plain RAM".
public enum TLB {
    public static let pageBits = 12
    public static let pageSize: UInt64 = 1 << 12
    public static let pageMask: UInt64 = ~(pageSize - 1)
    /// 8192 entries (32 MiB of 4 KiB pages) per MMU index; flushes touch only
    /// the indices filled since the last flush (`CPU.tlbDirtyIndices`).
    public static let entryBits = 13
    public static let entries = 1 << entryBits
    /// 32-byte entries: four 64-bit words.
    public static let entryBytesLog2 = 5
    public static let entryBytes = 1 << entryBytesLog2
    public static let tableBytes = entries * entryBytes
    public static let mmuIndexCount = 16

    public static let readTagOffset = 0
    public static let writeTagOffset = 8
    public static let codeTagOffset = 16
    public static let addendOffset = 24

    /// An empty entry: no address compares equal to it.
    public static let invalidTag: UInt64 = ~0
    // The flags sit above the low address bits an access keeps in its compare
    // value (va & (pageMask | size-1), sizes up to 16 bytes): an unaligned
    // address must never equal a flagged tag (an 8-byte store at offset 4 of a
    // code page did with flagCode = 4).
    /// The page is MMIO (or otherwise needs the slow path on every access).
    public static let flagIO: UInt64 = 1 << 11
    /// The page holds translated code: writes must go through the slow path
    /// to invalidate it.
    public static let flagCode: UInt64 = 1 << 10

    /// (va >> indexShift) & indexMask is the byte offset of va's entry in
    /// its table: the page number's low `entryBits` bits, times the entry size.
    public static let indexShift = pageBits - entryBytesLog2
    public static let indexMask = (entries - 1) << entryBytesLog2
    /// The offset of an address within its page.
    public static let pageOffsetMask: UInt64 = pageSize - 1

    /// Empties one entry: no address matches its tags.
    @inline(__always) static func invalidate(entry e: UnsafeMutableRawPointer) {
        e.storeBytes(of: invalidTag, toByteOffset: readTagOffset, as: UInt64.self)
        e.storeBytes(of: invalidTag, toByteOffset: writeTagOffset, as: UInt64.self)
        e.storeBytes(of: invalidTag, toByteOffset: codeTagOffset, as: UInt64.self)
        e.storeBytes(of: 0, toByteOffset: addendOffset, as: UInt64.self)
    }

    @inlinable public static func entryOffset(mmuIndex: Int, va: UInt64) -> Int {
        StateLayout.tlbBase + mmuIndex * tableBytes + slot(va: va) * entryBytes
    }

    /// The entry (of every MMU index's table) that caches the page of `va`.
    @inlinable public static func slot(va: UInt64) -> Int {
        Int(truncatingIfNeeded: (va >> UInt64(pageBits)) & UInt64(entries - 1))
    }
}

/// Conversions between architectural NZCV (bits 31:28) and the flags word kept
/// in the state block (N bit 15, Z bit 14, C bit 8, V bit 0; other bits ignored).
public enum FlagsWord {
    @inline(__always) public static func word(fromNZCV n: UInt64) -> UInt64 {
        ((n >> 31) & 1) << 15 | ((n >> 30) & 1) << 14 | ((n >> 29) & 1) << 8 | ((n >> 28) & 1)
    }
    @inline(__always) public static func nzcv(fromWord w: UInt64) -> UInt64 {
        ((w >> 15) & 1) << 31 | ((w >> 14) & 1) << 30 | ((w >> 8) & 1) << 29 | (w & 1) << 28
    }
}
