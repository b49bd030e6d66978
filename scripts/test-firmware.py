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
  *-linux-smp2-* the same with -smp 2 (one host thread per CPU, the default):
                 the kernel brings the second CPU up through PSCI, both online.
  edk2-disk-*    -bios QEMU_EFI.fd and a virtio disk (scripts/lib/esp_disk.py:
                 GPT, an EFI system partition in FAT16 holding the kernel's EFI
                 stub image, the initramfs and startup.nsh): the boot manager
                 finds no removable-media loader, starts the UEFI shell, which
                 runs startup.nsh (a key skips the countdown): the kernel with
                 initrd= and console= from the disk, to busybox's shell. The
                 transcript up to the EFI stub's exit must be QEMU's.
  uboot-disk-*   -bios u-boot.bin and the same disk: `load virtio 0:1` reads
                 the kernel and initramfs from the FAT partition, `booti` boots
                 them; the transcript up to "Starting kernel" must be QEMU's
                 (load times left out).

  scripts/test-firmware.py [--config NAME ...] [--list] [--jobs N] [--timeout S]
                           [--transcripts DIR] [--subject-qemu]
Exit status 0 when every configuration passed, 1 otherwise, 2 when something
it needs is missing.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import guest_session as gs  # noqa: E402
import esp_disk  # noqa: E402

FIRMWARE = gs.FIRMWARE
LINUX = gs.LINUX

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
EFI_STUB_EXIT = rb"EFI stub: Exiting boot services\.\.\."
STARTING_KERNEL = rb"Starting kernel \.\.\."
LOAD_TIME = re.compile(rb"(\d+ bytes read) in \d+ ms \([^)]*\)")
# The disk's files: the kernel is not at the removable-media path
# (EFI/BOOT/BOOTAA64.EFI), which EDK2's boot manager would start without a
# command line (no initrd, no console); startup.nsh gives it both.
DISK_KERNEL = "EFI/LINUX/IMAGE.EFI"
DISK_INITRD = "EFI/LINUX/INITRD"
DISK_APPEND = "console=ttyAMA0"
STARTUP_NSH = "FS0:\\EFI\\LINUX\\IMAGE.EFI initrd=\\EFI\\LINUX\\INITRD " + DISK_APPEND + "\r\n"

# name: (engine, kind)
CONFIGS = {
    "edk2-shell-jit": ("jit", "edk2-shell"),
    "edk2-shell-interp": ("interp", "edk2-shell"),
    "edk2-vars-jit": ("jit", "edk2-vars"),
    "edk2-linux-jit": ("jit", "edk2-linux"),
    "uboot-linux-jit": ("jit", "uboot-linux"),
    "uboot-interp": ("interp", "uboot"),
    "edk2-disk-jit": ("jit", "edk2-disk"),
    "edk2-disk-interp": ("interp", "edk2-disk"),
    "uboot-disk-jit": ("jit", "uboot-disk"),
    "uboot-disk-interp": ("interp", "uboot-disk"),
    "edk2-linux-smp2-jit": ("jit", "edk2-linux-smp2"),
    "uboot-linux-smp2-jit": ("jit", "uboot-linux-smp2"),
}


# Run only when named (--config): the interpreter's disk boots take about 7
# minutes each on a loaded host, past the test stage's budget.
ON_REQUEST = {"edk2-disk-interp", "uboot-disk-interp", "edk2-linux-smp2-jit", "uboot-linux-smp2-jit"}


def machine_args(subject, engine, extra):
    # No default NIC on QEMU: EDK2 would try PXE, U-Boot report it.
    return gs.emulator(subject, engine, ["-net", "none"]) + ["-M", "virt,acpi=off", "-cpu", "max", "-m", "1G", "-nographic"] + extra


def uefi_shell(s, r, seconds):
    """Waits for the startup.nsh countdown, skips it, waits for the prompt."""
    m = s.expect(rb"Press \S*ESC", seconds)
    if m is not None:
        s.send(ESC)
        m = s.expect(SHELL_PROMPT, 120)
    r.check("reaches the UEFI shell prompt", m is not None, "last lines: " + s.last_lines())
    if m is not None:
        r.times["shell"] = s.elapsed()
    return m is not None


def shell_command(s, line, seconds=60):
    """Types a UEFI shell command; returns what the shell printed up to its
    next prompt (the echo included), escape sequences removed."""
    s.seen = len(s.out)
    s.send(line.encode() + b"\r")
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
    r = gs.Checks()
    s = gs.Session(cmd, timeout)
    if uefi_shell(s, r, timeout):
        out = shell_command(s, f'setvar ArmatureTest -guid {VAR_GUID} -nv -bs -rt =L"persisted"')
        r.check("setvar writes a non-volatile variable", out is not None and "rror" not in out, repr(out))
        read_variable(s, r, True)
        r.ends(s, b"reset -s\r", "reset -s", min(30, s.deadline - s.start))
    else:
        s.finish(0.1)
    return r.close(s)


def edk2_vars(subject, engine, timeout):
    """Two runs on a copy of the variable store: the first sets a variable,
    the second finds it."""
    r = gs.Checks()
    tmp = tempfile.mkdtemp(prefix="armature-vars-")
    try:
        vars_fd = os.path.join(tmp, "vars.fd")
        shutil.copyfile(os.path.join(FIRMWARE, "AAVMF_VARS.fd"), vars_fd)
        drives = ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={os.path.join(FIRMWARE, 'AAVMF_CODE.fd')}",
                  "-drive", f"if=pflash,format=raw,unit=1,file={vars_fd}"]
        for n in (1, 2):
            s = gs.Session(machine_args(subject, engine, drives), timeout)
            if not uefi_shell(s, r, timeout):
                s.finish(0.1)
                break
            if n == 1:
                r.check("the new store has no such variable", not read_variable(s, r, False))
                out = shell_command(s, f'setvar ArmatureTest -guid {VAR_GUID} -nv -bs -rt =L"persisted"')
                r.check("run 1: setvar writes a non-volatile variable", out is not None and "rror" not in out, repr(out))
            else:
                r.check("run 2: the variable is still there", read_variable(s, r, False), s.last_lines())
            r.ends(s, b"reset -s\r", f"run {n}: reset -s")
            s.drain()
            r.out += bytes(s.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return r


def cpus_online(s, r, smp):
    """With -smp N: every CPU online at the shell."""
    if smp > 1:
        got = s.command("cat /sys/devices/system/cpu/online")
        r.check(f"{smp} CPUs online", got is not None and f"0-{smp - 1}" in got.split(), f"got {got!r}")


def edk2_linux(cmd, timeout, smp=1):
    r = gs.Checks()
    s = gs.Session(cmd, timeout)
    m = s.expect(gs.SHELL, timeout)
    r.check("EDK2 boots the kernel from fw_cfg to the shell", m is not None, "last lines: " + s.last_lines())
    if m is not None:
        r.times["linux shell"] = s.elapsed()
        release = open(os.path.join(LINUX, "kernel-release")).read().strip()
        got = s.command("uname -r")
        r.check("uname -r", got is not None and got.strip() == release, f"got {got!r}")
        got = s.command("cat /proc/cmdline")
        r.check("the command line from fw_cfg", got is not None and "console=ttyAMA0" in got, f"got {got!r}")
        cpus_online(s, r, smp)
        r.ends(s, b"poweroff -f\n", "poweroff -f", min(30, s.deadline - s.start))
    else:
        s.finish(0.1)
    return r.close(s)


def uboot_prompt(cmd, timeout, r):
    """Starts U-Boot, stops its autoboot with a key and waits for its prompt;
    returns the session and whether the prompt came."""
    s = gs.Session(cmd, timeout)
    m = s.expect(rb"Hit any key to stop autoboot", timeout)
    if m is not None:
        s.send(b" ")
        m = s.expect(UBOOT_PROMPT, 60)
    r.check("reaches U-Boot's prompt", m is not None, "last lines: " + s.last_lines())
    if m is not None:
        r.times["prompt"] = s.elapsed()
    return s, m is not None


def uboot(cmd, timeout, boot_linux, smp=1):
    r = gs.Checks()
    s, prompt = uboot_prompt(cmd, timeout, r)
    if prompt:
        if boot_linux:
            s.send(b"qfw load ${kernel_addr_r} ${ramdisk_addr_r}\r")
            s.expect(UBOOT_PROMPT, 120)
            s.send(b"booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\r")
            m = s.expect(gs.SHELL, timeout)
            r.check("booti boots the kernel loaded through fw_cfg to the shell", m is not None,
                    "last lines: " + s.last_lines())
            if m is not None:
                r.times["linux shell"] = s.elapsed()
                cpus_online(s, r, smp)
                r.ends(s, b"poweroff -f\n", "poweroff -f")
        else:
            r.ends(s, b"poweroff\r", "poweroff")
    s.finish(0.1)
    return r.close(s)


def make_disk(folder):
    """The ESP disk image in `folder` (each session its own copy: QEMU locks
    the image it writes to)."""
    def read(name):
        with open(os.path.join(LINUX, name), "rb") as f:
            return f.read()
    return esp_disk.build(os.path.join(folder, "esp.img"), {
        DISK_KERNEL: read("Image"), DISK_INITRD: read("initramfs"), "STARTUP.NSH": STARTUP_NSH.encode()})


def linux_checks(s, r, boot, append):
    """busybox's shell reached through `boot`: uname -r, the command line; poweroff -f."""
    m = s.expect(gs.SHELL, max(1, s.deadline - s.start - s.elapsed()))
    r.check(f"{boot} boots the kernel to the shell", m is not None, "last lines: " + s.last_lines())
    if m is None:
        return
    r.times["linux shell"] = s.elapsed()
    release = open(os.path.join(LINUX, "kernel-release")).read().strip()
    got = s.command("uname -r")
    r.check("uname -r", got is not None and got.strip() == release, f"got {got!r}")
    got = s.command("cat /proc/cmdline")
    r.check(f"the command line is {append!r}", got is not None and got.strip().endswith(append), f"got {got!r}")
    r.ends(s, b"poweroff -f\n", "poweroff -f", min(30, s.deadline - s.start))


def disk_session(kind, subject, engine, timeout):
    tmp = tempfile.mkdtemp(prefix="armature-esp-")
    try:
        disk = make_disk(tmp)
        drive = ["-drive", f"if=virtio,format=raw,file={disk}"]
        r = gs.Checks()
        if kind == "edk2-disk":
            s = gs.Session(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "QEMU_EFI.fd")] + drive), timeout)
            # The shell's startup.nsh countdown: any key but ESC runs it at once.
            m = s.expect(rb"Press \S*ESC", timeout)
            r.check("EDK2's shell finds startup.nsh on the disk", m is not None, "last lines: " + s.last_lines())
            if m is not None:
                r.times["shell"] = s.elapsed()
                s.send(b" ")
                linux_checks(s, r, "startup.nsh", f"initrd=\\EFI\\LINUX\\INITRD {DISK_APPEND}")
        else:
            s, prompt = uboot_prompt(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "u-boot.bin")] + drive),
                                     timeout, r)
            if prompt:
                for line in (f"load virtio 0:1 ${{kernel_addr_r}} {DISK_KERNEL}",
                             f"load virtio 0:1 ${{ramdisk_addr_r}} {DISK_INITRD}",
                             f"setenv bootargs {DISK_APPEND}"):
                    s.send(line.encode() + b"\r")
                    m = s.expect(rb"\r?\n=> ", 300)
                    r.check(f"U-Boot: {line}", m is not None and b"rror" not in bytes(s.out[-200:]),
                            "last lines: " + s.last_lines())
                    if m is None:
                        break
                if m is not None:
                    s.send(b"booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\r")
                    linux_checks(s, r, "booti from the virtio disk", DISK_APPEND)
        s.finish(0.1)
        return r.close(s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def session(kind, subject, engine, timeout):
    smp = 2 if kind.endswith("-smp2") else 1
    kind = kind.removesuffix("-smp2")
    cpus = ["-smp", str(smp)] if smp > 1 else []
    if kind in ("edk2-disk", "uboot-disk"):
        return disk_session(kind, subject, engine, timeout)
    if kind == "edk2-shell":
        return edk2_shell(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "QEMU_EFI.fd")]), timeout)
    if kind == "edk2-vars":
        return edk2_vars(subject, engine, timeout)
    if kind == "edk2-linux":
        return edk2_linux(machine_args(subject, engine, ["-bios", os.path.join(FIRMWARE, "QEMU_EFI.fd")] + gs.linux_args() + cpus),
                          timeout, smp)
    if kind in ("uboot", "uboot-linux"):
        boot = kind == "uboot-linux"
        extra = ["-bios", os.path.join(FIRMWARE, "u-boot.bin")] + (gs.linux_args() if boot else []) + cpus
        return uboot(machine_args(subject, engine, extra), timeout, boot, smp)
    raise ValueError(kind)


def until(out, pattern):
    """The transcript up to the first match of `pattern` (inclusive), countdown left out."""
    m = re.search(pattern, out)
    head = out[:m.end()] if m else out
    return UBOOT_CORE.sub(b"Core: ", COUNTDOWN.sub(b"", AUTOBOOT.sub(b"", head)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    gs.config_options(ap, CONFIGS, 600.0, jobs=2)
    a = ap.parse_args()
    if a.list:
        for name, (engine, kind) in CONFIGS.items():
            print(f"{name}: -accel {engine}, {kind}")
        return 0
    need = [os.path.join(FIRMWARE, f) for f in ("QEMU_EFI.fd", "AAVMF_CODE.fd", "AAVMF_VARS.fd", "u-boot.bin")]
    need += [os.path.join(LINUX, f) for f in ("Image", "initramfs", "kernel-release")]
    subject = gs.subject_of("test-firmware", a, need, "run scripts/setup-firmware.sh and scripts/setup-linux.sh")
    if subject is None:
        return 2
    names = a.config or [n for n in CONFIGS if n not in ON_REQUEST]
    kinds = sorted({CONFIGS[n][1] for n in names})
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for kind in kinds:
            jobs[("qemu", kind)] = pool.submit(session, kind, "qemu", "tcg", a.timeout)
        for n in names:
            engine, kind = CONFIGS[n]
            jobs[n] = pool.submit(session, kind, subject, engine, a.timeout)
    tally = gs.Tally()
    report = tally.report
    for n in names:
        engine, kind = CONFIGS[n]
        r, q = jobs[n].result(), jobs[("qemu", kind)].result()
        kind = kind.removesuffix("-smp2")
        if a.transcripts:
            for who, run in ((n, r), (f"qemu-{CONFIGS[n][1]}", q)):
                with open(os.path.join(a.transcripts, who + ".txt"), "wb") as f:
                    f.write(run.out)
        if not gs.report_run(tally, n, r, q):
            continue
        if kind == "edk2-shell":
            ours, theirs = until(r.out, SHELL_PROMPT), until(q.out, SHELL_PROMPT)
            report(f"[{n}] the transcript up to the shell prompt is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        elif kind in ("uboot", "uboot-linux"):
            ours, theirs = until(r.out, UBOOT_PROMPT), until(q.out, UBOOT_PROMPT)
            report(f"[{n}] the transcript up to U-Boot's prompt is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        elif kind == "edk2-disk":
            ours, theirs = until(r.out, EFI_STUB_EXIT), until(q.out, EFI_STUB_EXIT)
            report(f"[{n}] the transcript up to the EFI stub's exit is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        elif kind == "uboot-disk":
            ours, theirs = (LOAD_TIME.sub(rb"\1", until(x, STARTING_KERNEL)) for x in (r.out, q.out))
            report(f"[{n}] the transcript up to \"Starting kernel\" is QEMU 7.2's", ours == theirs,
                   f"\n  ours:   {ours[-300:]!r}\n  QEMU's: {theirs[-300:]!r}")
        if kind in ("edk2-linux", "uboot-linux", "edk2-disk", "uboot-disk"):
            gs.report_unexplained(tally, n, r.out, q.out)
        print(f"     [{n}] times: {gs.format_times(r.times)}; QEMU 7.2: {gs.format_times(q.times)}")
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
