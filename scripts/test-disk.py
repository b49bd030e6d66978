#!/usr/bin/env python3
"""The disk test: Debian's arm64 cloud kernel (scripts/setup-linux.sh; its
virtio modules load from the initramfs) mounts an ext4 image from
virtio-blk on virtio-mmio, and the guest's writes reach the host's file.

The image is made with `mke2fs -t ext4 -d DIR` (DIR holds hello.txt). Boot 1:
  -drive if=none,id=d0,format=raw,file=IMG -device virtio-blk-device,drive=d0
  -device virtio-rng-device
mounts /dev/vda, reads hello.txt, writes written.txt, syncs, unmounts, reads
16 bytes of /dev/hwrng (virtio-rng), and powers off. Boot 2 (the same
engine) mounts the image again and reads written.txt back. Then the host's
`e2fsck -fn IMG` must find the file system clean, and debugfs must read
written.txt from the image.

  scripts/test-disk.py [--engines interp,jit] [--boots-interp 1] [--timeout S] [--subject-qemu]
--subject-qemu runs the same sessions on QEMU 7.2 (checks the script; QEMU's
virtio-mmio is the legacy version 1 transport, the guest's view otherwise the same).
--boots-interp 1 (the default) gives the interpreter, ~6x slower on a Linux
boot, one boot with both halves; the JIT does the two boots.
Exit status 0 when every check passed, 1 otherwise, 2 when the kernel is
missing (run scripts/setup-linux.sh).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import guest_session as gs  # noqa: E402

LINUX = gs.LINUX

HELLO = "hello from the host's mke2fs\n"


def make_image(tmp):
    return gs.make_ext4(tmp, "hello.txt", HELLO, "32M")


def command(subject, engine, img):
    return gs.emulator(subject, engine) + ["-M", "virt", "-cpu", "max", "-m", "512M", "-nographic"] + gs.linux_args() + [
        "-drive", f"if=none,id=d0,format=raw,file={img}",
        "-device", "virtio-blk-device,drive=d0", "-device", "virtio-rng-device"]


def boot(cmd, timeout, steps, token, checks, label):
    """One boot: `steps` is a subset of {"write", "read"}."""
    s = gs.Session(cmd, timeout)

    def check(name, ok, detail=""):
        checks.append((f"{label}: {name}", bool(ok), detail))

    m = s.shell(timeout)
    check("boots to the shell prompt", m is not None, "last lines: " + s.last_lines())
    if m is None:
        s.finish(1)
        return
    got = s.command("mount -t ext4 /dev/vda /mnt && echo mounted", 120)
    check("mounts /dev/vda (ext4)", got is not None and "mounted" in got, f"got {got!r}")
    if "write" in steps:
        got = s.command("cat /mnt/hello.txt", 60)
        check("reads hello.txt", got is not None and got == HELLO, f"got {got!r}")
        got = s.command(f"echo {token} > /mnt/written.txt && sync && echo synced", 120)
        check("writes written.txt and syncs", got is not None and "synced" in got, f"got {got!r}")
        got = s.command("dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n'", 60)
        check("reads 16 bytes of /dev/hwrng (virtio-rng)",
              got is not None and len(got.strip()) == 32 and got.strip() != "0" * 32, f"got {got!r}")
    if "read" in steps:
        if "write" in steps:   # one boot: read it back from the disk, not the page cache
            got = s.command("umount /mnt && mount -t ext4 /dev/vda /mnt && echo remounted", 120)
            check("unmounts and mounts again", got is not None and "remounted" in got, f"got {got!r}")
        got = s.command("cat /mnt/written.txt", 60)
        check("reads written.txt back", got is not None and got.strip() == token, f"got {got!r}")
    got = s.command("umount /mnt && echo unmounted", 120)
    check("unmounts", got is not None and "unmounted" in got, f"got {got!r}")
    s.type("poweroff -f")
    status = s.finish(60)
    check("poweroff ends the run with status 0", status == 0, f"status {status}")


def run(subject, engine, boots, timeout, tmp):
    checks = []
    img = make_image(os.path.join(tmp, engine))
    token = f"armature-disk-{engine}-{int(time.time())}"
    start = time.monotonic()
    if boots >= 2:
        boot(command(subject, engine, img), timeout, {"write"}, token, checks, f"{engine} boot 1")
        boot(command(subject, engine, img), timeout, {"read"}, token, checks, f"{engine} boot 2")
    else:
        boot(command(subject, engine, img), timeout, {"write", "read"}, token, checks, f"{engine} boot")
    fsck = subprocess.run([gs.tool("e2fsck"), "-fn", img], capture_output=True, text=True)
    checks.append((f"{engine}: e2fsck -fn finds the image clean", fsck.returncode == 0,
                   (fsck.stdout + fsck.stderr).strip().replace("\n", " | ")))
    cat = subprocess.run([gs.tool("debugfs"), "-R", "cat /written.txt", img], capture_output=True, text=True)
    checks.append((f"{engine}: the host reads written.txt from the image", cat.stdout.strip() == token,
                   f"got {cat.stdout.strip()!r}"))
    return checks, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engines", default=os.environ.get("ARMATURE_ENGINES", "interp,jit"))
    ap.add_argument("--boots-interp", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("ARMATURE_DISK_TIMEOUT", 600)))
    ap.add_argument("--subject-qemu", action="store_true")
    args = ap.parse_args()
    for f in ("Image", "initramfs"):
        if not os.path.exists(os.path.join(LINUX, f)):
            print(f"test-disk: {os.path.join(LINUX, f)} is missing (run scripts/setup-linux.sh)")
            return 2
    if not os.path.exists(os.path.join(LINUX, "root", "lib", "modules", "virtio_blk.ko")):
        print("test-disk: the initramfs has no virtio modules (run scripts/setup-linux.sh)")
        return 2
    for t in ("mke2fs", "e2fsck", "debugfs"):
        if not gs.tool(t):
            print(f"test-disk: {t} is missing (apt-get install e2fsprogs)")
            return 2
    subject = "qemu" if args.subject_qemu else gs.ARMATURE
    ok = True
    with tempfile.TemporaryDirectory(prefix="armature-disk-") as tmp:
        for engine in [e for e in args.engines.split(",") if e]:
            os.makedirs(os.path.join(tmp, engine))
            boots = args.boots_interp if engine == "interp" else 2
            checks, secs = run(subject, engine, boots, args.timeout, tmp)
            for name, passed, detail in checks:
                print(("ok   " if passed else "FAIL ") + name + ("" if passed else f" ({detail})"))
                ok &= passed
            print(f"     {engine}: {secs:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
