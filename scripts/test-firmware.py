#!/usr/bin/env python3
"""The firmware test (issue 15): Debian's EDK2 (qemu-efi-aarch64) and U-Boot
(u-boot-qemu), fetched by scripts/setup-firmware.sh, boot on Armature from
flash, driven over the serial console as a person would, and their
transcripts are compared with QEMU 7.2's runs of the same session.

  edk2-shell-*   -bios QEMU_EFI.fd: the UEFI shell (ESC skips startup.nsh);
                 `setvar` writes a non-volatile variable and reads it back
                 (NorFlashDxe programs flash bank 1); `reset -s` powers off
                 through PSCI SYSTEM_OFF: status 0. The transcript up to the
                 shell prompt must be QEMU's, byte for byte (the startup.nsh
                 countdown left out: it depends on when ESC arrives).
  edk2-vars-*    two runs on pflash drives: the code read-only (AAVMF_CODE.fd),
                 the variables a copy of AAVMF_VARS.fd; the first run sets a
                 variable, the second reads it (flash writes persist).
  edk2-linux-*   -kernel/-initrd/-append through fw_cfg: EDK2 loads Debian's
                 kernel (scripts/setup-linux.sh) with its EFI stub, busybox's
                 shell answers `uname -r`, `poweroff -f` ends the run; the
                 kernel log has no warning/error line QEMU 7.2's lacks.
  uboot-*        -bios u-boot.bin: a key stops autoboot at U-Boot's prompt;
                 the transcript up to it must be QEMU's; `poweroff` ends the run.
  uboot-linux-*  with -kernel/-initrd/-append: `qfw load` and `booti` boot the
                 kernel to busybox's shell.

  scripts/test-firmware.py [--config NAME ...] [--list] [--jobs N] [--timeout S]
                           [--transcripts DIR] [--subject-qemu]
Exit status 0 when every configuration passed, 1 otherwise, 2 when something
it needs is missing.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRMWARE = os.path.join(ROOT, ".build", "firmware")
LINUX = os.path.join(ROOT, ".build", "linux")

_spec = importlib.util.spec_from_file_location("test_linux", os.path.join(ROOT, "scripts", "test-linux.py"))
test_linux = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(test_linux)
Session = test_linux.Session

ESC = b"\x1b"
SHELL_PROMPT = rb"Shell> "
COUNTDOWN = re.compile(rb"(\x1b\[05;01H)?Press \S*ESC\S* in \d seconds to skip \S*startup\.nsh\S* or any other key to continue\.")
UBOOT_PROMPT = rb"=> "
AUTOBOOT = re.compile(rb"Hit any key to stop autoboot: [^\n]*")
# U-Boot counts the devices of the device tree it is given; QEMU's has
# virtio-mmio transports and a platform bus Armature does not model yet
# (scripts/compare-dtb.py lists them), so this one line is left out.
UBOOT_CORE = re.compile(rb"Core: +\d+ devices, \d+ uclasses, ")
VAR_GUID = "a6c1f3e2-5b7d-4c9e-8f10-2d3e4f5a6b7c"

# name: (engine, kind)
CONFIGS = {
    "edk2-shell-jit": ("jit", "edk2-shell"),
    "edk2-shell-interp": ("interp", "edk2-shell"),
    "edk2-vars-jit": ("jit", "edk2-vars"),
    "edk2-linux-jit": ("jit", "edk2-linux"),
    "uboot-linux-jit": ("jit", "uboot-linux"),
    "uboot-interp": ("interp", "uboot"),
}


def machine_args(subject, engine, extra):
    if subject == "qemu":
        # No default NIC: EDK2 would try PXE, U-Boot report it.
        cmd = ["qemu-system-aarch64", "-net", "none"]
    else:
        cmd = [subject, "-accel", engine]
    return cmd + ["-M", "virt,acpi=off", "-cpu", "max", "-m", "1G", "-nographic"] + extra


def linux_args():
    return ["-kernel", os.path.join(LINUX, "Image"), "-initrd", os.path.join(LINUX, "initramfs"),
            "-append", "console=ttyAMA0"]


class Run:
    """The checks and times of one session, and its transcript."""

    def __init__(self):
        self.checks = []
        self.times = {}
        self.out = b""

    def check(self, name, ok, detail=""):
        self.checks.append((name, bool(ok), detail))


def send(s, data):
    try:
        s.proc.stdin.write(data)
        s.proc.stdin.flush()
    except BrokenPipeError:
        pass


def last_lines(s, n=3):
    return " | ".join(l.decode(errors="replace") for l in bytes(s.out).splitlines()[-n:])


def uefi_shell(s, r, seconds):
    """Waits for the startup.nsh countdown, skips it, waits for the prompt."""
    m = s.expect(rb"Press \S*ESC", seconds)
    if m is not None:
        send(s, ESC)
        m = s.expect(SHELL_PROMPT, 120)
    r.check("reaches the UEFI shell prompt", m is not None, "last lines: " + last_lines(s))
    if m is not None:
        r.times["shell"] = s.elapsed()
    return m is not None


def shell_command(s, line, seconds=60):
    """Types a UEFI shell command; returns what the shell printed up to its
    next prompt (the echo included), escape sequences removed."""
    s.seen = len(s.out)
    send(s, line.encode() + b"\r")
    start = len(s.out)
    m = s.expect(SHELL_PROMPT, seconds)
    if m is None:
        return None
    return re.sub(rb"\x1b\[[0-9;=]*[A-Za-z]", b"", bytes(s.out[start:m.end()])).decode(errors="replace")


def read_variable(s, r, expect_set):
    out = shell_command(s, f"setvar ArmatureTest -guid {VAR_GUID}")
    # The value, UTF-16LE "persisted": 70 00 65 00 ...
    found = out is not None and re.search(r"70 00 65 00 72 00 73 00", out.upper().replace("\r", "")) is not None
    if expect_set:
        r.check("setvar reads the variable back", found, repr(out))
    return found


def edk2_shell(cmd, timeout, drives=None):
    r = Run()
    s = Session(cmd, timeout)
    if uefi_shell(s, r, timeout):
        out = shell_command(s, f'setvar ArmatureTest -guid {VAR_GUID} -nv -bs -rt =L"persisted"')
        r.check("setvar writes a non-volatile variable", out is not None and "rror" not in out, repr(out))
        read_variable(s, r, True)
        send(s, b"reset -s\r")
        rc = s.finish(min(30, s.deadline - s.start))
        r.check("reset -s ends the run with status 0", rc == 0, f"status {rc}")
    else:
        s.finish(0.1)
    while s.read(0.1):
        pass
    r.out = bytes(s.out)
    return r


def edk2_vars(subject, engine, timeout):
    """Two runs on a copy of the variable store: the first sets a variable,
    the second finds it."""
    r = Run()
    tmp = tempfile.mkdtemp(prefix="armature-vars-")
    try:
        vars_fd = os.path.join(tmp, "vars.fd")
        shutil.copyfile(os.path.join(FIRMWARE, "AAVMF_VARS.fd"), vars_fd)
        drives = ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={os.path.join(FIRMWARE, 'AAVMF_CODE.fd')}",
                  "-drive", f"if=pflash,format=raw,unit=1,file={vars_fd}"]
        for n in (1, 2):
            s = Session(machine_args(subject, engine, drives), timeout)
            if not uefi_shell(s, r, timeout):
                s.finish(0.1)
                break
            if n == 1:
                r.check("the new store has no such variable", not read_variable(s, r, False))
                out = shell_command(s, f'setvar ArmatureTest -guid {VAR_GUID} -nv -bs -rt =L"persisted"')
                r.check("run 1: setvar writes a non-volatile variable", out is not None and "rror" not in out, repr(out))
            else:
                r.check("run 2: the variable is still there", read_variable(s, r, False), last_lines(s))
            send(s, b"reset -s\r")
            rc = s.finish(30)
            r.check(f"run {n}: reset -s ends the run with status 0", rc == 0, f"status {rc}")
            while s.read(0.1):
                pass
            r.out += bytes(s.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return r


def edk2_linux(cmd, timeout):
    r = Run()
    s = Session(cmd, timeout)
    m = s.expect(test_linux.MARKER + rb"[^\n]*\n.*?/ # ", timeout)
    r.check("EDK2 boots the kernel from fw_cfg to the shell", m is not None, "last lines: " + last_lines(s))
    if m is not None:
        r.times["linux shell"] = s.elapsed()
        release = open(os.path.join(LINUX, "kernel-release")).read().strip()
        got = s.command("uname -r")
        r.check("uname -r", got is not None and got.strip() == release, f"got {got!r}")
        got = s.command("cat /proc/cmdline")
        r.check("the command line from fw_cfg", got is not None and "console=ttyAMA0" in got, f"got {got!r}")
        s.type("poweroff -f")
        rc = s.finish(min(30, s.deadline - s.start))
        r.check("poweroff -f ends the run with status 0", rc == 0, f"status {rc}")
    else:
        s.finish(0.1)
    while s.read(0.1):
        pass
    r.out = bytes(s.out)
    return r


def uboot(cmd, timeout, boot_linux):
    r = Run()
    s = Session(cmd, timeout)
    m = s.expect(rb"Hit any key to stop autoboot", timeout)
    if m is not None:
        send(s, b" ")
        m = s.expect(UBOOT_PROMPT, 60)
    r.check("reaches U-Boot's prompt", m is not None, "last lines: " + last_lines(s))
    if m is not None:
        r.times["prompt"] = s.elapsed()
        if boot_linux:
            send(s, b"qfw load ${kernel_addr_r} ${ramdisk_addr_r}\r")
            s.expect(UBOOT_PROMPT, 120)
            send(s, b"booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\r")
            m = s.expect(test_linux.MARKER + rb"[^\n]*\n.*?/ # ", timeout)
            r.check("booti boots the kernel loaded through fw_cfg to the shell", m is not None,
                    "last lines: " + last_lines(s))
            if m is not None:
                r.times["linux shell"] = s.elapsed()
                s.type("poweroff -f")
                rc = s.finish(30)
                r.check("poweroff -f ends the run with status 0", rc == 0, f"status {rc}")
        else:
            send(s, b"poweroff\r")
            rc = s.finish(30)
            r.check("poweroff ends the run with status 0", rc == 0, f"status {rc}")
    s.finish(0.1)
    while s.read(0.1):
        pass
    r.out = bytes(s.out)
    return r


def session(kind, subject, engine, timeout):
    if kind == "edk2-shell":
        return edk2_shell(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "QEMU_EFI.fd")]), timeout)
    if kind == "edk2-vars":
        return edk2_vars(subject, engine, timeout)
    if kind == "edk2-linux":
        return edk2_linux(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "QEMU_EFI.fd")] + linux_args()),
                          timeout)
    if kind in ("uboot", "uboot-linux"):
        boot = kind == "uboot-linux"
        extra = ["-bios", os.path.join(FIRMWARE, "u-boot.bin")] + (linux_args() if boot else [])
        return uboot(machine_args(subject, engine, extra), timeout, boot)
    raise ValueError(kind)


def until(out, pattern):
    """The transcript up to the first match of `pattern` (inclusive), countdown left out."""
    m = re.search(pattern, out)
    head = out[:m.end()] if m else out
    return UBOOT_CORE.sub(b"Core: ", COUNTDOWN.sub(b"", AUTOBOOT.sub(b"", head)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS), help="only these (repeatable)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run (default 600)")
    ap.add_argument("--transcripts", help="write each serial transcript into this folder")
    ap.add_argument("--subject-qemu", action="store_true", help="drive QEMU 7.2 instead of Armature")
    ap.add_argument("--armature", default=os.environ.get("ARMATURE", os.path.join(ROOT, ".build/release/armature")))
    a = ap.parse_args()
    if a.list:
        for name, (engine, kind) in CONFIGS.items():
            print(f"{name}: -accel {engine}, {kind}")
        return 0
    need = [os.path.join(FIRMWARE, f) for f in ("QEMU_EFI.fd", "AAVMF_CODE.fd", "AAVMF_VARS.fd", "u-boot.bin")]
    need += [os.path.join(LINUX, f) for f in ("Image", "initramfs", "kernel-release")]
    missing = [p for p in need if not os.path.isfile(p)]
    if missing:
        print(f"test-firmware: {missing[0]} is missing (run scripts/setup-firmware.sh and scripts/setup-linux.sh)",
              file=sys.stderr)
        return 2
    if shutil.which("qemu-system-aarch64") is None:
        print("test-firmware: qemu-system-aarch64 (7.2) is missing: it is the reference (scripts/setup.sh)", file=sys.stderr)
        return 2
    subject = "qemu" if a.subject_qemu else a.armature
    if subject != "qemu" and not os.access(subject, os.X_OK):
        print(f"test-firmware: {subject} is not built (swift build -c release --product armature)", file=sys.stderr)
        return 2
    if a.transcripts:
        os.makedirs(a.transcripts, exist_ok=True)
    names = a.config or list(CONFIGS)
    kinds = sorted({CONFIGS[n][1] for n in names})
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for kind in kinds:
            jobs[("qemu", kind)] = pool.submit(session, kind, "qemu", "tcg", a.timeout)
        for n in names:
            engine, kind = CONFIGS[n]
            jobs[n] = pool.submit(session, kind, subject, engine, a.timeout)
    passed = failed = 0

    def report(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"PASS {name}")
        else:
            failed += 1
            print(f"FAIL {name}: {detail}")

    for n in names:
        engine, kind = CONFIGS[n]
        r, q = jobs[n].result(), jobs[("qemu", kind)].result()
        if a.transcripts:
            for who, run in ((n, r), (f"qemu-{kind}", q)):
                with open(os.path.join(a.transcripts, who + ".txt"), "wb") as f:
                    f.write(run.out)
        for name, ok, detail in r.checks:
            report(f"[{n}] {name}", ok, detail)
        if not all(ok for _, ok, _ in q.checks):
            report(f"[{n}] QEMU 7.2's reference run", False, "; ".join(f"{c}: {d}" for c, ok, d in q.checks if not ok))
            continue
        if kind == "edk2-shell":
            ours, theirs = until(r.out, SHELL_PROMPT), until(q.out, SHELL_PROMPT)
            report(f"[{n}] the transcript up to the shell prompt is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        elif kind in ("uboot", "uboot-linux"):
            ours, theirs = until(r.out, UBOOT_PROMPT), until(q.out, UBOOT_PROMPT)
            report(f"[{n}] the transcript up to U-Boot's prompt is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        if kind in ("edk2-linux", "uboot-linux"):
            log, qlog = test_linux.kernel_log(r.out), test_linux.kernel_log(q.out)
            theirs = {test_linux.normalise(l) for l in qlog}
            extra = [l for l in log if test_linux.SUSPICIOUS.search(l) and test_linux.normalise(l) not in theirs
                     and not any(e.search(l) for e in test_linux.EXPLAINED)]
            report(f"[{n}] kernel log: no warning or error line that QEMU 7.2's lacks", not extra,
                   " | ".join(l.decode(errors="replace") for l in extra[:8]))
        fmt = lambda d: ", ".join(f"{k} {v:.1f}s" for k, v in d.items())
        print(f"     [{n}] times: {fmt(r.times)}; QEMU 7.2: {fmt(q.times)}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
