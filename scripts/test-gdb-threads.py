#!/usr/bin/env python3
"""The gdb stub with several CPUs (run by scripts/test-gdb.sh, one engine per
call), on Tests/Guests/c_gdb_smp_target.c with -smp 4:

  1. gdb-multiarch: a breakpoint hit on CPU 1 reported as thread 2, `info
     threads` (ids and CPU states), switching threads and reading registers
     per CPU, `stepi` on one thread, the next hit on CPU 2, a watchpoint hit
     on CPU 3; every other CPU stays stopped while the debugger looks (a
     counter CPU 0 increments stands still). The same session under QEMU 7.2
     must give the same thread lines (PCs of the spinning CPU 0 and counts
     aside); without QEMU only Armature's lines are checked.
  2. The protocol: the thread list one per reply, qThreadExtraInfo, T for
     live and unknown threads, Hg/Hc with registers per thread, vCont with
     a step of one thread while the others stay stopped, stop replies naming
     the thread, with and without multiprocess ids.

Prints "ok   ..." or "FAIL ..." per case.
Usage: scripts/test-gdb-threads.py ARMATURE ENGINE TMPDIR GUEST_ELF
Env: ARMATURE_STRICT_REFERENCES=1: a missing gdb-multiarch fails instead of skipping.
"""

import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdb_packets import GDBPacketClient  # noqa: E402
from net_ports import free_port  # noqa: E402

ARMATURE, ENGINE, TMP, GUEST = sys.argv[1:5]
GDB = shutil.which("gdb-multiarch")
QEMU = shutil.which("qemu-system-aarch64")
STRICT = os.environ.get("ARMATURE_STRICT_REFERENCES", "0") != "0"
MACHINE = ["-M", "virt", "-cpu", "max", "-smp", "4", "-nographic", "-semihosting"]


def report(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + f"[{ENGINE}] threads: {name}" + ("" if ok else ": " + detail), flush=True)


def listening(port):
    """The port is in LISTEN state (checked without connecting: a connection is a debugger)."""
    want = ":%04X" % port
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(f).read().splitlines()[1:]
        except OSError:
            continue
        if any(r.split()[1].endswith(want) and r.split()[3] == "0A" for r in rows):
            return True
    return False


def start(cmd, name):
    port = free_port()
    out = open(os.path.join(TMP, f"threads-{name}.out"), "w+")
    p = subprocess.Popen(cmd + MACHINE + ["-kernel", GUEST, "-S", "-gdb", f"tcp::{port}"],
                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while not listening(port):
        if p.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{name} does not listen on {port}")
        time.sleep(0.05)
    return p, port, out


def finish(p):
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        return None


GDB_COMMANDS = [
    "set architecture aarch64", "set pagination off", "set confirm off",
    "break gdb_smp_work", "continue",
    "info threads", "print $x0", "print gdb_smp_polls",
    "thread 1", "print $pc == gdb_smp_work", "print gdb_smp_polls",
    "thread 2", "stepi", "print $pc", "print gdb_smp_polls",
    "continue", "print $x0",
    "delete", "watch gdb_smp_result[3]", "continue", "info threads",
    "delete", "continue",
]


def gdb_session(cmd, name):
    p, port, out = start(cmd, name)
    args = [GDB, "-batch", "-nx"]
    for i, c in enumerate(GDB_COMMANDS):
        args += ["-ex", c]
        if i == 2:
            args += ["-ex", f"target remote :{port}"]
    try:
        r = subprocess.run(args + [GUEST], capture_output=True, text=True, timeout=90)
        log = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        log = (e.stdout or b"").decode(errors="replace") + "\n(gdb timed out)"
    status = finish(p)
    out.seek(0)
    return log, status, out.read()


def thread_lines(log):
    """What must match QEMU: hits, switches, the thread table's ids and states, x0 values."""
    keep = []
    for line in log.splitlines():
        m = re.match(r"^(\*?\s+\d+\s+Thread \S+ \(CPU#\d \[[a-z ]+\]\))", line)
        if m:
            keep.append(re.sub(r"\s+", " ", m.group(1).strip()))
        elif re.match(r"^(Thread \d+ hit |\[Switching to |\$[17] = |\$3 = |\$5 = |Old value|New value|\[Inferior)", line):
            keep.append(re.sub(r" at /\S+$", "", line))
    return keep


def case_gdb():
    if not GDB:
        if STRICT:
            report("gdb session", False, "gdb-multiarch not installed (ARMATURE_STRICT_REFERENCES is set)")
        else:
            print(f"skip [{ENGINE}] threads: gdb session: gdb-multiarch not installed")
        return
    log, status, guest_out = gdb_session([ARMATURE, "-accel", ENGINE], ENGINE)
    ok = True

    def check(name, cond, detail=""):
        nonlocal ok
        report(name, cond, detail)
        ok = ok and cond

    check("hit on CPU 1 is thread 2", re.search(r"^Thread 2 hit Breakpoint 1, gdb_smp_work \(cpu=1\)", log, re.M) is not None)
    check("info threads lists 4 CPUs",
          len(re.findall(r"^\*?\s+\d\s+Thread 1\.\d \(CPU#\d \[(running|halted )\]\)", log, re.M)) >= 4)
    check("info threads: selected thread 2 running", re.search(r"^\* 2\s+Thread 1\.2 \(CPU#1 \[running\]\) gdb_smp_work", log, re.M) is not None)
    check("info threads: CPUs 2, 3 off", re.search(r"^  3\s+Thread 1\.3 \(CPU#2 \[halted \]\)", log, re.M) is not None
          and re.search(r"^  4\s+Thread 1\.4 \(CPU#3 \[halted \]\)", log, re.M) is not None)
    check("x0 of thread 2 is 1", re.search(r"^\$1 = 1$", log, re.M) is not None)
    check("thread 1 selected", "[Switching to thread 1 (Thread 1.1)]" in log)
    check("thread 1 has its own PC", re.search(r"^\$3 = 0$", log, re.M) is not None)
    check("stepi on thread 2", re.search(r"^\$5 = .* <gdb_smp_work\+\d+>$", log, re.M) is not None)
    polls = re.findall(r"^\$[246] = (\d+)$", log, re.M)
    check("other CPUs stay stopped (CPU 0's counter stands still)", len(polls) == 3 and len(set(polls)) == 1, str(polls))
    check("next hit on CPU 2 is thread 3", re.search(r"^Thread 3 hit Breakpoint 1, gdb_smp_work \(cpu=2\)", log, re.M) is not None
          and re.search(r"^\$7 = 2$", log, re.M) is not None)
    check("watchpoint hit on CPU 3 is thread 4", re.search(r"^Thread 4 hit Hardware watchpoint 2: gdb_smp_result\[3\]", log, re.M) is not None
          and "New value = 834" in log)
    check("guest runs to the end", "[Inferior 1 (process 1) exited normally]" in log and "PASS c_gdb_smp_target" in guest_out
          and status == 0, f"status {status}")
    if not QEMU:
        print(f"skip [{ENGINE}] threads: QEMU comparison: qemu-system-aarch64 not installed")
    else:
        qlog, _, _ = gdb_session([QEMU], "qemu")
        ours, theirs = thread_lines(log), thread_lines(qlog)
        diff = [f"qemu {t!r} / armature {o!r}" for t, o in zip(theirs, ours) if t != o]
        check("thread lines match QEMU 7.2", ours == theirs and len(ours) > 10,
              "; ".join(diff[:4]) or f"{len(ours)} vs {len(theirs)} lines")
        if ours != theirs:
            print("--- qemu\n" + qlog)
    if not ok:
        print("--- gdb log\n" + log + "\n--- guest\n" + guest_out)


class Client(GDBPacketClient):
    def __init__(self, port):
        super().__init__(port, deadline=0, timeout=20)

    def reg(self, n):
        return int.from_bytes(bytes.fromhex(self.cmd("p%x" % n)), "little")


def symbol(name):
    nm = subprocess.run(["nm", GUEST], capture_output=True, text=True).stdout
    return int(re.search(r"^([0-9a-f]+) \w %s$" % name, nm, re.M).group(1), 16)


def case_protocol(multiprocess):
    work, polls, results = symbol("gdb_smp_work"), symbol("gdb_smp_polls"), symbol("gdb_smp_result")
    p, port, _ = start([ARMATURE, "-accel", ENGINE], ENGINE + "-rsp")
    tag = "multiprocess" if multiprocess else "plain"
    tid = (lambda n: "p01.%02x" % n) if multiprocess else (lambda n: "%02x" % n)
    try:
        c = Client(port)
        sup = c.cmd("qSupported:swbreak+;hwbreak+" + (";multiprocess+" if multiprocess else ""))
        report(f"{tag}: qSupported", ("multiprocess+" in sup) == multiprocess, sup)
        c.cmd("QStartNoAckMode")
        report(f"{tag}: ? names thread 1", c.cmd("?").endswith("thread:%s;" % tid(1)))
        listed = [c.cmd("qfThreadInfo")] + [c.cmd("qsThreadInfo") for _ in range(4)]
        report(f"{tag}: thread list", listed == ["m" + tid(n) for n in range(1, 5)] + ["l"], str(listed))
        info = [bytes.fromhex(c.cmd("qThreadExtraInfo,%s" % tid(n))).decode() for n in (1, 2)]
        report(f"{tag}: qThreadExtraInfo", info == ["CPU#0 [running]", "CPU#1 [halted ]"], str(info))
        alive = [c.cmd("T" + t) for t in ("1", "4", "5", "p1.2", "p2.1")]
        report(f"{tag}: T (alive)", alive == ["OK", "OK", "E22", "OK", "E22"], str(alive))
        report(f"{tag}: Hg of an unknown thread", c.cmd("Hg5") == "E22")
        report(f"{tag}: Z0", c.cmd("Z0,%x,4" % work) == "OK")
        st = c.cmd("vCont;c")
        report(f"{tag}: breakpoint on CPU 1 stops with thread 2", st.startswith("T05") and "thread:%s;" % tid(2) in st, st)
        report(f"{tag}: qC is the thread that stopped", c.cmd("qC") == "QC" + tid(2))
        pc2, x0_2 = c.reg(0x20), c.reg(0)
        report(f"{tag}: registers of thread 2", pc2 == work and x0_2 == 1, "pc %x x0 %x" % (pc2, x0_2))
        report(f"{tag}: Hg thread 1", c.cmd("Hg" + tid(1)) == "OK")
        pc1 = c.reg(0x20)
        count = c.cmd("m%x,8" % polls)
        report(f"{tag}: registers of thread 1 differ", pc1 != work, hex(pc1))
        # Step thread 2 alone: thread 1 (spinning) must not move.
        report(f"{tag}: z0", c.cmd("z0,%x,4" % work) == "OK")
        st = c.cmd("vCont;s:%s" % tid(2))
        report(f"{tag}: vCont;s on thread 2 stops it", st.startswith("T05") and "thread:%s;" % tid(2) in st, st)
        c.cmd("Hg" + tid(2))
        report(f"{tag}: thread 2 ran one instruction", c.reg(0x20) == work + 4, hex(c.reg(0x20)))
        c.cmd("Hg" + tid(1))
        report(f"{tag}: thread 1 held meanwhile", c.reg(0x20) == pc1 and c.cmd("m%x,8" % polls) == count)
        # Hc + s: step thread 1 (thread 2 runs meanwhile).
        report(f"{tag}: Hc thread 1", c.cmd("Hc" + tid(1)) == "OK")
        st = c.cmd("s")
        report(f"{tag}: s steps the Hc thread", st.startswith("T05") and "thread:%s;" % tid(1) in st, st)
        # A watchpoint on CPU 3's result: the stop names thread 4.
        report(f"{tag}: Z2", c.cmd("Z2,%x,8" % (results + 24)) == "OK")
        st = c.cmd("vCont;c")
        report(f"{tag}: watchpoint hit on CPU 3 is thread 4", "watch:%x;" % (results + 24) in st and "thread:%s;" % tid(4) in st, st)
        report(f"{tag}: z2", c.cmd("z2,%x,8" % (results + 24)) == "OK")
        report(f"{tag}: the guest ends", c.cmd("vCont;c") == "W00")
        c.s.close()
        status = finish(p)
        report(f"{tag}: exit status 0", status == 0, f"status {status}")
    finally:
        if p.poll() is None:
            p.kill()


for case in (case_gdb, lambda: case_protocol(False), lambda: case_protocol(True)):
    try:
        case()
    except Exception as e:
        report("session", False, f"{type(e).__name__}: {e}")
