#!/usr/bin/env python3
"""Scaling of several CPUs: runs the parallel_int workload (the same integer
work on every CPU, Benchmarks/Workloads/parallel_int.c) at -smp 1 and -smp N
under Armature (one host thread per CPU, and CPUs taking turns on one
thread) and under QEMU 7.2 (-accel tcg,thread=multi), and prints the best
wall time of each and the throughput relative to -smp 1 (N x t1 / tN: the
work grows with N). On a 2-core host -smp 2 can reach 2x at most; a busy
machine lowers every multi-threaded figure (the CPU time column shows the
work done regardless).

Usage: Benchmarks/parallel.py [--smp 2] [--reps 3] [--no-qemu]
(after Benchmarks/build-workloads.sh parallel_int and a release build)."""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELF = os.path.join(ROOT, ".build", "bench", "parallel_int.elf")


def run(cmd):
    """(wall seconds, child CPU seconds, checksum line) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = (p.stdout + p.stderr).decode(errors="replace")   # QEMU 7.2 writes semihosting to stderr
    line = next((l for l in text.splitlines() if l.startswith("checksum")), None)
    if p.returncode != 0 or line is None:
        sys.exit(f"parallel: {' '.join(cmd)} failed (status {p.returncode}): {p.stderr.decode(errors='replace')[-300:]}")
    return wall, cpu, line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--armature", default=os.environ.get("ARMATURE", os.path.join(ROOT, ".build/release/armature")))
    a = ap.parse_args()
    if not os.path.exists(ELF):
        sys.exit("parallel: build the workload first (Benchmarks/build-workloads.sh parallel_int)")
    subjects = [("armature jit thread=multi", [a.armature, "-accel", "jit,thread=multi"]),
                ("armature jit thread=single", [a.armature, "-accel", "jit,thread=single"])]
    qemu = None if a.no_qemu else shutil.which("qemu-system-aarch64")
    if qemu:
        subjects.append(("qemu 7.2 tcg thread=multi", [qemu, "-accel", "tcg,thread=multi", "-monitor", "none",
                                                       "-serial", "stdio"]))
    common = ["-M", "virt", "-cpu", "max", "-nographic", "-semihosting", "-kernel", ELF]
    checksums = set()
    rows = []
    for name, base in subjects:
        best = {}
        for smp in (1, a.smp):
            walls, cpus = [], []
            for _ in range(a.reps):
                w, c, line = run(base + ["-smp", str(smp)] + common)
                walls.append(w)
                cpus.append(c)
                checksums.add(line)
            best[smp] = (min(walls), min(cpus))
        t1, tn = best[1][0], best[a.smp][0]
        rows.append((name, t1, best[1][1], tn, best[a.smp][1], a.smp * t1 / tn))
    print(f"{'subject':28} {'smp1 s':>8} {'(cpu)':>7} {'smp' + str(a.smp) + ' s':>8} {'(cpu)':>7} {'throughput':>10}")
    for name, t1, c1, tn, cn, x in rows:
        print(f"{name:28} {t1:8.2f} {c1:7.2f} {tn:8.2f} {cn:7.2f} {x:9.2f}x")
    if len(rows) > 1 and qemu:
        print(f"armature thread=multi -smp {a.smp} vs QEMU -smp {a.smp}: {rows[-1][3] / rows[0][3]:.2f}x QEMU's speed")
    if len(checksums) != 1:
        print("MISMATCH: " + " / ".join(sorted(checksums)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
