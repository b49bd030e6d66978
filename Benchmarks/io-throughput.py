#!/usr/bin/env python3
"""The I/O throughput benchmark: MiB/s of sequential writes and reads on
virtio-blk and of a file copy over virtio-9p inside a Linux guest, under
Armature and QEMU 7.2 with the same options, in one run.

Block (Debian's cloud kernel and initramfs, scripts/setup-linux.sh):
  -drive if=none,id=d0,format=raw,file=SCRATCH -device virtio-blk-pci,drive=d0
  write: dd if=/dev/zero of=/dev/vda bs=1M count=N conv=fsync
  read:  echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda of=/dev/null bs=1M count=N
9p (Debian's generic kernel, scripts/setup-linux-generic.sh):
  -fsdev local,id=f0,path=DIR,security_model=none -device virtio-9p-pci,fsdev=f0,mount_tag=host
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host /mnt
  copy:  cp /mnt/big.bin /mnt/copy.bin (read and written over 9p), checked with cmp on the host
Network (the generic kernel): -nic user (virtio-net-pci, slirp)
  udhcpc, then wget -O /dev/null http://10.0.2.2:PORT/big.bin from an HTTP
  server on the host's loopback (N MiB), the byte count checked

QEMU runs -cpu max with pauth-impdef=on (its cheapest pointer authentication;
Armature has none), as Benchmarks/linux-boot.py. Each figure is N MiB over the host's wall time of the guest command (the shell
round trip included: a few milliseconds). The scratch image and the 9p folder
live in a temporary directory (--dir to choose one: its file system sets the
host side's speed for both emulators alike).

  Benchmarks/io-throughput.py [--size MiB] [--engines jit[,interp]] [--reps N]
                              [--no-qemu] [--dir DIR] [--timeout S]
Prints a table; exit status 0 when every run completed, 1 otherwise, 2 when a
kernel is missing.
"""
import argparse
import filecmp
import http.server
import os
import shutil
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import guest_session as gs  # noqa: E402
CLOUD = gs.LINUX
GENERIC = gs.LINUX_GENERIC


def base_command(subject, engine, kernel_dir):
    # QEMU's -cpu max with its cheapest pointer authentication (Armature has
    # none), as Benchmarks/linux-boot.py.
    cmd = gs.emulator(subject, engine, ["-nic", "none"]) + ["-M", "virt", "-cpu", "max", "-m", "1G", "-nographic"]
    cmd += gs.linux_args(kernel_dir, "console=ttyAMA0 quiet")
    return gs.qemu_pauth_impdef(cmd) if subject == "qemu" else cmd


def timed(s, line, timeout):
    """Runs `line` in the guest; (seconds, output) or (None, output) when it did not finish."""
    start = time.monotonic()
    out = s.command(line + '; echo "rc=$?"', timeout)
    seconds = time.monotonic() - start
    if out is None or "rc=0" not in out:
        return None, out
    return seconds, out


def boot(cmd, timeout):
    s = gs.Session(cmd, timeout)
    if s.shell(timeout) is None:
        s.finish(1)
        return None
    s.command("dmesg -n 1")
    return s


def shutdown(s):
    s.type("poweroff -f")
    s.finish(60)


def block_run(subject, engine, size, work, timeout):
    """{write, read}: MiB/s, None for a failed step."""
    image = os.path.join(work, "scratch.img")
    with open(image, "wb") as f:
        f.truncate((size + 16) << 20)
    cmd = base_command(subject, engine, CLOUD) + [
        "-drive", f"if=none,id=d0,format=raw,file={image}", "-device", "virtio-blk-pci,drive=d0"]
    result = {"blk write": None, "blk read": None}
    s = boot(cmd, timeout)
    if s is None:
        return result, "no shell prompt"
    secs, out = timed(s, f"dd if=/dev/zero of=/dev/vda bs=1M count={size} conv=fsync 2>/dev/null", timeout)
    result["blk write"] = size / secs if secs else None
    secs, out = timed(s, f"echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda of=/dev/null bs=1M count={size} 2>/dev/null",
                      timeout)
    result["blk read"] = size / secs if secs else None
    shutdown(s)
    os.unlink(image)
    return result, None if all(result.values()) else f"last output {out!r}"


def ninep_run(subject, engine, size, work, timeout):
    share = os.path.join(work, "share")
    os.makedirs(share, exist_ok=True)
    big = os.path.join(share, "big.bin")
    with open(big, "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(size):
            f.write(chunk)
    cmd = base_command(subject, engine, GENERIC) + [
        "-fsdev", f"local,id=f0,path={share},security_model=none",
        "-device", "virtio-9p-pci,fsdev=f0,mount_tag=host"]
    result = {"9p copy": None}
    s = boot(cmd, timeout)
    if s is None:
        return result, "no shell prompt"
    secs, out = timed(s, "mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host /mnt", 60)
    if secs is not None:
        secs, out = timed(s, "cp /mnt/big.bin /mnt/copy.bin && sync", timeout)
    shutdown(s)
    copy = os.path.join(share, "copy.bin")
    same = os.path.exists(copy) and filecmp.cmp(big, copy, shallow=False)
    result["9p copy"] = size / secs if secs and same else None
    shutil.rmtree(share, ignore_errors=True)
    return result, None if result["9p copy"] else f"copy {'differs' if os.path.exists(copy) else 'missing'}: {out!r}"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def net_run(subject, engine, size, work, timeout):
    """{net get}: MiB/s of an HTTP download from the host through slirp."""
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "big.bin"), "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(size):
            f.write(chunk)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **k: Quiet(*a, directory=www, **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cmd = base_command(subject, engine, GENERIC)
    if "-nic" in cmd:   # QEMU's: -nic none
        del cmd[cmd.index("-nic"):cmd.index("-nic") + 2]
    cmd += ["-nic", "user"]
    result = {"net get": None}
    out = None
    s = boot(cmd, timeout)
    if s is not None:
        secs, out = timed(s, "ip link set eth0 up && udhcpc -i eth0 -n -q -t 10 -T 2 "
                             "-s /usr/share/udhcpc/default.script >/dev/null", 120)
        if secs is not None:
            port = server.server_address[1]
            secs, out = timed(s, f"wget -q -O - http://10.0.2.2:{port}/big.bin | wc -c", timeout)
            if secs is not None and out and str(size << 20) in out:
                result["net get"] = size / secs
        shutdown(s)
    server.shutdown()
    shutil.rmtree(www, ignore_errors=True)
    return result, None if result["net get"] else f"last output {out!r}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=256, help="MiB per test (default 256)")
    ap.add_argument("--engines", default="jit")
    ap.add_argument("--reps", type=int, default=1, help="runs of each; the best counts (default 1)")
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--dir", help="where the scratch image and the 9p folder go (default: a temporary directory)")
    ap.add_argument("--timeout", type=float, default=1200.0)
    ap.add_argument("--armature", default=os.environ.get("ARMATURE", os.path.join(ROOT, ".build/release/armature")))
    a = ap.parse_args()
    for d, setup in ((CLOUD, "setup-linux.sh"), (GENERIC, "setup-linux-generic.sh")):
        if not os.path.isfile(os.path.join(d, "Image")):
            print(f"io-throughput: no kernel in {d} (run scripts/{setup})", file=sys.stderr)
            return 2
    subjects = [("armature " + e, a.armature, e) for e in a.engines.split(",") if e]
    if not a.no_qemu:
        if shutil.which("qemu-system-aarch64") is None:
            print("io-throughput: qemu-system-aarch64 is missing (scripts/setup.sh)", file=sys.stderr)
            return 2
        subjects.append(("qemu 7.2", "qemu", "tcg"))
    columns = ["blk write", "blk read", "9p copy", "net get"]
    table, failed = {}, False
    with tempfile.TemporaryDirectory(dir=a.dir, prefix="armature-io-") as work:
        for label, subject, engine in subjects:
            best = {c: None for c in columns}
            for rep in range(a.reps):
                for run in (block_run, ninep_run, net_run):
                    got, problem = run(subject, engine, a.size, work, a.timeout)
                    if problem:
                        failed = True
                        print(f"io-throughput: {label}: {run.__name__}: {problem}", file=sys.stderr)
                    for c, v in got.items():
                        if v is not None and (best[c] is None or v > best[c]):
                            best[c] = v
                print(f"io-throughput: {label} rep {rep + 1}: " +
                      ", ".join(f"{c} {best[c]:.1f}" if best[c] else f"{c} -" for c in columns), file=sys.stderr)
            table[label] = best
    print(f"MiB/s, {a.size} MiB each (best of {a.reps}); higher is better; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"{'':20}" + "".join(f"{c:>12}" for c in columns))
    for label, row in table.items():
        print(f"{label:20}" + "".join(f"{row[c]:12.1f}" if row[c] else f"{'-':>12}" for c in columns))
    if "qemu 7.2" in table:
        q = table["qemu 7.2"]
        for label, row in table.items():
            if label != "qemu 7.2":
                print(f"{label + ' / qemu':20}" + "".join(
                    f"{row[c] / q[c]:12.2f}" if row[c] and q[c] else f"{'-':>12}" for c in columns))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
