#!/usr/bin/env python3
"""QMP tests: armature -qmp unix:PATH,server,wait=off with a guest that spins
(a raw image of one `b .`), driven through the handshake, query-status, stop,
cont, human-monitor-command, malformed JSON, an unknown command,
system_powerdown, system_reset (running, and paused: the machine is then in
prelaunch) and quit, checking replies and events; with -no-reboot,
system_reset ends the run (SHUTDOWN, host-qmp-system-reset). With -gdb too
(with_gdb): a gdb client and the QMP client share the machine: a breakpoint
stop is a STOP event, QMP's cont resumes past gdb, QMP's stop and gdb's
Ctrl-C stop it for both, and query-status and the monitor's info status name
QEMU's run state at each stop (prelaunch, debug at gdb's breakpoint and step,
paused after stop and Ctrl-C). The same sessions run
against QEMU 7.2 (same options, same guest) and the shapes of the replies
(keys, error classes, value types, event names) must agree; timestamps and
texts are not compared.

Prints one line per check, "N passed, N failed"; exits 1 if anything failed.
Usage: scripts/test-qmp.py
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cli_harness import ARMATURE, STRICT  # noqa: E402
from guest_session import Tally  # noqa: E402
from gdb_packets import GDBPacketClient  # noqa: E402
from net_ports import free_port  # noqa: E402

QEMU = shutil.which("qemu-system-aarch64")
tally = Tally()
check = tally.report


class Client:
    def __init__(self, path, deadline=30):
        end = time.time() + deadline
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.s.settimeout(20)
        self.buf = b""
        self.events = []

    def read(self, timeout=20):
        self.s.settimeout(timeout)
        while b"\n" not in self.buf:
            data = self.s.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, data):
        self.s.sendall(data)

    def reply(self):
        """The next reply; events met on the way are kept."""
        while True:
            m = self.read()
            if "event" in m:
                self.events.append(m)
            else:
                return m

    def cmd(self, execute, arguments=None, **extra):
        req = {"execute": execute}
        if arguments is not None:
            req["arguments"] = arguments
        req.update(extra)
        self.send_raw(json.dumps(req).encode() + b"\n")
        return self.reply()

    def wait_event(self, name, timeout=10):
        end = time.time() + timeout
        while True:
            for e in self.events:
                if e["event"] == name:
                    self.events.remove(e)
                    return e
            left = end - time.time()
            if left <= 0:
                return None
            try:
                m = self.read(left)
            except (socket.timeout, EOFError):
                return None
            if "event" in m:
                self.events.append(m)


def shape(v):
    """Keys, error classes and value types; not numbers or texts."""
    if isinstance(v, dict):
        return {k: (v[k] if k == "class" else shape(v[k])) for k in v if k != "desc"}
    if isinstance(v, list):
        return [shape(x) for x in v[:1]]
    return type(v).__name__


def session(argv, sock, name):
    """Runs one session; returns {step: message} for the comparison."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out = {}
    try:
        c = Client(sock)
        g = c.read()
        out["greeting"] = g
        check(f"{name}: greeting", "QMP" in g and "version" in g["QMP"] and "capabilities" in g["QMP"], g)
        r = c.cmd("query-status")
        out["before-capabilities"] = r
        check(f"{name}: a command before qmp_capabilities is refused",
              r.get("error", {}).get("class") == "CommandNotFound", r)
        out["qmp_capabilities"] = r = c.cmd("qmp_capabilities")
        check(f"{name}: qmp_capabilities", r == {"return": {}}, r)
        out["query-status running"] = r = c.cmd("query-status")
        check(f"{name}: query-status running", r.get("return", {}).get("running") is True
              and r["return"].get("status") == "running", r)
        out["stop"] = r = c.cmd("stop")
        check(f"{name}: stop", r == {"return": {}}, r)
        e = c.wait_event("STOP")
        out["STOP"] = e
        check(f"{name}: STOP event with a timestamp", e is not None and "seconds" in e.get("timestamp", {})
              and "microseconds" in e["timestamp"], e)
        out["query-status paused"] = r = c.cmd("query-status")
        check(f"{name}: query-status paused", r.get("return", {}).get("running") is False
              and r["return"].get("status") == "paused", r)
        out["info registers"] = r = c.cmd("human-monitor-command", {"command-line": "info registers"})
        text = r.get("return", "")
        check(f"{name}: human-monitor-command info registers", isinstance(text, str)
              and " PC=" in text and "X30=" in text and "PSTATE=" in text, r)
        out["xp"] = r = c.cmd("human-monitor-command", {"command-line": "xp /2wx 0x40080000"})
        check(f"{name}: human-monitor-command xp (the b . at 0x40080000)", isinstance(r.get("return"), str)
              and r["return"].startswith("0000000040080000: 0x14000000"), r)
        out["info mtree"] = r = c.cmd("human-monitor-command", {"command-line": "info mtree"})
        check(f"{name}: human-monitor-command info mtree", isinstance(r.get("return"), str)
              and "address-space: memory" in r["return"] and "mach-virt.ram" in r["return"], r)
        out["cont"] = r = c.cmd("cont")
        check(f"{name}: cont", r == {"return": {}}, r)
        e = c.wait_event("RESUME")
        out["RESUME"] = e
        check(f"{name}: RESUME event", e is not None and "timestamp" in e, e)
        out["query-status id"] = r = c.cmd("query-status", id="seven")
        check(f"{name}: the id is echoed", r.get("id") == "seven" and r.get("return", {}).get("running") is True, r)
        c.send_raw(b'{"execute": }\n')
        out["malformed"] = r = c.reply()
        check(f"{name}: malformed JSON gets GenericError", r.get("error", {}).get("class") == "GenericError", r)
        out["unknown"] = r = c.cmd("no-such-command")
        check(f"{name}: an unknown command gets CommandNotFound", r.get("error", {}).get("class") == "CommandNotFound", r)
        out["no execute"] = r = c.cmd("query-status")   # still alive after the errors
        check(f"{name}: still answering after the errors", r.get("return", {}).get("running") is True, r)
        out["system_powerdown"] = r = c.cmd("system_powerdown")
        check(f"{name}: system_powerdown", r == {"return": {}}, r)
        e = c.wait_event("POWERDOWN")
        out["POWERDOWN"] = e
        check(f"{name}: POWERDOWN event", e is not None, e)
        out["system_reset"] = r = c.cmd("system_reset")
        check(f"{name}: system_reset", r == {"return": {}}, r)
        e = c.wait_event("RESET")
        out["RESET"] = e
        check(f"{name}: RESET event (host-qmp-system-reset)", e is not None
              and e.get("data") == {"guest": False, "reason": "host-qmp-system-reset"}, e)
        out["query-status after reset"] = r = c.cmd("query-status")
        check(f"{name}: running after the reset", r.get("return", {}).get("status") == "running", r)
        c.cmd("stop")
        c.wait_event("STOP")
        out["system_reset paused"] = r = c.cmd("human-monitor-command", {"command-line": "system_reset"})
        check(f"{name}: the monitor's system_reset while paused", r == {"return": ""}, r)
        e = c.wait_event("RESET")
        out["RESET paused"] = e
        check(f"{name}: RESET event while paused", e is not None and e.get("data", {}).get("guest") is False, e)
        out["query-status reset while paused"] = r = c.cmd("query-status")
        check(f"{name}: a reset while paused leaves the machine in prelaunch",
              r.get("return", {}).get("status") == "prelaunch" and r["return"].get("running") is False, r)
        c.cmd("cont")
        c.wait_event("RESUME")
        out["quit"] = r = c.cmd("quit")
        check(f"{name}: quit", r == {"return": {}}, r)
        e = c.wait_event("SHUTDOWN")
        out["SHUTDOWN"] = e
        check(f"{name}: SHUTDOWN event (host-qmp-quit)", e is not None and e.get("data", {}).get("reason") == "host-qmp-quit"
              and e["data"].get("guest") is False, e)
        rc = proc.wait(timeout=20)
        check(f"{name}: quit ends the run with status 0", rc == 0, rc)
    except Exception as exc:   # noqa: BLE001 - reported as a failure
        check(f"{name}: session", False, repr(exc))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err = proc.stderr.read().decode("utf-8", "replace")
        if err.strip() and name == "armature":
            print("  stderr: " + err.strip().replace("\n", "\n  stderr: "))
    return out


def bounded_input(argv, sock):
    """Huge and deeply nested inputs are errors, and the server stays up."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        c = Client(sock)
        c.read()
        c.cmd("qmp_capabilities")
        c.send_raw(b"[" * 200000 + b"]" * 200000 + b"\n")
        r = c.reply()
        check("armature: deep nesting is an error", r.get("error", {}).get("class") == "GenericError", r)
        c.send_raw(b'{"execute": "' + b"a" * (3 << 20) + b'"}\n')
        r = c.reply()
        check("armature: a 3 MiB request is an error", r.get("error", {}).get("class") == "GenericError", r)
        r = c.cmd("system_reset")
        check("armature: system_reset after the errors", r == {"return": {}}, r)
        r = c.cmd("qmp_capabilities")
        check("armature: a second qmp_capabilities is refused", r.get("error", {}).get("class") == "CommandNotFound", r)
        r = c.cmd("query-status")
        check("armature: still answering", r.get("return", {}).get("running") is True, r)
        c.s.close()
        # A second client after the first left.
        c = Client(sock)
        c.read()
        r = c.cmd("query-status")
        check("armature: a new client negotiates again", r.get("error", {}).get("class") == "CommandNotFound", r)
        c.cmd("qmp_capabilities")
        r = c.cmd("quit")
        check("armature: quit from the second client", r == {"return": {}}, r)
        check("armature: exit status 0", proc.wait(timeout=20) == 0)
    except Exception as exc:   # noqa: BLE001
        check("armature: bounded input", False, repr(exc))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def no_reboot(argv, sock, name):
    """-no-reboot: system_reset ends the run (SHUTDOWN, status 0)."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out = {}
    try:
        c = Client(sock)
        c.read()
        c.cmd("qmp_capabilities")
        out["system_reset -no-reboot"] = r = c.cmd("system_reset")
        check(f"{name}: system_reset with -no-reboot", r == {"return": {}}, r)
        e = c.wait_event("SHUTDOWN")
        out["SHUTDOWN -no-reboot"] = e
        check(f"{name}: -no-reboot: SHUTDOWN event (host-qmp-system-reset), no RESET", e is not None
              and e.get("data") == {"guest": False, "reason": "host-qmp-system-reset"}
              and not any(x["event"] == "RESET" for x in c.events), (e, c.events))
        rc = proc.wait(timeout=20)
        check(f"{name}: -no-reboot: system_reset ends the run with status 0", rc == 0, rc)
    except Exception as exc:   # noqa: BLE001
        check(f"{name}: -no-reboot session", False, repr(exc))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out


class GDBClient(GDBPacketClient):
    def __init__(self, port, deadline=30):
        super().__init__(port, deadline=deadline, timeout=20)


def run_state(q):
    """query-status's run state and running flag, and the monitor's info status line."""
    r = q.cmd("query-status")["return"]
    return (r["status"], r["running"], q.cmd("human-monitor-command", {"command-line": "info status"})["return"])


def with_gdb(argv, sock, name):
    """-S -gdb with -qmp: what each client sees, in order (compared with QEMU 7.2)."""
    seen = []
    port = free_port()
    p = subprocess.Popen(argv + ["-S", "-gdb", f"tcp::{port}", "-qmp", f"unix:{sock},server,wait=off"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        q = Client(sock)
        q.read()
        q.cmd("qmp_capabilities")
        seen.append(("qmp: status at -S", run_state(q)))
        g = GDBClient(port)
        g.cmd("qSupported:swbreak+;hwbreak+")
        g.cmd("QStartNoAckMode")
        seen.append(("gdb: breakpoint set", g.cmd("Z0,40080004,4")))
        seen.append(("gdb: continue to the breakpoint", g.cmd("c")[:3]))
        seen.append(("qmp: RESUME when gdb continues", q.wait_event("RESUME") is not None))
        seen.append(("qmp: STOP at gdb's breakpoint", q.wait_event("STOP") is not None))
        seen.append(("qmp: status at the breakpoint", run_state(q)))
        seen.append(("gdb: breakpoint removed", g.cmd("z0,40080004,4")))
        seen.append(("qmp: cont past gdb", q.cmd("cont")))
        seen.append(("qmp: RESUME", q.wait_event("RESUME") is not None))
        time.sleep(0.3)
        seen.append(("qmp: status running", run_state(q)))
        seen.append(("qmp: stop", q.cmd("stop")))
        seen.append(("qmp: STOP", q.wait_event("STOP") is not None))
        seen.append(("gdb: told of QMP's stop", g.packet()[:3]))
        seen.append(("qmp: status after QMP's stop", run_state(q)))
        seen.append(("gdb: continue", g.send("c")))
        seen.append(("qmp: RESUME when gdb continues again", q.wait_event("RESUME") is not None))
        time.sleep(0.3)
        g.s.sendall(b"\x03")
        seen.append(("gdb: Ctrl-C stops", g.packet()[:3]))
        seen.append(("qmp: STOP at gdb's Ctrl-C", q.wait_event("STOP") is not None))
        seen.append(("qmp: status after gdb's Ctrl-C", run_state(q)))
        seen.append(("gdb: step", g.cmd("s")[:3]))
        seen.append(("qmp: RESUME and STOP around gdb's step",
                     q.wait_event("RESUME") is not None and q.wait_event("STOP") is not None))
        seen.append(("qmp: status after gdb's step", run_state(q)))
        seen.append(("qmp: quit", q.cmd("quit")))
        seen.append(("qmp: SHUTDOWN", (q.wait_event("SHUTDOWN") or {}).get("data", {}).get("reason")))
        status = p.wait(timeout=20)
        seen.append(("exit status", status))
    except Exception as e:
        check(f"{name}: -gdb with -qmp", False, f"{type(e).__name__}: {e}; so far {seen}")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return seen


def main():
    tmp = tempfile.mkdtemp(prefix="armature-qmp-")
    try:
        guest = os.path.join(tmp, "spin.bin")
        with open(guest, "wb") as f:
            f.write(bytes.fromhex("00000014"))   # b .
        common = ["-M", "virt", "-cpu", "max", "-m", "128M", "-nographic", "-kernel", guest]
        sock = os.path.join(tmp, "a.sock")
        mine = session([ARMATURE] + common + ["-qmp", f"unix:{sock},server,wait=off"], sock, "armature")
        sock4 = os.path.join(tmp, "n.sock")
        mine.update(no_reboot([ARMATURE] + common + ["-no-reboot", "-qmp", f"unix:{sock4},server,wait=off"], sock4, "armature"))
        sock2 = os.path.join(tmp, "b.sock")
        bounded_input([ARMATURE] + common + ["-qmp", f"unix:{sock2},server,wait=off"], sock2)
        # -gdb and -qmp together; the guest: nop; b . (a breakpoint on the b).
        guest2 = os.path.join(tmp, "nop-spin.bin")
        with open(guest2, "wb") as f:
            f.write(bytes.fromhex("1f2003d500000014"))
        common2 = ["-M", "virt", "-cpu", "max", "-m", "128M", "-nographic", "-kernel", guest2]
        both = with_gdb([ARMATURE] + common2, os.path.join(tmp, "g.sock"), "armature")
        # QEMU's run states: prelaunch after -S, debug at the gdb stub's own
        # stops (breakpoint, step), paused after QMP's stop and gdb's Ctrl-C.
        expected = [("qmp: status at -S", ("prelaunch", False, "VM status: paused (prelaunch)\r\n")),
                    ("gdb: breakpoint set", "OK"), ("gdb: continue to the breakpoint", "T05"),
                    ("qmp: RESUME when gdb continues", True), ("qmp: STOP at gdb's breakpoint", True),
                    ("qmp: status at the breakpoint", ("debug", False, "VM status: paused (debug)\r\n")),
                    ("gdb: breakpoint removed", "OK"), ("qmp: cont past gdb", {"return": {}}),
                    ("qmp: RESUME", True), ("qmp: status running", ("running", True, "VM status: running\r\n")),
                    ("qmp: stop", {"return": {}}), ("qmp: STOP", True),
                    ("gdb: told of QMP's stop", "T02"), ("qmp: status after QMP's stop", ("paused", False, "VM status: paused\r\n")),
                    ("gdb: continue", None), ("qmp: RESUME when gdb continues again", True),
                    ("gdb: Ctrl-C stops", "T02"), ("qmp: STOP at gdb's Ctrl-C", True),
                    ("qmp: status after gdb's Ctrl-C", ("paused", False, "VM status: paused\r\n")),
                    ("gdb: step", "T05"), ("qmp: RESUME and STOP around gdb's step", True),
                    ("qmp: status after gdb's step", ("debug", False, "VM status: paused (debug)\r\n")),
                    ("qmp: quit", {"return": {}}),
                    ("qmp: SHUTDOWN", "host-qmp-quit"), ("exit status", 0)]
        for (step, want), got in zip(expected, both + [None] * len(expected)):
            check(f"-gdb with -qmp: {step}", got == (step, want), f"got {got}")
        if QEMU is not None:
            ref_both = with_gdb([QEMU] + common2, os.path.join(tmp, "h.sock"), "qemu")
            check("-gdb with -qmp: as QEMU 7.2", both == ref_both, f"armature {both} qemu {ref_both}")
        if QEMU is None:
            check("QEMU 7.2 comparison", not STRICT, "qemu-system-aarch64 not found")
        else:
            sock3 = os.path.join(tmp, "q.sock")
            ref = session([QEMU] + common + ["-qmp", f"unix:{sock3},server,wait=off"], sock3, "qemu")
            sock5 = os.path.join(tmp, "m.sock")
            ref.update(no_reboot([QEMU] + common + ["-no-reboot", "-qmp", f"unix:{sock5},server,wait=off"], sock5, "qemu"))
            # info mtree: the regions both model, line for line.
            def mtree(out, region):
                text = (out.get("info mtree") or {}).get("return", "")
                # QEMU shows the system tree under more than one heading: each line once.
                return sorted({l.strip() for l in text.splitlines() if l.strip().endswith("): " + region)})
            for region in ("virt.flash0", "virt.flash1", "pl011", "pl031", "pl061", "mach-virt.ram"):
                a, b = mtree(mine, region), mtree(ref, region)
                check(f"info mtree: {region} as QEMU 7.2's", a == b and len(a) == 1, f"armature {a} qemu {b}")
            for step in ref:
                if step in ("greeting", "info registers", "xp", "info mtree"):
                    continue   # version text, register layout details: checked above
                a, b = shape(mine.get(step)), shape(ref[step])
                check(f"same shape as QEMU 7.2: {step}", a == b, f"armature {a} qemu {b}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
