import Arch
import Synchronization

/// The softmmu slow paths: translation, fills of the TLB, MMIO, faults.
/// The engines inline the fast path (tag compare + addend) and call these on a miss.

public enum AccessKind: Sendable { case read, write, fetch }

public enum TranslationFault: Error {
    case fault(FaultStatus)
    /// The granule protection check of a translation table walk failed (RME/GranuleProtection.swift).
    case gpc(GPCFault)
    /// A stage 2 fault, taken to EL2 (Stage2Walker.swift).
    case stage2(Stage2Fault)
    /// The guest asked for something Armature does not model yet: the run stops.
    case unimplemented(String)
}

/// The result of translating one virtual address (PageTableWalker.swift).
public struct Translation {
    public var pa: UInt64
    /// The output PA space (RME: what the granule protection check checks).
    public var paSpace: PASpace = .nonSecure
    /// Device memory: unaligned accesses fault. With the stage 1 MMU off every
    /// data access is Device-nGnRnE (Arm ARM D8.2.11); fetches are Normal.
    public var device: Bool
    /// The MAIR_ELx attribute byte of the page (0x00 = Device-nGnRnE).
    public var attributes: UInt8
    /// The descriptor's SH field (0b10 with the MMU off).
    public var shareability: UInt8
    /// The output address is in the Non-secure PA space.
    public var nonSecure: Bool
    /// The level of the leaf descriptor (0 with the MMU off): the level a
    /// permission fault reports.
    public var level: Int
    /// AP[1] (after APTable[0]) in a regime with EL0: EL0 may access the page,
    /// so privileged data accesses fault while PSTATE.PAN is set.
    public var el0Accessible = false
    /// What the EL the lookup was made for may do with the page.
    public var readable: Bool
    public var writable: Bool
    public var executable: Bool
    /// log2 of the size of the page or block (12 with the MMU off).
    public var pageBits: Int = TLB.pageBits
    /// PA space, AMEC bits, VA range: what selects the access's MECID (MEC/MECID.swift).
    public var mec = MECTranslationInfo()
    /// Stage 2's part when stage 2 translated the IPA (Stage2Walker.swift).
    public var stage2: Stage2Info? = nil

    public func permits(_ access: AccessKind) -> Bool {
        switch access {
        case .read: return readable
        case .write: return writable
        case .fetch: return executable
        }
    }
}

extension CPU {
    /// The MMU index of the current translation regime: one per EL, and
    /// EL + 4 for the privileged level of a regime with EL0 while PSTATE.PAN
    /// is set (FEAT_PAN: its entries deny data accesses to EL0 pages, so a PAN
    /// change needs no flush; blocks are keyed by PAN, LiftContext.pan).
    /// EL0 of the EL2&0 regime (a FEAT_VHE host's, E2H = TGE = 1) has its own,
    /// `hostEL0Index`, so a hypervisor's world switch between its host's EL0
    /// and a guest's keeps both (blocks are keyed by it, LiftContext.el2Host).
    @inline(__always) public var mmuIndex: Int {
        let e = el
        if e == 0 { return el2Host ? CPU.hostEL0Index : 0 }
        return panActive ? e + CPU.panIndexOffset : e
    }

    public static let panIndexOffset = 4
    /// EL0 in the EL2&0 regime.
    public static let hostEL0Index = 8

    /// An index of a privileged level with PSTATE.PAN set (EL + 4).
    @inline(__always) static func isPANIndex(_ mmuIndex: Int) -> Bool { mmuIndex & 0b1100 == CPU.panIndexOffset }

    /// PSTATE.PAN acts: set, at EL1 or at EL2 in the EL2&0 regime (E2H = 1).
    @inline(__always) public var panActive: Bool {
        guard pstateMisc & CPU.pstatePAN != 0 else { return false }
        return el == 1 || (el == 2 && hcrE2H)
    }

    /// PSTATE.PAN (bit 22, as in SPSR_ELx).
    public static let pstatePAN: UInt64 = 1 << 22
    /// PSTATE.DIT (bit 24, as in SPSR_ELx): FEAT_DIT.
    public static let pstateDIT: UInt64 = 1 << 24

    /// The MMU index of LDTR/STTR (unprivileged: EL0's permissions) at EL1
    /// (EL0 of EL1&0), and at EL2 in a VHE host (the lifter marks them
    /// unprivileged only there: LiftContext.el2Host; EL0 of EL2&0).
    @inline(__always) public static func unprivilegedIndex(_ mmuIndex: Int) -> Int {
        switch mmuIndex {
        case 1, 1 + panIndexOffset: return 0
        case 2, 2 + panIndexOffset: return hostEL0Index
        default: return mmuIndex
        }
    }

    /// Empties every TLB of this CPU.
    public func flushTLB() {
        tlbFlushCount &+= 1
        translationChanges.noteEverything(CPU.allMMUIndexes)
        stage2Cache.invalidateAll()
        var dirty = tlbDirtyIndices
        tlbDirtyIndices = 0
        while dirty != 0 {
            let index = dirty.trailingZeroBitCount
            dirty &= dirty - 1
            flushTLBEntries(ofIndex: index)
        }
    }

    /// Clears the entries of one MMU index: those filled since its last
    /// flush when the fill log knows them, else all.
    func flushTLBEntries(ofIndex index: Int) {
        let base = state + StateLayout.tlbBase + index * TLB.tableBytes
        tlbLargeBlocks[index] = CPU.noLargeBlocks
        tlbBlockSizes[index] = 0
        if tlbFillLog.drain(index: index, { slot in TLB.invalidate(entry: base + slot * TLB.entryBytes) }) { return }
        for i in 0..<TLB.entries { TLB.invalidate(entry: base + i * TLB.entryBytes) }
    }

    /// The EL whose permissions an MMU index checks (LDTR/STTR at EL1 use index 0;
    /// EL + 4: that EL with PSTATE.PAN set).
    @inline(__always) func accessEL(mmuIndex: Int) -> Int { mmuIndex & 3 }

    /// Translates `va` for an access with the permissions of `accessEL` (default:
    /// the current EL), or says which fault it raises, permission faults included.
    public func walk(_ va: UInt64, _ access: AccessKind, el accessEL: Int? = nil) -> Result<Translation, TranslationFault> {
        let r = lookup(va, access, el: accessEL ?? el)
        if case .success(let t) = r, let f = t.permissionFault(access) { return .failure(f) }
        return r
    }

    /// Translates `va` for an access with the permissions of `accessEL`
    /// (default: the current EL). On a fault the exception is taken (for the
    /// instruction at `faultPC`) and nil is returned. `unaligned`: a data
    /// access not aligned to its size, which faults on Device memory (after
    /// the walk, before the permission check, as AArch64.S1Translate orders them).
    /// `pan`: PSTATE.PAN applies (default: as it does for the current EL).
    /// `syndrome`: ESR ISS[24:14] for a stage 2 Data Abort (`AccessFlags.instructionSyndrome`, module Arch).
    public func translate(_ va: UInt64, _ access: AccessKind, el accessEL: Int? = nil, unaligned: Bool = false,
                          pan: Bool? = nil, syndrome: UInt64 = 0) -> Translation? {
        let e = accessEL ?? el
        switch lookup(va, access, el: e, unaligned: unaligned) {
        case .success(var t):
            // FEAT_PAN (Arm ARM D8.4.2): privileged data accesses to EL0-accessible
            // pages are not permitted; instruction fetches are not affected.
            // A stage 1 permission fault, also with stage 2 (which was walked
            // first: a stage 2 fault there hides the PAN fault).
            if pan ?? (accessEL == nil && panActive), t.el0Accessible {
                t.readable = false
                t.writable = false
                t.stage2?.s1Readable = false
                t.stage2?.s1Writable = false
            }
            if unaligned && t.device {
                if case .stage2(let f) = t.alignmentFault { raiseStage2Abort(f, va: va, access, syndrome: syndrome); return nil }
                raiseDataAbort(status: .alignment, va: va, isWrite: access == .write, at: faultPC)
                return nil
            }
            switch t.permissionFault(access) {
            case nil: break
            case .stage2(let f)?: raiseStage2Abort(f, va: va, access, syndrome: syndrome); return nil
            default: fault(.permission(level: t.level), va: va, access); return nil
            }
            if let g = granuleProtectionCheck(pa: t.pa, space: t.paSpace) {   // RME (RME/GranuleProtection.swift)
                raiseGPCFault(g, va: va, access)
                return nil
            }
            if system.isLogging(.mmu) { logTranslation(va, access, el: e, t) }
            mecNoteTranslation(t, accessEL: e)   // the access's MECID, for the tag checks (MEC/MECTagStore.swift)
            return t
        case .failure(.fault(let status)):
            fault(status, va: va, access)
        case .failure(.gpc(let g)):
            raiseGPCFault(g, va: va, access)
        case .failure(.stage2(let f)):
            raiseStage2Abort(f, va: va, access, syndrome: syndrome)
        case .failure(.unimplemented(let what)):
            system.fatal("\(what) (PC \(hex(faultPC)))")
            exceptionTaken = true
        }
        return nil
    }

    private func logTranslation(_ va: UInt64, _ access: AccessKind, el e: Int, _ t: Translation) {
        let perms = (t.readable ? "r" : "-") + (t.writable ? "w" : "-") + (t.executable ? "x" : "-")
        let ipa = t.stage2.map { " -> ipa \(hex($0.ipa)) (stage 2 level \($0.level))" } ?? ""
        cpuLog(.mmu, "mmu: EL\(e) \(access) va \(hex(va))\(ipa) -> pa \(hex(t.pa)) (level \(t.level), attr \(hex(UInt64(t.attributes))), \(perms))")
    }

    /// Reads guest virtual memory without side effects (semihosting, debugger).
    /// Nil when any byte does not translate to RAM/ROM.
    public func readVirtual(_ va: UInt64, count: Int) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(count)
        var addr = va
        var left = count
        while left > 0 {
            let chunk = min(left, Int(TLB.pageSize - (addr & ~TLB.pageMask)))
            guard case .success(let t) = lookup(addr, .read, el: el, debug: true),
                  let bytes = system.memory.readPhysical(pa: t.pa, count: chunk) else { return nil }
            out += bytes
            addr &+= UInt64(chunk)
            left -= chunk
        }
        return out
    }

    /// Writes guest virtual memory without faults (semihosting, debugger); false
    /// when any byte does not translate to RAM. Code pages written are invalidated.
    public func writeVirtual(_ va: UInt64, bytes: [UInt8]) -> Bool {
        var addr = va
        var done = 0
        while done < bytes.count {
            let chunk = min(bytes.count - done, Int(TLB.pageSize - (addr & ~TLB.pageMask)))
            guard case .success(let t) = lookup(addr, .write, el: el, debug: true) else { return false }
            let ok = bytes[done..<(done + chunk)].withUnsafeBytes { system.memory.writePhysical(pa: t.pa, bytes: $0, mecid: accessMECID(t, accessEL: el)) }
            if !ok { return false }
            addr &+= UInt64(chunk)
            done += chunk
        }
        return true
    }

    private func fault(_ status: FaultStatus, va: UInt64, _ access: AccessKind) {
        if access == .fetch {
            raiseInstructionAbort(status: status, va: va)
        } else {
            raiseDataAbort(status: status, va: va, isWrite: access == .write, at: faultPC)
        }
    }

    /// Fills the TLB entry for the page of `va` (RAM/ROM only). Each tag is valid
    /// only for what the page allows at the EL of `mmuIndex` (`t`'s permissions),
    /// so a forbidden access misses, walks again and faults.
    private func fillTLB(va: UInt64, pa: UInt64, region: MemoryRegion, mmuIndex: Int, _ t: Translation) {
        guard let host = region.host else { return }
        guard mecMayFillTLB(pa: pa) else { return }   // MEC: only pages uniformly tagged with the access's MECID
        let vPage = va & TLB.pageMask
        let pPage = pa & TLB.pageMask
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        tlbDirtyIndices |= 1 << UInt32(mmuIndex)
        tlbFillLog.note(index: mmuIndex, slot: TLB.slot(va: va))
        let hostPage = UInt64(UInt(bitPattern: host + Int(pPage - region.base)))
        e.storeBytes(of: t.readable ? vPage : TLB.invalidTag, toByteOffset: TLB.readTagOffset, as: UInt64.self)
        e.storeBytes(of: t.executable ? vPage : TLB.invalidTag, toByteOffset: TLB.codeTagOffset, as: UInt64.self)
        var w = vPage
        if !region.isRAM || !t.writable { w = TLB.invalidTag }
        else if system.memory.isCodePage(region, pa: pPage) { w |= TLB.flagCode }
        // The write tag and the physical page: another CPU's protectCodePage
        // may read them (CodePageProtection.swift).
        let writeTag = atomicView(e, TLB.writeTagOffset, as: UInt64.self)
        writeTag.pointee.store(w, ordering: .relaxed)
        e.storeBytes(of: hostPage &- vPage, toByteOffset: TLB.addendOffset, as: UInt64.self)
        atomicView(codePhysPage + codeSlot(mmuIndex: mmuIndex, va: va)).pointee.store(pPage, ordering: .relaxed)
        if system.threaded && w != TLB.invalidTag && w & TLB.flagCode == 0 {
            // Another CPU may have made the page a code page since the look
            // above, and scanned this TLB before the entry was in it: look
            // again after a full fence (it fences between its mark and its
            // scan), so one of the two flags the entry.
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            if system.memory.isCodePage(region, pa: pPage) {
                _ = writeTag.pointee.compareExchange(expected: w, desired: w | TLB.flagCode, ordering: .relaxed)
            }
        }
        tlbPageBits[codeSlot(mmuIndex: mmuIndex, va: va)] = UInt8(t.pageBits)
        tlbDevice[codeSlot(mmuIndex: mmuIndex, va: va)] = t.device ? 1 : 0
        if t.pageBits > TLB.pageBits { noteLargeBlock(va: va, bits: t.pageBits, mmuIndex: mmuIndex) }
        tlbIPA[codeSlot(mmuIndex: mmuIndex, va: va)] = t.stage2.map { $0.ipa & TLB.pageMask | UInt64($0.pageBits) } ?? ~0
        debugWatchFilter(entry: e)   // watchpoints: data accesses keep missing (DebugWatch.swift)
    }

    /// One physical access of `size` bytes inside one page, in PA space
    /// `space` (what an MMIO device sees of it). Nil: external abort.
    private func physicalAccess(va: UInt64, pa: UInt64, space: PASpace, size: Int, write: Bool, value: UInt64,
                                mmuIndex: Int, fill: Translation?) -> UInt64? {
        guard let r = system.memory.region(containing: pa, space: space), pa - r.base + UInt64(size) <= r.size else {
            cpuLog(.guestErrors, "invalid \(write ? "write" : "read") of \(size) bytes at physical address \(hex(pa)) (nothing mapped; PC \(hex(faultPC))): external abort")
            return nil
        }
        switch r.kind {
        case .mmio(let dev):
            let attributes = MMIOAttributes(cpuIndex: index, paSpace: space, privileged: accessEL(mmuIndex: mmuIndex) > 0)
            return system.withDeviceLock {
                if write { dev.write(offset: pa - r.base, size: size, value: value, attributes: attributes); return 0 }
                return dev.read(offset: pa - r.base, size: size, attributes: attributes)
            }
        case .ram, .rom:
            if let dev = r.romDevice {
                if write { system.withDeviceLock { dev.write(offset: pa - r.base, size: size, value: value) }; return 0 }
                if !dev.isReadArray { return system.withDeviceLock { dev.read(offset: pa - r.base, size: size) } }   // no TLB fill
            }
            let p = r.host! + Int(pa - r.base)
            if write {
                if case .rom = r.kind {   // writes to ROM are ignored
                    cpuLog(.guestErrors, "write of \(size) bytes to ROM \(r.name) at \(hex(pa)) ignored (PC \(hex(faultPC)))")
                    return 0
                }
                mecWillWrite(pa: pa, size: size)   // MEC: re-tag before the data lands
                storeLE(p, size, value)
                if system.memory.isCodePage(r, pa: pa) {
                    system.memory.noteWrite(pa: pa, length: UInt64(size))
                }
            }
            if let t = fill { fillTLB(va: va, pa: pa, region: r, mmuIndex: mmuIndex, t) }
            return write ? 0 : mecLoad(pa: pa, size: size, loadLE(p, size))   // MEC: substitute data on a mismatch
        }
    }

    /// Slow path of a load: returns the zero-extended value, or 0 with
    /// `exceptionTaken` set after delivering the fault.
    public func loadSlow(va: UInt64, size: Int, mmuIndex: Int, flags: AccessFlags = []) -> UInt64 {
        if let p = alignedThroughTLB(va: va, size: size, mmuIndex: mmuIndex, flags: flags, write: false) {
            return loadLE(p, size)
        }
        return access(va: va, size: size, write: false, value: 0, mmuIndex: mmuIndex, flags: flags)
    }

    /// An access the fast path sent here only because its alignment check is
    /// wider than its size (a Q register's first doubleword at 8 mod 16): when
    /// the TLB holds its page (a plain RAM entry: no code, watchpoint, MMIO or
    /// MEC flag), the page is not Device memory and SCTLR_ELx.A is clear, no
    /// alignment fault is possible and the access goes through the entry
    /// without a walk. Nil otherwise.
    @inline(__always)
    private func alignedThroughTLB(va: UInt64, size: Int, mmuIndex: Int, flags: AccessFlags,
                                   write: Bool) -> UnsafeMutableRawPointer? {
        guard flags.alignmentBytes(size: size) > size, va & UInt64(size - 1) == 0 else { return nil }
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        let tag = e.load(fromByteOffset: write ? TLB.writeTagOffset : TLB.readTagOffset, as: UInt64.self)
        guard tag == va & TLB.pageMask, tlbDevice[codeSlot(mmuIndex: mmuIndex, va: va)] == 0,
              !alignmentCheckEnabled(el: accessEL(mmuIndex: mmuIndex)) else { return nil }
        return UnsafeMutableRawPointer(bitPattern: UInt(va &+ e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self)))
    }

    /// Slow path of a store; on a fault `exceptionTaken` is set and memory is unchanged.
    public func storeSlow(va: UInt64, size: Int, value: UInt64, mmuIndex: Int, flags: AccessFlags = []) {
        if let p = alignedThroughTLB(va: va, size: size, mmuIndex: mmuIndex, flags: flags, write: true) {
            return storeLE(p, size, value)
        }
        if storeToCodePage(va: va, size: size, value: value, mmuIndex: mmuIndex, alignment: flags.alignmentBytes(size: size)) {
            return
        }
        _ = access(va: va, size: size, write: true, value: value, mmuIndex: mmuIndex, flags: flags)
    }

    /// A store that missed only because its page holds translated code: the
    /// TLB entry is valid for writing, with the code flag (an aligned access
    /// stays in its page and cannot take an alignment fault). It is done
    /// through the entry, without a walk; only a write to translated words
    /// drops blocks (`AddressSpace.noteWrite`), so data beside code costs a call.
    @inline(__always)
    private func storeToCodePage(va: UInt64, size: Int, value: UInt64, mmuIndex: Int, alignment: Int) -> Bool {
        guard va & UInt64(max(size, alignment) - 1) == 0 else { return false }
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        guard e.load(fromByteOffset: TLB.writeTagOffset, as: UInt64.self) == va & TLB.pageMask | TLB.flagCode else { return false }
        tlbStatistics.dataMisses &+= 1
        let pa = codePhysPage[codeSlot(mmuIndex: mmuIndex, va: va)] | (va & ~TLB.pageMask)
        let host = UnsafeMutableRawPointer(bitPattern: UInt(va &+ e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self)))!
        mecWillWrite(pa: pa, size: size)   // MEC: re-tag before the data lands
        storeLE(host, size, value)
        system.memory.noteWrite(pa: pa, length: UInt64(size))
        return true
    }

    private func access(va: UInt64, size: Int, write: Bool, value: UInt64, mmuIndex: Int, flags: AccessFlags = []) -> UInt64 {
        tlbStatistics.dataMisses &+= 1
        let kind: AccessKind = write ? .write : .read
        let accessEL = accessEL(mmuIndex: mmuIndex)
        let unaligned = va & UInt64(size - 1) != 0
        // Alignment required by the instruction or by SCTLR_ELx.A: checked before
        // the translation (Arm ARM AArch64.CheckAlignment); Device memory: after
        // it. Against the access size, or the alignment the flags name.
        let misaligned = va & UInt64(flags.alignmentBytes(size: size) - 1) != 0
        if misaligned && (flags.contains(.alignmentRequired) || alignmentCheckEnabled(el: accessEL)) {
            raiseDataAbort(status: .alignment, va: va, isWrite: write, at: faultPC)
            return 0
        }
        let pan = CPU.isPANIndex(mmuIndex)
        let syndrome = flags.instructionSyndrome
        guard let t = translate(va, kind, el: accessEL, unaligned: misaligned, pan: pan, syndrome: syndrome) else { return 0 }
        guard debugWatchAccess(va: va, size: size, read: !write, write: write) else { return 0 }
        let last = va &+ UInt64(size - 1)
        if (va ^ last) & TLB.pageMask == 0 {
            guard let v = physicalAccess(va: va, pa: t.pa, space: t.paSpace, size: size, write: write, value: value,
                                         mmuIndex: mmuIndex, fill: unaligned ? nil : t) else {
                raiseDataAbort(status: .syncExternal, va: va, isWrite: write, at: faultPC)
                return 0
            }
            return v
        }
        // Crosses a page: translate both halves before touching memory, then go
        // byte by byte (little-endian).
        let firstBytes = Int(TLB.pageSize - (va & ~TLB.pageMask))
        guard let t2 = translate(va &+ UInt64(firstBytes), kind, el: accessEL, unaligned: misaligned, pan: pan,
                                 syndrome: syndrome) else { return 0 }
        var result: UInt64 = 0
        for i in 0..<size {
            let pa = i < firstBytes ? t.pa &+ UInt64(i) : t2.pa &+ UInt64(i - firstBytes)
            let bva = va &+ UInt64(i)
            if system.memory.region(containing: pa, space: i < firstBytes ? t.paSpace : t2.paSpace) == nil {
                cpuLog(.guestErrors, "invalid \(write ? "write" : "read") of \(size) bytes at physical address \(hex(pa)) (nothing mapped; PC \(hex(faultPC))): external abort")
                raiseDataAbort(status: .syncExternal, va: bva, isWrite: write, at: faultPC)
                return 0
            }
        }
        for i in 0..<size {
            let pa = i < firstBytes ? t.pa &+ UInt64(i) : t2.pa &+ UInt64(i - firstBytes)
            let b = physicalAccess(va: va &+ UInt64(i), pa: pa, space: i < firstBytes ? t.paSpace : t2.paSpace,
                                   size: 1, write: write,
                                   value: (value >> UInt64(8 * i)) & 0xFF, mmuIndex: mmuIndex, fill: nil) ?? 0
            result |= b << UInt64(8 * i)
        }
        return write ? 0 : result
    }

    /// Host address for an exclusive or atomic access of `size` bytes (LSE
    /// atomics, load/store-exclusive, CAS). The access must be aligned and in
    /// RAM; otherwise the fault is delivered and nil returned. `isWrite` is what
    /// a fault reports in ESR.WnR: a read-modify-write faults on its read, as
    /// QEMU reports it too. The alignment check comes first (Arm ARM
    /// AArch64.CheckAlignment). `readModifyWrite` (atomics, CAS): the page must
    /// be writable too; a translation or permission fault then reports WnR = 1,
    /// as QEMU does.
    public func hostAddressForAtomic(va: UInt64, size: Int, mmuIndex: Int, isWrite: Bool,
                                     readModifyWrite: Bool = false) -> UnsafeMutableRawPointer? {
        if va & UInt64(size - 1) != 0 {
            raiseDataAbort(status: .alignment, va: va, isWrite: isWrite, at: faultPC)
            return nil
        }
        if let p = tlbHost(va: va, mmuIndex: mmuIndex, write: isWrite || readModifyWrite) { return p }
        guard let t = translate(va, isWrite || readModifyWrite ? .write : .read, el: accessEL(mmuIndex: mmuIndex),
                                pan: CPU.isPANIndex(mmuIndex)) else { return nil }
        guard debugWatchAccess(va: va, size: size, read: !isWrite || readModifyWrite, write: isWrite || readModifyWrite)
        else { return nil }
        guard let r = system.memory.region(containing: t.pa, space: t.paSpace), r.isRAM, let h = r.host else {
            let status: FaultStatus = system.memory.region(containing: t.pa, space: t.paSpace) == nil ? .syncExternal : .unsupportedExclusiveOrAtomic
            raiseDataAbort(status: status, va: va, isWrite: isWrite, at: faultPC)
            return nil
        }
        if isWrite || readModifyWrite, system.memory.isCodePage(r, pa: t.pa) { system.memory.noteWrite(pa: t.pa, length: UInt64(size)) }
        let host = mecAtomicHost(h + Int(t.pa - r.base), pa: t.pa, size: size, write: isWrite || readModifyWrite)   // MEC tags
        fillTLB(va: va, pa: t.pa, region: r, mmuIndex: mmuIndex, t)   // the next access to the page needs no walk
        return host
    }

    /// Translates the PC for an instruction fetch: the physical address and a host
    /// pointer to the instruction. On a fault the instruction abort is taken and nil returned.
    public func translateCode(va: UInt64) -> (pa: UInt64, host: UnsafeRawPointer)? {
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        if e.load(fromByteOffset: TLB.codeTagOffset, as: UInt64.self) == va & TLB.pageMask {
            let host = UnsafeRawPointer(bitPattern: UInt(va &+ e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self)))!
            let pa = codePhysPage[codeSlot(mmuIndex: mmuIndex, va: va)] | (va & ~TLB.pageMask)
            return (pa, host)
        }
        tlbStatistics.codeMisses &+= 1
        faultPC = va
        guard let t = translate(va, .fetch) else { return nil }
        guard let r = system.memory.region(containing: t.pa, space: t.paSpace), let h = r.host, t.pa - r.base + 4 <= r.size else {
            system.noteFetchOutsideMemory(va: va)
            raiseInstructionAbort(status: .syncExternal, va: va)
            return nil
        }
        if let sub = mecCodeHost(pa: t.pa, host: UnsafeRawPointer(h + Int(t.pa - r.base))) { return (t.pa, sub) }   // MEC: fetched as substitute data
        fillTLB(va: va, pa: t.pa, region: r, mmuIndex: mmuIndex, t)
        return (t.pa, UnsafeRawPointer(h + Int(t.pa - r.base)))
    }

    /// DC ZVA's slow path: `translate` for a write, then the TLB entry of the
    /// page filled as a store's slow path fills it (Normal RAM), so the page's
    /// other blocks hit (`tlbHost`) instead of walking again.
    public func translateForZero(_ va: UInt64) -> Translation? {
        guard let t = translate(va, .write) else { return nil }
        if !t.device, let r = system.memory.region(containing: t.pa), r.isRAM, r.romDevice == nil {
            fillTLB(va: va, pa: t.pa, region: r, mmuIndex: mmuIndex, t)
        }
        return t
    }

    /// The host address of `va` when the TLB of `mmuIndex` holds its page for
    /// this access on the fast path that loads and stores take (RAM, no code,
    /// watchpoint or MEC slow path; `normal`: not Device memory either), else
    /// nil: the helpers of atomics and DC ZVA skip the walk on a hit.
    @inline(__always) public func tlbHost(va: UInt64, mmuIndex: Int, write: Bool, normal: Bool = false)
        -> UnsafeMutableRawPointer?
    {
        guard mecState == nil else { return nil }
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        guard e.load(fromByteOffset: write ? TLB.writeTagOffset : TLB.readTagOffset, as: UInt64.self) == va & TLB.pageMask,
              !normal || tlbDevice[codeSlot(mmuIndex: mmuIndex, va: va)] == 0 else { return nil }
        return UnsafeMutableRawPointer(bitPattern: UInt(va &+ e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self)))
    }

    @inline(__always) func codeSlot(mmuIndex: Int, va: UInt64) -> Int {
        mmuIndex * TLB.entries + TLB.slot(va: va)
    }
}

@inline(__always) func loadLE(_ p: UnsafeRawPointer, _ size: Int) -> UInt64 {
    switch size {
    case 1: return UInt64(p.load(as: UInt8.self))
    case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
    case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
    default: return p.loadUnaligned(as: UInt64.self)
    }
}

@inline(__always) func storeLE(_ p: UnsafeMutableRawPointer, _ size: Int, _ v: UInt64) {
    switch size {
    case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
    case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: v), as: UInt16.self)
    case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: v), as: UInt32.self)
    default: p.storeBytes(of: v, as: UInt64.self)
    }
}

/// "0x" followed by lower-case hex digits, for messages.
public func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
