#!/usr/bin/env python3
"""gdb stub cases of issue 18 (run by scripts/test-gdb.sh, one engine per call):

  - a second debugger connecting while one is attached is refused at once
    with an error packet saying why (and a line on stderr);
  - p/P with register numbers of 2^63 and more answer E01, the run goes on;
  - an exception loop, a WFI that nothing can wake and the guest's end, with a
    debugger attached, stop and report to it (console output + T05, or W00)
    instead of ending Armature; `k` then ends it.

The guests are crafted here (tiny ELFs at 0x40080000). Prints "ok   ..." or
"FAIL ..." per case.

Usage: scripts/test-gdb-stops.py ARMATURE ENGINE TMPDIR
"""

import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdb_packets import GDBPacketClient  # noqa: E402
from net_ports import free_port  # noqa: E402

ARMATURE, ENGINE, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
BASE = 0x40080000


def report(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + f"[{ENGINE}] stops: {name}" + ("" if ok else ": " + detail), flush=True)


def elf(words, data=b""):
    code = b"".join(struct.pack("<I", w) for w in words) + data
    hdr = b"\x7fELF\x02\x01\x01" + b"\x00" * 9
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, BASE, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 120, BASE, BASE, len(code), len(code), 8)
    return hdr + ph + code


GUESTS = {
    # movz x0, #0x4008, lsl 16; movk x0, #0x1000; msr vbar_el1, x0; isb; udf #0
    # (the sync vector at 0x40081200 holds zeros: udf again, at its own vector).
    "exception_loop": elf([0xD2A80100, 0xF2820000, 0xD518C000, 0xD5033FDF, 0x00000000]),
    # msr daifset, #0xf; wfi; b .
    "wfi": elf([0xD50343DF, 0xD503207F, 0x14000000]),
    # adr x1, blk; mov w0, #0x18; hlt #0xf000; nop; blk: ADP_Stopped_ApplicationExit, 0
    "exit": elf([0x10000081, 0x52800300, 0xD45E0000, 0xD503201F], struct.pack("<QQ", 0x20026, 0)),
}


class Client(GDBPacketClient):
    def __init__(self, port):
        super().__init__(port, deadline=10, timeout=10)


def start(guest):
    path = os.path.join(TMP, f"stops-{guest}.elf")
    with open(path, "wb") as f:
        f.write(GUESTS[guest])
    port = free_port()
    err = open(os.path.join(TMP, f"stops-{guest}.{ENGINE}.err"), "w+")
    p = subprocess.Popen([ARMATURE, "-accel", ENGINE, "-semihosting", "-S", "-gdb", f"tcp::{port}", "-kernel", path],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
    c = Client(port)
    c.cmd("QStartNoAckMode")
    return p, c, port, err


def finish(p, err, name):
    try:
        status = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        status = None
    err.seek(0)
    return status, err.read()


def case_second_connection_and_registers():
    p, a, port, err = start("exit")
    try:
        t0 = time.time()
        b = socket.create_connection(("127.0.0.1", port), 5)
        b.settimeout(5)
        b.sendall(b"+$qSupported#37")
        got = b""
        try:
            while True:
                chunk = b.recv(4096)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass
        took = time.time() - t0
        report("second connection refused at once with a message",
               b"E.another debugger is already attached" in got and took < 3, f"{got!r} after {took:.1f}s")
        b.close()
        # The first debugger is still served.
        report("first debugger still attached", a.cmd("?").startswith("T05"))
        for pkt in ("p8000000000000000", "pffffffffffffffff", "P8000000000000000=00", "Pffffffffffffffff=0000000000000000"):
            r = a.cmd(pkt)
            report(f"{pkt} answers E01", r == "E01", r)
        report("p20 after them", a.cmd("p20") == struct.pack("<Q", BASE).hex())
        # The guest's end: W00, and Armature waits for the debugger.
        a.send("c")
        w = a.packet()
        report("guest end reported (W00)", w == "W00", w)
        time.sleep(0.3)
        report("armature stays while the debugger is attached", p.poll() is None, f"exited {p.poll()}")
        report("? after the end repeats W00", a.cmd("?") == "W00")
        a.s.close()
        status, text = finish(p, err, "exit")
        report("armature ends with the guest's status when the debugger goes", status == 0, f"status {status}, stderr {text!r}")
        report("stderr names the refused connection", "refused a second connection" in text, repr(text))
    finally:
        if p.poll() is None:
            p.kill()


def case_guest_error(guest, needle, expect_pc):
    p, a, port, err = start(guest)
    try:
        a.send("c")
        out = ""
        r = a.packet()
        while r.startswith("O") and not r.startswith("OK"):
            out += bytes.fromhex(r[1:]).decode()
            r = a.packet()
        report(f"{guest}: console output says why", needle in out, repr(out))
        report(f"{guest}: stop reply instead of the end", r.startswith("T05"), r)
        pc = int.from_bytes(bytes.fromhex(a.cmd("p20")), "little")
        report(f"{guest}: PC at the stop", pc == expect_pc, hex(pc))
        report(f"{guest}: armature still runs", p.poll() is None)
        a.send("c")
        if guest == "exception_loop":
            # Continue: the same error stops it again.
            r = a.packet()
            while r.startswith("O") and not r.startswith("OK"):
                r = a.packet()
            report(f"{guest}: continuing stops again", r.startswith("T05"), r)
        else:
            # The WFI is done: the guest goes on (into `b .`); Ctrl-C stops it.
            time.sleep(0.3)
            a.s.sendall(b"\x03")
            r = a.packet()
            report(f"{guest}: continuing runs on (Ctrl-C stops it)", r.startswith("T02"), r)
        a.send("k")
        a.s.close()
        status, text = finish(p, err, guest)
        report(f"{guest}: k ends armature", status == 0, f"status {status}, stderr {text!r}")
    finally:
        if p.poll() is None:
            p.kill()


try:
    case_second_connection_and_registers()
except Exception as e:
    report("second connection / registers / guest end", False, f"{type(e).__name__}: {e}")
for guest, needle, pc in (("exception_loop", "exception loop", 0x40081200), ("wfi", "nothing that can wake it", BASE + 8)):
    try:
        case_guest_error(guest, needle, pc)
    except Exception as e:
        report(guest, False, f"{type(e).__name__}: {e}")
