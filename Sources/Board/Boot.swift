import Machine
import Devices

/// What `-kernel`, `-initrd`, `-append` and `-dtb` name, read into memory.
public struct BootFiles {
    public var kernel: (bytes: [UInt8], name: String)
    public var initrd: (bytes: [UInt8], name: String)? = nil
    public var append: String? = nil
    public var dtb: (bytes: [UInt8], name: String)? = nil
    public init(kernel: (bytes: [UInt8], name: String)) { self.kernel = kernel }
}

/// Where everything went.
public struct BootLayout: Equatable, Sendable {
    /// True for an Image or raw binary (the Linux boot protocol); false for an ELF.
    public var linux: Bool
    public var entry: UInt64
    public var kernel: Range<UInt64>
    public var initrd: Range<UInt64>?
    /// nil: no device tree in memory (an ELF that leaves no room below it).
    public var dtb: Range<UInt64>?
}

extension VirtMachine {
    /// The size our device tree claims (QEMU's virt builds a 1 MiB tree), so a
    /// DTB fits or not below an ELF as under QEMU.
    public static let deviceTreeSize = 1 << 20
    /// Linux maps the DTB by the 2 MiB block holding it: placed 2 MiB aligned.
    public static let dtbAlignment: UInt64 = 2 << 20

    /// Loads the kernel (ELF, arm64 Image, gzip-compressed Image, raw binary),
    /// the initrd and the device tree, and sets the CPU up as QEMU does for a
    /// direct kernel boot:
    /// - an ELF starts at its entry point at the reset EL, registers zero; the
    ///   DTB goes to the start of RAM if it fits below the ELF;
    /// - an Image or raw binary is a Linux boot (Documentation/arm64/booting.rst):
    ///   the initrd after the kernel (at least 128 MiB or half of RAM in), the
    ///   DTB after the initrd on a 2 MiB boundary; x0 = the DTB, x1-x3 = 0, at
    ///   EL2 with EL2 present, else EL1, Non-secure, with EL3 (secure=on) set
    ///   up for it: SCR_EL3.RW, NS and, with EL2, HCE; HCR_EL2.RW.
    @discardableResult
    public func boot(_ files: BootFiles) throws -> BootLayout {
        let layout = try placeBootImages(files)
        bootImageLoader = { [unowned self] in _ = try self.placeBootImages(files) }
        return layout
    }

    private func placeBootImages(_ files: BootFiles) throws -> BootLayout {
        let ramEnd = Map.ramBase + options.ramSize
        let k = files.kernel
        if k.bytes.count >= 4 && k.bytes[0] == 0x7F && k.bytes[1] == 0x45 && k.bytes[2] == 0x4C && k.bytes[3] == 0x46 {
            let img = try loadELF(bytes: k.bytes, name: k.name)
            var layout = BootLayout(linux: false, entry: img.entry, kernel: img.lowAddress..<img.highAddress)
            // QEMU puts the DTB at the start of RAM when the ELF leaves room there.
            if img.lowAddress > Map.ramBase || img.highAddress < Map.ramBase {
                let limit = img.lowAddress > Map.ramBase ? img.lowAddress : ramEnd
                let blob = try deviceTreeBlob(files, initrd: nil, psci: psci != nil)
                deviceTree = blob
                if UInt64(blob.count) <= limit - Map.ramBase {
                    try place(blob, at: Map.ramBase, what: "the device tree")
                    layout.dtb = Map.ramBase..<(Map.ramBase + UInt64(blob.count))
                }
            }
            return layout
        }

        let kernel = try KernelImage.parse(k.bytes, name: k.name)
        // text_offset comes from the file: any 64-bit value.
        let (entry, o1) = Map.ramBase.addingReportingOverflow(kernel.loadOffset)
        let (kernelEnd, o2) = entry.addingReportingOverflow(UInt64(kernel.bytes.count))
        guard !o1, !o2, kernelEnd <= ramEnd else {
            throw BoardError("\(k.name): the kernel (\(kernel.bytes.count) bytes at \(hex(entry))) does not fit in RAM (\(VirtMachine.sizeText(options.ramSize)) at \(hex(Map.ramBase)))")
        }
        try place(kernel.bytes, at: entry, what: "the kernel")

        // EL3 without firmware: PSCI is answered by the emulator, as without EL3.
        if psci == nil {
            let p = PSCI(conduit: options.virtualization ? .smc : .hvc)
            psci = p
            system.firmware = p
        }

        var initrdStart = Map.ramBase + min(options.ramSize / 2, 128 << 20)
        initrdStart = (max(initrdStart, kernelEnd) + 0xFFF) & ~0xFFF
        var initrd: Range<UInt64>? = nil
        if let f = files.initrd {
            let end = initrdStart + UInt64(f.bytes.count)
            guard end <= ramEnd else {
                throw BoardError("\(f.name): the initrd (\(f.bytes.count) bytes at \(hex(initrdStart)), after the kernel) does not fit in RAM (\(VirtMachine.sizeText(options.ramSize)) at \(hex(Map.ramBase)))")
            }
            try place(f.bytes, at: initrdStart, what: "the initrd")
            initrd = initrdStart..<end
        }
        let dtbStart = (initrdStart + UInt64(initrd?.count ?? 0) + VirtMachine.dtbAlignment - 1) & ~(VirtMachine.dtbAlignment - 1)
        let blob = try deviceTreeBlob(files, initrd: initrd, psci: true)
        let dtbName = files.dtb?.name ?? "the device tree"
        guard dtbStart < ramEnd, UInt64(blob.count) <= ramEnd - dtbStart else {
            throw BoardError("\(dtbName) (\(blob.count) bytes at \(hex(dtbStart)), after the kernel and initrd) does not fit in RAM (\(VirtMachine.sizeText(options.ramSize)) at \(hex(Map.ramBase)))")
        }
        try place(blob, at: dtbStart, what: "the device tree")
        deviceTree = blob

        enterLinux(entry: entry, dtb: dtbStart)
        if gic.securityExtensions { gic.setAllGroup1NonSecure() }
        if let sh = semihosting {
            sh.commandLine = options.semihostingCommandLine ?? k.name
            var occupied = [(entry, kernelEnd), (dtbStart, dtbStart + UInt64(blob.count))]
            if let r = initrd { occupied.append((r.lowerBound, r.upperBound)) }
            sh.setMemoryLayout(ramBase: Map.ramBase, ramSize: options.ramSize, occupied: occupied)
        }
        return BootLayout(linux: true, entry: entry, kernel: entry..<kernelEnd, initrd: initrd,
                          dtb: dtbStart..<(dtbStart + UInt64(blob.count)))
    }

    /// The device tree the guest gets: the user's (`-dtb`) or ours, with the
    /// memory node, bootargs and the initrd range set.
    public func deviceTreeBlob(_ files: BootFiles, initrd: Range<UInt64>?, psci: Bool) throws -> [UInt8] {
        try deviceTreeBlob(append: files.append, dtb: files.dtb, initrd: initrd, psci: psci)
    }

    func deviceTreeBlob(append: String?, dtb: (bytes: [UInt8], name: String)?, initrd: Range<UInt64>?,
                        psci: Bool) throws -> [UInt8] {
        var inputs = DeviceTreeInputs()
        inputs.gicVersion = options.gicMajorVersion
        inputs.psciConduit = psci ? (options.virtualization ? .smc : .hvc) : nil
        inputs.bootArgs = append
        inputs.initrd = initrd
        if let d = dtb {
            let t = try FlatDeviceTree(blob: d.bytes, name: d.name)
            try VirtDeviceTree.applyBootInputs(t, options: options, inputs: inputs, name: d.name)
            return t.blob
        }
        return VirtDeviceTree.build(options: options, inputs: inputs).blob(size: VirtMachine.deviceTreeSize)
    }

    /// The device tree `-M virt,dumpdtb=FILE` writes (no kernel: the tree a
    /// firmware would get).
    public func deviceTreeForDump(append: String? = nil, initrd: Range<UInt64>? = nil) -> [UInt8] {
        var inputs = DeviceTreeInputs()
        inputs.gicVersion = options.gicMajorVersion
        // No -bios firmware: PSCI is the emulator's, but with secure=on QEMU
        // 7.2 leaves its node out (the CPUs would start at EL3, the level of
        // its conduit).
        inputs.psciConduit = options.secure ? nil : options.virtualization ? .smc : .hvc
        inputs.bootArgs = append
        inputs.initrd = initrd
        return VirtDeviceTree.build(options: options, inputs: inputs).blob(size: VirtMachine.deviceTreeSize)
    }

    private func place(_ bytes: [UInt8], at pa: UInt64, what: String) throws {
        let ok = bytes.withUnsafeBytes { memory.writePhysical(pa: pa, bytes: $0) }
        guard ok else { throw BoardError("\(what) at \(hex(pa)) (\(bytes.count) bytes) is outside RAM") }
    }

    /// The CPU state of a Linux boot.
    private func enterLinux(entry: UInt64, dtb: UInt64) {
        cpu.setX(0, dtb)
        for r in 1...3 { cpu.setX(r, 0) }
        if cpu.config.hasEL3 {
            cpu.setUpEL3ForNonSecureEntry()
            if cpu.config.hasEL2 {
                // HCR_EL2.RW (bit 31): EL1 is AArch64.
                cpu.setSysreg(SysRegTable.hcrEL2, cpu.sysreg(SysRegTable.hcrEL2) | 1 << 31)
            }
            cpu.setEL(cpu.config.hasEL2 ? 2 : 1)
            cpu.spSel = 1
            cpu.flushTLB()
            // The GIC banks its registers by the Security state of each access,
            // which it keeps per CPU: it must see the CPU Non-secure now.
            cpu.interruptController?.cpuContextChanged(cpu)
        }
        cpu.pc = entry
        // The secondary CPUs wait powered off for PSCI CPU_ON (the
        // emulator's PSCI, also with secure=on when no firmware is loaded).
        for c in cpus.dropFirst() where c.powerState == .on { c.powerOff() }
    }
}
