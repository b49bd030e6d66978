#!/usr/bin/env python3
"""The PCI test: Debian's arm64 cloud kernel (scripts/setup-linux.sh; virtio-pci,
virtio-blk and virtio-rng load from the initramfs) enumerates the PCIe host
bridge, a PCI Express root port and two virtio-pci devices (virtio-rng-pci
behind the port: modern only; virtio-blk-pci on bus 0: transitional, QEMU
7.2's default there), reads a file from an ext4 image on virtio-blk-pci and
reads /dev/hwrng, with MSI-X (through GICv2m, and through the GICv3 ITS as
LPIs), with INTx (pci=nomsi) and through the legacy virtio-pci interface
(virtio_pci.force_legacy=1: the transitional block device's I/O BAR),
compared with QEMU 7.2 booting the same (without its default NIC).
The configuration spaces are compared whole (hexdump of each function's
sysfs config: the root port's 4 KiB with AER at 0x100 and ACS at 0x148,
the endpoints behind it 4 KiB, the functions on bus 0 256 bytes).

The hot-plug sessions (jit-hotplug, interp-hotplug) boot with an empty
pcie-root-port (rp1, hotplug on), one with hotplug=off (rp2), virtio-rng-pci
(id rng0) on bus 0, a -drive if=none (d0), a -netdev user (n0) and
-qmp unix:SOCK,server,wait=off, then over QMP: device_add and device_del
errors (bus without hot plug, port without it, unknown driver, no driver,
no drive, unknown bus, duplicate id, unknown device), and for
virtio-rng-pci, virtio-blk-pci (drive=d0) and virtio-net-pci (netdev=n0)
behind rp1: device_add, Linux's pciehp finding 0000:01:00.0 (IDs, its
virtio driver; the disk mounted and hello.txt read), device_del twice (the
second refused while the unplug is pending), the DEVICE_DELETED events
(backend, then device) once the guest powered the slot off, the function
gone; the slot's control and status registers along the way. Everything
must equal QEMU 7.2's session (replies, events without timestamps, what
the guest saw).

Each configuration boots with
  -M virt[,gic-version=3] -cpu max -m 1G -nographic -kernel Image -initrd initramfs
  -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 -device virtio-rng-pci,bus=rp1
  -drive file=IMG,format=raw,if=virtio
  -append "console=ttyAMA0 [pci=nomsi] [virtio_pci.force_legacy=1]"
and at the shell:
  /sys/bus/pci/devices/*: vendor, device, class, subsystem IDs, and the
    resources Linux assigned (BARs, the port's bus numbers and windows)  (= QEMU's)
  mount -o ro /dev/vda /mnt; cat /mnt/hello.txt                   (the host's text)
  head -c 16 /dev/hwrng | wc -c                                   (16)
  /proc/interrupts: the virtio interrupts are MSI (edge) or INTx (level, GIC),
                    counted, on the same interrupt chip as QEMU's (ITS-MSI with GICv3)
  poweroff -f

  the hot-plug sessions: as above, plus -netdev user,id=n0 -drive if=none,id=d0,file=IMG
    -device pcie-root-port,id=rp1,... -device pcie-root-port,id=rp2,...,hotplug=off -qmp ...

  scripts/test-pci.py [--config NAME ...] [--jobs N] [--timeout S] [--transcripts DIR]
Exit status 0 when every check passed, 1 otherwise, 2 when something needed is missing.
"""
import argparse
import concurrent.futures
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import guest_session as gs  # noqa: E402
from qmp_client import QMPClient  # noqa: E402

LINUX = gs.LINUX

HELLO = "hello over virtio-blk-pci\n"
# name: (engine, gic version or None, extra kernel arguments, what the virtio
# interrupts are, and what they are on QEMU 7.2)
CONFIGS = {
    "jit-msix": ("jit", None, "", "msi", "msi"),
    "jit-intx": ("jit", None, "pci=nomsi", "intx", "intx"),
    "jit-gic3-msix": ("jit", "3", "", "msi", "msi"),
    "jit-gic3-intx": ("jit", "3", "pci=nomsi", "intx", "intx"),
    "interp-msix": ("interp", None, "", "msi", "msi"),
    "interp-gic3-msix": ("interp", "3", "", "msi", "msi"),
    "jit-legacy": ("jit", None, "virtio_pci.force_legacy=1", "msi", "msi"),
    "interp-gic3-legacy-intx": ("interp", "3", "virtio_pci.force_legacy=1 pci=nomsi", "intx", "intx"),
}
# Hot-plug sessions: name -> engine.
HOTPLUG = {"jit-hotplug": "jit", "interp-hotplug": "interp"}


def boot_command(subject, engine, gic, append, image):
    machine = "virt" + (f",gic-version={gic}" if gic else "")
    cmd = gs.emulator(subject, engine, ["-nic", "none"])
    return cmd + ["-M", machine, "-cpu", "max", "-m", "1G", "-nographic"] + gs.linux_args(
        LINUX, ("console=ttyAMA0 " + append).strip()) + [
        "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1", "-device", "virtio-rng-pci,bus=rp1",
        "-drive", f"file={image},format=raw,if=virtio"]


def interrupt_chips(text):
    """The interrupt chips of the virtio lines (the first word after the counts: ITS-MSI, GICv2m-MSI, GICv3, ...)."""
    chips = set()
    for l in (text or "").splitlines():
        if "virtio" in l:
            words = [w for w in l.split()[1:] if not w.isdigit()]
            chips.add(words[0] if words else "?")
    return chips


def interrupt_kinds(text):
    """'msi' when every virtio line is an MSI, 'intx' when none is; with the total count."""
    lines = [l for l in (text or "").splitlines() if "virtio" in l]
    msi = [("MSI" in l) for l in lines]
    total = 0
    for l in lines:
        for p in l.split()[1:]:
            if not p.isdigit():
                break
            total += int(p)
    kind = "msi" if msi and all(msi) else "intx" if msi and not any(msi) else "mixed" if msi else "none"
    return kind, total, lines


def run_session(cmd, timeout, transcript=None):
    s = gs.Session(cmd, timeout)
    out = {}
    m = s.shell(timeout)
    out["prompt"] = m is not None
    if m is not None:
        out["pci"] = s.command("for d in /sys/bus/pci/devices/*; do echo ${d##*/} $(cat $d/vendor $d/device "
                               "$d/class $d/subsystem_vendor $d/subsystem_device); "
                               "grep -v '^0x0000000000000000 0x0000000000000000' $d/resource; done; "
                               "cat /sys/bus/pci/devices/0000:00:01.0/secondary_bus_number "
                               "/sys/bus/pci/devices/0000:00:01.0/subordinate_bus_number")
        s.command("dmesg -n 1")   # no kernel messages between a command's output lines
        out["hello"] = s.command("mount -t ext4 -o ro /dev/vda /mnt && cat /mnt/hello.txt; umount /mnt", 60)
        out["rng"] = s.command("head -c 16 /dev/hwrng | wc -c")
        out["interrupts"] = s.command("cat /proc/interrupts")
        out["ioports"] = s.command("cat /proc/ioports")
        out["config"] = s.command("for d in /sys/bus/pci/devices/*; do echo ${d##*/} $(wc -c < $d/config); "
                                  "hexdump -C $d/config; done", 60)
        s.type("poweroff -f")
        out["status"] = s.finish(min(30, s.deadline - s.start))
    else:
        s.finish(0.1)
    s.drain()
    out["tail"] = s.last_lines()
    if transcript:
        with open(transcript, "wb") as f:
            f.write(s.out)
    return out


SLOT = "/sys/bus/pci/devices/0000:00:01.0/config"
FUNCTION = "/sys/bus/pci/devices/0000:01:00.0"
HOTPLUG_ERRORS = [
    ("device_add", {"driver": "virtio-rng-pci", "bus": "pcie.0", "id": "x1"}),
    ("device_add", {"driver": "virtio-rng-pci", "bus": "rp2", "id": "x2"}),
    ("device_add", {"driver": "nonesuch", "id": "x3"}),
    ("device_add", {"id": "x4"}),
    ("device_add", {"driver": "virtio-blk-pci", "bus": "rp1", "id": "x5"}),
    ("device_add", {"driver": "virtio-rng-pci", "bus": "rpX", "id": "x6"}),
    ("device_add", {"driver": "virtio-rng-pci", "bus": "rp1", "id": "rng0"}),
    ("device_del", {"id": "nosuch"}),
    ("device_del", {"id": "rng0"}),
    ("device_del", {"id": "rp1"}),
]
HOTPLUG_DEVICES = [("virtio-rng-pci", {}), ("virtio-blk-pci", {"drive": "d0"}), ("virtio-net-pci", {"netdev": "n0"})]


def hotplug_command(subject, engine, image, sock):
    cmd = gs.emulator(subject, engine, ["-nic", "none"])
    return cmd + ["-M", "virt", "-cpu", "max", "-m", "1G", "-nographic"] + gs.linux_args(LINUX, "console=ttyAMA0") + [
        "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1",
        "-device", "pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2,hotplug=off",
        "-device", "virtio-rng-pci,id=rng0", "-drive", f"if=none,id=d0,file={image},format=raw",
        "-netdev", "user,id=n0", "-qmp", f"unix:{sock},server,wait=off"]


def run_hotplug(subject, engine, image, sock, timeout, transcript=None):
    """The hot-plug session: what QMP replied and sent, what the guest saw, in order."""
    s = gs.Session(hotplug_command(subject, engine, image, sock), timeout)
    log = []
    q = None
    try:
        if s.shell(timeout) is None:
            return {"prompt": False, "tail": s.last_lines()}
        q = QMPClient(sock)
        s.command("dmesg -n 1")

        def slot():
            return (s.command(f"hexdump -s 0x6c -n 8 -e '8/1 \"%02x \"' {SLOT}") or "").strip()

        def seen(present, what):
            # pciehp works in the background: wait for 0000:01:00.0 to come or go.
            test = "-e" if present else "! -e"
            return s.command(f"for i in $(seq 1 300); do [ {test} {FUNCTION} ] && break; sleep 0.2; done; {what}", 90)

        log.append(("slot before", slot()))
        for name, args in HOTPLUG_ERRORS:
            log.append((name, args, q.cmd(name, args)))
        for driver, extra in HOTPLUG_DEVICES:
            log.append(("device_add", driver, q.cmd("device_add", dict(driver=driver, bus="rp1", id="hp", **extra))))
            log.append(("guest sees", driver, seen(True, f"cat {FUNCTION}/vendor {FUNCTION}/device {FUNCTION}/class; "
                                                         f"sleep 1; ls {FUNCTION}/virtio*/driver/module -d 2>/dev/null "
                                                         f"&& basename $(readlink {FUNCTION}/virtio*/driver)")))
            if driver == "virtio-blk-pci":
                log.append(("hello", s.command("mount -t ext4 -o ro /dev/vda /mnt && cat /mnt/hello.txt; umount /mnt", 60)))
                log.append(("device_add again", q.cmd("device_add", dict(driver=driver, bus="rp1", id="hp2", **extra))))
            log.append(("slot after add", slot()))
            log.append(("device_del", driver, q.cmd("device_del", {"id": "hp"})))
            log.append(("device_del again", driver, q.cmd("device_del", {"id": "hp"})))
            log.append(("events", driver, [q.wait_event("DEVICE_DELETED", 120) for _ in range(2)]))
            log.append(("guest lost", driver, seen(False, f"[ -e {FUNCTION} ] && echo present || echo gone")))
            log.append(("slot after del", slot()))
        q.cmd("device_del", {"id": "nosuch"})   # events still to come are read on the way
        log.append(("other events", [e["event"] for e in q.events]))
        s.type("poweroff -f")
        return {"prompt": True, "log": log, "status": s.finish(min(30, max(1, s.deadline - time.monotonic())))}
    finally:
        if q:
            q.close()
        s.kill()
        s.drain()
        if transcript:
            with open(transcript, "wb") as f:
                f.write(s.out)


def check_hotplug(report, n, got, ref):
    report(f"[{n}] boots to the shell prompt", got.get("prompt"), got.get("tail"))
    if not got.get("prompt"):
        return
    if not ref.get("prompt"):
        report(f"[{n}] QEMU 7.2's reference boot", False, ref.get("tail"))
        return
    log, qlog = got["log"], ref["log"]
    for i, entry in enumerate(log):
        want = qlog[i] if i < len(qlog) else None
        report(f"[{n}] {' '.join(str(x) for x in entry[:2])[:90]}: as QEMU 7.2", entry == want,
               f"Armature {entry!r}, QEMU {want!r}")
    report(f"[{n}] as many steps as QEMU 7.2's session", len(log) == len(qlog), f"{len(log)} vs {len(qlog)}")
    # Not equal by accident: the devices came, the disk was read, they went with their events.
    steps = {(e[0], e[1]) if len(e) > 2 else (e[0],): e[-1] for e in log if len(e) == 2 or isinstance(e[1], str)}
    for driver, extra in HOTPLUG_DEVICES:
        report(f"[{n}] {driver} plugged: the guest found it, then it went with two DEVICE_DELETED events",
               steps.get(("device_add", driver)) == {"return": {}} and "0x1af4" in (steps.get(("guest sees", driver)) or "")
               and steps.get(("device_del", driver)) == {"return": {}}
               and [(e or {}).get("data") for e in steps.get(("events", driver)) or []]
               == [{"path": "/machine/peripheral/hp/virtio-backend"}, {"device": "hp", "path": "/machine/peripheral/hp"}]
               and (steps.get(("guest lost", driver)) or "").strip() == "gone", repr([e for e in log if driver in e]))
    report(f"[{n}] the hot-plugged disk reads", steps.get(("hello",)) == HELLO, repr(steps.get(("hello",))))


def make_image(tmp):
    return gs.make_ext4(tmp, "hello.txt", HELLO, "8M", "disk.img")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS) + sorted(HOTPLUG))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--transcripts")
    ap.add_argument("--armature", default=gs.ARMATURE)
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(LINUX, "root", "lib", "modules", "virtio_pci.ko")):
        print("test-pci: no virtio_pci module in .build/linux (run scripts/setup-linux.sh)", file=sys.stderr)
        return 2
    if gs.tool("mke2fs") is None:
        print("test-pci: mke2fs is missing (scripts/setup.sh)", file=sys.stderr)
        return 2
    if not gs.can_run("test-pci", a.armature):
        return 2
    if a.transcripts:
        os.makedirs(a.transcripts, exist_ok=True)
    names = [n for n in a.config or list(CONFIGS) + list(HOTPLUG) if n in CONFIGS]
    hotplug = [n for n in a.config or list(HOTPLUG) if n in HOTPLUG]
    tally = gs.Tally()
    report = tally.report

    with tempfile.TemporaryDirectory() as tmp:
        # One image per boot (QEMU locks the file it opens read-write).
        refs = sorted({(CONFIGS[n][1], CONFIGS[n][2]) for n in names}, key=str)
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            for n in (["qemu-hotplug"] if hotplug else []) + hotplug:
                d = tempfile.mkdtemp(dir=tmp)
                subject, engine = ("qemu", "tcg") if n == "qemu-hotplug" else (a.armature, HOTPLUG[n])
                t = a.transcripts and os.path.join(a.transcripts, f"{n}.txt")
                jobs[n] = pool.submit(run_hotplug, subject, engine, make_image(d), os.path.join(d, "qmp.sock"),
                                      a.timeout, t)
            for gic, append in refs:
                d = tempfile.mkdtemp(dir=tmp)
                t = a.transcripts and os.path.join(a.transcripts, f"qemu-gic{gic or 'default'}-{append or 'msi'}.txt")
                jobs[("qemu", gic, append)] = pool.submit(
                    run_session, boot_command("qemu", "tcg", gic, append, make_image(d)), a.timeout, t)
            for n in names:
                engine, gic, append, _, _ = CONFIGS[n]
                d = tempfile.mkdtemp(dir=tmp)
                t = a.transcripts and os.path.join(a.transcripts, f"{n}.txt")
                jobs[n] = pool.submit(run_session, boot_command(a.armature, engine, gic, append, make_image(d)),
                                      a.timeout, t)
        for n in names:
            engine, gic, append, want, qemu_want = CONFIGS[n]
            got, ref = jobs[n].result(), jobs[("qemu", gic, append)].result()
            report(f"[{n}] boots to the shell prompt", got["prompt"], got["tail"])
            if not got["prompt"]:
                continue
            if not ref["prompt"]:
                report(f"[{n}] QEMU 7.2's reference boot", False, ref["tail"])
                continue
            pci = (got.get("pci") or "").strip()
            report(f"[{n}] PCI functions as QEMU 7.2's (IDs, class, subsystem, resources, the port's buses)",
                   pci and pci == (ref.get("pci") or "").strip(), f"Armature {pci!r}, QEMU {ref.get('pci')!r}")
            report(f"[{n}] ext4 on virtio-blk-pci: hello.txt", got.get("hello") == HELLO, f"got {got.get('hello')!r}")
            report(f"[{n}] /dev/hwrng (virtio-rng-pci) gives 16 bytes", (got.get("rng") or "").strip() == "16",
                   f"got {got.get('rng')!r}")
            kind, count, lines = interrupt_kinds(got.get("interrupts"))
            qkind, _, qlines = interrupt_kinds(ref.get("interrupts"))
            report(f"[{n}] virtio interrupts are {want} (QEMU 7.2: {qkind}) and counted",
                   kind == want and qkind == qemu_want and count > 0,
                   f"Armature {kind} {count} {lines}; QEMU {qlines}")
            chips, qchips = interrupt_chips(got.get("interrupts")), interrupt_chips(ref.get("interrupts"))
            report(f"[{n}] on QEMU 7.2's interrupt chips {sorted(qchips)}", chips == qchips and
                   (gic != "3" or want != "msi" or chips == {"ITS-MSI"}), f"Armature {sorted(chips)}")
            if "force_legacy" in append:
                report(f"[{n}] the block device is driven through its legacy I/O BAR (as on QEMU 7.2)",
                       "virtio-pci-legacy" in (got.get("ioports") or "") and "virtio-pci-legacy" in (ref.get("ioports") or ""),
                       f"Armature {got.get('ioports')!r}, QEMU {ref.get('ioports')!r}")
            config, qconfig = (got.get("config") or "").strip(), (ref.get("config") or "").strip()
            report(f"[{n}] configuration spaces (with the extended 0x100-0xFFF) as QEMU 7.2's",
                   config and config == qconfig and "00000100  01 00 82 14" in config, f"Armature {config!r}, QEMU {qconfig!r}")
            report(f"[{n}] poweroff -f ends the run with status 0", got.get("status") == 0, f"status {got.get('status')}")
        for n in hotplug:
            check_hotplug(report, n, jobs[n].result(), jobs["qemu-hotplug"].result())
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
