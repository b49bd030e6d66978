#!/usr/bin/env python3
"""The nested-KVM benchmark: seconds from the host shell's `kvm-vmm boot`
command to the nested guest's NESTED-INIT-OK line, for Debian's arm64 cloud
kernel booted at EL2 (-M virt,virtualization=on,gic-version=3 -cpu max) and
running the same kernel under KVM (scripts/test-linux.py's jit-max-kvm-vhe
session, Tests/KVM/kvm_vmm.c), under Armature and QEMU 7.2 in one run.

The host's load average (/proc/loadavg, 1 minute) is printed beside every
run: on a shared machine a number means little without it. QEMU's -cpu max
runs with pauth-impdef=on (its cheapest pointer authentication; Armature has
none). --stats adds -d stats to Armature's runs and prints the TLB counters
(walks, flushes, misses) of each, summed over the CPUs.

  Benchmarks/kvm-nested.py [--engines jit,interp] [--reps N] [--no-qemu]
                           [--timeout S] [--armature PATH] [--smp N] [--stats]
                           [--perf FILE]
Prints a table (best and median of the runs, their ratio to QEMU's); exit
status 0 when every run reached the marker, 1 otherwise, 2 on bad usage or a
missing kernel or cross compiler.
"""
import argparse
import importlib.util
import os
import re
import signal
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import guest_session as gs  # noqa: E402
spec = importlib.util.spec_from_file_location("test_linux", os.path.join(ROOT, "scripts", "test-linux.py"))
tl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tl)

STATS = re.compile(rb"^(tlb-[a-z0-9-]+|guest-instructions|exceptions-taken|blocks-executed|chains-made): (\d+)", re.M)


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(cmd, timeout, perf=None):
    """Boots to the shell, runs the nested boot; returns ((wall seconds, CPU
    seconds of the emulator) from the command to the marker or None, the -d
    stats counters, why it failed).
    `perf`: a file for `perf record` of the emulator from the command to the marker."""
    s = gs.Session(cmd, timeout)
    recorder = None
    try:
        if s.shell(timeout) is None:
            return None, {}, "no shell prompt: " + s.last_lines()
        if perf:
            recorder = subprocess.Popen(["perf", "record", "-q", "-o", perf, "-p", str(s.proc.pid)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start, cpu_start = s.elapsed(), cpu_seconds(s.proc.pid)
        s.type(tl.NESTED_COMMAND)
        m = s.expect(tl.NESTED_MARKER, timeout)
        cpu = cpu_seconds(s.proc.pid) - cpu_start
        if recorder:
            recorder.send_signal(signal.SIGINT)
            recorder.wait()
        if m is None:
            return None, {}, "no nested marker: " + s.last_lines()
        seconds = (s.elapsed() - start, cpu)
        if s.expect(rb"status \d+", 120) is None:
            return None, {}, "the VMM did not end: " + s.last_lines()
        s.type("poweroff -f")
        s.finish(60)
        s.drain()
        counters = {}
        for k, v in STATS.findall(bytes(s.out)):
            counters[k.decode()] = counters.get(k.decode(), 0) + int(v)
        return seconds, counters, None
    finally:
        if recorder and recorder.poll() is None:
            recorder.kill()
        s.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    gs.benchmark_options(ap, 1200.0)
    ap.set_defaults(engines="jit", reps=3)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--stats", action="store_true", help="-d stats on Armature's runs: TLB counters")
    ap.add_argument("--perf", metavar="FILE", help="perf record Armature's first run from the command to the marker")
    a = ap.parse_args()
    if gs.missing("kvm-nested", [os.path.join(gs.LINUX, "Image")], "run scripts/setup-linux.sh"):
        return 2
    why = tl.build_kvm_initramfs()
    if why:
        print(f"kvm-nested: {why}", file=sys.stderr)
        return 2
    ok = True
    rows = []
    for subject in gs.benchmark_subjects(a):
        if subject == "qemu":
            cmd = gs.qemu_pauth_impdef(tl.boot_command("qemu", "tcg", "max", "3", kvm="vhe", smp=a.smp, nested=True))
        else:
            cmd = tl.boot_command(a.armature, subject, "max", "3", kvm="vhe", smp=a.smp, nested=True)
            if a.stats:
                cmd += ["-d", "stats"]
        times = []
        for rep in range(max(1, a.reps)):
            before = load()
            perf = a.perf if a.perf and subject != "qemu" and rep == 0 else None
            seconds, counters, why = one_run(cmd, a.timeout, perf)
            after = load()
            if seconds is None:
                ok = False
                print(f"kvm-nested: {subject} run {rep + 1}: {why}", file=sys.stderr, flush=True)
                continue
            times.append(seconds)
            extra = "".join(f" {k}={v}" for k, v in counters.items())
            print(f"kvm-nested: {subject} run {rep + 1}: {seconds[0]:.1f} s, CPU {seconds[1]:.1f} s "
                  f"(load {before:.2f} -> {after:.2f}){extra}", file=sys.stderr, flush=True)
        rows.append((subject, times))
    q = next((t for s, t in rows if s == "qemu" and t), None)
    print(f"{'run':<12} {'runs':>4} {'best s':>7} {'median s':>9} {'best/qemu':>10} {'median/qemu':>12}"
          f" {'best CPU s':>11} {'CPU/qemu':>9}")
    for subject, times in rows:
        if not times:
            print(f"{subject:<12} {0:>4}")
            continue
        wall, cpu = [t[0] for t in times], [t[1] for t in times]
        best, med = min(wall), statistics.median(wall)
        r1 = f"{best / min(t[0] for t in q):.2f}x" if q else "-"
        r2 = f"{med / statistics.median([t[0] for t in q]):.2f}x" if q else "-"
        r3 = f"{min(cpu) / min(t[1] for t in q):.2f}x" if q else "-"
        print(f"{subject:<12} {len(times):>4} {best:>7.1f} {med:>9.1f} {r1:>10} {r2:>12} {min(cpu):>11.1f} {r3:>9}")
    print("(seconds from the kvm-vmm boot command to NESTED-INIT-OK, wall and the emulator's CPU time (all its threads);"
          " x/qemu below 1.00x: Armature is faster)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
