"""The console tests of scripts/test-cli.py: -nographic's Ctrl-A keys,
-serial stdio|mon:stdio|none, and the human monitor (Ctrl-A c and -monitor
stdio) compared with QEMU 7.2's."""

import os
import re
import shutil
import subprocess

from cli_harness import ARMATURE, ROOT, STRICT, arm64_image, expect_error, pty_session, report, run, write


def monitor_lines(out):
    """The monitor's answers in a transcript, without QEMU's line redraws."""
    text = re.sub(r"\x1b\[[0-9]*[A-Za-z]", "", out)
    return [l.strip() for l in text.replace("\r", "\n").split("\n")
            if re.match(r"\s*(VM status|unknown command|system_reset|x: |xp: )", l)]


def monitor_tests(tmp, loop):
    """The monitor behind Ctrl-A c and on -monitor stdio, against QEMU 7.2."""
    keys = [b"\x01c", b"info status\r", b"stop\r", b"info status\r", b"cont\r", b"bogus\r",
            b"info status\r", b"\x01c", b"\x01c", b"quit\r"]
    rc, out = pty_session(["-nographic", "-kernel", loop], keys)
    ours = monitor_lines(out)
    report("-nographic: Ctrl-A c opens the monitor with its prompt", "(qemu) " in out and "monitor" in out, repr(out[:200]))
    report("monitor: stop, cont and info status", ours == ["VM status: running", "VM status: paused",
                                                           "unknown command: 'bogus'", "VM status: running"], repr(ours))
    report("monitor: quit ends the run with status 0", rc == 0, f"exit {rc}: {out[-200:]!r}")
    qemu = shutil.which("qemu-system-aarch64")
    if qemu:
        qrc, qout = pty_session(["-M", "virt", "-cpu", "max", "-nographic", "-kernel", loop], keys, program=[qemu])
        report("monitor: the same answers as QEMU 7.2's", monitor_lines(qout) == ours and qrc == rc,
               f"QEMU {monitor_lines(qout)!r} exit {qrc}")
    elif STRICT:
        report("monitor vs QEMU 7.2", False, "qemu-system-aarch64 is missing")
    rc, out = pty_session(["-nographic", "-kernel", loop], [b"\x01c", b"xp /2wx 0x40000000\r", b"x /1gx 0x40000000\r",
                                                            b"info registers\r", b"quit\r"])
    report("monitor: xp, x and info registers",
           re.search(r"0000000040000000: 0x[0-9a-f]{8} 0x[0-9a-f]{8}", out) is not None
           and re.search(r"0000000040000000: 0x[0-9a-f]{16}", out) is not None and "PC=" in out.upper() and rc == 0,
           repr(out[-400:]))
    p = subprocess.run([ARMATURE, "-monitor", "stdio", "-serial", "none", "-kernel", loop],
                       input=b"info status\nsystem_reset\nquit\n", capture_output=True, timeout=20)
    out = p.stdout.decode("utf-8", "replace")
    report("-monitor stdio -serial none: commands from a pipe", p.returncode == 0 and "VM status: running" in out
           and "(qemu) " in out, f"exit {p.returncode}: {out!r}")
    rc, out = pty_session(["-serial", "mon:stdio", "-monitor", "none", "-kernel", loop], [b"\x01c", b"\x01x"])
    report("mon:stdio -monitor none: Ctrl-A c says there is none", "no monitor" in out and rc == 0, repr(out[-200:]))
    expect_error("-monitor vc", ["-monitor", "vc", "-kernel", loop], "-monitor vc", "stdio")
    expect_error("-monitor stdio with the serial port on stdio", ["-monitor", "stdio", "-kernel", loop],
                 "-monitor stdio", "-serial none")


def serial_tests(tmp):
    """-nographic's Ctrl-A keys, -serial stdio and none."""
    loop = write(os.path.join(tmp, "loop.Image"), arm64_image())   # b . forever
    rc, out = pty_session(["-nographic", "-kernel", loop], [b"\x01h", b"\x03", b"\x01x"])
    report("-nographic: Ctrl-A h lists the keys", "Ctrl-A x" in out and "Ctrl-A c" in out, repr(out[-300:]))
    report("-nographic: Ctrl-C goes to the guest", "interrupted" not in out, repr(out[-300:]))
    report("-nographic: Ctrl-A x quits with status 0", rc == 0 and "terminated (Ctrl-A x)" in out, f"exit {rc}: {out[-200:]!r}")
    monitor_tests(tmp, loop)
    rc, out = pty_session(["-serial", "mon:stdio", "-kernel", loop], [b"\x01x"])
    report("-serial mon:stdio: Ctrl-A x quits", rc == 0, f"exit {rc}: {out[-200:]!r}")
    rc, out = pty_session(["-serial", "stdio", "-kernel", loop], [b"\x01x", b"\x03"])
    report("-serial stdio: no Ctrl-A keys, Ctrl-C stops Armature", rc == 130 and "terminated" not in out,
           f"exit {rc}: {out[-200:]!r}")
    guest = os.path.join(ROOT, ".build", "guests", "dev_pl011.elf")
    if os.path.exists(guest):
        rc, out, err = run(["-serial", "none", "-semihosting", "-kernel", guest])
        report("-serial none: the UART's output goes nowhere, semihosting's still shows",
               rc == 0 and "PASS dev_pl011" in out and "uart:" not in out, f"exit {rc}: {out[-300:]!r} {err!r}")
    else:
        print(f"SKIP -serial none: {guest} not found (run scripts/build-guests.sh)")
    expect_error("two -serial", ["-serial", "stdio", "-serial", "stdio"], "-serial", "one serial port")
