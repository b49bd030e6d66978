#!/usr/bin/env python3
"""Runs A64 snippets under Unicorn (QEMU's AArch64 translator, CPU model "max")
as an oracle for Armature's engines (Tests/EngineTests/FuzzUnicorn.swift).

One JSON object per line on stdin, one per line on stdout:

  in:  {"code": "<hex of the words, little-endian>", "start": int, "x": [31 ints], "sp": int,
        "nzcv": int, "data": "<file holding the data area>", "stop": int, "count": int}
  out: {"x": [31 ints], "sp": int, "nzcv": int, "pc": int, "error": null | "<text>"}
       and the final data area written to the file named "data" + ".out"

FP/SIMD programs add "v": [64 ints: V0 bits 63:0, V0 bits 127:64, V1...] and
"fpcr": int to the request (FP/SIMD access is then enabled, FPSR starts at 0);
the answer then has "v", "fpsr" and "fpcr" too.

The machine mirrors Armature's SnippetRunner: RAM at 0x4000_0000 (2 MiB), code
at 0x4008_0000, the data area at 0x4010_0000 (64 KiB); the CPU starts at EL1
with SP_EL1. The run stops at `stop` (the address of the final `hlt #0xf000`),
reported as `stop + 4` as Armature reports it after the halt; `count` bounds
the instructions.

Set up with scripts/setup-unicorn.sh (a venv in .build/unicorn-venv).
"""
import json
import sys

from unicorn import Uc, UcError, UC_ARCH_ARM64, UC_MODE_ARM
from unicorn import arm64_const as A

RAM_BASE = 0x4000_0000
RAM_SIZE = 2 << 20
CODE_BASE = 0x4008_0000
DATA_BASE = 0x4010_0000
DATA_SIZE = 64 << 10

XREGS = [getattr(A, "UC_ARM64_REG_X%d" % i) for i in range(29)] + [A.UC_ARM64_REG_X29, A.UC_ARM64_REG_X30]
QREGS = [getattr(A, "UC_ARM64_REG_Q%d" % i) for i in range(32)]


def run(case):
    uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
    uc.ctl_set_cpu_model(A.UC_CPU_ARM64_MAX)
    uc.mem_map(RAM_BASE, RAM_SIZE)
    start = case.get("start", CODE_BASE)
    uc.mem_write(start, bytes.fromhex(case["code"]))
    with open(case["data"], "rb") as f:
        uc.mem_write(DATA_BASE, f.read())
    for r, v in zip(XREGS, case["x"]):
        uc.reg_write(r, v)
    uc.reg_write(A.UC_ARM64_REG_SP, case["sp"])
    uc.reg_write(A.UC_ARM64_REG_NZCV, case["nzcv"])
    fp = "v" in case
    if fp:
        uc.reg_write(A.UC_ARM64_REG_CPACR_EL1, 3 << 20)  # FPEN: no FP/SIMD trap
        for n, q in enumerate(QREGS):
            uc.reg_write(q, case["v"][2 * n] | case["v"][2 * n + 1] << 64)
        uc.reg_write(A.UC_ARM64_REG_FPCR, case["fpcr"])
        uc.reg_write(A.UC_ARM64_REG_FPSR, 0)
    error = None
    try:
        uc.emu_start(start, case["stop"], 0, case.get("count", 0))
    except UcError as e:
        error = str(e)
    with open(case["data"] + ".out", "wb") as f:
        f.write(bytes(uc.mem_read(DATA_BASE, DATA_SIZE)))
    pc = uc.reg_read(A.UC_ARM64_REG_PC)
    if pc == case["stop"] and error is None:
        pc += 4
    out = {
        "x": [uc.reg_read(r) for r in XREGS],
        "sp": uc.reg_read(A.UC_ARM64_REG_SP),
        "nzcv": uc.reg_read(A.UC_ARM64_REG_NZCV) & 0xF000_0000,
        "pc": pc,
        "error": error,
    }
    if fp:
        out["v"] = [w for q in QREGS for w in (uc.reg_read(q) & (1 << 64) - 1, uc.reg_read(q) >> 64)]
        out["fpsr"] = uc.reg_read(A.UC_ARM64_REG_FPSR)
        out["fpcr"] = uc.reg_read(A.UC_ARM64_REG_FPCR)
    return out


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out = run(json.loads(line))
        except Exception as e:  # report, keep serving
            out = {"x": [0] * 31, "sp": 0, "nzcv": 0, "pc": 0, "error": "oracle: %r" % (e,)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
