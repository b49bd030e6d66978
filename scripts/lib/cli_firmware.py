"""The firmware tests of scripts/test-cli.py: -bios and -drive if=pflash
images that cannot be used (missing, empty, too large, given twice, not raw)
end the run with one line and status 1 (issue 15, item 8)."""

import os

from cli_harness import expect_error, run, report, write

BANK = 64 << 20


def firmware_tests(tmp):
    missing = os.path.join(tmp, "no-such-firmware.fd")
    expect_error("-bios: missing file", ["-bios", missing], "-bios", missing)
    empty = write(os.path.join(tmp, "empty.fd"), b"")
    expect_error("-bios: empty file", ["-bios", empty], "-bios", empty, "empty")
    big = os.path.join(tmp, "big.fd")
    with open(big, "wb") as f:
        f.truncate(BANK + 4096)        # sparse: no disk space used
    expect_error("-bios: larger than the flash bank", ["-bios", big], "-bios", big, "larger than the flash bank")
    expect_error("-bios: a directory", ["-bios", tmp], "-bios", tmp)
    small = write(os.path.join(tmp, "spin.fd"), b"\x00\x00\x00\x14")   # b .
    expect_error("-bios twice", ["-bios", small, "-bios", small], "-bios", "one firmware image")
    # -drive if=pflash: a bank's file is exactly 64 MiB, raw.
    def pflash(path, extra=""):
        return ["-drive", f"if=pflash,format=raw,file={path}{extra}"]
    expect_error("pflash: missing file", pflash(missing), "if=pflash", missing)
    expect_error("pflash: empty file", pflash(empty), empty, "empty")
    expect_error("pflash: larger than the bank", pflash(big), big, "67108864 bytes")
    expect_error("pflash: smaller than the bank", pflash(small), small, "67108864 bytes")
    expect_error("pflash: qcow2", ["-drive", f"if=pflash,format=qcow2,file={small}"], "qcow2", "raw")
    bank = os.path.join(tmp, "bank.fd")
    with open(bank, "wb") as f:
        f.truncate(BANK)
    expect_error("pflash: unit 2", pflash(bank, ",unit=2"), "unit=2")
    expect_error("pflash: the same unit twice", pflash(bank, ",unit=1") + pflash(bank, ",unit=1"), "unit=1", "exists")
    expect_error("-bios and pflash unit 0", ["-bios", small] + pflash(bank, ",unit=0"), "both -bios")
    expect_error("-drive if=ide (not on virt)", ["-drive", f"if=ide,format=raw,file={bank}"], "if=ide")
    rc, out, err = run(["-M", f"virt,dumpdtb={os.path.join(tmp, 'pf.dtb')}"] + pflash(bank, ",unit=1"))
    report("pflash unit 1 alone: the machine builds", rc == 0, f"exit {rc}: {err!r}")
    # A good image: the machine builds (dumpdtb exits before the first instruction).
    dtb = os.path.join(tmp, "fw.dtb")
    rc, out, err = run(["-M", f"virt,dumpdtb={dtb}", "-bios", small])
    report("-bios: the machine builds (dumpdtb)", rc == 0 and os.path.getsize(dtb) > 0, f"exit {rc}: {err!r}")


def seed_line_test(tmp):
    """The seed's command line as written (../shared/seed/mec-series-cover-letter.txt),
    with files that exist: Debian's kernel for ./out/Image, an empty raw disk for
    host.ext4, `tmp` shared over 9p; the kernel must start (its first line on the
    serial port through -chardev stdio). The seed's -bios ./out/flash.bin (TF-A)
    is not built here: ARMATURE_SEED_BIOS=FILE adds it (the kernel then comes
    through TF-A and its loader, from fw_cfg, and TF-A's PSCI starts the second
    CPU). Without it the kernel boots directly and the emulator's PSCI starts
    the second CPU (as QEMU 10.0 does; QEMU 7.2 hangs there: its CPU_ON leaves
    CPTR_EL3.EZ clear and the kernel's SVE setup traps to an empty EL3); the
    kernel must bring both CPUs up and get through its initcalls (timer and
    IPI interrupts through a GIC with two Security states)."""
    import subprocess
    import time
    from cli_harness import ARMATURE, ROOT, STRICT
    image = os.path.join(ROOT, ".build", "linux", "Image")
    if not os.path.exists(image):
        if STRICT:
            report("the seed's command line", False, f"{image} is missing (scripts/setup-linux.sh)")
        else:
            print(f"SKIP the seed's command line: {image} not found (scripts/setup-linux.sh)")
        return
    disk = os.path.join(tmp, "host.ext4")
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    bios = os.environ.get("ARMATURE_SEED_BIOS")
    args = ["-display", "none", "-vga", "none", "-chardev", "stdio,id=console", "-serial", "chardev:console",
            "-machine", "virt", "-cpu", "max,x-rme=on", "-smp", "2", "-m", "2G",
            "-M", "virt,acpi=off,virtualization=on,secure=on,gic-version=3,mec=on"] \
        + (["-bios", bios] if bios else []) \
        + ["-kernel", image, "-drive", f"format=raw,file={disk},if=virtio",
           "-virtfs", f"local,path={tmp},mount_tag=host,security_model=mapped,readonly=off",
           "-append", "nokaslr root=/dev/vda rw init=/init -- /bin/bash"]
    p = subprocess.Popen([ARMATURE] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.set_blocking(p.stdout.fileno(), False)
    out = b""
    markers = [b"Booting Linux on physical CPU"] if bios else \
        [b"smp: Brought up 1 node, 2 CPUs", b"clk: Disabling unused clocks"]
    deadline = time.time() + 300
    while not all(m in out for m in markers) and time.time() < deadline and p.poll() is None:
        time.sleep(0.2)
        chunk = p.stdout.read()
        if chunk:
            out += chunk
    p.kill()
    _, err = p.communicate()
    missing = [m.decode() for m in markers if m not in out]
    report("the seed's command line reaches the kernel" + (" (as written, through -bios)" if bios else
                                                            " (no -bios: both CPUs up, initcalls done)"),
           not missing, f"missing {missing}: stdout {out[-300:]!r} stderr {err[-300:]!r}")
