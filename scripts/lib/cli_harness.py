"""What the command-line tests share (scripts/test-cli.py and the test
modules beside this file): the armature binary, running it, and the tally of
passed and failed cases."""

import os
import struct
import subprocess
import sys

import guest_session

STRICT = os.environ.get("ARMATURE_STRICT_REFERENCES") == "1"
ROOT = guest_session.ROOT
ARMATURE = guest_session.ARMATURE
VERBOSE = "-v" in sys.argv[1:]

tally = guest_session.Tally()
report = tally.report


def run(args, timeout=20):
    try:
        p = subprocess.run([ARMATURE] + args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "(timed out)"


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def missing_reference(name, why):
    """A case that cannot run here: a failure when every reference must be
    there (ARMATURE_STRICT_REFERENCES=1, as scripts/test.sh sets), else a SKIP line."""
    if STRICT:
        report(name, False, why)
    else:
        print(f"SKIP {name}: {why}")


def expect_error(name, args, *needles):
    """Exit status 1, stdout empty, stderr exactly one line starting
    'armature: ' and containing every needle."""
    rc, out, err = run(args)
    lines = err.splitlines()
    problems = []
    if rc != 1:
        problems.append(f"exit status {rc}, expected 1")
    if len(lines) != 1 or not err.endswith("\n"):
        problems.append(f"stderr has {len(lines)} lines, expected exactly 1")
    if not lines or not lines[0].startswith("armature: "):
        problems.append("stderr does not start with 'armature: '")
    for n in needles:
        if not lines or n not in lines[0]:
            problems.append(f"stderr does not mention {n!r}")
    if out:
        problems.append(f"unexpected stdout {out[:80]!r}")
    detail = "; ".join(problems) + f"\n    stderr: {err!r}"
    report(name, not problems, detail)
    if VERBOSE and not problems:
        print(f"    {lines[0]}")


def expect_ok_stdout(name, args, *needles):
    rc, out, err = run(args)
    problems = []
    if rc != 0:
        problems.append(f"exit status {rc}, expected 0")
    if err:
        problems.append(f"unexpected stderr {err!r}")
    for n in needles:
        if n not in out:
            problems.append(f"stdout does not contain {n!r}")
    report(name, not problems, "; ".join(problems))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def arm64_image(size=4096):
    """An arm64 Image: the header (text_offset 0, image_size) and a branch to itself."""
    hdr = bytearray(64)
    hdr[0:4] = struct.pack("<I", 0x14000000)
    hdr[16:24] = struct.pack("<Q", size)
    hdr[56:60] = b"ARM\x64"
    return bytes(hdr) + bytes(size - 64)


def pty_session(args, keys, settle=1.0, program=None):
    """Runs armature (or `program`, a command list) on a pseudo-terminal (its
    controlling terminal), types each key string with a pause, and returns
    (exit status or None, output)."""
    import fcntl, pty, select, termios, time
    master, slave = pty.openpty()
    def controlling_tty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    p = subprocess.Popen((program or [ARMATURE]) + args, stdin=slave, stdout=slave, stderr=slave,
                         close_fds=True, preexec_fn=controlling_tty)
    os.close(slave)
    out = b""
    def read_for(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    out += os.read(master, 4096)
                except OSError:
                    return
    read_for(settle)
    for k in keys:
        os.write(master, k)
        read_for(0.5)
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = None
    read_for(0.2)
    os.close(master)
    return rc, out.decode("utf-8", "replace")
