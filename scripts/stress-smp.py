#!/usr/bin/env python3
"""Stress test of several CPUs on host threads: runs every guest test with
"-smp N" in its ARMATURE-ARGS (built by scripts/build-guests.sh) many times
with one host thread per CPU (-accel ENGINE,thread=multi), for each engine in
ARMATURE_ENGINES (default interp,jit), optionally while busy host processes
compete for the cores (the races show under load), and optionally boots the
Linux -smp configurations of scripts/test-linux.py as many times, and the
built-in demo (no -kernel: EL3 firmware, RMM and realms with FEAT_MEC re-tags)
with --demo N CPUs on threads, whose output must equal the -smp 1 run's.

Every run must pass as scripts/run-guests.py requires (exit status, "PASS
<name>") and print exactly what the first run of that guest printed; a run
that hangs fails at the timeout. Prints one line per guest and engine (runs,
failures, slowest run), then "N runs, N failed"; exits 1 if any failed and
keeps the output of failing runs in --keep DIR.

  scripts/stress-smp.py [--runs N] [--load K] [-j N] [--timeout S]
                        [--linux CONFIG ...] [--demo N ...] [--keep DIR] [name-substring ...]

The default test run (scripts/test.sh) runs a short version (--runs 3); long
runs, e.g. --runs 200 --load 4 --linux jit-max-gic3-smp4-mt --demo 4, are for
changes to the threaded paths (mec_smp and --demo for the MEC tag store).
"""
import argparse
import concurrent.futures
import importlib.util
import multiprocessing
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("run_guests", os.path.join(ROOT, "scripts", "run-guests.py"))
rg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rg)


def busy():
    while True:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20, help="runs of each guest per engine (default 20)")
    ap.add_argument("--load", type=int, default=0, help="busy host processes during the runs (default 0)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1, help="parallel runs (default: number of CPUs)")
    ap.add_argument("--timeout", type=float, default=60, help="per-run timeout in seconds (default 60)")
    ap.add_argument("--linux", action="append", default=[], metavar="CONFIG",
                    help="also boot this test-linux.py configuration --runs times")
    ap.add_argument("--demo", type=int, action="append", default=[], metavar="N",
                    help="also run the built-in demo with -smp N on threads --runs times per engine")
    ap.add_argument("--keep", default=None, metavar="DIR", help="write the output of failing runs here")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    engines = [e.strip() for e in os.environ.get("ARMATURE_ENGINES", "interp,jit").split(",") if e.strip()]
    armature = shlex.split(os.environ.get("ARMATURE", os.path.join(ROOT, ".build", "release", "armature")))
    srcs = rg.guest_sources()
    names = sorted(n for n in srcs if rg.several_cpus(srcs[n]) and (not args.names or any(p in n for p in args.names)))
    if not names and not args.linux and not args.demo:
        print("stress-smp: no guest with -smp matches", file=sys.stderr)
        return 2

    loaders = [multiprocessing.Process(target=busy, daemon=True) for _ in range(args.load)]
    for p in loaders:
        p.start()
    failed = total = 0
    try:
        def one(name, eng, k):
            src = srcs[name]
            elf = os.path.join(rg.OUT_DIR, name + ".elf")
            cmd = armature + rg.armature_args(src) + ["-nographic", "-semihosting", "-accel", eng + ",thread=multi",
                                                      "-kernel", elf] + rg.boot_args(src, name)
            start = time.monotonic()
            res = rg.run(cmd, args.timeout, stdin=rg.guest_stdin(src))
            return k, res, rg.check_run(name, eng + "/multi", res, rg.expected_exit(src), False), time.monotonic() - start

        jobs = [(n, e) for n in names for e in engines]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
            futures = {(n, e): [ex.submit(one, n, e, k) for k in range(args.runs)] for n, e in jobs}
            for (n, e), fs in futures.items():
                results = sorted(f.result() for f in fs)
                first = results[0][1][1]
                bad = []
                for k, res, problems, _ in results:
                    if not problems and res[1] != first:
                        problems = ["stdout differs from run 0:\n" + rg.short_diff(first, res[1], "run 0", "run %d" % k)]
                    if problems:
                        bad.append((k, res, problems))
                total += len(results)
                failed += len(bad)
                slowest = max(r[3] for r in results)
                print("%s %s [%s/multi]: %d runs, %d failed, slowest %.1f s"
                      % ("FAIL" if bad else "ok  ", n, e, len(results), len(bad), slowest), flush=True)
                for k, res, problems in bad[:3]:
                    print("     run %d: %s" % (k, "; ".join(problems)))
                    print(rg.tail(res[1], 6))
                    if res[2].strip():
                        print("      stderr:\n" + rg.tail(res[2], 4))
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    for k, res, _ in bad:
                        base = os.path.join(args.keep, "%s-%s-%d" % (n, e, k))
                        with open(base + ".out", "wb") as f:
                            f.write(res[1] or b"")
                        with open(base + ".err", "wb") as f:
                            f.write(res[2] or b"")

        for n in args.demo:
            for e in engines:
                def demo(smp, thread):
                    cmd = armature + ["-smp", str(smp), "-nographic", "-accel", "%s,thread=%s" % (e, thread)]
                    start = time.monotonic()
                    return rg.run(cmd, args.timeout), time.monotonic() - start
                (ref, _) = demo(1, "single")
                with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
                    results = list(ex.map(lambda k: demo(n, "multi"), range(args.runs)))
                bad = [(k, res) for k, (res, _) in enumerate(results) if res[0] != 0 or res[1] != ref[1] or ref[0] != 0]
                total += len(results)
                failed += len(bad)
                print("%s demo -smp %d [%s/multi]: %d runs, %d failed, slowest %.1f s"
                      % ("FAIL" if bad else "ok  ", n, e, len(results), len(bad), max(t for _, t in results)), flush=True)
                for k, res in bad[:3]:
                    print("     run %d: exit status %s; stdout differs from -smp 1: %s" % (k, res[0], res[1] != ref[1]))
                    print(rg.tail(res[1], 6))
                    if res[2].strip():
                        print("      stderr:\n" + rg.tail(res[2], 4))

        for config in args.linux:
            for k in range(args.runs):
                cmd = [sys.executable, os.path.join(ROOT, "scripts", "test-linux.py"), "--config", config]
                if args.keep:
                    cmd += ["--transcripts", os.path.join(args.keep, "%s-%d" % (config, k))]
                start = time.monotonic()
                p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                total += 1
                ok = p.returncode == 0
                failed += 0 if ok else 1
                print("%s linux %s run %d: %.1f s" % ("ok  " if ok else "FAIL", config, k, time.monotonic() - start),
                      flush=True)
                if not ok:
                    print(rg.tail(p.stdout, 12))
    finally:
        for p in loaders:
            p.terminate()
    print("%d runs, %d failed" % (total, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
