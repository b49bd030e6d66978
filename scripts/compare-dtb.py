#!/usr/bin/env python3
"""Compares Armature's virt device tree with QEMU 7.2's, node by node.

For each configuration both emulators dump their tree (-M virt,...,dumpdtb=FILE),
dtc turns each into source, and every node and property must match, except:
- phandle numbers (references are compared by the path of the node they name),
- kaslr-seed and rng-seed (random: only their sizes are compared),
- the nodes in INTENTIONAL below: devices Armature does not model yet.

usage: compare-dtb.py            (ARMATURE=path/to/armature, default .build/release/armature)
"""
import os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARMATURE = os.environ.get("ARMATURE", os.path.join(ROOT, ".build/release/armature"))
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

# Nodes QEMU 7.2 has and Armature leaves out on purpose, with the reason.
INTENTIONAL = [
    (r"/platform-bus@c000000", "the dynamic sysbus (platform bus) is not modelled"),
]
RANDOM = {"kaslr-seed", "rng-seed"}
# Properties whose cells (all, or the first of each group) are phandles.
PHANDLE_ALL = {"interrupt-parent", "clocks", "cpu"}
PHANDLE_FIRST = {"gpios"}
# Properties made of groups of cells with a phandle at one place in each group:
# {property: (cells per group, index of the phandle)}.
PHANDLE_GROUPS = {"interrupt-map": (10, 4), "msi-map": (4, 1)}


def parse_dts(text):
    """{node path: {property: value text}} from dtc's output."""
    nodes, stack = {}, []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("/dts-v1/"):
            continue
        m = re.match(r"^(/|[^=\s]+) \{$", line)
        if m:
            name = m.group(1)
            path = "/" if name == "/" else (("" if stack == ["/"] else "/".join(stack)[1:] if stack else "") + "/" + name)
            if stack and stack != ["/"]:
                path = stack[-1] + "/" + name
            elif stack == ["/"]:
                path = "/" + name
            stack.append(path)
            nodes[path] = {}
            continue
        if line == "};":
            stack.pop()
            continue
        m = re.match(r"^([^=\s]+)(?: = (.*))?;$", line)
        if not m:
            raise ValueError("cannot parse dts line: %r" % raw)
        nodes[stack[-1]][m.group(1)] = m.group(2) or ""
    return nodes


def cells(value):
    return re.findall(r"0x[0-9a-f]+", value)


def normalize(nodes):
    phandles = {}
    for path, props in nodes.items():
        if "phandle" in props:
            phandles[cells(props["phandle"])[0]] = path
    out = {}
    for path, props in nodes.items():
        p2 = {}
        for k, v in props.items():
            if k == "phandle":
                v = "<phandle>"
            elif k in RANDOM:
                v = "<%d random cells>" % len(cells(v))
            elif k in PHANDLE_ALL:
                v = "<" + " ".join("&" + phandles.get(c, c) for c in cells(v)) + ">"
            elif k in PHANDLE_GROUPS:
                n, at = PHANDLE_GROUPS[k]
                cs = cells(v)
                v = "<" + " ".join("&" + phandles.get(c, c) if i % n == at else c for i, c in enumerate(cs)) + ">"
            elif k in PHANDLE_FIRST:
                cs = cells(v)
                v = "<&" + phandles.get(cs[0], cs[0]) + " " + " ".join(cs[1:]) + ">"
            p2[k] = v
        out[path] = p2
    return out


def dump(cmd, path):
    if os.path.exists(path):
        os.unlink(path)
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    if not os.path.exists(path):
        raise RuntimeError("%s wrote no tree (status %d): %s" % (cmd[0], r.returncode, r.stderr.strip()))
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", path], capture_output=True, text=True, check=True).stdout
    return normalize(parse_dts(dts))


def intentional(path):
    for pattern, reason in INTENTIONAL:
        if re.fullmatch(pattern, path) or re.match(pattern + "/", path):
            return reason
    return None


def compare(name, machine, extra, tmp):
    ours_path, qemu_path = os.path.join(tmp, "ours.dtb"), os.path.join(tmp, "qemu.dtb")
    ours = dump([ARMATURE, "-M", machine + ",dumpdtb=" + ours_path] + extra, ours_path)
    qemu = dump([QEMU, "-M", machine + ",dumpdtb=" + qemu_path, "-nographic", "-net", "none"] + extra, qemu_path)
    problems, skipped = [], set()
    for path in sorted(set(ours) | set(qemu)):
        if path not in ours:
            reason = intentional(path)
            if reason:
                skipped.add(reason)
                continue
            problems.append("%s: in QEMU's tree only" % path)
            continue
        if path not in qemu:
            problems.append("%s: in Armature's tree only" % path)
            continue
        for prop in sorted(set(ours[path]) | set(qemu[path])):
            a, q = ours[path].get(prop), qemu[path].get(prop)
            if a is None and q is not None:
                # A property naming a node left out on purpose (msi-map naming the MSI controller).
                reason = next((intentional(r) for r in re.findall(r"&(/[^ >]*)", q) if intentional(r)), None)
                if reason:
                    skipped.add(reason)
                    continue
            if a != q:
                problems.append("%s %s: Armature %s, QEMU %s" % (path, prop, a, q))
    status = "ok  " if not problems else "FAIL"
    print("%s %s (%d nodes compared; left out: %s)" % (status, name, len([p for p in ours if p in qemu]),
                                                    "; ".join(sorted(skipped)) or "nothing"))
    for p in problems:
        print("     " + p)
    return not problems


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # A tiny arm64 Image (the header and a branch to itself) and an initrd,
        # for the /chosen properties a kernel boot adds.
        image = os.path.join(tmp, "Image")
        hdr = bytearray(64)
        hdr[0:4] = (0x14000000).to_bytes(4, "little")       # b .
        hdr[16:24] = (4096).to_bytes(8, "little")           # image_size
        hdr[56:60] = b"ARM\x64"
        with open(image, "wb") as f:
            f.write(bytes(hdr) + bytes(4096 - 64))
        initrd = os.path.join(tmp, "initrd")
        with open(initrd, "wb") as f:
            f.write(b"070701" + bytes(10000))
        # A firmware image for flash bank 0 (-bios): the tree it finds at the start of RAM.
        firmware = os.path.join(tmp, "firmware.fd")
        with open(firmware, "wb") as f:
            f.write((0x14000000).to_bytes(4, "little"))     # b .
        # The user's tree (-dtb): QEMU's own dump, edited by both loaders.
        user_dtb = os.path.join(tmp, "user.dtb")
        subprocess.run([QEMU, "-M", "virt,gic-version=3,dumpdtb=" + user_dtb, "-cpu", "max", "-nographic", "-net", "none"],
                       capture_output=True, check=True)
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        configs = [
            ("defaults (QEMU 7.2's GICv2)", "virt", ["-cpu", "max"]),
            ("gic-version=2", "virt,gic-version=2", ["-cpu", "max"]),
            ("gic-version=3", "virt,gic-version=3", ["-cpu", "max"]),
            ("gic-version=2, virtualization=on, cortex-a57, 1G",
             "virt,gic-version=2,virtualization=on", ["-cpu", "cortex-a57", "-m", "1G"]),
            ("gic-version=3, virtualization=on, 3G", "virt,gic-version=3,virtualization=on", ["-cpu", "max", "-m", "3G"]),
            ("-smp 2 (GICv2)", "virt", ["-cpu", "max", "-smp", "2"]),
            ("-smp 4, gic-version=3", "virt,gic-version=3", ["-cpu", "max", "-smp", "4"]),
            ("-smp 8, gic-version=2, virtualization=on", "virt,gic-version=2,virtualization=on", ["-cpu", "max", "-smp", "8"]),
            ("-smp 16, gic-version=3", "virt,gic-version=3", ["-cpu", "max", "-smp", "16"]),
            ("-smp sockets=2,clusters=2,cores=2,threads=2", "virt,gic-version=3",
             ["-cpu", "max", "-smp", "sockets=2,clusters=2,cores=2,threads=2"]),
            ("-smp 3,maxcpus=4", "virt,gic-version=3", ["-cpu", "max", "-smp", "3,maxcpus=4"]),
            ("highmem=off (low ECAM, no 64-bit PCI window)", "virt,highmem=off", ["-cpu", "max", "-m", "2G"]),
            ("highmem=off, gic-version=3", "virt,highmem=off,gic-version=3", ["-cpu", "max"]),
            ("Image, initrd, append", "virt,gic-version=3",
             ["-cpu", "max", "-m", "512M", "-kernel", image, "-initrd", initrd, "-append", "console=ttyAMA0 earlycon"]),
            ("virtio-mmio devices (blk, rng)", "virt,gic-version=3",
             ["-cpu", "max", "-drive", "if=none,id=d0,format=raw,file=" + disk,
              "-device", "virtio-blk-device,drive=d0", "-device", "virtio-rng-device"]),
            ("-dtb with Image, initrd, append", "virt,gic-version=3",
             ["-cpu", "max", "-m", "256M", "-kernel", image, "-initrd", initrd, "-append", "root=/dev/ram", "-dtb", user_dtb]),
            # With firmware QEMU's ACPI (acpi=auto) replaces the PL061 by its GED;
            # Armature builds no ACPI tables: firmware runs with acpi=off, as here.
            ("-bios (firmware at EL1)", "virt,acpi=off", ["-cpu", "max", "-bios", firmware]),
            ("-bios, virtualization=on, -smp 2, gic-version=3", "virt,acpi=off,virtualization=on,gic-version=3",
             ["-cpu", "max", "-smp", "2", "-bios", firmware]),
            # secure=on: the Secure world's nodes (secure RAM, UART, GPIO, flash bank 0),
            # and no /psci node (EL3 firmware brings PSCI).
            ("secure=on, virtualization=on, -smp 2, gic-version=3", "virt,secure=on,virtualization=on,gic-version=3",
             ["-cpu", "max", "-smp", "2"]),
            ("secure=on, -bios, GICv2", "virt,acpi=off,secure=on", ["-cpu", "max", "-bios", firmware]),
            ("-bios with -kernel, -initrd, -append (through fw_cfg)", "virt,acpi=off",
             ["-cpu", "max", "-bios", firmware, "-kernel", image, "-initrd", initrd, "-append", "console=ttyAMA0"]),
        ]
        ok = True
        for name, machine, extra in configs:
            try:
                ok &= compare(name, machine, extra, tmp)
            except Exception as e:  # a failed dump is a failed comparison
                print("FAIL %s: %s" % (name, e))
                ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
