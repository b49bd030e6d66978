#!/usr/bin/env python3
"""The user-mode network test: Debian's generic arm64 kernel (scripts/setup-linux-generic.sh,
virtio_net loaded by the initramfs) on a virtio-net NIC backed by libslirp, driven
over the serial console:

  udhcpc -i eth0        an address from slirp's DHCP server (10.0.2.15, via 10.0.2.2)
  wget http://10.0.2.2:PORT/page.txt
                        a page from an HTTP server on the host's loopback
  httpd -p 8080         the host fetches a page from the guest through
                        hostfwd=tcp:127.0.0.1:HOSTPORT-:8080

jit-nic-legacy boots with virtio_pci.force_legacy=1 (the initramfs's /init passes
it to insmod): the NIC is driven through its transitional legacy I/O BAR.

With --subject-qemu the same session runs on QEMU 7.2.

  scripts/test-net.py [--config NAME ...] [--timeout S] [--subject-qemu]
Exit status 0 when every configuration passed, 1 otherwise, 2 when the kernel is missing.
"""
import http.server
import os
import shutil
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from net_ports import free_port  # noqa: E402
import guest_session as gs  # noqa: E402

LINUX = gs.LINUX_GENERIC

# name: (engine, how the NIC is given, extra kernel arguments)
CONFIGS = {
    "jit-nic": ("jit", "nic", ""),
    "interp-nic": ("interp", "nic", ""),
    "jit-netdev-device": ("jit", "netdev-device", ""),
    # The transitional virtio-net-pci on bus 0 driven through its legacy I/O BAR.
    "jit-nic-legacy": ("jit", "nic", "virtio_pci.force_legacy=1"),
}
PAGE = "served by the host to the guest\n"
GUEST_PAGE = "served by the guest to the host\n"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run_config(subject, name, timeout):
    engine, how, append = CONFIGS[name]
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
    cmd = gs.emulator(subject, engine) + ["-M", "virt", "-cpu", "max", "-m", "1G", "-nographic"]
    cmd += gs.linux_args(LINUX, f"console=ttyAMA0 quiet {append}".strip()) + net
    # The interpreter boots the generic kernel several times slower than the JIT.
    if engine == "interp" and subject != "qemu":
        timeout *= 3
    s = gs.Session(cmd, timeout)
    r = gs.Checks()
    check = r.check

    def run(line, seconds=90):
        return s.command(line + '; echo "rc=$?"', seconds) or ""

    try:
        m = s.shell(timeout)
        check("boots to the shell prompt", m is not None, s.last_lines(4))
        if m is None:
            return r
        if "force_legacy" in append:
            # The init passed the parameter to virtio_pci's insmod: the NIC's legacy I/O BAR is in use.
            out = run("cat /sys/module/virtio_pci/parameters/force_legacy /proc/ioports")
            check("virtio_pci.force_legacy=1 reaches the module; the NIC is on its legacy I/O BAR",
                  out.split()[:1] == ["Y"] and "virtio-pci-legacy" in out, out)
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
        r.ends(s, b"poweroff -f\n", "poweroff -f")
    finally:
        r.stop(s)
        server.shutdown()
        shutil.rmtree(www, ignore_errors=True)
    return r


if __name__ == "__main__":
    sys.exit(gs.config_main("test-net", __doc__, CONFIGS, run_config, 300, LINUX,
                            "run scripts/setup-linux.sh and scripts/setup-linux-generic.sh"))
