#!/usr/bin/env python3
"""Boots Debian's arm64 kernel and the initramfs of scripts/setup-linux.sh on
Armature (or QEMU 7.2, for comparison) and reports how far it got: the time to
the first and last kernel line, the last kernel line, whether /init's marker
(ARMATURE-INIT-OK) was seen and, after it, whether the shell answers
(sha256sum -c of the initramfs's test file, then poweroff -f).

For a quick look at how far a boot gets; scripts/test-linux.py is the test
(shell session, log compared with QEMU 7.2) and Benchmarks/linux-boot.py the timing.

  scripts/boot-linux.py [--qemu] [--engine jit|interp] [--cpu max|cortex-a57]
                        [--timeout S] [--transcript FILE] [-- extra options]
Exit status 0 when the shell answered, 1 otherwise, 2 on bad usage.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = b"ARMATURE-INIT-OK"
KLINE = re.compile(rb"^\[\s*\d+\.\d+\] .*$", re.M)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qemu", action="store_true", help="boot under qemu-system-aarch64 (7.2)")
    ap.add_argument("--engine", default="jit", choices=["jit", "interp"])
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
    ap.add_argument("--transcript", help="write the serial output here")
    ap.add_argument("--armature", default=os.environ.get(
        "ARMATURE", os.path.join(ROOT, ".build/release/armature")))
    ap.add_argument("extra", nargs="*", help="more emulator options (after --)")
    a = ap.parse_args()

    image = os.path.join(ROOT, ".build/linux/Image")
    initrd = os.path.join(ROOT, ".build/linux/initramfs")
    if not (os.path.isfile(image) and os.path.isfile(initrd)):
        sys.exit("boot-linux: no kernel or initramfs in .build/linux (run scripts/setup-linux.sh)")
    if a.qemu:
        cmd = ["qemu-system-aarch64"]
    else:
        if not os.access(a.armature, os.X_OK):
            sys.exit(f"boot-linux: {a.armature} is not built (swift build -c release --product armature)")
        cmd = [a.armature, "-accel", a.engine]
    cmd += ["-M", "virt", "-cpu", a.cpu, "-m", "1G", "-nographic", "-kernel", image,
            "-initrd", initrd, "-append", "console=ttyAMA0"] + a.extra
    name = "qemu-7.2" if a.qemu else f"armature/{a.engine}"

    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = bytearray()
    t_first = t_init = t_marker = t_answer = None
    sent = panicked = False
    deadline = start + a.timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            now = time.monotonic() - start
            if t_first is None and KLINE.search(out):
                t_first = now
            if t_marker is None and MARKER in out:
                t_marker = now
            if t_marker is not None and not sent and b"/ #" in out[out.index(MARKER):]:
                proc.stdin.write(b"cd /test && sha256sum -c hello.sha256; poweroff -f\n")
                proc.stdin.flush()
                sent = True
            if t_answer is None and b"hello.txt: OK" in out:
                t_answer = now
            if t_init is None and b"Run /init as init process" in out:
                t_init = now
            if re.search(rb"---\[ end Kernel panic[^\n]*\]---", out):
                panicked = True
                break  # the kernel stops here for good
        elif proc.poll() is not None:
            break
    try:
        proc.wait(timeout=0.1 if panicked else max(0.1, min(5.0, deadline - time.monotonic())))
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        proc.wait()
    elapsed = time.monotonic() - start
    if a.transcript:
        with open(a.transcript, "wb") as f:
            f.write(out)

    klines = KLINE.findall(out)
    panic = re.search(rb"Kernel panic - not syncing: [^\r\n]*", out)
    fmt = lambda t: "-" if t is None else f"{t:.1f}s"
    print(f"{name} -cpu {a.cpu}: {'stopped at a kernel panic after' if panicked else 'timed out after' if timed_out else 'ended after'} "
          f"{elapsed:.1f}s (status {proc.returncode})")
    print(f"  kernel lines: {len(klines)}, first at {fmt(t_first)}")
    print(f"  'Run /init' at {fmt(t_init)}")
    print(f"  last kernel line: {klines[-1].decode(errors='replace') if klines else '(none)'}")
    print(f"  marker {MARKER.decode()}: {'seen at ' + fmt(t_marker) if t_marker else 'not seen'}")
    print(f"  shell answered (sha256sum OK): {'at ' + fmt(t_answer) if t_answer else 'no'}")
    if panic:
        print(f"  {panic.group(0).decode(errors='replace')}")
    if not klines:
        tail = out.decode(errors="replace").strip().splitlines()[-3:]
        for line in tail:
            print(f"  output: {line}")
    return 0 if t_answer else 1


if __name__ == "__main__":
    sys.exit(main())
