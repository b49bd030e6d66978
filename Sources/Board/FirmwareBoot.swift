import Machine
import Devices

/// What a firmware boot passes on through fw_cfg and the device tree.
public struct FirmwareBootFiles {
    /// `-kernel`: given to the firmware in fw_cfg (never loaded by us).
    public var kernel: (bytes: [UInt8], name: String)? = nil
    public var initrd: (bytes: [UInt8], name: String)? = nil
    public var append: String? = nil
    public var dtb: (bytes: [UInt8], name: String)? = nil
    public init() {}
}

extension VirtMachine {
    /// Starts the machine from its firmware (`-bios`, or pflash unit 0), as
    /// QEMU 7.2's virt does (hw/arm/boot.c's firmware boot):
    /// - every CPU starts at the flash base in its reset state: EL3 with
    ///   secure=on, else EL2 with virtualization=on, else EL1; the
    ///   secondaries are powered off when PSCI is the emulator's (they wait
    ///   for CPU_ON), and all start at the flash base with EL3 firmware;
    /// - the device tree goes to the start of RAM (where EDK2 and U-Boot look
    ///   for it), with bootargs from `-append`;
    /// - `-kernel` (gunzipped when compressed), `-initrd` and the command line
    ///   are fw_cfg items for the firmware to load, beside the SMBIOS tables.
    public func bootFirmware(_ files: FirmwareBootFiles) throws {
        let topo = options.topology
        let smbios = SMBIOS.tables(ramBase: Map.ramBase, ramSize: options.ramSize, sockets: max(topo.sockets, 1),
                                   cores: max(topo.cores, 1), threads: max(topo.threads, 1))
        fwCfg.addFile("etc/smbios/smbios-tables", smbios)
        fwCfg.addFile("etc/smbios/smbios-anchor", SMBIOS.anchor(tableLength: smbios.count))
        if let k = files.kernel {
            let gzip = k.bytes.count >= 2 && k.bytes[0] == 0x1F && k.bytes[1] == 0x8B
            let kernel = gzip ? try KernelImage.gunzip(k.bytes, name: k.name) : k.bytes
            fwCfg.setItem(FWCfg.Key.kernelSize, FWCfg.le(UInt64(kernel.count), bytes: 4))
            fwCfg.setItem(FWCfg.Key.kernelData, kernel)
            if let i = files.initrd {
                fwCfg.setItem(FWCfg.Key.initrdSize, FWCfg.le(UInt64(i.bytes.count), bytes: 4))
                fwCfg.setItem(FWCfg.Key.initrdData, i.bytes)
            }
            // QEMU's command line is "" when -append is not given: one NUL.
            let line = Array((files.append ?? "").utf8) + [0]
            fwCfg.setItem(FWCfg.Key.commandLineSize, FWCfg.le(UInt64(line.count), bytes: 4))
            fwCfg.setItem(FWCfg.Key.commandLineData, line)
        }
        let blob = try deviceTreeBlob(append: files.append, dtb: files.dtb, initrd: nil, psci: psci != nil)
        guard UInt64(blob.count) <= options.ramSize else {
            throw BoardError("\(files.dtb?.name ?? "the device tree") (\(blob.count) bytes) does not fit in RAM (\(VirtMachine.sizeText(options.ramSize)))")
        }
        deviceTree = blob
        try placeFirmwareBoot(blob)
        // A machine reset (VirtReset.swift): the flash images, fw_cfg's
        // selection, the device tree and the CPUs' start as at power-on.
        bootImageLoader = { [unowned self] in
            try self.loadFlashImages()
            self.fwCfg.reset()
            try self.placeFirmwareBoot(blob)
        }
    }

    private func placeFirmwareBoot(_ blob: [UInt8]) throws {
        let ok = blob.withUnsafeBytes { memory.writePhysical(pa: Map.ramBase, bytes: $0) }
        guard ok else { throw BoardError("the device tree does not fit at \(hex(Map.ramBase))") }
        startFirmwareCPUs()
    }

    /// The CPUs at the flash base, as they come out of reset.
    func startFirmwareCPUs() {
        for c in cpus {
            c.pc = Map.flashBase
            for r in 0...30 { c.setX(r, 0) }
        }
    }
}

extension VirtDeviceTree {
    /// The fw-cfg and flash nodes of QEMU 7.2's virt (create_fw_cfg,
    /// virt_flash_fdt): without secure=on one flash node with both banks,
    /// with it bank 0 is the Secure world's (secflash@0) and bank 1 alone
    /// the Non-secure world's.
    static func addFirmwareNodes(_ t: FlatDeviceTree, options: VirtOptions) {
        let fw = "/fw-cfg@\(String(VirtMap.fwCfg.base, radix: 16))"
        t.addNode(fw)
        t.set(fw, "dma-coherent")
        t.set(fw, "reg", cells64: [VirtMap.fwCfg.base, VirtMap.fwCfg.size])
        t.set(fw, "compatible", string: "qemu,fw-cfg-mmio")

        let bank = VirtMachine.Map.flashBankSize
        if options.secure {
            let sec = "/secflash@\(String(VirtMap.flash.base, radix: 16))"
            t.addNode(sec)
            t.set(sec, "secure-status", string: "okay")
            t.set(sec, "status", string: "disabled")
            t.set(sec, "bank-width", cell: 4)
            t.set(sec, "reg", cells64: [VirtMap.flash.base, bank])
            t.set(sec, "compatible", string: "cfi-flash")
            let flash = "/flash@\(String(VirtMap.flash.base + bank, radix: 16))"
            t.addNode(flash)
            t.set(flash, "bank-width", cell: 4)
            t.set(flash, "reg", cells64: [VirtMap.flash.base + bank, bank])
            t.set(flash, "compatible", string: "cfi-flash")
            return
        }
        let flash = "/flash@\(String(VirtMap.flash.base, radix: 16))"
        t.addNode(flash)
        t.set(flash, "bank-width", cell: 4)
        t.set(flash, "reg", cells64: [VirtMap.flash.base, bank, VirtMap.flash.base + bank, bank])
        t.set(flash, "compatible", string: "cfi-flash")
    }
}
