"""What the scripts that boot a guest and drive its serial console share
(scripts/test-linux.py, test-9p.py, test-net.py, test-disk.py, test-pci.py,
test-firmware.py and Benchmarks/linux-boot.py, firmware-boot.py): where the
kernels, firmware and binaries are, the command line of a run on Armature or
on QEMU 7.2, a `Session` on pipes, the busybox shell's prompt, the kernel log
compared with QEMU's, and the tally of checks.

A script imports it after putting this folder on its path:
    sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
    import guest_session as gs
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX = os.path.join(ROOT, ".build", "linux")                   # scripts/setup-linux.sh
LINUX_GENERIC = os.path.join(ROOT, ".build", "linux-generic")   # scripts/setup-linux-generic.sh
FIRMWARE = os.path.join(ROOT, ".build", "firmware")             # scripts/setup-firmware.sh
ARMATURE = os.environ.get("ARMATURE", os.path.join(ROOT, ".build", "release", "armature"))
QEMU = "qemu-system-aarch64"

# The initramfs's /init prints MARKER, then busybox's shell prompts.
MARKER = b"ARMATURE-INIT-OK"
SHELL = MARKER + rb"[^\n]*\n.*?/ # "
STAMP = re.compile(rb"^\[\s*\d+\.\d+\] ?", re.M)
# Kernel lines worth a look when QEMU 7.2's log of the same boot lacks them.
SUSPICIOUS = re.compile(rb"(?i)(warn|oops|unhandled|bug[: ]|call trace|error|fail|invalid|not supported|unknown)")
# Lines that differ from QEMU's for a reason Armature's model states: it has
# no AArch32 (ID_AA64PFR0.EL0 = 1), so the kernel has no 32-bit SETEND to
# emulate, where QEMU's max and cortex-a57 run AArch32 at EL0.
EXPLAINED = [re.compile(rb"^setend instruction emulation is not supported on this system$")]


def emulator(subject, engine, qemu_options=()):
    """The start of a command line: QEMU 7.2 (`subject` "qemu", with
    `qemu_options`) or the Armature binary `subject` with `-accel engine`."""
    if subject == "qemu":
        return [QEMU] + list(qemu_options)
    return [subject, "-accel", engine]


def linux_args(linux=LINUX, append="console=ttyAMA0"):
    return ["-kernel", os.path.join(linux, "Image"), "-initrd", os.path.join(linux, "initramfs"), "-append", append]


def qemu_pauth_impdef(cmd):
    """QEMU's -cpu max with its cheapest pointer authentication (Armature has
    none), for timing comparisons."""
    i = cmd.index("-cpu") + 1
    if cmd[i] == "max":
        cmd[i] = "max,pauth-impdef=on"
    return cmd


def tool(name):
    """A host tool on PATH or in /usr/sbin, /sbin (e2fsprogs), or None."""
    found = shutil.which(name)
    if found:
        return found
    for d in ("/usr/sbin/", "/sbin/"):
        if os.path.exists(d + name):
            return d + name
    return None


def make_ext4(tmp, text_name, text, size, image_name="disk.ext4"):
    """An ext4 image in `tmp` holding one file, made with mke2fs -d."""
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    with open(os.path.join(src, text_name), "w") as f:
        f.write(text)
    image = os.path.join(tmp, image_name)
    subprocess.run([tool("mke2fs"), "-q", "-F", "-t", "ext4", "-d", src, image, size], check=True, capture_output=True)
    return image


class Session:
    """A booted machine on pipes: read what it prints, type into it."""

    def __init__(self, cmd, timeout):
        self.start = time.monotonic()
        self.deadline = self.start + timeout
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = bytearray()
        self.seen = 0          # what `expect` has consumed

    def read(self, seconds):
        end = min(self.deadline, time.monotonic() + seconds)
        while time.monotonic() < end:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    return False
                self.out += chunk
                return True
            if self.proc.poll() is not None:
                return False
        return False

    def drain(self):
        """Reads what is still coming (after the machine ended or was ended)."""
        while self.read(0.1):
            pass

    def expect(self, pattern, seconds):
        """Waits for `pattern` (bytes regex) after what was consumed; returns
        the match or None (time out, or the machine ended)."""
        end = min(self.deadline, time.monotonic() + seconds)
        while True:
            m = re.compile(pattern, re.S).search(bytes(self.out), self.seen)
            if m:
                self.seen = m.end()
                return m
            if time.monotonic() >= end:
                return None
            if not self.read(end - time.monotonic()) and self.proc.poll() is not None:
                m = re.compile(pattern, re.S).search(bytes(self.out), self.seen)
                if m:
                    self.seen = m.end()
                return m

    def shell(self, seconds):
        """Waits for /init's marker and busybox's prompt after it."""
        return self.expect(SHELL, seconds)

    def send(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def type(self, line):
        self.send(line.encode() + b"\n")

    def command(self, line, seconds=30):
        """Runs one shell command and returns its output (between markers)."""
        tag = f"@@{abs(hash(line)) % 100000}"
        # `echo @@""N` shows @@""N in the echoed command and @@N in the output.
        self.type(f'echo {tag[:2]}""{tag[2:]}-begin; {line}; echo {tag[:2]}""{tag[2:]}-end')
        m = self.expect(re.escape(tag.encode()) + rb"-begin\r?\n(.*?)" + re.escape(tag.encode()) + rb"-end", seconds)
        return None if m is None else m.group(1).replace(b"\r", b"").decode(errors="replace")

    def finish(self, seconds):
        """The exit status within `seconds`, or None (the machine is then killed)."""
        try:
            return self.proc.wait(timeout=max(0.1, seconds))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def elapsed(self):
        return time.monotonic() - self.start

    def last_lines(self, n=3):
        return " | ".join(l.decode(errors="replace") for l in bytes(self.out).splitlines()[-n:])


class Checks:
    """The checks and times of one session, and its transcript."""

    def __init__(self, prefix=""):
        self.checks = []
        self.times = {}
        self.out = b""
        self.prefix = prefix

    def check(self, name, ok, detail=""):
        self.checks.append((self.prefix + name, bool(ok), detail))
        return bool(ok)

    def failed(self):
        return [c for c in self.checks if not c[1]]

    def ends(self, s, keys, name, seconds=30):
        """Sends `keys` to Session `s` and checks that the run then ends
        with status 0 within `seconds`."""
        s.send(keys)
        rc = s.finish(seconds)
        return self.check(f"{name} ends the run with status 0", rc == 0, f"status {rc}")

    def stop(self, s):
        """Ends Session `s` if it still runs; keeps its transcript and time."""
        s.kill()
        self.out = bytes(s.out)
        self.times["total"] = s.elapsed()

    def close(self, s):
        """Reads Session `s` to its end into .out; returns self."""
        s.drain()
        self.out = bytes(s.out)
        return self


class Tally:
    """Passed and failed cases, one line each: PASS name / FAIL name: detail."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def report(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")

    def summary(self):
        """Prints "N passed, N failed"; the exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def kernel_log(out):
    """The kernel's lines up to /init's marker, timestamps removed."""
    head = bytes(out).split(MARKER)[0]
    return [STAMP.sub(b"", l).rstrip(b"\r") for l in head.split(b"\n") if STAMP.match(l)]


def normalise(line):
    return re.sub(rb"0x[0-9a-f]+|[0-9a-f]{8,}|\d+", b"#", line)


def unexplained_lines(out, qemu_out):
    """Suspicious kernel lines of `out` that QEMU 7.2's log `qemu_out` lacks."""
    theirs = {normalise(l) for l in kernel_log(qemu_out)}
    return [l for l in kernel_log(out) if SUSPICIOUS.search(l) and normalise(l) not in theirs
            and not any(e.search(l) for e in EXPLAINED)]


def report_unexplained(tally, name, out, qemu_out):
    extra = unexplained_lines(out, qemu_out)
    tally.report(f"[{name}] kernel log: no warning or error line that QEMU 7.2's lacks", not extra,
                 " | ".join(l.decode(errors="replace") for l in extra[:8]))


def format_times(times):
    return ", ".join(f"{k} {v:.1f}s" for k, v in times.items())


def missing(script, paths, how):
    """Prints `script: PATH is missing (how)` for the first missing file and
    returns 2, the scripts' status for "something it needs is missing"; or None."""
    gone = [p for p in paths if not os.path.isfile(p)]
    if gone:
        print(f"{script}: {gone[0]} is missing ({how})", file=sys.stderr)
        return 2
    return None


def can_run(script, subject, reference=True):
    """True when `subject` ("qemu" or an Armature binary) can run and, with
    `reference`, QEMU 7.2 is there to compare with; otherwise says why."""
    if (reference or subject == "qemu") and shutil.which(QEMU) is None:
        print(f"{script}: {QEMU} (7.2) is missing: it is the reference (scripts/setup.sh)", file=sys.stderr)
        return False
    if subject != "qemu" and not os.access(subject, os.X_OK):
        print(f"{script}: {subject} is not built (swift build -c release --product armature)", file=sys.stderr)
        return False
    return True


def report_run(tally, name, r, q, what="run"):
    """Reports the checks of run `r` (Checks), then whether QEMU 7.2's
    reference run `q` passed its own; True when there is a reference to
    compare with."""
    for check, ok, detail in r.checks:
        tally.report(f"[{name}] {check}", ok, detail)
    bad = q.failed()
    if bad:
        tally.report(f"[{name}] QEMU 7.2's reference {what}", False, "; ".join(f"{c}: {d}" for c, _, d in bad))
    return not bad


def config_options(ap, configs, timeout, jobs=None):
    """The options of the tests that run a table of configurations (--jobs
    when they run several at once, `jobs` by default)."""
    ap.add_argument("--config", action="append", choices=sorted(configs), help="only these (repeatable)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--timeout", type=float, default=timeout, help=f"seconds per run (default {timeout:g})")
    ap.add_argument("--transcripts", help="write each serial transcript into this folder")
    ap.add_argument("--subject-qemu", action="store_true", help="drive QEMU 7.2 instead of Armature")
    ap.add_argument("--armature", default=ARMATURE)
    if jobs:
        ap.add_argument("--jobs", type=int, default=jobs)


def subject_of(script, a, need, how):
    """After config_options: the files in `need` (else `how` says what to
    run), the subject and QEMU 7.2 (the reference) checked, the transcripts
    folder made. The subject, or None (the exit status is then 2)."""
    subject = "qemu" if a.subject_qemu else a.armature
    if missing(script, need, how) or not can_run(script, subject):
        return None
    if a.transcripts:
        os.makedirs(a.transcripts, exist_ok=True)
    return subject


def config_main(script, doc, configs, run_config, timeout, kernel, how):
    """main() of a test that runs its configurations one after the other
    (scripts/test-9p.py, test-net.py): `run_config(subject, name, timeout)`
    returns the Checks of one, with .out and .times["total"]. Prints a line
    per configuration and its failed checks, then "N passed, N failed";
    returns the exit status (2 when the kernel in `kernel` is missing: `how`
    says what to run)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    config_options(ap, configs, timeout)
    a = ap.parse_args()
    if a.list:
        print("\n".join(configs))
        return 0
    subject = "qemu" if a.subject_qemu else a.armature
    if missing(script, [os.path.join(kernel, "Image")], how) or not can_run(script, subject, reference=False):
        return 2
    names = a.config or list(configs)
    failed = 0
    for name in names:
        r = run_config(subject, name, a.timeout)
        bad = r.failed()
        failed += bool(bad)
        print(f"{'ok  ' if not bad else 'FAIL'} {name} ({r.times.get('total', 0):.0f} s, "
              f"{len(r.checks) - len(bad)}/{len(r.checks)} checks)")
        for what, ok, detail in bad:
            print(f"     FAIL {what}: {detail[-400:]}")
        if a.transcripts:
            os.makedirs(a.transcripts, exist_ok=True)
            with open(os.path.join(a.transcripts, name + ".txt"), "wb") as f:
                f.write(r.out)
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


def benchmark_options(ap, timeout):
    """The options of the boot benchmarks (Benchmarks/linux-boot.py,
    firmware-boot.py): which engines, how many runs, QEMU 7.2 or not."""
    ap.add_argument("--engines", default="jit,interp")
    ap.add_argument("--reps", type=int, default=1, help="runs of each; the best counts (default 1)")
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--timeout", type=float, default=timeout)
    ap.add_argument("--armature", default=ARMATURE)


def benchmark_subjects(a):
    """The engines asked for, then "qemu" unless --no-qemu."""
    return [e.strip() for e in a.engines.split(",") if e.strip()] + ([] if a.no_qemu else ["qemu"])
