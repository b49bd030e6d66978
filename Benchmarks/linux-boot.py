#!/usr/bin/env python3
"""The linux-boot benchmark: seconds from start to the shell prompt and to
power-off, for Debian's arm64 cloud kernel and the busybox initramfs of
scripts/setup-linux.sh, under Armature (JIT and interpreter) and QEMU 7.2
with the same kernel, initramfs and options, in one run.

Each run is the session of scripts/test-linux.py (boot, uname -r,
/proc/interrupts twice a second apart, date, sha256sum, poweroff -f), so the
time to power-off includes that second of sleep. Armature has no pointer
authentication, so QEMU's -cpu max runs with pauth-impdef=on (its cheapest
PAuth, the one nearest our work); -cpu cortex-a57 has none on either.

  Benchmarks/linux-boot.py [--cpu max,cortex-a57] [--engines jit,interp]
                           [--smp 1,2] [--reps N] [--no-qemu] [--timeout S]
--smp N,M boots each with -smp N, then M (QEMU with its multi-threaded TCG,
Armature with its default, one host thread per CPU); an engine written
ENGINE/single (e.g. --engines jit,jit/single) runs with -accel
ENGINE,thread=single (the CPUs taking turns on one host thread).
Prints a table; exit status 0 when every run reached the prompt and powered
off, 1 otherwise, 2 on bad usage or a missing kernel.
"""
import argparse
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import guest_session as gs  # noqa: E402
spec = importlib.util.spec_from_file_location("test_linux", os.path.join(ROOT, "scripts", "test-linux.py"))
tl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tl)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpu", default="cortex-a57,max")
    ap.add_argument("--smp", default="1", help="CPU counts, comma-separated (default 1)")
    gs.benchmark_options(ap, 1800.0)
    a = ap.parse_args()
    if gs.missing("linux-boot", [os.path.join(gs.LINUX, "Image")], "run scripts/setup-linux.sh"):
        return 2
    subjects = gs.benchmark_subjects(a)
    rows = []
    ok = True
    smps = [int(n) for n in a.smp.split(",") if n.strip()]
    for cpu in [c.strip() for c in a.cpu.split(",") if c.strip()]:
        for smp in smps:
            for subject in subjects:
                best = {}
                for _ in range(max(1, a.reps)):
                    if subject == "qemu":
                        cmd = gs.qemu_pauth_impdef(tl.boot_command("qemu", "tcg", cpu, None, smp=smp))
                    else:
                        engine = subject.replace("/single", ",thread=single")
                        cmd = tl.boot_command(a.armature, engine, cpu, None, smp=smp)
                    print(f"linux-boot: {subject} -cpu {cpu} -smp {smp} ...", file=sys.stderr, flush=True)
                    r = tl.run_session(cmd, a.timeout, smp=smp)
                    times = r.times
                    if r.failed() or "poweroff" not in times:
                        ok = False
                        failed = "; ".join(f"{n}: {d}" for n, _, d in r.failed())
                        print(f"linux-boot: {subject} -cpu {cpu} -smp {smp}: {failed}", file=sys.stderr)
                    for k, v in times.items():
                        best[k] = min(best.get(k, v), v)
                rows.append((cpu, smp, subject, best))
    print(f"{'cpu':<12} {'smp':>3} {'run':<11} {'prompt s':>9} {'poweroff s':>11} {'vs qemu (prompt)':>17}")
    for cpu, smp, subject, best in rows:
        q = next((b for c, n, s, b in rows if c == cpu and n == smp and s == "qemu"), {})
        ratio = f"{best['prompt'] / q['prompt']:.2f}x" if "prompt" in best and "prompt" in q else "-"
        fmt = lambda k: f"{best[k]:.1f}" if k in best else "-"
        print(f"{cpu:<12} {smp:>3} {subject:<11} {fmt('prompt'):>9} {fmt('poweroff'):>11} {ratio:>17}")
    print("(vs qemu: our time / QEMU 7.2's; below 1.00x Armature is faster)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
