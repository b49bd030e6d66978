#!/usr/bin/env python3
"""The user-mode network test: Debian's generic arm64 kernel (scripts/setup-linux-generic.sh,
virtio_net loaded by the initramfs) on a virtio-net NIC backed by libslirp, driven
over the serial console:

  udhcpc -i eth0        an address from slirp's DHCP server (10.0.2.15, via 10.0.2.2)
  wget http://10.0.2.2:PORT/page.txt
                        a page from an HTTP server on the host's loopback
  httpd -p 8080         the host fetches a page from the guest through
                        hostfwd=tcp:127.0.0.1:HOSTPORT-:8080

With --subject-qemu the same session runs on QEMU 7.2.

  scripts/test-net.py [--config NAME ...] [--timeout S] [--subject-qemu]
Exit status 0 when every configuration passed, 1 otherwise, 2 when the kernel is missing.
"""
import argparse
import http.server
import importlib.util
import os
import shutil
import socket
import sys
import tempfile
import threading
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINUX = os.path.join(ROOT, ".build", "linux-generic")
_spec = importlib.util.spec_from_file_location("test_linux", os.path.join(ROOT, "scripts", "test-linux.py"))
test_linux = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(test_linux)
Session = test_linux.Session
MARKER = test_linux.MARKER

# name: (engine, how the NIC is given)
CONFIGS = {
    "jit-nic": ("jit", "nic"),
    "interp-nic": ("interp", "nic"),
    "jit-netdev-device": ("jit", "netdev-device"),
}
PAGE = "served by the host to the guest\n"
GUEST_PAGE = "served by the guest to the host\n"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run_config(subject, name, timeout):
    engine, how = CONFIGS[name]
    www = tempfile.mkdtemp(prefix="armature-net-")
    with open(os.path.join(www, "page.txt"), "w") as f:
        f.write(PAGE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **k: Quiet(*a, directory=www, **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    fwd = free_port()
    rule = f"hostfwd=tcp:127.0.0.1:{fwd}-:8080"
    if how == "nic":
        net = ["-nic", f"user,{rule}"]
    else:
        # netdev-TRANSPORT: -netdev + -device virtio-net-TRANSPORT (pci or device).
        net = ["-netdev", f"user,id=n0,{rule}", "-device", f"virtio-net-{how.split('-', 1)[1]},netdev=n0"]
    cmd = ["qemu-system-aarch64"] if subject == "qemu" else [subject, "-accel", engine]
    cmd += ["-M", "virt", "-cpu", "max", "-m", "1G", "-nographic",
            "-kernel", os.path.join(LINUX, "Image"), "-initrd", os.path.join(LINUX, "initramfs"),
            "-append", "console=ttyAMA0 quiet"] + net
    # The interpreter boots the generic kernel several times slower than the JIT.
    if engine == "interp" and subject != "qemu":
        timeout *= 3
    s = Session(cmd, timeout)
    checks = []

    def check(what, ok, detail=""):
        checks.append((what, bool(ok), detail))

    def run(line, seconds=90):
        return s.command(line + '; echo "rc=$?"', seconds) or ""

    try:
        m = s.expect(MARKER + rb"[^\n]*\n.*?/ # ", timeout)
        check("boots to the shell prompt", m is not None,
              " | ".join(l.decode(errors="replace") for l in bytes(s.out).splitlines()[-4:]))
        if m is None:
            return checks, s
        out = run("ip link set eth0 up && udhcpc -i eth0 -n -q -t 10 -T 2 -s /usr/share/udhcpc/default.script")
        check("DHCP: 10.0.2.15 via 10.0.2.2", "ARMATURE-DHCP 10.0.2.15 via 10.0.2.2" in out, out)
        out = run(f"wget -O - http://10.0.2.2:{port}/page.txt")
        check("wget from the host's loopback server", PAGE.strip() in out and "rc=0" in out, out)
        run(f"mkdir -p /www && echo '{GUEST_PAGE.strip()}' > /www/hello.txt && httpd -p 8080 -h /www")
        got = None
        for _ in range(3):
            try:
                got = urllib.request.urlopen(f"http://127.0.0.1:{fwd}/hello.txt", timeout=30).read().decode()
                break
            except OSError as e:
                got = repr(e)
        check("the host reaches the guest's port through hostfwd", got == GUEST_PAGE, repr(got))
        s.type("poweroff -f")
        check("powers off with status 0", s.finish(30) == 0)
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
        server.shutdown()
        shutil.rmtree(www, ignore_errors=True)
    return checks, s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS))
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--subject-qemu", action="store_true")
    ap.add_argument("--transcripts")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(LINUX, "Image")):
        print("test-net: no kernel: run scripts/setup-linux.sh and scripts/setup-linux-generic.sh", file=sys.stderr)
        return 2
    subject = "qemu" if args.subject_qemu else os.environ.get("ARMATURE", os.path.join(ROOT, ".build", "release", "armature"))
    failed = 0
    names = args.config or list(CONFIGS)
    for name in names:
        checks, s = run_config(subject, name, args.timeout)
        bad = [c for c in checks if not c[1]]
        failed += bool(bad)
        print(f"{'ok  ' if not bad else 'FAIL'} {name} ({s.elapsed():.0f} s, {len(checks) - len(bad)}/{len(checks)} checks)")
        for what, ok, detail in bad:
            print(f"     FAIL {what}: {detail[-400:]}")
        if args.transcripts:
            os.makedirs(args.transcripts, exist_ok=True)
            with open(os.path.join(args.transcripts, name + ".txt"), "wb") as f:
                f.write(bytes(s.out))
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
