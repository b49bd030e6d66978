#!/usr/bin/env python3
"""Run the guest test programs (built by scripts/build-guests.sh) under
Armature and, when available, under QEMU, and compare.

For every guest .build/guests/<name>.elf (source Tests/Guests/<name>.S|.c):
  - run it under Armature once per engine in ARMATURE_ENGINES (default "interp"):
        $ARMATURE -M virt -cpu max -nographic -semihosting -accel ENGINE -kernel X.elf
    (a test that needs other machine/CPU options says so in its source:
    "ARMATURE-ARGS: -M virt,secure=on,... -cpu max,x-rme=on" replaces
    "-M virt -cpu max"; such tests are Armature-only, see QEMU_SKIP)
    ($ARMATURE defaults to .build/release/armature)
  - if qemu-system-aarch64 is on PATH (and the guest is not in QEMU_SKIP), run
        qemu-system-aarch64 MACHINE -nographic -kernel X.elf
    (MACHINE: the test's QEMU-ARGS, else its ARMATURE-ARGS, else -M virt -cpu max;
    QEMU starts the ELF at EL3 with secure=on, at EL2 with virtualization=on)
            -semihosting-config enable=on,target=native,chardev=serial0
    (chardev=serial0 sends semihosting output to the same stdout stream as the
    UART, in order; plain -semihosting in QEMU 7.2 writes it to stderr.)

A test booted as a Linux kernel says how it is built and what it is given:
"GUEST-FORMAT: image|image.gz|raw" (build-guests.sh makes .build/guests/<name>.bin:
an arm64 Image linked at RAM + 2 MiB, the same gzip-compressed, or a raw
binary at RAM + 0x80000; it is run with -kernel <name>.bin) and "BOOT-ARGS: ..."
(more options; "@initrd" stands for a file of known bytes the runner writes).
"GUEST-STDIN: text" feeds the text (with \n, \r escapes) to the guest's stdin.

A test with several CPUs ("-smp N" in its ARMATURE-ARGS) runs under each engine
twice: with "-accel ENGINE,thread=single", CPUs taking turns on one host thread
(deterministic: the run compared with QEMU and the other engine), and with
"-accel ENGINE,thread=multi", one host thread per CPU (the default; label
ENGINE/multi).

A run passes when: its exit status is the expected one (0, or the value of an
"EXPECT-EXIT: N" annotation in the test source), its stdout contains
"PASS <name>", and its stdout is byte-identical to QEMU's stdout (when QEMU
ran) and to the first engine's stdout.

Prints one line per guest and engine, then "N passed, N failed"; exits 1 if
anything failed.

ARMATURE_STRICT_REFERENCES=1 (scripts/test.sh sets it): a missing reference is
an error, not a reason to compare less: QEMU 7.2 must be on PATH and QEMU 10.0
found (scripts/setup-qemu10.sh) when the selected guests need it; --no-qemu is
refused.

Usage: scripts/run-guests.py [options] [name-substring ...]
  --qemu-only      run only QEMU (validates the tests themselves)
  --no-qemu        do not run QEMU even if it is installed
  --build          run scripts/build-guests.sh first
  --list           list the guests, their expected exit codes and QEMU skips
  -j N             parallel jobs (default: number of CPUs)
  -v               print the full output of failing runs
  --timeout S      per-run timeout in seconds (default 20)
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_DIR = os.path.join(ROOT, "Tests", "Guests")
OUT_DIR = os.environ.get("GUEST_OUT", os.path.join(ROOT, ".build", "guests"))

# Guests whose output is NOT compared with (and which are not run under)
# QEMU 7.2, with the reason. Everything else must behave identically.
QEMU_SKIP = {
    "smp_code": "QEMU 7.2's MTTCG often needs more than the timeout for its lock-step rounds on a busy host (it passes alone)",
    "smp_release_acquire": "QEMU 7.2's MTTCG lets a load-acquire pass an earlier store-release on an x86-64 host "
                           "(its host fence comes before the STLR's store, not after it): both CPUs read 0, which "
                           "the Arm ARM forbids (RCsc)",
    "sys_dit": "QEMU 7.2 (and 10.0) clear PSTATE.DIT on exception entry; the Arm ARM's AArch64.TakeException "
               "leaves it unchanged (as Linux KVM's exception injection does); every other line is equal to QEMU's",
    "mec_basic": "QEMU 7.2 has no RME/MEC",
    "mec_lifecycle": "QEMU 7.2 has no RME/MEC",
    "mec_stage2": "QEMU 7.2 has no RME/MEC",
    "mec_smp": "QEMU 7.2 has no RME/MEC",
    "rme_gpc": "QEMU 7.2 has no RME",
    "simd_ldst_mec": "QEMU 7.2 has no RME/MEC",
    "exc_external_abort_routing":
        "SCR_EL3.EA = 1 routes External aborts from every EL to EL3 (Arm ARM "
        "AArch64.Abort, route_to_el3); QEMU 7.2 and 10.0 take them to the current EL",
    "sys_pmu_debug":
        "exact ID register values of Armature's max CPU (QEMU 7.2's max reports "
        "FP/AdvSIMD, PMUv3p4 with event counters, Debugv8p4...), and MDCR_EL2.TPMCR "
        "(Armv8.0, Arm ARM), which QEMU 7.2 does not implement",
    "mmu_tlbi_block_code":
        "a TLBI by VA of one page of a 2 MiB block invalidates the block's entry, which "
        "translated every page of it (Arm ARM D8.16); QEMU 7.2 keeps running the code it "
        "found through its jump cache for the block's other pages",
    "mem_unaligned_fault":
        "MMU off => Device-nGnRnE memory, so unaligned accesses must raise an "
        "Alignment fault (Arm ARM); QEMU 7.2 performs them (QEMU >= 9 faults)",
    "simd_ldst_align_device":
        "MMU off => Device-nGnRnE memory: SIMD&FP accesses not aligned to their "
        "size (16 for Q, the element for structures) must raise an Alignment "
        "fault (Arm ARM); QEMU 7.2 performs them (simd_ldst_align_sctlr is compared)",
    "mmu_device_unaligned":
        "unaligned accesses and DC ZVA to Device memory (MMU on, MAIR Device "
        "attributes) must raise an Alignment fault (Arm ARM); QEMU 7.2 performs them",
    "sys_wfi_no_wake":
        "Armature ends a WFI that nothing can wake with an error (exit 1); "
        "QEMU's vCPU halts forever",
    "smp_wfi_no_wake":
        "Armature ends a run whose CPUs all wait in WFI with nothing to wake them "
        "with an error (exit 1); QEMU's vCPUs halt forever",
}

# Guests that QEMU 7.2 cannot run but QEMU 10.0 can (FEAT_RME): compared with
# QEMU 10.0 when scripts/setup-qemu10.sh has fetched it (or ARMATURE_QEMU10 names
# it). Lines matching the patterns are left out of the comparison, with the reason.
QEMU10 = {
    "rme_gpc": ([r"MFAR_EL3", r"^(PASS|FAILED) rme_gpc"],
                "MFAR_EL3 bits [11:0] are RES0 (Arm ARM, MFAR_EL3 'FPA'); QEMU 10.0 "
                "records the byte address of the access"),
}
QEMU10_DEFAULT = os.path.join(ROOT, ".build", "qemu10", "usr", "bin", "qemu-system-aarch64")

EXPECT_EXIT_RE = re.compile(rb"EXPECT-EXIT:\s*(-?\d+|0x[0-9a-fA-F]+)")
ARMATURE_ARGS_RE = re.compile(rb"ARMATURE-ARGS:\s*([^\n]*)")
QEMU_ARGS_RE = re.compile(rb"QEMU-ARGS:\s*([^\n]*)")
DEFAULT_MACHINE = ["-M", "virt", "-cpu", "max"]
GUEST_FORMAT_RE = re.compile(rb"GUEST-FORMAT:\s*(image\.gz|image|raw)")
BOOT_ARGS_RE = re.compile(rb"BOOT-ARGS:\s*([^\n]*)")
GUEST_STDIN_RE = re.compile(rb"GUEST-STDIN:\s*([^\n]*)")
# The initrd the BOOT-ARGS "@initrd" names: known bytes a guest can check.
INITRD_BYTES = b"ARMATURE-INITRD\n" * 640


def guest_format(src):
    with open(src, "rb") as f:
        m = GUEST_FORMAT_RE.search(f.read())
    return m.group(1).decode() if m else None


def boot_args(src, name):
    args = annotated_args(src, BOOT_ARGS_RE) or []
    out = []
    for a in args:
        if a == "@initrd":
            a = os.path.join(OUT_DIR, name + ".initrd")
            with open(a, "wb") as f:
                f.write(INITRD_BYTES)
        out.append(a)
    return out


def guest_stdin(src):
    with open(src, "rb") as f:
        m = GUEST_STDIN_RE.search(f.read())
    if not m:
        return None
    text = m.group(1).decode().split("*/")[0].strip()
    return text.replace("\\n", "\n").replace("\\r", "\r").encode()


def annotated_args(src, regex):
    """The options of an annotation line (up to the end of the line or a
    closing comment), or None when the test has no such line."""
    with open(src, "rb") as f:
        m = regex.search(f.read())
    if not m:
        return None
    return shlex.split(m.group(1).decode().split("*/")[0])


def several_cpus(src):
    """True when the test's Armature options ask for more than one CPU (-smp N)."""
    args = armature_args(src)
    for i, a in enumerate(args[:-1]):
        if a == "-smp":
            n = args[i + 1].split(",")[0].replace("cpus=", "")
            return n.isdigit() and int(n) > 1
    return False


def armature_args(src):
    """The machine/CPU options for Armature: the test's "ARMATURE-ARGS:" line,
    else -M virt -cpu max."""
    return annotated_args(src, ARMATURE_ARGS_RE) or DEFAULT_MACHINE


def qemu_args(src):
    """The machine/CPU options for QEMU: "QEMU-ARGS:", else the same as Armature's."""
    return annotated_args(src, QEMU_ARGS_RE) or armature_args(src)


def guest_sources():
    out = {}
    for fn in sorted(os.listdir(SRC_DIR)):
        base, ext = os.path.splitext(fn)
        if ext in (".S", ".c") and os.path.isfile(os.path.join(SRC_DIR, fn)):
            out[base] = os.path.join(SRC_DIR, fn)
    return out


def expected_exit(src):
    with open(src, "rb") as f:
        m = EXPECT_EXIT_RE.search(f.read())
    if not m:
        return 0
    return int(m.group(1), 0) & 0xFF


def run(cmd, timeout, env=None, stdin=None):
    try:
        p = subprocess.run(cmd, input=stdin or b"", stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr, False
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b"", True
    except OSError as e:
        return None, b"", str(e).encode(), False


def short_diff(a, b, name_a, name_b, limit=12):
    al = a.decode("utf-8", "replace").splitlines()
    bl = b.decode("utf-8", "replace").splitlines()
    d = list(difflib.unified_diff(al, bl, name_a, name_b, n=1, lineterm=""))
    if len(d) > limit:
        d = d[:limit] + ["... (%d more diff lines)" % (len(d) - limit)]
    return "\n".join("      " + x for x in d)


def tail(b, n=8):
    lines = b.decode("utf-8", "replace").splitlines()
    return "\n".join("      | " + x for x in lines[-n:])


def check_run(name, label, res, want_exit, verbose):
    """Returns a list of problems for one run."""
    rc, out, err, timed_out = res
    problems = []
    if timed_out:
        problems.append("timed out")
    elif rc is None:
        problems.append("could not run: " + err.decode("utf-8", "replace").strip())
    elif rc != want_exit:
        problems.append("exit status %d, expected %d" % (rc, want_exit))
    if rc is not None and not re.search(rb"(^|\n)PASS " + re.escape(name.encode()) + rb"\r?(\n|$)", out):
        problems.append("no 'PASS %s' in output" % name)
    return problems


def qemu10_problems(name, res, ours):
    """QEMU 10.0's stdout must equal the first engine's, except for the lines
    QEMU10[name] leaves out."""
    rc, out, err, timed_out = res
    if timed_out or rc is None:
        return ["QEMU 10.0 did not complete: " + (err.decode("utf-8", "replace").strip() or "timed out")]
    if ours is None or ours[0] is None:
        return ["no Armature run to compare with"]
    pats = [re.compile(p.encode()) for p in QEMU10[name][0]]
    keep = lambda b: b"\n".join(l for l in b.splitlines() if not any(p.search(l) for p in pats))
    if keep(out) != keep(ours[1]):
        return ["stdout differs from QEMU 10.0:\n" + short_diff(keep(out), keep(ours[1]), "qemu10", "armature")]
    return []


def qemu_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(rb"version (\d+\.\d+)", out)
    return m.group(1).decode() if m else ""


def reference_problems(args, qemu, qemu10, names):
    """What keeps the selected guests from being compared with their references."""
    problems = []
    if args.no_qemu:
        return ["--no-qemu leaves every guest uncompared"]
    if not qemu:
        problems.append("qemu-system-aarch64 (QEMU 7.2) is not on PATH (scripts/setup.sh installs it)")
    elif qemu_version(qemu) != "7.2":
        problems.append("%s is QEMU %s, not 7.2" % (qemu, qemu_version(qemu) or "(no version)"))
    if any(n in QEMU10 for n in names) and not args.qemu_only:
        if not qemu10:
            problems.append("QEMU 10.0 not found at %s (scripts/setup-qemu10.sh fetches it)"
                            % os.environ.get("ARMATURE_QEMU10", QEMU10_DEFAULT))
        elif qemu_version(qemu10) != "10.0":
            problems.append("%s is QEMU %s, not 10.0" % (qemu10, qemu_version(qemu10) or "(no version)"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--qemu-only", action="store_true")
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--timeout", type=float, default=20.0)
    args = ap.parse_args()

    srcs = guest_sources()
    names = [n for n in srcs if not args.names or any(p in n for p in args.names)]

    if args.list:
        for n in names:
            extra = []
            e = expected_exit(srcs[n])
            if e:
                extra.append("expect-exit=%d" % e)
            if armature_args(srcs[n]) != DEFAULT_MACHINE:
                extra.append("armature " + " ".join(armature_args(srcs[n])))
            if qemu_args(srcs[n]) != armature_args(srcs[n]):
                extra.append("qemu " + " ".join(qemu_args(srcs[n])))
            if n in QEMU_SKIP:
                extra.append("not compared with QEMU 7.2: " + QEMU_SKIP[n])
            if n in QEMU10:
                extra.append("compared with QEMU 10.0 except: " + QEMU10[n][1])
            print(n + ("  (" + "; ".join(extra) + ")" if extra else ""))
        return 0

    if args.build:
        r = subprocess.run([os.path.join(ROOT, "scripts", "build-guests.sh")] + args.names)
        if r.returncode != 0:
            print("build failed")
            return 1

    qemu = None if args.no_qemu else shutil.which("qemu-system-aarch64")
    qemu10 = None if args.no_qemu else os.environ.get("ARMATURE_QEMU10", QEMU10_DEFAULT)
    if qemu10 and not os.access(qemu10, os.X_OK):
        qemu10 = None
    if os.environ.get("ARMATURE_STRICT_REFERENCES", "0") not in ("", "0"):
        missing = reference_problems(args, qemu, qemu10, names)
        if missing:
            for m in missing:
                print("FAIL reference: %s (ARMATURE_STRICT_REFERENCES is set)" % m)
            return 1
    # QEMU 10.0 unpacked beside an installed 7.2 must not load 7.2's modules.
    qemu10_env = dict(os.environ, QEMU_MODULE_DIR=os.path.join(OUT_DIR, "no-qemu-modules"))
    if args.qemu_only and not qemu:
        print("--qemu-only: qemu-system-aarch64 not found on PATH")
        return 1
    engines = [] if args.qemu_only else \
        [e.strip() for e in os.environ.get("ARMATURE_ENGINES", "interp").split(",") if e.strip()]
    armature = shlex.split(os.environ.get("ARMATURE", os.path.join(ROOT, ".build", "release", "armature")))
    if engines and not (os.path.exists(armature[0]) or shutil.which(armature[0])):
        print("note: emulator %s not found; its runs will fail (use --qemu-only to test with QEMU alone)"
              % armature[0])

    def job(name):
        fmt = guest_format(srcs[name])
        elf = os.path.join(OUT_DIR, name + (".bin" if fmt else ".elf"))
        extra = boot_args(srcs[name], name)
        stdin = guest_stdin(srcs[name])
        want = expected_exit(srcs[name])
        lines = []   # (ok, text)
        if not os.path.exists(elf):
            return [(False, "FAIL %s: not built (%s missing; run scripts/build-guests.sh)" % (name, elf))]
        results = {}
        use_qemu = qemu and name not in QEMU_SKIP
        if use_qemu:
            cmd = [qemu] + qemu_args(srcs[name]) + ["-nographic",
                   "-semihosting-config", "enable=on,target=native,chardev=serial0",
                   "-kernel", elf] + extra
            results["qemu"] = run(cmd, args.timeout, stdin=stdin)
        elif qemu and args.qemu_only:
            return [(True, "skip %s [qemu]: %s" % (name, QEMU_SKIP[name]))]
        use_qemu10 = qemu10 and name in QEMU10 and engines
        if use_qemu10:
            cmd = [qemu10] + qemu_args(srcs[name]) + ["-nographic", "-audio", "none",
                   "-semihosting-config", "enable=on,target=native,chardev=serial0",
                   "-kernel", elf] + extra
            results["qemu10"] = run(cmd, args.timeout, qemu10_env, stdin=stdin)
        for eng in engines:
            accel = eng + ",thread=single" if several_cpus(srcs[name]) else eng
            cmd = armature + armature_args(srcs[name]) + ["-nographic", "-semihosting",
                              "-accel", accel, "-kernel", elf] + extra
            results[eng] = run(cmd, args.timeout, stdin=stdin)
        # Several CPUs: each engine also with one host thread per CPU.
        if several_cpus(srcs[name]):
            for eng in engines:
                cmd = armature + armature_args(srcs[name]) + ["-nographic", "-semihosting",
                                  "-accel", eng + ",thread=multi", "-kernel", elf] + extra
                results[eng + "/multi"] = run(cmd, args.timeout, stdin=stdin)
        first_engine = engines[0] if engines else None
        for label, res in results.items():
            if label == "qemu10":
                problems = qemu10_problems(name, res, results.get(first_engine))
                lines.append((not problems, ("FAIL %s [qemu10]: %s" % (name, "; ".join(problems))) if problems
                              else "ok   %s [qemu10] (except: %s)" % (name, QEMU10[name][1])))
                continue
            problems = check_run(name, label, res, want, args.v)
            out = res[1]
            ran = res[0] is not None or res[3]
            if label != "qemu" and ran:
                if use_qemu and out != results["qemu"][1]:
                    problems.append("stdout differs from QEMU:\n" +
                                    short_diff(results["qemu"][1], out, "qemu", label))
                elif label != first_engine and results[first_engine][0] is not None and out != results[first_engine][1]:
                    problems.append("stdout differs from %s:\n" % first_engine +
                                    short_diff(results[first_engine][1], out, first_engine, label))
            if problems:
                text = "FAIL %s [%s]: %s" % (name, label, "; ".join(problems))
                if args.v or not any("differs" in p for p in problems):
                    text += "\n" + tail(res[1], 1000 if args.v else 8)
                    if res[2].strip():
                        text += "\n      stderr:\n" + tail(res[2], 1000 if args.v else 4)
                lines.append((False, text))
            else:
                lines.append((True, "ok   %s [%s]" % (name, label)))
        return lines

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        for lines in ex.map(job, names):
            for ok, text in lines:
                print(text, flush=True)
                if ok:
                    passed += 1
                else:
                    failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
