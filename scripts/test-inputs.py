#!/usr/bin/env python3
"""Untrusted-input and exit-path tests for the armature binary (issue 18).

  - the malformed-ELF corpus (Tests/Corpus/elf) through -kernel, -d in_asm and
    `armature trace -kernel`: a one-line error or a run, never a trap;
  - non-regular files (-kernel /dev/zero, a FIFO) refused;
  - truncated and corrupt -trace-blocks files: non-zero status, records read;
  - semihosting confined to the working directory (root=, system=on);
  - the terminal restored on every way out, under a pseudo-terminal, and
    output to a closed pipe ending the run.

Uses the helpers of test-cli.py, scripts/lib/cli_harness.py (same output: one line per case, then
"N passed, N failed"; exit status 1 if anything failed).

Usage: scripts/test-inputs.py [-v]
"""

import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import cli_harness as cli  # noqa: E402  (the helpers and tally of test-cli.py)
ARMATURE = cli.ARMATURE


def run_open_stdin(args, timeout=20, cwd=None):
    """As test-cli's run, with stdin an open pipe instead of /dev/null: these
    tests are not about input, and stdin at end of file makes the serial
    reader thread race with the exit (reported separately)."""
    r, w = os.pipe()
    try:
        p = subprocess.run([ARMATURE] + args, stdin=r, capture_output=True, timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "(timed out)"
    finally:
        os.close(r)
        os.close(w)


cli.run = run_open_stdin
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "elf")


def corpus_cases():
    cases = []
    with open(os.path.join(CORPUS, "EXPECTED")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, expected = line.rstrip("\n").split("\t", 1)
            cases.append((name, expected))
    return cases


def elf_corpus_tests():
    """Every corpus file: the loader's one-line error, or (loadable files) a run
    that ends with the guest's semihosting exit or a one-line guest error."""
    cases = corpus_cases()
    bad = []
    for name, expected in cases:
        path = os.path.join(CORPUS, name + ".elf")
        rc, out, err = cli.run(["-semihosting", "-d", "in_asm", "-D", "/dev/null", "-kernel", path], timeout=20)
        lines = err.splitlines()
        with open(path, "rb") as f:
            elf_magic = f.read(4) == b"\x7fELF"
        if rc is None:
            bad.append(f"{name}: timed out")
        elif expected == "ok" or not elf_magic:
            # Without the ELF magic -kernel takes the file as a raw binary (as QEMU):
            # Loads; the guest then exits (0) or stops on a fault with a one-line message.
            if rc not in (0, 1) or len(lines) > 1 or (rc == 1 and not err.startswith("armature: ")):
                bad.append(f"{name}: exit {rc}, stderr {err[:200]!r}")
        elif rc != 1 or len(lines) != 1 or not lines[0].startswith("armature: ") or expected not in lines[0]:
            bad.append(f"{name}: exit {rc}, stderr {err[:200]!r} (expected {expected!r})")
        # The symbol reader of `armature trace -kernel` reads the same bytes.
        rc2, _, err2 = cli.run(["trace", "-kernel", path, path])
        if rc2 != 1 or "not a block trace" not in err2:
            bad.append(f"{name}: armature trace -kernel: exit {rc2}, stderr {err2[:200]!r}")
    # An arm64 Image whose text_offset would wrap the address space.
    image = bytearray(64)
    image[8:16] = struct.pack("<Q", (1 << 64) - 1)
    image[16:24] = struct.pack("<Q", 1)
    image[56:60] = b"ARM\x64"
    tmp_image = cli.write(os.path.join(tempfile.gettempdir(), f"armature-wrap-{os.getpid()}.img"), bytes(image))
    try:
        cli.expect_error("arm64 Image with text_offset 2^64-1", ["-kernel", tmp_image], tmp_image, "does not fit in RAM")
    finally:
        os.unlink(tmp_image)
    cli.report(f"malformed-ELF corpus: {len(cases)} files through -kernel -d in_asm and trace -kernel",
               not bad, "\n    ".join(bad[:20]))
    over = os.path.join(CORPUS, "overlap_bss_over_code.elf")
    cli.expect_error("overlapping PT_LOAD segments name both", ["-kernel", over], over,
                     "segments 0 [0x40080000, 0x40080020) and 1 [0x40080008, 0x40081008) overlap")


def non_regular_file_tests(tmp):
    cli.expect_error("-kernel /dev/zero", ["-kernel", "/dev/zero"], "/dev/zero", "character device, not a regular file")
    cli.expect_error("-kernel /dev/stdin (not a terminal: /dev/null)", ["-kernel", "/dev/null"], "not a regular file")
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    cli.expect_error("-kernel FIFO", ["-kernel", fifo], fifo, "pipe (FIFO), not a regular file")
    cli.expect_error("trace -kernel /dev/zero", ["trace", "-kernel", "/dev/zero", fifo], "/dev/zero", "not a regular file")


def trace_file_tests(tmp):
    """A whole trace summarises with status 0; a cut or damaged one prints what
    was read and fails with one line saying where and after how many records."""
    valid = os.path.join(CORPUS, "valid.elf")
    trace = os.path.join(tmp, "t.trace")
    rc, _, err = cli.run(["-semihosting", "-trace-blocks", trace, "-kernel", valid])
    if rc != 0 or not os.path.exists(trace):
        cli.report("-trace-blocks on valid.elf", False, f"exit {rc}, stderr {err!r}")
        return
    data = open(trace, "rb").read()
    rc, out, err = cli.run(["trace", trace])
    cli.report("trace: a whole file, status 0", rc == 0 and err == "" and "equal to the run's count" in out,
               f"exit {rc}, stderr {err!r}")

    def expect_partial(name, content, *needles):
        path = cli.write(os.path.join(tmp, name + ".trace"), content)
        rc, out, err = cli.run(["trace", path])
        lines = err.splitlines()
        ok = (rc == 1 and len(lines) == 1 and lines[0].startswith(f"armature: trace {path}: ")
              and all(n in lines[0] for n in needles) and "Block trace" in out)
        cli.report(f"trace: {name}", ok, f"exit {rc}, stderr {err!r}")

    expect_partial("cut inside the end record", data[:-5], "truncated", "records")
    expect_partial("cut inside a block definition", data[:16 + 16 + 4], "truncated", "block definition", "after 0 records")
    expect_partial("no end record", data[:-16], "no end record after", "records")
    corrupt = bytearray(data)
    corrupt[16] = 9
    cli.expect_error("trace: corrupt record kind", ["trace", cli.write(os.path.join(tmp, "corrupt.trace"), bytes(corrupt))],
                     "corrupt: unknown record kind 9 at offset 16 after 0 records")
    cli.expect_error("trace: /dev/zero", ["trace", "/dev/zero"], "/dev/zero", "not a regular file")
    fifo = os.path.join(tmp, "trace-fifo")
    os.mkfifo(fifo)
    cli.expect_error("trace: a FIFO", ["trace", fifo], fifo, "not a regular file")


def guest_elf(words, data=b""):
    """A tiny AArch64 ELF running `words` (then `data`) at 0x40080000."""
    code = b"".join(struct.pack("<I", w) for w in words) + data
    hdr = b"\x7fELF\x02\x01\x01" + b"\x00" * 9
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0x40080000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    return hdr + struct.pack("<IIQQQQQQ", 1, 5, 120, 0x40080000, 0x40080000, len(code), len(code), 8) + code


TERMINAL_GUESTS = {
    # adr x1, blk; mov w0, #0x18; hlt #0xf000 (SYS_EXIT); nop; blk
    "exit": guest_elf([0x10000081, 0x52800300, 0xD45E0000, 0xD503201F], struct.pack("<QQ", 0x20026, 0)),
    # PSCI SYSTEM_OFF through HVC: mov w0, #8; movk w0, #0x8400, lsl 16; hvc #0; b .
    "system_off": guest_elf([0x52800100, 0x72B08000, 0xD4000002, 0x14000000]),
    # b . (spins until a signal)
    "spin": guest_elf([0x14000000]),
    # loop: adr x1, msg; mov w0, #4 (SYS_WRITE0); hlt #0xf000; b loop; msg: "hello, pipe\n"
    "chatter": guest_elf([0x10000081, 0x52800080, 0xD45E0000, 0x17FFFFFD], b"hello, pipe\n\x00"),
    # udf at its own vector: a fatal guest error (exit 1)
    "fatal": guest_elf([0xD2A80100, 0xF2820000, 0xD518C000, 0xD5033FDF, 0x00000000]),
}


# A job-control shell in miniature: Armature in its own process group, in the
# foreground of the terminal, its parent outside that group (so the group is not
# orphaned and SIGTSTP stops it). Exits with Armature's status.
JOB_SHELL = r"""
import os, signal, sys, time
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    while os.tcgetpgrp(0) != os.getpgrp():
        time.sleep(0.01)
    os.execv(sys.argv[1], sys.argv[1:])
os.setpgid(pid, pid)
os.tcsetpgrp(0, pid)
while True:
    _, st = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(st):
        break
sys.exit(os.waitstatus_to_exitcode(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))
"""


def terminal_tests(tmp):
    """Under a pseudo-terminal (stdin and stderr on it, stdout a pipe), every
    way out leaves the terminal's settings as they were before the run."""
    paths = {}
    for name, data in TERMINAL_GUESTS.items():
        paths[name] = cli.write(os.path.join(tmp, f"term-{name}.elf"), data)

    def run_on_pty(name, guest, action, expect_status, engine="jit", read_limit=None, job_control=False,
                   serial=("-serial", "stdio")):
        master, slave = os.openpty()
        before = termios.tcgetattr(slave)
        out_r, out_w = os.pipe()

        def controlling_terminal():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        prefix = [sys.executable, "-c", JOB_SHELL] if job_control else []
        # Without the Swift runtime's crash reporter (which returns from a
        # SIGSEGV sent by kill(2) instead of ending the process), a crash signal
        # goes from our handler (terminal restored) to the default action.
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        p = subprocess.Popen(prefix + [ARMATURE, "-accel", engine, "-semihosting", *serial, "-kernel", paths[guest]],
                             stdin=slave, stdout=out_w, stderr=slave, start_new_session=True,
                             preexec_fn=controlling_terminal, close_fds=True, env=env)
        os.close(out_w)
        got = b""
        problems = []
        raw_seen = False
        deadline = time.time() + 20
        # Wait until Armature has put the terminal in raw mode (the guest runs).
        while time.time() < deadline and p.poll() is None:
            if not termios.tcgetattr(slave)[3] & termios.ICANON:
                raw_seen = True
                break
            time.sleep(0.02)
        try:
            status_extra = action(p, master, slave, out_r)
        except Exception as e:
            problems.append(f"action: {type(e).__name__}: {e}")
            status_extra = None
        if read_limit is not None:
            while len(got) < read_limit:
                r, _, _ = select.select([out_r], [], [], 10)
                if not r:
                    break
                chunk = os.read(out_r, read_limit - len(got))
                if not chunk:
                    break
                got += chunk
            os.close(out_r)   # the reader goes away, as `head -c N` does
            out_r = None
        # Whatever Armature writes to the terminal (stderr), read as it comes
        # (a crash report would fill the terminal's buffer and block).
        text = b""
        deadline = time.time() + 30
        while p.poll() is None and time.time() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    text += os.read(master, 4096)
                except OSError:
                    pass
        if p.poll() is None:
            p.kill()
            p.wait()
            status = "timeout"
        else:
            status = p.returncode
        after = termios.tcgetattr(slave)
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            text += chunk
        os.close(master)
        os.close(slave)
        if out_r is not None:
            os.close(out_r)
        if status != expect_status:
            problems.append(f"status {status}, expected {expect_status}")
        if after != before:
            problems.append("terminal settings differ after the run (lflag %o -> %o, iflag %o -> %o)"
                            % (before[3], after[3], before[0], after[0]))
        if action is not nothing and not raw_seen:
            problems.append("the terminal never went raw (the test did not exercise anything)")
        if status_extra:
            problems.append(status_extra)
        cli.report(f"terminal restored: {name}", not problems,
                   "; ".join(problems) + f"; stderr {text[:200]!r}")

    def nothing(p, master, slave, out_r):
        return None

    def send(sig):
        def act(p, master, slave, out_r):
            time.sleep(0.2)
            p.send_signal(sig)
        return act

    def ctrl_c(p, master, slave, out_r):
        time.sleep(0.2)
        os.write(master, b"\x03")

    def ctrl_a_x(p, master, slave, out_r):
        time.sleep(0.2)
        os.write(master, b"\x01x")

    def process_stopped(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] == "T"
        except OSError:
            return False

    def stop_and_continue(p, master, slave, out_r):
        time.sleep(0.2)
        job = os.tcgetpgrp(master)   # Armature's process group, the terminal's foreground
        os.killpg(job, signal.SIGTSTP)
        # Stopped: the terminal is the shell's again.
        deadline = time.time() + 5
        while time.time() < deadline and not termios.tcgetattr(slave)[3] & termios.ICANON:
            time.sleep(0.02)
        if not termios.tcgetattr(slave)[3] & termios.ICANON:
            return "not restored while stopped (SIGTSTP)"
        # The terminal is restored just before the process stops: SIGCONT sent in
        # between would be spent on a running process, and then nothing resumes it.
        while time.time() < deadline and not process_stopped(job):
            time.sleep(0.02)
        if not process_stopped(job):
            return "terminal restored but the process never stopped (SIGTSTP)"
        os.killpg(job, signal.SIGCONT)
        deadline = time.time() + 5
        while time.time() < deadline and termios.tcgetattr(slave)[3] & termios.ICANON:
            time.sleep(0.02)
        raw_again = not termios.tcgetattr(slave)[3] & termios.ICANON
        os.killpg(job, signal.SIGTERM)
        return None if raw_again else "not raw again after SIGCONT"

    for engine in ("interp", "jit"):
        run_on_pty(f"exit (the guest's end), -accel {engine}", "exit", nothing, 0, engine)
        run_on_pty(f"PSCI SYSTEM_OFF, -accel {engine}", "system_off", nothing, 0, engine)
    run_on_pty("fatal guest error (exit 1)", "fatal", nothing, 1)
    run_on_pty("SIGTERM", "spin", send(signal.SIGTERM), 143)
    run_on_pty("SIGHUP", "spin", send(signal.SIGHUP), 129)
    run_on_pty("SIGQUIT", "spin", send(signal.SIGQUIT), 131)
    run_on_pty("SIGUSR1", "spin", send(signal.SIGUSR1), 138)
    run_on_pty("SIGSEGV (a crash: re-raised)", "spin", send(signal.SIGSEGV), -11)
    run_on_pty("SIGABRT (a crash: re-raised)", "spin", send(signal.SIGABRT), -6)
    run_on_pty("Ctrl-C typed on the terminal (-serial stdio)", "spin", ctrl_c, 130)
    run_on_pty("Ctrl-A x typed on the terminal (-nographic)", "spin", ctrl_a_x, 0, serial=("-nographic",))
    run_on_pty("Ctrl-Z then fg, then SIGTERM", "spin", stop_and_continue, 143, job_control=True)
    for engine in ("interp", "jit"):
        run_on_pty(f"stdout to a closed pipe (| head -c 100), -accel {engine}", "chatter", nothing, 141, engine,
                   read_limit=100)


def semihosting_call_guest(op, words, name):
    """Calls semihosting `op` with the block `words` (NAME_PTR stands for the
    address of `name`), then exits with status 0 when the call returned -1
    (refused or failed) and 1 when it succeeded."""
    code = [0x10000201,              # adr x1, blk
            0x52800000 | (op << 5),  # mov w0, #op
            0xD45E0000,              # hlt #0xf000
            0x100002A1,              # adr x1, exitblk
            0xB100041F,              # cmn x0, #1
            0x9A9F07E2,              # cset x2, ne
            0xF9000422,              # str x2, [x1, #8]
            0x52800300,              # mov w0, #0x18 (SYS_EXIT)
            0xD45E0000,              # hlt #0xf000
            0x14000000] + [0xD503201F] * 6
    # blk at +0x40 (four words), exitblk at +0x60, the name at +0x78.
    blk = b"".join(struct.pack("<Q", 0x40080078 if w == "NAME_PTR" else w) for w in words)
    blk = blk.ljust(32, b"\x00")
    data = blk + struct.pack("<QQ", 0x20026, 0) + b"\x00" * 8 + name + b"\x00"
    return guest_elf(code, data)


def semihosting_tests(tmp):
    """Host files confined to the working directory (or root=DIR), SYS_SYSTEM
    only with system=on; a refused call returns -1 and says why under -d guest_errors."""
    work = os.path.join(tmp, "work")
    os.makedirs(os.path.join(work, "sub"))
    outside = os.path.join(tmp, "outside.txt")
    cli.write(outside, b"secret\n")
    cli.write(os.path.join(work, "inside.txt"), b"hello\n")
    os.symlink(outside, os.path.join(work, "link-out"))
    os.symlink("inside.txt", os.path.join(work, "link-in"))

    def run_guest(name, elf, extra, expect_status, *log_needles, cwd=work):
        path = cli.write(os.path.join(tmp, f"semi-{len(os.listdir(tmp))}.elf"), elf)
        rc, _, err = run_open_stdin(["-semihosting-config", "enable=on" + extra, "-d", "guest_errors", "-kernel", path], cwd=cwd)
        ok = rc == expect_status and all(n in err for n in log_needles)
        if not log_needles:
            ok = ok and "refused" not in err
        cli.report(f"semihosting: {name}", ok, f"exit {rc} (expected {expect_status}), stderr {err[:300]!r}")

    def open_guest(guest_path, mode=0):
        return semihosting_call_guest(0x01, ["NAME_PTR", mode, len(guest_path)], guest_path.encode())

    refused = "SYS_OPEN refused"
    run_guest("open a file in the working directory", open_guest("inside.txt"), "", 1)
    run_guest("open ./sub/../inside.txt", open_guest("sub/../inside.txt"), "", 1)
    run_guest("open by absolute path inside", open_guest(os.path.join(work, "inside.txt")), "", 1)
    run_guest("open a link that stays inside", open_guest("link-in"), "", 1)
    run_guest("refuse an absolute path outside", open_guest(outside), "", 0, refused, "outside the semihosting root")
    run_guest("refuse /etc/passwd", open_guest("/etc/passwd"), "", 0, refused, "/etc/passwd")
    run_guest("refuse ../ out of the tree", open_guest("../outside.txt"), "", 0, refused, "outside the semihosting root")
    run_guest("refuse a symbolic link out of the tree", open_guest("link-out"), "", 0, refused, "outside the semihosting root")
    run_guest("refuse /proc/self/environ", open_guest("/proc/self/environ"), ",root=/", 0, refused, "/proc")
    run_guest("refuse /proc/self/mem", open_guest("/proc/self/mem", 2), ",root=/", 0, refused, "/proc")
    run_guest("refuse /dev/zero", open_guest("/dev/zero"), ",root=/", 0, refused, "/dev")
    run_guest("refuse writing outside (w)", open_guest(os.path.join(tmp, "new.txt"), 4), "", 0, refused)
    run_guest("root=DIR widens the tree", open_guest(outside), f",root={tmp}", 1)
    run_guest("root=DIR narrows it too", open_guest("inside.txt"), f",root={os.path.join(work, 'sub')}", 0, refused)
    run_guest("create a file inside (w)", open_guest("created.txt", 4), "", 1)
    cli.report("semihosting: the created file exists", os.path.exists(os.path.join(work, "created.txt")))
    remove = lambda path: semihosting_call_guest(0x0E, ["NAME_PTR", len(path)], path.encode())
    run_guest("SYS_REMOVE outside refused", remove(outside), "", 0, "SYS_REMOVE refused")
    cli.report("semihosting: the outside file survives", os.path.exists(outside))
    run_guest("SYS_REMOVE through ../ refused", remove("../outside.txt"), "", 0, "SYS_REMOVE refused")
    run_guest("SYS_REMOVE inside", remove("created.txt"), "", 1)
    cli.report("semihosting: SYS_REMOVE removed it", not os.path.exists(os.path.join(work, "created.txt")))
    # SYS_RENAME: [old, old length, new, new length]; the new name follows the old one in the guest.
    rename = lambda a, b: semihosting_call_guest(0x0F, ["NAME_PTR", len(a), 0x40080078 + len(a) + 1, len(b)],
                                                 a.encode() + b"\x00" + b.encode())
    run_guest("SYS_RENAME out of the tree refused", rename("inside.txt", "../stolen.txt"), "", 0, "SYS_RENAME refused")
    cli.report("semihosting: nothing renamed out", os.path.exists(os.path.join(work, "inside.txt"))
               and not os.path.exists(os.path.join(tmp, "stolen.txt")))
    run_guest("SYS_RENAME inside", rename("inside.txt", "sub/moved.txt"), "", 1)
    cli.report("semihosting: renamed inside", os.path.exists(os.path.join(work, "sub", "moved.txt")))
    marker = os.path.join(tmp, "system-ran")
    system = lambda cmd: semihosting_call_guest(0x12, ["NAME_PTR", len(cmd)], cmd.encode())
    run_guest("SYS_SYSTEM refused by default", system(f"touch {marker}"), "", 0, "SYS_SYSTEM refused", "system=on")
    cli.report("semihosting: no command ran", not os.path.exists(marker))
    run_guest("SYS_SYSTEM with system=on", system(f"touch {marker}"), ",system=on", 1)
    cli.report("semihosting: the command ran with system=on", os.path.exists(marker))
    cli.expect_error("-semihosting-config root= missing directory", ["-semihosting-config", f"enable=on,root={tmp}/nope",
                     "-kernel", os.path.join(CORPUS, "valid.elf")], "root=", "nope")
    cli.expect_error("-semihosting-config system=maybe", ["-semihosting-config", "enable=on,system=maybe"], "system")


def options_tests(tmp):
    """-M virt-X.Y as QEMU 7.2 knows them; -D and -trace-blocks files that cannot be written."""
    valid = os.path.join(CORPUS, "valid.elf")
    for bad in ("virt-999.999", "virt-2.5", "virt-7.3", "virt-8.0", "virt-1", "virt-2.6.0"):
        cli.expect_error(f"-M {bad} refused", ["-M", bad, "-semihosting", "-kernel", valid], bad, "unsupported machine type")
    for good in ("virt-2.6", "virt-2.12", "virt-5.2", "virt-7.2"):
        rc, _, err = cli.run(["-M", good, "-semihosting", "-kernel", valid])
        cli.report(f"-M {good} accepted", rc == 0 and err == "", f"exit {rc}, stderr {err!r}")
    cli.expect_ok_stdout("-M help lists the versions", ["-M", "help"], "virt-2.6", "virt-7.2")
    if os.path.exists("/dev/full"):
        cli.expect_error("-D /dev/full: a warning and status 1", ["-semihosting", "-d", "in_asm", "-D", "/dev/full", "-kernel", valid],
                         "-D /dev/full", "cannot write", "No space left on device")
        cli.expect_error("-trace-blocks /dev/full: a warning and status 1", ["-semihosting", "-trace-blocks", "/dev/full", "-kernel", valid],
                         "-trace-blocks /dev/full", "cannot write")
    cli.expect_error("-D in a directory that does not exist", ["-D", os.path.join(tmp, "no", "log"), "-kernel", valid],
                     "cannot open the log file")


def main():
    if not os.access(ARMATURE, os.X_OK):
        print(f"test-inputs: {ARMATURE} not found (build it, or set ARMATURE)")
        print("0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="armature-inputs-")
    try:
        elf_corpus_tests()
        non_regular_file_tests(tmp)
        trace_file_tests(tmp)
        semihosting_tests(tmp)
        options_tests(tmp)
        terminal_tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return cli.tally.summary()


if __name__ == "__main__":
    sys.exit(main())
