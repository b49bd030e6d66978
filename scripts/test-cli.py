#!/usr/bin/env python3
"""Command-line and bad-input tests for the armature binary.

Runs ${ARMATURE:-.build/release/armature} on bad files and bad options and
checks the exit status and that stderr is exactly one line, starting with
"armature: " and naming the file or option. Also checks -d help, --version and
-h (exit 0, output on stdout, nothing on stderr).

Test ELF files are crafted here (stdlib only); when the toolchain's clang and
ld.lld are available, an AArch64 ELF linked at 0x100000000 with a linker
script is also used.

Prints one line per case and ends with "N passed, N failed"; exits 1 if
anything failed.

Usage: scripts/test-cli.py [-v]
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cli_harness  # noqa: E402
from cli_harness import (ARMATURE, ROOT, STRICT, VERBOSE, arm64_image, expect_error, expect_ok_stdout,  # noqa: E402
                         missing_reference, read_text, report, run, write)
from cli_console import chardev_tests, serial_tests  # noqa: E402
from cli_debuglog import debug_log_tests  # noqa: E402
from cli_firmware import firmware_tests, seed_line_test  # noqa: E402


# ---- crafted ELF files ------------------------------------------------------

def elf64(machine=183, elf_class=2, data=1, etype=2, entry=0x40080000, segments=(), phentsize=56):
    """segments: list of (p_type, paddr, bytes, memsz)."""
    hdr_size = 64
    ph_off = hdr_size
    data_off = ph_off + phentsize * len(segments)
    ident = b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(9)
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, ph_off, 0, 0,
                              hdr_size, phentsize, len(segments), 64, 0, 0)
    phdrs = b""
    blobs = b""
    off = data_off
    for (ptype, paddr, blob, memsz) in segments:
        phdrs += struct.pack("<IIQQQQQQ", ptype, 5, off, paddr, paddr, len(blob), memsz, 8)
        blobs += blob
        off += len(blob)
    return hdr + phdrs + blobs


def find_tool(name):
    swiftc = shutil.which("swiftc")
    if swiftc:
        cand = os.path.join(os.path.dirname(os.path.realpath(swiftc)), name)
        if os.access(cand, os.X_OK):
            return cand
    cand = "/opt/swift/usr/bin/" + name
    if os.access(cand, os.X_OK):
        return cand
    return shutil.which(name)


def build_high_elf(tmp):
    """An AArch64 ELF linked at 0x100000000 (outside RAM) with clang/ld.lld."""
    clang, lld = find_tool("clang"), find_tool("ld.lld")
    if not clang or not lld:
        return None
    src = write(os.path.join(tmp, "high.S"), b".text\n.global _start\n_start:\n    b _start\n")
    ld = write(os.path.join(tmp, "high.ld"),
               b"ENTRY(_start)\nSECTIONS {\n  . = 0x100000000;\n  .text : { *(.text) }\n}\n")
    obj = os.path.join(tmp, "high.o")
    elf = os.path.join(tmp, "high.elf")
    try:
        subprocess.run([clang, "--target=aarch64-none-elf", "-c", src, "-o", obj], check=True, capture_output=True)
        subprocess.run([lld, "-T", ld, "-o", elf, obj], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        return None
    return elf


def elf_machine(path):
    try:
        with open(path, "rb") as f:
            h = f.read(20)
        if h[:4] == b"\x7fELF" and len(h) >= 20:
            return struct.unpack("<H", h[18:20])[0]
    except OSError:
        pass
    return None


# ---- the default guest (the multi-realm demo) -------------------------------

DEMO_LINES = [
    r"^Machine: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on \(the defaults$",
    r"^   delegated to the realms: 0x44000000-0x44060fff \(3 slots of 128 KiB, a shared page\): Realm$",
    r"^   realm A: MECID 3, memory 0x44000000-0x4401ffff$",
    r"^3\. Each realm's kernel runs at Realm EL1 under stage 2 with VMECID_P_EL2 = its MECID,$",
    r"^   realm A reads A: 0x5ec2e70300000000  expected its own data  ok$",
    r"^   realm A reads B: 0xdeadbeefdeadbeef  expected ciphertext  ok$",
    r"^   realm C reads B: 0xdeadbeefdeadbeef  expected ciphertext  ok$",
    r"^   realm C reads C: 0x5ec2e70500000000  expected its own data  ok$",
    r"^   the shared page, mapped with stage 2 AMEC = 1 \(VMECID_A_EL2 = 2\) in every realm:$",
    r"^   A writes it, C reads 0x54a2ed0300000000  expected A's words  ok$",
    r"^   the RMM reads it with A's MECID 3: 0xdeadbeefdeadbeef  expected ciphertext  ok$",
    r"^   host reads its own memory: 0x4057da7a[0-9a-f]{8}  expected what it wrote  ok$",
    r"^   host reads 0x44006000: data abort at EL2, ESR_EL2 0x96000028 \(EC 0x25, DFSC 0x28\)$",
    r"^   again with SCR_EL3.GPF = 1: 1 GPC exception at EL3, EC 0x1e, MFAR_EL3 0x8000000044006000$",
    r"^   before the RMM scrubs it, D reads D: 0xdeadbeefdeadbeef  expected ciphertext \(B's data\)  ok$",
    r"^   scrubbed with MECID 6 \(DC ZVA\), D reads D: 0x0000000000000000  expected zeros  ok$",
    r"^   D writes its data and reads D: 0x5ec2e70600000000  expected its own data  ok$",
    r"^   the RMM reads D with B's old MECID 4: 0xdeadbeefdeadbeef  expected ciphertext  ok$",
    r"^   realm A reads D: 0xdeadbeefdeadbeef  expected ciphertext  ok$",
    r"^21 checks passed, 0 failed\.$",
]


def demo_tests():
    """The built-in demo (no -kernel): exit 0 and the report, identical under both engines."""
    outputs = {}
    for accel in ["interp", "jit"]:
        rc, out, err = run(["-accel", accel])
        outputs[accel] = out
        missing = [l for l in DEMO_LINES if not re.search(l, out, re.M)]
        problems = []
        if rc != 0 or err:
            problems.append(f"exit {rc}, stderr {err[:200]!r}")
        if missing or "FAILED" in out:
            problems.append(f"missing lines {missing[:3]}; output {out[:2000]!r}")
        report(f"built-in demo (-accel {accel}): exit 0 and the report", not problems, "; ".join(problems))
    report("built-in demo: identical under interp and jit", outputs["interp"] == outputs["jit"] != "",
           "outputs differ")
    # Every CPU starts at the firmware's entry (no PSCI with its own EL3): the
    # others wait in its holding pen; one host thread per CPU with mec=on.
    for accel in ["interp", "jit"]:
        for smp, thread in [("2", "multi"), ("4", "single")]:
            rc, out, err = run(["-smp", smp, "-accel", f"{accel},thread={thread}"])
            report(f"built-in demo -smp {smp} (-accel {accel},thread={thread}): the -smp 1 report", rc == 0 and not err
                   and out == outputs[accel], f"exit {rc}, stderr {err[:200]!r}, output {out[-400:]!r}")
    # Explicit -M/-cpu win over the demo's defaults: the demo says what it needs.
    rc, out, err = run(["-M", "virt", "-cpu", "max"])
    report("built-in demo on -M virt -cpu max: refuses (exit 1)", rc == 1 and "has no EL3 with FEAT_RME" in out,
           f"exit {rc}, output {out[-300:]!r}")
    # Without mec=on the realms read each other's plaintext: the checks fail.
    rc, out, err = run(["-M", "virt,secure=on,virtualization=on", "-cpu", "max,x-rme=on"])
    report("built-in demo without mec=on: ciphertext checks fail (exit 1)",
           rc == 1 and "11 checks passed, 10 failed." in out and "is\n mec=on missing" in out,
           f"exit {rc}, output {out[-400:]!r}")


MEC_LOG_LINES = [
    r"^mec: control: SCTLR2_EL2 = 0x2 \(was 0x0\) at EL3: EMEC 1$",
    r"^mec: control: TCR2_EL2 = 0x1000 \(was 0x0\) at EL3: AMEC0 1, AMEC1 0$",
    r"^mec: first write with a MECID other than 0: tags in use$",
    r"^mec: MECID change: MECID_A0_EL2 = 2 \(was 0\) at EL2$",
    r"^mec: MECID change: MECID_A0_EL2 = 3 \(was 2\) at EL2$",
    r"^mec: MECID change: VMECID_P_EL2 = 4 \(was 3\) at EL2$",
    r"^mec: MECID change: VMECID_A_EL2 = 2 \(was 0\) at EL2$",
    r"^mec: re-tag: page 0x44000000 \(MECID 0\) becomes mixed: write of 64 bytes at 0x44000000 with MECID 3$",
    r"^mec: re-tag: page 0x44000000 uniform again: every line MECID 3$",
    # realm A (MECID 3) reads realm B's first data page (MECID 4)
    r"^mec: mismatch: read at pa 0x44026000 \(page 0x44026000\): MECID used 3, stored 4: substitute data 0xdeadbeef",
    # realm D (MECID 6) in B's memory before the scrub
    r"^mec: mismatch: read at pa 0x44026000 \(page 0x44026000\): MECID used 6, stored 4: substitute data 0xdeadbeef",
    # the shared page (VMECID_A_EL2 = 2) read by the RMM with realm A's MECID
    r"^mec: mismatch: read at pa 0x44060000 \(page 0x44060000\): MECID used 3, stored 2: substitute data 0xdeadbeef",
]
GPC_LOG_LINES = [
    r"^gpc: GPTBR_EL3 = 0x40020 \(was 0x0\) at EL3$",
    r"^gpc: GPCCR_EL3 = 0x12500 \(was 0x0\) at EL3: GPC on, PPS 4 GiB, PGS 4 KiB$",
    r"^gpc: TLBI PAALL: GPT information cached in TLBs dropped$",
    r"^gpc: read at va 0x44006000 pa 0x44006000 in the Non-secure PA space at EL2: granule GPI Realm \(GPT level 1\) "
    r"forbids the Non-secure PA space -> granule protection fault: data abort to EL2 \(DFSC 0x28\)$",
    r"^gpc: read at va 0x44006000 pa 0x44006000 in the Non-secure PA space at EL2: granule GPI Realm \(GPT level 1\) "
    r"forbids the Non-secure PA space -> GPC exception to EL3 \(EC 0x1e, GPCSC 0xd\)$",
]


def mec_gpc_log_tests(tmp):
    """-d mec and -d gpc on the built-in demo (both engines: the same lines) and on mec_basic."""
    log = os.path.join(tmp, "mec.log")
    texts = {}
    for accel in ["interp", "jit"]:
        rc, out, err = run(["-accel", accel, "-d", "mec,gpc", "-D", log])
        text = read_text(log)
        texts[accel] = text
        lines = text.splitlines()
        missing = [l for l in MEC_LOG_LINES + GPC_LOG_LINES if not re.search(l, text, re.M)]
        mismatches = [l for l in lines if l.startswith("mec: mismatch:")]
        faults = [l for l in lines if l.startswith("gpc: read")]
        other = [l for l in lines if not l.startswith(("mec: ", "gpc: "))]
        problems = []
        if rc != 0:
            problems.append(f"exit {rc}")
        if missing:
            problems.append(f"missing {missing[:2]}")
        # Once per page and MECID until a re-tag: a few hundred lines, not one per access (~46000).
        if not 0 < len(mismatches) < 400:
            problems.append(f"{len(mismatches)} mismatch lines")
        if len(faults) != 2 or other:
            problems.append(f"gpc faults {faults}, other lines {other[:3]}")
        report(f"-d mec,gpc on the built-in demo (-accel {accel})", not problems,
               "; ".join(problems) + f"\n    log: {text[:600]!r}")
    report("-d mec,gpc: the same events under interp and jit", texts["interp"] == texts["jit"] != "", "logs differ")
    rc, out, err = run(["-d", "gpc", "-D", log])
    text = read_text(log)
    report("-d gpc alone: no mec lines", rc == 0 and "gpc: " in text and "mec: " not in text, f"exit {rc}")
    basic = os.path.join(ROOT, ".build", "guests", "mec_basic.elf")
    if os.path.exists(basic):
        rc, out, err = run(["-M", "virt,secure=on,virtualization=on,mec=on", "-cpu", "max,x-rme=on", "-semihosting",
                            "-d", "mec", "-D", log, "-kernel", basic])
        text = read_text(log)
        ok = (rc == 0 and re.search(r"^mec: mismatch: fetches from mixed page 0x42007000 with MECID 4 see substitute data in the lines "
                                    r"stored with other MECIDs \(the first at pa 0x42007000, stored 3\)", text, re.M)
              and re.search(r"^mec: mismatch: read at pa 0x42000080 \(page 0x42000000\): MECID used 3, stored 4: ", text, re.M)
              and re.search(r"^mec: re-tag: page 0x42000000 \(MECID 0\) becomes mixed: write of 8 bytes at 0x42000000 with MECID 3$", text, re.M))
        report("-d mec on mec_basic: fetch and read mismatches, re-tags", bool(ok), f"exit {rc}, log {text[:600]!r}")
    else:
        missing_reference("-d mec on mec_basic", f"{basic} not found (run scripts/build-guests.sh)")


def linux_boot_tests(tmp, text):
    image = write(os.path.join(tmp, "Image"), arm64_image())
    rd = write(os.path.join(tmp, "rd.img"), b"070701" + bytes(100))
    expect_error("-initrd without -kernel", ["-initrd", rd], "-initrd", "-kernel")
    expect_error("-append without -kernel", ["-append", "console=ttyAMA0"], "-append", "-kernel")
    expect_error("-dtb without -kernel", ["-dtb", rd], "-dtb", "-kernel")
    expect_error("a cpio archive as the kernel", ["-kernel", rd], rd, "cpio", "-initrd")
    dtb = os.path.join(tmp, "virt.dtb")
    run(["-M", "virt,dumpdtb=" + dtb, "-cpu", "max"])
    report("dumpdtb writes a device tree", os.path.exists(dtb) and open(dtb, "rb").read(4) == b"\xd0\x0d\xfe\xed")
    expect_error("a device tree as the kernel", ["-kernel", dtb], dtb, "device tree", "-dtb")
    expect_error("dumpdtb unwritable", ["-M", "virt,dumpdtb=/nonexistent/dir/x.dtb", "-cpu", "max"], "/nonexistent/dir/x.dtb")
    gz = write(os.path.join(tmp, "Image.gz"), b"\x1f\x8b\x08\x00" + bytes(40))
    expect_error("corrupt gzip kernel", ["-kernel", gz], gz, "gzip")
    expect_error("kernel larger than RAM", ["-m", "16M", "-kernel", write(os.path.join(tmp, "big"), arm64_image(15 << 20))],
                 "does not fit in RAM")
    big_rd = write(os.path.join(tmp, "big-rd.img"), bytes(20 << 20))
    expect_error("initrd that does not fit in RAM", ["-m", "32M", "-kernel", image, "-initrd", big_rd],
                 big_rd, "initrd", "does not fit in RAM")
    # 8 MiB: the initrd at 4 MiB ends past 7 MiB, the DTB's 2 MiB boundary is the end of RAM.
    rd3 = write(os.path.join(tmp, "rd3.img"), bytes((3 << 20) + 1))
    expect_error("DTB that does not fit in RAM", ["-m", "8M", "-kernel", image, "-initrd", rd3],
                 "device tree", "does not fit in RAM")
    expect_error("-dtb not a device tree", ["-kernel", image, "-dtb", text], text, "not a device tree blob")
    if os.path.exists(dtb):
        short = write(os.path.join(tmp, "short.dtb"), open(dtb, "rb").read()[:300])
        expect_error("-dtb truncated", ["-kernel", image, "-dtb", short], short, "truncated device tree blob")
        expect_error("-dtb larger than the room after the initrd", ["-m", "8M", "-kernel", image, "-initrd", rd3, "-dtb", dtb],
                     dtb, "does not fit in RAM")


def reboot_tests(tmp):
    """A guest reset (PSCI SYSTEM_RESET) restarts the machine; -no-reboot and
    -action reboot=shutdown end the run with status 0 instead; as QEMU 7.2."""
    # A raw kernel that counts its boots in the last page of the 128 MiB of RAM
    # (a reset keeps RAM), resets with PSCI SYSTEM_RESET (HVC) until its third
    # boot, then exits through semihosting (SYS_EXIT_EXTENDED) with the count.
    words = [0xd29e0001, 0xf2a8ffe1, 0xf9400022, 0x91000442, 0xf9000022, 0xf1000c5f, 0x540000aa,
             0xd2800120, 0xf2b08000, 0xd4000002, 0x14000000, 0xd28004c3, 0xf2a00043, 0xa9010823,
             0x91004021, 0xd2800400, 0xd45e0000, 0x14000000]
    img = write(os.path.join(tmp, "reset3.bin"), struct.pack(f"<{len(words)}I", *words))
    base = ["-M", "virt", "-cpu", "max", "-m", "128M", "-semihosting", "-kernel", img]
    cases = [("a guest reset restarts the machine (exit 3: the third boot)", [], 3),
             ("-no-reboot: the guest's reset ends the run with status 0", ["-no-reboot"], 0),
             ("-action reboot=shutdown: as -no-reboot", ["-action", "reboot=shutdown"], 0),
             ("-action reboot=reset,shutdown=poweroff: restarts", ["-action", "reboot=reset,shutdown=poweroff"], 3)]
    qemu = shutil.which("qemu-system-aarch64")
    for name, extra, expected in cases:
        rc, out, err = run(base + extra)
        report(name, rc == expected, f"exit {rc}, stderr {err.strip()!r}")
        if qemu:
            try:
                q = subprocess.run([qemu, "-nographic"] + base + extra, stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=20).returncode
            except subprocess.TimeoutExpired:
                q = None
            report(f"{name}: as QEMU 7.2", q == rc, f"QEMU exit {q}, armature {rc}")
        elif STRICT:
            report(f"{name}: as QEMU 7.2", False, "qemu-system-aarch64 is missing")
    expect_error("-action reboot=bogus", ["-action", "reboot=bogus", "-kernel", img], "-action reboot=bogus", "reset or shutdown")
    expect_error("-action panic=pause", ["-action", "panic=pause", "-kernel", img], "-action panic=pause", "not supported")
    expect_error("-action bogus=1", ["-action", "bogus=1", "-kernel", img], "unknown event 'bogus'")


def main():
    if not os.access(ARMATURE, os.X_OK):
        print(f"test-cli: {ARMATURE} not found (build it, or set ARMATURE)")
        print("0 passed, 1 failed")
        return 1

    tmp = tempfile.mkdtemp(prefix="armature-cli-")
    try:
        good = elf64(segments=[(1, 0x40080000, b"\x00\x00\x00\x14" * 4, 16)])

        # -- bad files --
        missing = os.path.join(tmp, "does-not-exist.elf")
        expect_error("missing file", ["-kernel", missing], missing)
        expect_error("directory", ["-kernel", tmp], tmp)
        text = write(os.path.join(tmp, "notes.txt"), b"just some text\n")
        expect_error("text file", ["-kernel", text], text, "not an ELF")
        empty = write(os.path.join(tmp, "empty.elf"), b"")
        expect_error("empty file", ["-kernel", empty], empty)

        true_bin = shutil.which("true") or "/bin/true"
        true_bin = os.path.realpath(true_bin)
        if elf_machine(true_bin) == 62:
            expect_error("x86-64 ELF (/bin/true)", ["-kernel", true_bin], true_bin, "x86-64", "e_machine 62", "not AArch64")
        else:
            missing_reference("x86-64 ELF (/bin/true)", f"{true_bin} is not an x86-64 ELF")
        x86 = write(os.path.join(tmp, "x86.elf"), elf64(machine=62, segments=[(1, 0x40080000, b"\x90", 1)]))
        expect_error("x86-64 ELF (crafted)", ["-kernel", x86], x86, "x86-64", "e_machine 62")
        arm32 = write(os.path.join(tmp, "arm32.elf"), elf64(elf_class=1))
        expect_error("32-bit ELF", ["-kernel", arm32], arm32, "32-bit")
        big = write(os.path.join(tmp, "big-endian.elf"), elf64(data=2))
        expect_error("big-endian ELF", ["-kernel", big], big, "big-endian")

        high = build_high_elf(tmp)
        if high:
            expect_error("segment outside RAM (clang/ld.lld at 0x100000000)", ["-kernel", high], high,
                         "0x100000000", "outside RAM")
        else:
            missing_reference("segment outside RAM (clang/ld.lld)", "the toolchain's clang and ld.lld not found")
        high2 = write(os.path.join(tmp, "high-crafted.elf"),
                      elf64(entry=0x100000000, segments=[(1, 0x100000000, b"\x00" * 8, 0x1000)]))
        expect_error("segment outside RAM (crafted)", ["-kernel", high2], high2,
                     "[0x100000000, 0x100001000)", "outside RAM")
        small_ram = write(os.path.join(tmp, "past-ram.elf"),
                          elf64(entry=0x48000000, segments=[(1, 0x48000000, b"\x00" * 4, 4)]))
        expect_error("segment past the end of 128M RAM", ["-kernel", small_ram], small_ram, "0x48000000")

        real = high if high else None
        trunc_src = open(real, "rb").read() if real else good
        trunc = write(os.path.join(tmp, "truncated.elf"), trunc_src[:len(trunc_src) // 2 if real else 100])
        expect_error("truncated ELF (segment data)", ["-kernel", trunc], trunc, "truncated")
        trunc_hdr = write(os.path.join(tmp, "truncated-header.elf"), good[:40])
        expect_error("truncated ELF (header)", ["-kernel", trunc_hdr], trunc_hdr, "truncated")
        trunc_ph = write(os.path.join(tmp, "truncated-phdrs.elf"), good[:80])
        expect_error("truncated ELF (program headers)", ["-kernel", trunc_ph], trunc_ph, "truncated", "program headers")
        noload = write(os.path.join(tmp, "noload.elf"), elf64(segments=[(4, 0, b"note", 4)]))
        expect_error("no loadable segments", ["-kernel", noload], noload, "no loadable segments")

        # -- Linux kernels, initrds and device trees --
        linux_boot_tests(tmp, text)
        serial_tests(tmp)
        chardev_tests(tmp)
        reboot_tests(tmp)
        firmware_tests(tmp)
        seed_line_test(tmp)

        # -- options --
        expect_error("unknown option", ["-frobnicate"], "unknown option '-frobnicate'")
        expect_error("unknown option (double dash)", ["--frobnicate", "1"], "'--frobnicate'")
        for opt, val in [("pflash", "x.fd"), ("blockdev", "driver=file,filename=x")]:
            args = ["-" + opt] + ([val] if val else [])
            expect_error(f"unsupported option -{opt}", args, f"option -{opt} is not supported yet")
        # Shared folders and user networking: QEMU 7.2's one-line errors.
        expect_error("-virtfs without mount_tag", ["-virtfs", "local"], "-virtfs local: Usage: -virtfs fsdriver,mount_tag=tag")
        expect_error("-virtfs without path", ["-virtfs", "local,mount_tag=h,security_model=none"], "path property not set")
        expect_error("-virtfs without security_model", ["-virtfs", "local,path=/tmp,mount_tag=h"], "security_model property not set")
        expect_error("-virtfs unknown key", ["-virtfs", "local,path=/tmp,mount_tag=h,security_model=none,foo=1"],
                     "Invalid parameter 'foo'")
        expect_error("-virtfs missing folder", ["-virtfs", "local,path=/nonexistent-dir,mount_tag=h,security_model=none"],
                     "cannot initialize fsdev 'h'", "No such file or directory")
        expect_error("-netdev without id", ["-netdev", "user"], "-netdev user: Parameter 'id' is missing")
        expect_error("-nic bad hostfwd", ["-nic", "user,hostfwd=bogus"], "Invalid host forwarding rule 'bogus'")
        expect_error("-nic other type", ["-nic", "tap"], "-nic tap", "not supported")
        # -drive and -device: QEMU 7.2's messages.
        expect_error("-drive of a missing file", ["-drive", "file=/nonexistent/x.img,format=raw"],
                     "-drive file=/nonexistent/x.img,format=raw: Could not open '/nonexistent/x.img'")
        expect_error("-drive format=qcow2", ["-drive", "file=x.img,format=qcow2"], "format 'qcow2'", "raw images only")
        expect_error("-drive unknown key", ["-drive", "file=x.img,format=raw,foo=bar"],
                     "Block format 'raw' does not support the option 'foo'")
        expect_error("-drive if=ide", ["-drive", "file=x.img,format=raw,if=ide"], "machine type does not support if=ide")
        expect_error("-device unknown", ["-device", "bogus-dev"], "'bogus-dev' is not a valid device model name")
        expect_error("-device unknown property", ["-device", "virtio-rng-device,foo=1"],
                     "Property 'virtio-rng-device.foo' not found")
        expect_error("-device without its drive", ["-device", "virtio-blk-device,drive=nope"],
                     "Property 'virtio-blk-device.drive' can't find value 'nope'")
        # virtio-*-pci: modern only, function 0 of a free slot.
        expect_error("-device pci unknown property", ["-device", "virtio-rng-pci,foo=1"],
                     "Property 'virtio-rng-pci.foo' not found")
        expect_error("-device pci neither modern nor legacy", ["-device", "virtio-rng-pci,disable-legacy=on,disable-modern=on"],
                     "device cannot work as neither modern nor legacy mode is enabled")
        expect_error("-device pcie-root-port: unknown bus", ["-device", "pcie-root-port,id=rp1,chassis=1",
                                                             "-device", "virtio-rng-pci,bus=rp2"], "Bus 'rp2' not found")
        expect_error("-device pcie-root-port: chassis and slot taken", ["-device", "pcie-root-port,id=a",
                                                                        "-device", "pcie-root-port,id=b"],
                     "Can't add chassis slot, error -16")
        expect_error("-device pci bad addr", ["-device", "virtio-rng-pci,addr=zz"],
                     "Property 'virtio-rng-pci.addr' doesn't take value 'zz'")
        expect_error("-device pci slot 0", ["-device", "virtio-rng-pci,addr=0"],
                     "PCI: slot 0 function 0 not available for virtio-rng-pci, in use by gpex-root")
        expect_error("-device pci slot taken", ["-device", "virtio-rng-pci,addr=3", "-device", "virtio-rng-pci,addr=0x3"],
                     "slot 3 function 0 not available")
        expect_error("-device pci function 1", ["-device", "virtio-rng-pci,addr=3.1"], "only function 0")
        expect_error("-device pci blk without its drive", ["-device", "virtio-blk-pci,drive=nope"],
                     "Property 'virtio-blk-pci.drive' can't find value 'nope'")
        # -fsdev / -netdev with their -device: QEMU 7.2's messages.
        expect_error("-device 9p without its fsdev", ["-device", "virtio-9p-pci,fsdev=nope,mount_tag=t"],
                     "9pfs device couldn't find fsdev with the id = nope")
        expect_error("-device 9p without fsdev=", ["-device", "virtio-9p-device,mount_tag=t"],
                     "9pfs device couldn't find fsdev with the id = NULL")
        expect_error("-device 9p without mount_tag", ["-fsdev", "local,id=f,path=/tmp,security_model=none",
                                                      "-device", "virtio-9p-pci,fsdev=f"],
                     "fsdev with id f needs mount_tag arguments")
        expect_error("-device 9p unknown property", ["-fsdev", "local,id=f,path=/tmp,security_model=none",
                                                     "-device", "virtio-9p-pci,fsdev=f,mount_tag=t,foo=1"],
                     "Property 'virtio-9p-pci.foo' not found")
        expect_error("-fsdev duplicate id", ["-fsdev", "local,id=f,path=/tmp,security_model=none",
                                             "-fsdev", "local,id=f,path=/tmp,security_model=none"],
                     "Duplicate ID 'f' for fsdev")
        expect_error("-device net without its netdev", ["-device", "virtio-net-pci,netdev=nope"],
                     "Property 'virtio-net-pci.netdev' can't find value 'nope'")
        expect_error("-device net netdev twice", ["-netdev", "user,id=n", "-device", "virtio-net-pci,netdev=n",
                                                  "-device", "virtio-net-device,netdev=n"],
                     "Property 'virtio-net-device.netdev' can't take value 'n', it's in use")
        expect_error("-device net bad mac", ["-device", "virtio-net-device,mac=zz"],
                     "Property 'virtio-net-device.mac' doesn't take value 'zz'")
        expect_error("-device net unknown property", ["-device", "virtio-net-pci,foo=1"],
                     "Property 'virtio-net-pci.foo' not found")
        expect_error("-netdev duplicate id", ["-netdev", "user,id=n", "-netdev", "user,id=n"],
                     "Duplicate ID 'n' for netdev")
        expect_error("-gdb unix socket", ["-gdb", "unix:/tmp/gdb.sock"], "-gdb unix:/tmp/gdb.sock", "tcp:")
        expect_error("-gdb bad port", ["-gdb", "tcp::99999"], "-gdb tcp::99999", "port")
        expect_error("-S without a debugger", ["-S"], "-S", "-gdb")
        expect_error("unsupported option after good ones", ["-M", "virt", "-m", "1G", "-pflash", "x.fd"],
                     "option -pflash is not supported yet")
        for bad in ["12X", "0", "abc", "-5", "1G,maxmem=2G"]:
            expect_error(f"bad -m {bad}", ["-m", bad], "-m", bad)
        expect_error("-m too large", ["-m", "300G"], "-m 300G")
        expect_error("-m without a value", ["-m"], "-m")
        expect_error("-kernel without a value", ["-kernel"], "-kernel")
        expect_error("bad -M property", ["-M", "virt,bogus=on"], "-M virt,bogus=on", "bogus")
        expect_error("bad -M value", ["-M", "virt,secure=sure"], "secure", "sure")
        expect_error("bad machine type", ["-M", "sbsa-ref"], "sbsa-ref")
        expect_error("-cpu other model", ["-cpu", "cortex-a53"], "cortex-a53")
        expect_error("-smp 17", ["-smp", "17"], "-smp 17", "1 to 16")
        expect_error("-smp bad topology", ["-smp", "3,sockets=2"], "-smp 3,sockets=2", "Invalid CPU topology")
        expect_error("-smp 9 with GICv2", ["-smp", "9"], "exceeds max CPUs", "(8)")
        expect_error("-accel kvm", ["-accel", "kvm"], "-accel kvm", "not supported")
        expect_error("-accel interp with a property", ["-accel", "interp,tb-size=64"], "tb-size")
        expect_error("-accel bad thread", ["-accel", "tcg,thread=many"], "thread", "many")
        expect_error("-accel bogus", ["-accel", "warp"], "warp")
        expect_error("-serial pty", ["-serial", "pty"], "-serial pty")
        expect_error("-d bogus", ["-d", "in_asm,bogus"], "bogus")
        expect_error("-semihosting-config bad", ["-semihosting-config", "enable=on,target=gdb"], "target=gdb")
        expect_error("disk image argument", ["disk.img"], "disk.img")
        expect_error("-D unwritable", ["-D", "/nonexistent/dir/log.txt", "-kernel", missing], "/nonexistent/dir/log.txt")

        # -- informational --
        expect_ok_stdout("-d help", ["-d", "help"], "in_asm", "exec", "stats", "guest_errors", "semihosting")
        expect_ok_stdout("--version", ["--version"], "armature")
        expect_ok_stdout("-version", ["-version"], "armature")
        expect_ok_stdout("-h", ["-h"], "-kernel", "-machine", "-semihosting")
        expect_ok_stdout("--help", ["--help"], "-kernel")
        rc, out, err = run(["-M", "virt,mec=on"])
        report("mec=on without FEAT_MEC runs (the demo then says it needs EL3, RME, MEC: exit 1)",
               rc == 1 and err == "" and "has no EL3 with FEAT_RME and FEAT_MEC" in out, f"exit {rc}, stderr {err!r}")
        expect_ok_stdout("RME and MEC", ["-M", "virt,secure=on,virtualization=on,mec=on", "-cpu", "max,x-rme=on"],
                         "AArch64 system emulator")
        expect_ok_stdout("-M help", ["-M", "help"], "virt")
        expect_ok_stdout("-cpu help", ["-cpu", "help"], "max")
        expect_ok_stdout("-accel help", ["-accel", "help"], "interp", "jit")

        # -- the default guest (the multi-realm demo) on both engines --
        demo_tests()
        mec_gpc_log_tests(tmp)

        # -- -d logging on guests --
        debug_log_tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return cli_harness.tally.summary()


if __name__ == "__main__":
    sys.exit(main())
