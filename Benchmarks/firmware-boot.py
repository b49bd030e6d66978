#!/usr/bin/env python3
"""The firmware-boot benchmark: seconds from start to EDK2's UEFI shell
prompt (-bios QEMU_EFI.fd; ESC skips the startup.nsh countdown as soon as it
shows), to busybox's shell through EDK2 (-kernel/-initrd/-append through
fw_cfg), to U-Boot's prompt (-bios u-boot.bin; a key stops the autoboot
countdown as soon as it shows) and to busybox's shell through U-Boot (qfw load,
booti), for Armature (JIT and interpreter) and QEMU 7.2 in one run, with the
sessions of scripts/test-firmware.py (run one at a time). QEMU's -cpu max runs
with pauth-impdef=on, as in linux-boot.py.

  Benchmarks/firmware-boot.py [--engines jit,interp] [--what shell,linux,uboot,uboot-linux]
                              [--reps N] [--no-qemu] [--timeout S]
Prints a table; exit status 0 when every run got there, 1 otherwise, 2 when
the firmware or kernel is missing (scripts/setup-firmware.sh, setup-linux.sh).
"""
import argparse
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import guest_session as gs  # noqa: E402
spec = importlib.util.spec_from_file_location("test_firmware", os.path.join(ROOT, "scripts", "test-firmware.py"))
tf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tf)


def command(subject, engine, armature, what):
    bios = "u-boot.bin" if what.startswith("uboot") else "QEMU_EFI.fd"
    extra = ["-bios", os.path.join(gs.FIRMWARE, bios)] + (gs.linux_args() if what.endswith("linux") else [])
    cmd = tf.machine_args("qemu" if subject == "qemu" else armature, engine, extra)
    return gs.qemu_pauth_impdef(cmd) if subject == "qemu" else cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--what", default="shell,linux,uboot,uboot-linux")
    gs.benchmark_options(ap, 1200.0)
    a = ap.parse_args()
    if gs.missing("firmware-boot", [os.path.join(gs.FIRMWARE, "QEMU_EFI.fd"), os.path.join(gs.FIRMWARE, "u-boot.bin"),
                                    os.path.join(gs.LINUX, "Image")],
                  "scripts/setup-firmware.sh, scripts/setup-linux.sh"):
        return 2
    subjects = gs.benchmark_subjects(a)
    whats = [w.strip() for w in a.what.split(",") if w.strip()]
    results = {}
    ok = True
    for what in whats:
        key = {"shell": "shell", "linux": "linux shell", "uboot": "prompt", "uboot-linux": "linux shell"}[what]
        for subject in subjects:
            best = None
            for _ in range(max(1, a.reps)):
                print(f"firmware-boot: {subject} {what} ...", file=sys.stderr, flush=True)
                cmd = command(subject, "tcg" if subject == "qemu" else subject, a.armature, what)
                if what.startswith("uboot"):
                    r = tf.uboot(cmd, a.timeout, what == "uboot-linux")
                else:
                    r = tf.edk2_shell(cmd, a.timeout) if what == "shell" else tf.edk2_linux(cmd, a.timeout)
                t = r.times.get(key)
                if t is None:
                    ok = False
                    print(f"firmware-boot: {subject} {what}: " + "; ".join(d for _, p, d in r.checks if not p), file=sys.stderr)
                elif best is None or t < best:
                    best = t
            results[(what, subject)] = best
    print(f"{'to':<26}" + "".join(f"{s:>10}" for s in subjects) + ("   Armature JIT / QEMU" if "qemu" in subjects and "jit" in subjects else ""))
    for what in whats:
        label = {"shell": "UEFI shell prompt", "linux": "busybox shell via EDK2", "uboot": "U-Boot prompt",
                 "uboot-linux": "busybox shell via U-Boot"}[what]
        row = f"{label:<26}" + "".join(f"{(f'{results[(what, s)]:.1f}s' if results[(what, s)] else 'failed'):>10}" for s in subjects)
        q, j = results.get((what, "qemu")), results.get((what, "jit"))
        if q and j:
            row += f"   {j / q:.2f}x"
        print(row)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
