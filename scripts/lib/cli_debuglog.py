"""The -d logging tests of scripts/test-cli.py: guests from .build/guests run
with -d ITEMS -D FILE under both engines, the log's content checked."""

import os

from cli_harness import ROOT, expect_error, expect_ok_stdout, missing_reference, read_text, report, run


def debug_log_tests(tmp):
    """-d items end to end: run guests from .build/guests with -d ... -D FILE and
    check the log's content (instruction text, IR, exec lines, exceptions, stats)."""
    guests = os.path.join(ROOT, ".build", "guests")
    svc = os.path.join(guests, "exc_svc_brk.elf")
    if not os.path.exists(svc):
        missing_reference("-d logging on guests", f"{svc} not found (run scripts/build-guests.sh)")
        return
    log = os.path.join(tmp, "x.log")
    import re
    for accel in ["interp", "jit"]:
        tag = f"(-accel {accel})"
        rc, out, err = run(["-accel", accel, "-semihosting", "-d", "in_asm,op,op_opt,exec,cpu,int,stats",
                            "-D", log, "-kernel", svc], timeout=60)
        text = read_text(log)
        lines = text.splitlines()
        problems = []
        if rc != 0:
            problems.append(f"exit status {rc}")
        if err:
            problems.append(f"stderr not empty with -D: {err[:200]!r}")
        if "Trace 0" in out or "IN:" in out:
            problems.append("log lines on stdout")
        insn = [l for l in lines if re.match(r"^0x[0-9a-f]{8,}:  [0-9a-f]{8}  \S", l)]
        if not any(l.endswith("svc #0x1234") for l in insn) or not any("brk #0x42" in l for l in insn):
            problems.append(f"in_asm: no 'svc #0x1234'/'brk #0x42' lines ({len(insn)} instruction lines)")
        if not any(l.startswith("IN:") for l in lines):
            problems.append("in_asm: no 'IN:' header")
        if "OP:" not in lines or "OP after optimization:" not in lines:
            problems.append("op/op_opt: no 'OP:' / 'OP after optimization:' headers")
        if not any(l.startswith(" ; insn 0x") for l in lines) or not any(l.startswith(" exit.") for l in lines):
            problems.append("op: no IR lines (' ; insn', ' exit.')")
        traces = [l for l in lines if re.match(r"^Trace 0: cpu0 pc=0x[0-9a-f]+ EL1 NS( |$)", l)]
        if not traces:
            problems.append("exec: no 'Trace 0: cpu0 pc=0x... EL1 NS' lines")
        if not any(l.startswith(" PC=") for l in lines) or not any(re.match(r"^PSTATE=[0-9a-f]{8} [-N][-Z][-C][-V] EL1h", l) for l in lines):
            problems.append("cpu: no register dump (' PC=...', 'PSTATE=...')")
        if not any(l.startswith("Taking exception: cpu0 sync EL1->EL1 EC 0x15 [SVC] ESR 0x56001234 ELR 0x") for l in lines):
            problems.append("int: no SVC #0x1234 exception line")
        if not any("EC 0x3c [BRK] ESR 0xf2000042" in l for l in lines):
            problems.append("int: no BRK #0x42 exception line")
        taken = sum(1 for l in lines if l.startswith("Taking exception:"))
        returns = sum(1 for l in lines if l.startswith("Exception return:"))
        stats = dict(re.findall(r"^([a-z-]+): ([0-9.]+)$", text, re.M))
        if int(stats.get("guest-instructions", "0")) <= 0:
            problems.append("stats: no 'guest-instructions: N' line")
        for k in ["elapsed-seconds", "mips", "blocks-translated", "blocks-executed", "blocks-invalidated"]:
            if k not in stats:
                problems.append(f"stats: no '{k}:' line")
        if stats.get("exceptions-taken") != str(taken) or stats.get("exception-returns") != str(returns) or taken == 0:
            problems.append(f"stats: exceptions-taken {stats.get('exceptions-taken')} / exception-returns "
                            f"{stats.get('exception-returns')}, log has {taken} / {returns}")
        if int(stats.get("blocks-translated", "0")) <= 0:
            problems.append("stats: blocks-translated is 0")
        report(f"-d in_asm,op,op_opt,exec,cpu,int,stats -D on exc_svc_brk {tag}", not problems,
               "; ".join(problems) + f"\n    log: {len(lines)} lines, stdout {out[:100]!r}")

    # -d out_asm: the JIT's host code per block, disassembled (Capstone, Intel
    # syntax), a marker line where each guest instruction's code starts, the
    # out-of-line stubs after their own marker.
    rc, out, err = run(["-accel", "jit", "-semihosting", "-d", "out_asm,stats", "-D", log, "-kernel", svc])
    text = read_text(log)
    first = next((b for b in text.split("\n\n") if re.match(r"^OUT: \[size=\d+\] guest 0x40080000\n", b)), "")
    host = [l for l in first.splitlines() if re.match(r"^0x[0-9a-f]{12}:  ([0-9a-f]{2} )*[0-9a-f]{2} +\S", l)]
    mnemonics = {l.split("  ")[-1].split()[0] for l in host}
    marks = [l for l in first.splitlines() if l.startswith("  -- guest 0x")]
    problems = []
    if rc != 0:
        problems.append(f"exit {rc}")
    if not first:
        problems.append("no 'OUT: [size=N] guest 0x40080000' block")
    if not {"cmp", "mov", "jmp"} <= mnemonics:
        problems.append(f"x86 mnemonics missing: {sorted(mnemonics)}")
    others = [l for l in first.splitlines()[1:] if l not in host and not l.startswith("  -- ")]
    if not host or others:
        problems.append(f"lines other than host instructions and markers: {others[:3]}")
    if not marks or not marks[0].startswith("  -- guest 0x40080000: "):
        problems.append(f"no guest boundary marker for 0x40080000: {marks[:3]}")
    if "  -- entry: exit-request check" not in first or "  -- out-of-line: softmmu slow paths, exception and exit stubs" not in text:
        problems.append("entry / out-of-line markers missing")
    if not re.search(r"^  -- guest 0x[0-9a-f]{8}: svc #0x1234$", text, re.M):
        problems.append("no marker naming 'svc #0x1234'")
    if "jit-compiled-blocks: " not in text or not re.search(r"^host-bytes-per-instruction: \d+\.\d\d$", text, re.M):
        problems.append("stats: no JIT lines / host-bytes-per-instruction")
    report("-d out_asm (jit): x86-64 disassembly with guest boundaries", not problems,
           "; ".join(problems) + f"\n    first block: {first[:600]!r}")

    # -trace-blocks FILE, then `armature trace FILE`: the records add up to -d stats' count, on both engines.
    trace = os.path.join(tmp, "x.trace")
    sorter = os.path.join(guests, "c_sort_hash.elf")
    traced = sorter if os.path.exists(sorter) else svc
    for accel in ["interp", "jit"]:
        rc, out, err = run(["-accel", accel, "-semihosting", "-d", "stats", "-trace-blocks", trace, "-kernel", traced], timeout=60)
        stats = dict(re.findall(r"^([a-z-]+): ([0-9.]+)$", err, re.M))
        rc2, summary, err2 = run(["trace", "-top", "3", "-kernel", traced, trace])
        m = re.search(r"^  instructions: +(\d+) \(equal to the run's count\)$", summary, re.M)
        hot = re.findall(r"^#\d+  0x[0-9a-f]{8}  EL1 NS  \d+ executions, \d+ instructions", summary, re.M)
        problems = []
        if rc != 0 or rc2 != 0 or err2:
            problems.append(f"exit {rc}/{rc2}, trace stderr {err2[:200]!r}")
        if not m or m.group(1) != stats.get("guest-instructions"):
            problems.append(f"trace total {m and m.group(1)} vs stats guest-instructions {stats.get('guest-instructions')}")
        if not re.search(r"^  block executions: +" + stats.get("blocks-executed", "x") + "$", summary, re.M):
            problems.append(f"block executions vs stats blocks-executed {stats.get('blocks-executed')} (nochain is forced)")
        if len(hot) != 3 or not re.search(r"^    0x[0-9a-f]{8}:  [0-9a-f]{8}  \S", summary, re.M):
            problems.append(f"hottest blocks: {hot}")
        for section in ["Executions by exception level and security state:", "EL1 Non-secure", "Block sizes (instructions retired per execution):"]:
            if section not in summary:
                problems.append(f"no {section!r}")
        if traced == sorter and "<main" not in summary:
            problems.append("-kernel: no symbol names")
        report(f"-trace-blocks + armature trace on {os.path.basename(traced)} (-accel {accel})", not problems,
               "; ".join(problems) + f"\n    summary: {summary[:500]!r}")
    expect_error("trace: no file", ["trace"], "trace: no file given", "usage: armature trace")
    expect_error("trace: not a trace", ["trace", svc], svc, "not a block trace")
    expect_error("trace: missing file", ["trace", os.path.join(tmp, "nope.trace")], "nope.trace", "No such file")
    expect_error("trace: bad -top", ["trace", "-top", "x", trace], "-top needs a number")
    expect_error("-trace-blocks unwritable", ["-trace-blocks", os.path.join(tmp, "no", "dir.trace"), "-kernel", svc],
                 "-trace-blocks", "cannot open the block trace file")
    expect_ok_stdout("-help mentions -trace-blocks and armature trace", ["-help"], "-trace-blocks", "armature trace")

    # -d stats without -D: on stderr, in the format the benchmark harness reads.
    rc, out, err = run(["-semihosting", "-d", "stats", "-kernel", svc])
    report("-d stats on stderr", rc == 0 and re.search(r"^guest-instructions: [1-9][0-9]*$", err, re.M) is not None,
           f"exit {rc}, stderr {err[:300]!r}")

    # -dfilter: only blocks starting in the range are logged by in_asm and exec; int is not filtered.
    rc, out, err = run(["-semihosting", "-d", "in_asm,exec,int", "-dfilter", "0x40080000+4", "-D", log, "-kernel", svc])
    lines = read_text(log).splitlines()
    pcs = [l.split("pc=")[1].split()[0] for l in lines if l.startswith("Trace 0:")]
    insn = [l for l in lines if re.match(r"^0x[0-9a-f]{8,}:  ", l)]
    ok = (rc == 0 and pcs and all(p == "0x40080000" for p in pcs) and insn
          and all(l.startswith("0x40080000:") for l in insn[:1])
          and sum(1 for l in lines if l.startswith("IN:")) == 1
          and any(l.startswith("Taking exception:") for l in lines))
    report("-dfilter 0x40080000+4", ok, f"exit {rc}, exec pcs {pcs[:5]}, in_asm {insn[:3]}")
    expect_error("-dfilter bad range", ["-dfilter", "0x2000..0x1000"], "-dfilter 0x2000..0x1000", "end before start")
    expect_error("-dfilter bad number", ["-dfilter", "0x1000+lots"], "-dfilter 0x1000+lots")

    # -d nochain: the JIT enters every block through the dispatcher, so exec sees more.
    counts = []
    for items in ["exec", "exec,nochain"]:
        rc, out, err = run(["-accel", "jit", "-semihosting", "-d", items, "-D", log, "-kernel", svc])
        counts.append(sum(1 for l in read_text(log).splitlines() if l.startswith("Trace 0:")))
    report("-d nochain (jit): at least as many exec lines", counts[0] > 0 and counts[1] >= counts[0], f"exec lines {counts}")

    def check_log(name, guest, items, ok, *options):
        """Runs .build/guests' `guest` with -d `items` -D FILE (and `options`):
        it must exit 0 with a log that `ok` accepts."""
        path = os.path.join(guests, guest + ".elf")
        if not os.path.exists(path):
            missing_reference(name, f"{path} not found (run scripts/build-guests.sh)")
            return
        rc, out, err = run(["-semihosting", *options, "-d", items, "-D", log, "-kernel", path])
        text = read_text(log)
        report(name, rc == 0 and bool(ok(text)), f"exit {rc}, log {text[:400]!r}")

    # guest_errors and mmu on a guest that reads where nothing is mapped.
    check_log("-d guest_errors,mmu,int on exc_unmapped", "exc_unmapped", "guest_errors,mmu,int", lambda text:
              re.search(r"^invalid read of \d+ bytes at physical address 0xf000000 ", text, re.M)
              and re.search(r"^mmu: .*0xf000000.*synchronous external abort", text, re.M)
              and "EC 0x25 [Data abort, same EL: synchronous external abort, read]" in text)
    # With several CPUs each line names its CPU, as the exec and int lines do.
    check_log("-smp 2 -d guest_errors,mmu: lines name the CPU", "exc_unmapped", "guest_errors,mmu", lambda text:
              re.search(r"^cpu0: invalid read of \d+ bytes at physical address 0xf000000 ", text, re.M)
              and re.search(r"^cpu0: mmu: .*0xf000000", text, re.M)
              and not re.search(r"^(invalid|mmu:)", text, re.M), "-smp", "2")
    # unimp: an MRS that is not accessible at EL0 is a guest error; PSCI functions we lack are unimp.
    check_log("-d guest_errors on exc_el0 (MRS at EL0)", "exc_el0", "guest_errors,unimp",
              lambda text: "UNDEFINED system register access: mrs x0, SCTLR_EL1" in text)
    check_log("-d unimp on exc_hvc_psci (unknown PSCI function)", "exc_hvc_psci", "unimp",
              lambda text: "psci: unimplemented function 0xc400ffff" in text)
    # semihosting: strace-like lines with arguments and results.
    check_log("-d semihosting on semi_calls", "semi_calls", "semihosting", lambda text:
              'semihosting: SYS_WRITE0("write0: ok\\n")' in text
              and re.search(r'^semihosting: SYS_OPEN\(":tt", "w", 3\) = \d+$', text, re.M)
              and re.search(r"^semihosting: SYS_EXIT(_EXTENDED)?\(ADP_Stopped_ApplicationExit, 0\) = 0$", text, re.M))
    # No -d: nothing on stderr, and -D alone creates an empty file.
    rc, out, err = run(["-semihosting", "-D", log, "-kernel", svc])
    report("no -d: no log output", rc == 0 and err == "" and read_text(log) == "", f"exit {rc}, stderr {err[:200]!r}")
