#!/usr/bin/env python3
"""Regression check for code pages that are written (issue 18): the two
Benchmarks/ workloads codepage_counter (a loop whose counters share its page)
and codepage_patch (rewrite an instruction, DC CVAU/IC IVAU, call), at a
reduced size, under both engines. Fails when

  - a run fails or prints no checksum, or the engines (and QEMU 7.2, when it is
    on PATH) disagree;
  - a run's maximum resident set passes --max-rss MiB (default 256);
  - a run takes more CPU time than its bound (generous: it catches a return to
    per-page invalidation, about 100 times slower, not a few percent);
  - the counter loop drops a block (its stores never touch code), or the patch
    loop retranslates more than the one patched block per iteration.

usage: scripts/test-codepages.py [--armature PATH] [--engines interp,jit] [-v]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".build", "codepage-check")

# label: (workload, iterations, calls per patch, CPU-time bound in seconds per engine run).
# codepage_patch x8 calls each version 8 times: every version is compiled by the
# JIT, so a leak per compiled block shows in its memory.
WORKLOADS = {
    "codepage_counter": ("codepage_counter", 400000, 1, 20.0),
    "codepage_patch": ("codepage_patch", 100000, 1, 30.0),
    "codepage_patch x8": ("codepage_patch", 50000, 8, 60.0),
}


def build(label, name, iterations, calls):
    out = os.path.join(OUT, label.replace(" ", "_"))
    env = dict(os.environ, BENCH_OUT=out, DEFINES="-DITERATIONS=%d -DCALLS=%d" % (iterations, calls))
    r = subprocess.run([os.path.join(ROOT, "Benchmarks", "build-workloads.sh"), name], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("test-codepages: building %s failed:\n%s" % (name, r.stdout))
    return os.path.join(out, name + ".elf")


def measured(cmd, timeout):
    """Runs cmd through a wrapper that reports the child's own resource usage;
    returns (exit status or None on timeout, stdout, stderr, CPU seconds, max RSS in KiB)."""
    wrapper = [sys.executable, "-c",
               "import resource,subprocess,sys;"
               "r=subprocess.run(sys.argv[1:]).returncode;"
               "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
               "sys.stderr.write('\\nrusage: %f %d\\n'%(u.ru_utime+u.ru_stime,u.ru_maxrss));"
               "sys.exit(r)"] + cmd
    p = subprocess.Popen(wrapper, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
        code = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        code = None
    out, err = out.decode(errors="replace").replace("\r\n", "\n"), err.decode(errors="replace")
    m = re.search(r"rusage: ([0-9.]+) (\d+)", err)
    return code, out, err, float(m.group(1)) if m else 0.0, int(m.group(2)) if m else 0


def stat(err, key):
    m = re.search(r"^%s: (\d+)" % re.escape(key), err, re.M)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--armature", default=os.environ.get("ARMATURE", os.path.join(ROOT, ".build", "release", "armature")))
    ap.add_argument("--engines", default="interp,jit")
    ap.add_argument("--max-rss", type=int, default=256, help="MiB")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    if not os.access(args.armature, os.X_OK):
        sys.exit("test-codepages: no armature binary at %s" % args.armature)
    qemu = shutil.which("qemu-system-aarch64")
    failures = []
    for label, (name, iterations, calls, bound) in WORKLOADS.items():
        elf = build(label, name, iterations, calls)
        sums = {}
        if qemu:
            code, out, err, seconds, rss = measured([qemu, "-M", "virt", "-cpu", "max", "-nographic",
                                                     "-semihosting", "-kernel", elf], 10 * bound)
            m = re.search(r"^checksum \S+ (0x[0-9a-f]+)$", out + err, re.M)   # QEMU: semihosting on stderr
            if code == 0 and m:
                sums["qemu"] = m.group(1)
                print("     %-17s qemu    %6.2f s CPU %6.1f MiB" % (label, seconds, rss / 1024))
            else:
                print("note %s: QEMU run failed (status %s); engines compared with each other" % (label, code))
        for engine in args.engines.split(","):
            cmd = [args.armature, "-M", "virt", "-cpu", "max", "-nographic", "-semihosting",
                   "-accel", engine, "-d", "stats", "-kernel", elf]
            code, out, err, seconds, rss = measured(cmd, 3 * bound)
            problems = []
            m = re.search(r"^checksum \S+ (0x[0-9a-f]+)$", out, re.M)
            if code != 0 or not m:
                problems.append("status %s, %s" % (code, "checksum %s" % m.group(1) if m else "no checksum line"))
            else:
                sums[engine] = m.group(1)
            if rss > args.max_rss * 1024:
                problems.append("max RSS %.1f MiB > %d MiB" % (rss / 1024, args.max_rss))
            if seconds > bound:
                problems.append("%.1f s of CPU time > %.0f s" % (seconds, bound))
            translated, invalidated = stat(err, "blocks-translated"), stat(err, "blocks-invalidated")
            if name == "codepage_counter" and invalidated != 0:
                problems.append("%s blocks invalidated by writes beside code (want 0)" % invalidated)
            if name == "codepage_patch" and (translated is None or translated > iterations + 200):
                # One block per patch: the steady function and the caller stay.
                problems.append("%s blocks translated for %d patches (want one per patch)" % (translated, iterations))
            print("%s %-17s %-7s %6.2f s CPU %6.1f MiB  translated %s invalidated %s" %
                  ("FAIL" if problems else "ok  ", label, engine, seconds, rss / 1024, translated, invalidated))
            for p in problems:
                failures.append("%s [%s]: %s" % (label, engine, p))
            if args.v or problems:
                sys.stdout.write(out[-2000:])
        if len(set(sums.values())) > 1:
            failures.append("%s: checksums differ: %s" % (label, sums))
    for f in failures:
        print("FAIL " + f)
    print("%s" % ("code page checks: all passed" if not failures else "code page checks: %d failed" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
