#!/usr/bin/env python3
"""The Linux test: boots Debian's arm64 cloud kernel with the busybox
initramfs of scripts/setup-linux.sh on Armature, drives the shell over the
serial console as a person would, and compares the kernel's log with QEMU
7.2's boot of the same kernel.

Each configuration boots with
  -M virt[,gic-version=N] -cpu CPU -m 1G -nographic -kernel Image -initrd initramfs
  -append "console=ttyAMA0"
and then, at the shell prompt:
  uname -r                  the kernel's release (.build/linux/kernel-release)
  cat /proc/interrupts      twice, a second apart: the timer's and the UART's
                            counts rise
  date +%s                  the RTC (PL031) gave the kernel the host's time
  sha256sum /test/hello.txt the initramfs's file, its known sum
  reboot -f                 (jit-max only) PSCI SYSTEM_RESET: the machine
                            restarts and reaches the shell a second time;
                            with -no-reboot (jit-max-no-reboot) the run ends
                            with status 0 instead
  poweroff -f               PSCI SYSTEM_OFF: the run ends with status 0
The kernel log up to the shell must have no warning, oops, "unhandled" or
error line that QEMU 7.2's log (same kernel, CPU and GIC) lacks.
Configurations with several CPUs (-smp N) also check, at the shell:
  /proc/cpuinfo, /sys/devices/system/cpu/online
                            every CPU is online
  one busy loop per CPU     runs to completion; each CPU's IPI count in
                            /proc/interrupts rises across it
and that Armature's whole session (after the shell too) has no RCU stall,
soft lockup or kernel WARNING.

The KVM configurations boot at EL2 (-M virt,virtualization=on,gic-version=3):
the kernel must report KVM ready, "VHE mode initialized successfully" (VHE,
-cpu max), "Hyp mode initialized successfully" (kvm-arm.mode=nvhe) or
"Protected nVHE mode initialized successfully" (kvm-arm.mode=protected), with
the vGIC on the GICv3 virtual CPU interface, as QEMU 7.2's log does. With
gic-version=2 (jit-max-kvm-nvhe-gic2) KVM's vgic-v2 probe finds the GICv2
virtual interface (GICH at 0x08030000, GICV at 0x08040000) and reports its
maintenance interrupt ("kvm [1]: vgic interrupt IRQ9"), and `kvm-vmm gic2`
runs the VM below with an in-kernel vGICv2 (its GICC the host's GICV, the
timer's list registers in GICH; KVM_VMM_GIC2_EXPECTED). Their
initramfs (.build/kvm/initramfs) adds /bin/kvm-vmm, the small VMM of
Tests/KVM/kvm_vmm.c (and kvm_vmm_boot.c) built statically with Debian's aarch64-linux-gnu-gcc
(scripts/setup.sh installs it); at the shell it runs a VM through /dev/kvm
whose MMIO exits, PSCI hypercalls, virtual timer interrupt (through the
in-kernel vGICv3) and an ID register read (trapped by HCR_EL2.TID3, answered
with KVM's sanitised value) it prints: the lines must be KVM_VMM_EXPECTED, as
QEMU 7.2's.
With -smp 2 `kvm-vmm smp` runs the same VM (five timer interrupts) with its
vCPU thread pinned to CPU 1 while a busy loop runs pinned to CPU 0, under
thread=single and thread=multi: KVM_VMM_SMP_EXPECTED.
In the NESTED configurations the initramfs (.build/kvm/initramfs-nested) also
holds the same kernel's Image and a tiny initramfs (Tests/KVM/nested_init.c as
/init), and `kvm-vmm boot` runs that kernel as a nested guest under KVM until
its /init prints NESTED-INIT-OK and powers it off; the time from the command to
that line is reported beside QEMU 7.2's (the interpreter's nested boot takes
about 50 s on a 2-core host at load 9, 150 s at load 15). --nested boots the
nested guest in every VHE configuration, the -smp 2 ones too.

  scripts/test-linux.py [--config NAME ...] [--list] [--jobs N] [--timeout S]
                        [--transcripts DIR] [--subject-qemu] [--nested]
--subject-qemu runs the same session on QEMU 7.2 itself (checks the script).
Exit status 0 when every configuration passed, 1 otherwise, 2 on bad usage or
when the kernel is missing (run scripts/setup-linux.sh).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import guest_session as gs  # noqa: E402

ROOT = gs.ROOT
LINUX = gs.LINUX
STAMP = gs.STAMP

# name: (engine, cpu, gic version or None for the default, reboot: None,
# "reboot" (reboot -f, then the shell again) or "no-reboot" (with -no-reboot
# reboot -f ends the run), KVM mode: None (not at EL2), "vhe", "nvhe" or
# "protected" (kvm-arm.mode), CPUs)
CONFIGS = {
    "jit-max": ("jit", "max", None, "reboot", None, 1),
    "jit-max-no-reboot": ("jit", "max", None, "no-reboot", None, 1),
    "jit-max-gic3": ("jit", "max", "3", None, None, 1),
    "jit-a57": ("jit", "cortex-a57", None, None, None, 1),
    "interp-max": ("interp", "max", None, None, None, 1),
    "jit-max-kvm-vhe": ("jit", "max", "3", None, "vhe", 1),
    "jit-max-kvm-nvhe": ("jit", "max", "3", None, "nvhe", 1),
    "jit-max-kvm-protected": ("jit", "max", "3", None, "protected", 1),
    "jit-max-kvm-nvhe-gic2": ("jit", "max", "2", None, "nvhe", 1),
    "interp-max-kvm-nvhe-gic2": ("interp", "max", "2", None, "nvhe", 1),
    "interp-max-kvm-vhe": ("interp", "max", "3", None, "vhe", 1),
    "jit-max-kvm-vhe-smp2": ("jit,thread=single", "max", "3", None, "vhe", 2),
    "jit-max-kvm-vhe-smp2-mt": ("jit,thread=multi", "max", "3", None, "vhe", 2),
    "jit-max-smp2": ("jit,thread=single", "max", None, None, None, 2),
    "interp-max-gic3-smp2": ("interp,thread=single", "max", "3", None, None, 2),
    "jit-max-gic3-smp4": ("jit,thread=single", "max", "3", None, None, 4),
    "jit-max-smp2-mt": ("jit,thread=multi", "max", None, None, None, 2),
    "jit-max-gic3-smp4-mt": ("jit,thread=multi", "max", "3", None, None, 4),
}
# What Tests/KVM/kvm_vmm.c prints on a correct host (its guest's exits in order).
KVM_VMM_EXPECTED = """vmm: KVM API version 12
vmm: mmio write addr=0x20000000 len=1 data=0x41
vmm: mmio write addr=0x20000004 len=4 data=0x12345678
vmm: mmio write addr=0x20000008 len=8 data=0xdead00000000beef
vmm: mmio read addr=0x20000010 len=4 -> 0xcafe0004
vmm: mmio write addr=0x20000014 len=4 data=0xcafe0005
vmm: mmio write addr=0x20000018 len=4 data=0x10001
vmm: mmio write addr=0x20000020 len=4 data=0x1b
vmm: mmio write addr=0x20000024 len=4 data=0xff
vmm: mmio write addr=0x20000028 len=4 data=0x7
vmm: mmio write addr=0x20000030 len=8 data=0x1000000
vmm: system event type=1 (shutdown)
vmm: done after 11 exits
status 0
"""
# What `kvm-vmm smp` prints (-smp 2): the same VM with the vCPU thread pinned
# to CPU 1 and a busy loop on CPU 0, its timer firing five times.
KVM_VMM_SMP_EXPECTED = ("vmm: vCPU thread pinned to CPU 1, a busy loop to CPU 0\n"
                        + KVM_VMM_EXPECTED.replace("vmm: mmio write addr=0x20000020 len=4 data=0x1b\n",
                                                   "vmm: mmio write addr=0x20000020 len=4 data=0x1b\n" * 5)
                        .replace("done after 11 exits", "done after 15 exits")
                        .replace("status 0\n", "vmm: every KVM_RUN returned on CPU 1; the busy loop ran on CPU 0 throughout\n"
                                 "status 0\n"))
# What `kvm-vmm gic2` prints (gic-version=2): the same exits through a vGICv2;
# KVM leaves ID_AA64PFR0_EL1.GIC as the host's, 0 (no GICv3 system registers).
KVM_VMM_GIC2_EXPECTED = KVM_VMM_EXPECTED.replace("addr=0x20000030 len=8 data=0x1000000", "addr=0x20000030 len=8 data=0x0")
KVM_DIR = os.path.join(ROOT, ".build", "kvm")
# The configurations that also boot the kernel as a nested guest, and how.
NESTED = {"jit-max-kvm-vhe", "interp-max-kvm-vhe"}
NESTED_COMMAND = 'kvm-vmm boot /kvm/Image /kvm/initrd "console=ttyAMA0 quiet"; echo status $?'
NESTED_MARKER = b"NESTED-INIT-OK"
# What the kernel prints when KVM is ready, per mode.
KVM_READY = {"vhe": b"kvm [1]: VHE mode initialized successfully", "nvhe": b"kvm [1]: Hyp mode initialized successfully",
             "protected": b"kvm [1]: Protected nVHE mode initialized successfully"}

# Anywhere in a session (the kernel goes on logging after the shell starts).
STALLS = re.compile(rb"(?i)(rcu.*stall|soft lockup|hung task|WARNING:|BUG:)")


def interrupt_counts(text):
    """{name: total count} from /proc/interrupts."""
    counts = {}
    for line in (text or "").splitlines()[1:]:
        parts = line.split()
        if len(parts) < 3 or not parts[0].endswith(":"):
            continue
        n = 0
        for p in parts[1:]:
            if p.isdigit():
                n += int(p)
            else:
                break
        counts[" ".join(parts[-2:]) if not parts[-1].isdigit() else parts[0]] = n
    return counts


def find(counts, needle):
    return sum(v for k, v in counts.items() if needle in k)


def ipi_counts(text):
    """Per CPU, the sum of the IPI rows of /proc/interrupts (None if unreadable)."""
    lines = (text or "").splitlines()
    if not lines:
        return None
    ncpu = len(lines[0].split())
    totals = [0] * ncpu
    for line in lines[1:]:
        parts = line.split()
        if not parts or not re.match(r"IPI\d+:$", parts[0]):
            continue
        for i, p in enumerate(parts[1:1 + ncpu]):
            if p.isdigit():
                totals[i] += int(p)
    return totals


def build_kvm_initramfs():
    """.build/kvm/initramfs: the Linux test's initramfs plus /bin/kvm-vmm;
    .build/kvm/initramfs-nested: that plus /kvm/Image (the same kernel) and
    /kvm/initrd (Tests/KVM/nested_init.c as /init). Returns None, or why they
    could not be built."""
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if gcc is None:
        return "aarch64-linux-gnu-gcc is missing (scripts/setup.sh installs gcc-aarch64-linux-gnu)"

    def compile(sources, out):
        r = subprocess.run([gcc, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out]
                           + [os.path.join(ROOT, "Tests", "KVM", f) for f in sources], capture_output=True, text=True)
        return None if r.returncode == 0 else f"cannot build Tests/KVM/{sources[0]}: " + (r.stderr.strip().splitlines() or ["?"])[-1]

    def cpio(folder, out):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lib", "mkcpio.py"), folder], capture_output=True)
        if r.returncode != 0:
            return f"cannot write {out} (scripts/lib/mkcpio.py)"
        with open(out, "wb") as f:
            f.write(r.stdout)
        return None

    root, nested = os.path.join(KVM_DIR, "root"), os.path.join(KVM_DIR, "nested-root")
    for d in (root, nested):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(os.path.join(LINUX, "root"), root, symlinks=True)
    os.makedirs(nested)
    why = (compile(["kvm_vmm.c", "kvm_vmm_boot.c"], os.path.join(root, "bin", "kvm-vmm"))
           or compile(["nested_init.c"], os.path.join(nested, "init"))
           or cpio(root, os.path.join(KVM_DIR, "initramfs")))
    if why:
        return why
    os.makedirs(os.path.join(root, "kvm"))
    shutil.copy(os.path.join(LINUX, "Image"), os.path.join(root, "kvm", "Image"))
    return (cpio(nested, os.path.join(root, "kvm", "initrd"))
            or cpio(root, os.path.join(KVM_DIR, "initramfs-nested")))


def boot_command(subject, engine, cpu, gic, reboot=None, kvm=None, smp=1, nested=False):
    machine = "virt" + (",virtualization=on" if kvm else "") + (f",gic-version={gic}" if gic else "")
    append = "console=ttyAMA0" + (f" kvm-arm.mode={kvm}" if kvm in ("nvhe", "protected") else "")
    cmd = gs.emulator(subject, engine)
    if reboot == "no-reboot":
        cmd.append("-no-reboot")
    if smp > 1:
        cmd += ["-smp", str(smp)]
    initrd = os.path.join(KVM_DIR if kvm else LINUX, "initramfs-nested" if nested else "initramfs")
    return cmd + ["-M", machine, "-cpu", cpu, "-m", "1G", "-nographic",
                  "-kernel", os.path.join(LINUX, "Image"), "-initrd", initrd, "-append", append]


def run_session(cmd, timeout, transcript=None, reboot=None, kvm=None, smp=1, reference=False, nested=False, gic=None):
    """Boots, drives the shell, powers off (`reboot`: see CONFIGS; `reference`:
    QEMU's boot; `nested`: boots the nested guest too). Returns its gs.Checks
    (the transcript in .out)."""
    s = gs.Session(cmd, timeout)
    r = gs.Checks()
    check, times = r.check, r.times
    m = s.shell(timeout)
    check("boots to the shell prompt", m is not None, "last lines: " + s.last_lines())
    if m is not None:
        times["prompt"] = s.elapsed()
        release = open(os.path.join(LINUX, "kernel-release")).read().strip()
        if kvm:
            ready = KVM_READY[kvm]
            check(f"KVM ready: {ready.decode()}", ready in bytes(s.out),
                  " | ".join(l.decode(errors="replace") for l in bytes(s.out).splitlines() if b"kvm" in l)[:400])
        if kvm and gic == "2":
            check("KVM's vgic-v2 probe: the GICv2 virtual interface and its maintenance interrupt",
                  b"kvm [1]: vgic interrupt IRQ" in bytes(s.out),
                  " | ".join(l.decode(errors="replace") for l in bytes(s.out).splitlines() if b"vgic" in l)[:400])
        if kvm:
            v2 = gic == "2"
            got = s.command("kvm-vmm" + (" gic2" if v2 else "") + "; echo status $?", 120)
            times["kvm-vmm"] = s.elapsed()
            vmm = "" if got is None else "".join(l + "\n" for l in got.splitlines() if not STAMP.match(l.encode()))
            check(f"kvm-vmm{' gic2' if v2 else ''}: a VM's MMIO exits, PSCI hypercalls, vGIC timer interrupt, a trapped ID register",
                  vmm == (KVM_VMM_GIC2_EXPECTED if v2 else KVM_VMM_EXPECTED), f"got {got!r}")
            if smp > 1:
                got = s.command("kvm-vmm smp; echo status $?", 240)
                times["kvm-vmm smp"] = s.elapsed()
                vmm = "" if got is None else "".join(l + "\n" for l in got.splitlines() if not STAMP.match(l.encode()))
                check("kvm-vmm smp: the VM's vCPU pinned to CPU 1, a busy loop on CPU 0: the same exits, five timer interrupts",
                      vmm == KVM_VMM_SMP_EXPECTED, f"got {got!r}")
            if nested:
                start = s.elapsed()
                s.type(NESTED_COMMAND)
                m = s.expect(NESTED_MARKER + rb" (\S+)\r?\n", 600)
                if m:
                    times["nested marker (from the command)"] = s.elapsed() - start
                check("kvm-vmm boot: the kernel as a nested guest reaches its /init",
                      m is not None and m.group(1).decode() == release, "last lines: " + s.last_lines(4))
                m = s.expect(rb"vmm: the guest powered off[^\n]*\n.*?status (\d+)", 120)
                check("kvm-vmm boot: the nested guest powers off (PSCI SYSTEM_OFF), the VMM ends with status 0",
                      m is not None and m.group(1) == b"0", "last lines: " + s.last_lines(4))
        got = s.command("uname -r")
        check("uname -r", got is not None and got.strip() == release, f"got {got!r}, expected {release!r}")
        first = interrupt_counts(s.command("cat /proc/interrupts"))
        second = interrupt_counts(s.command("sleep 1; cat /proc/interrupts"))
        for what in ("arch_timer", "uart-pl011"):
            a, b = find(first, what), find(second, what)
            check(f"/proc/interrupts: {what} count rises", b > a > 0, f"{a} then {b} ({sorted(second)})")
        got = s.command("date +%s")
        now = time.time()
        try:
            skew = abs(int(got.strip()) - now)
        except (ValueError, AttributeError):
            skew = None
        check("date: the RTC's time (the host's, within 2 minutes)", skew is not None and skew < 120,
              f"got {got!r}, host {int(now)}")
        if smp > 1:
            got = s.command("grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online")
            # Without the kernel's lines that the console interleaves.
            words = None if got is None else [w for l in got.splitlines() if not STAMP.match(l.encode())
                                              for w in l.split()]
            check(f"{smp} CPUs online (/proc/cpuinfo, /sys/devices/system/cpu/online)",
                  words == [str(smp), f"0-{smp - 1}"], f"got {got!r}")
            before = ipi_counts(s.command("cat /proc/interrupts"))
            # One busy loop per CPU, each printing its number when done.
            loops = " ".join(f"(i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo loop{n}) &" for n in range(smp))
            got = s.command(f"{loops} wait", seconds=240)
            done = sorted(re.findall(r"loop(\d+)", got or ""))
            check(f"{smp} busy loops in parallel run to completion", done == [str(n) for n in range(smp)], f"got {got!r}")
            after = ipi_counts(s.command("cat /proc/interrupts"))
            check("/proc/interrupts: every CPU's IPI count rises across the parallel loops",
                  before and after and len(before) == len(after) == smp
                  and all(b > a for a, b in zip(before, after)), f"{before} then {after}")
        expected = open(os.path.join(LINUX, "root", "test", "hello.sha256")).read().split()[0]
        got = s.command("sha256sum /test/hello.txt")
        check("sha256sum of /test/hello.txt", got is not None and got.split()[:1] == [expected], f"got {got!r}")
        if reboot == "no-reboot":
            r.ends(s, b"reboot -f\n", "reboot -f with -no-reboot", min(30, s.deadline - time.monotonic()))
        else:
            if reboot == "reboot":
                s.type("reboot -f")
                m = s.shell(s.deadline - time.monotonic())
                check("reboot -f restarts the machine and reaches the shell again", m is not None,
                      "last lines: " + s.last_lines())
                if m is not None:
                    times["second prompt"] = s.elapsed()
                    got = s.command("uname -r")
                    check("uname -r after the reboot", got is not None and got.strip() == release, f"got {got!r}")
            r.ends(s, b"poweroff -f\n", "poweroff -f", min(30, s.deadline - time.monotonic()))
            times["poweroff"] = s.elapsed()
    else:
        s.finish(0.1)
    r.close(s)
    if smp > 1 and not reference:
        # Not asked of QEMU's reference boots: on a loaded host its CPU threads
        # starve long enough for the kernel's watchdogs to fire.
        stalls = [l for l in bytes(s.out).split(b"\n") if STALLS.search(l)]
        check("no RCU stall, soft lockup or WARNING in the whole session", not stalls,
              " | ".join(l.decode(errors="replace").strip() for l in stalls[:4]))
    if transcript:
        with open(transcript, "wb") as f:
            f.write(r.out)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    gs.config_options(ap, CONFIGS, 900.0, jobs=2)
    ap.add_argument("--nested", action="store_true", help="the nested boot in every VHE configuration")
    a = ap.parse_args()
    if a.list:
        for name, (engine, cpu, gic, reboot, kvm, smp) in CONFIGS.items():
            print(f"{name}: -accel {engine} -cpu {cpu}" + (f" gic-version={gic}" if gic else "")
                  + (f" ({reboot})" if reboot else "") + (f" virtualization=on (KVM {kvm})" if kvm else "")
                  + (f" -smp {smp}" if smp > 1 else ""))
        return 0
    subject = gs.subject_of("test-linux", a, [os.path.join(LINUX, f) for f in ("Image", "initramfs", "kernel-release")],
                            "run scripts/setup-linux.sh")
    if subject is None:
        return 2
    names = a.config or list(CONFIGS)
    if any(CONFIGS[n][4] for n in names):
        why = build_kvm_initramfs()
        if why:
            print(f"test-linux: {why}", file=sys.stderr)
            return 2
    # QEMU's log for each (cpu, gic, kvm, CPUs) the configurations use: the reference.
    references = sorted({(CONFIGS[n][1], CONFIGS[n][2], CONFIGS[n][4], CONFIGS[n][5]) for n in names}, key=str)
    # QEMU's reference boots the nested guest too when a configuration with its keys does.
    nested_names = NESTED | ({n for n in CONFIGS if CONFIGS[n][4] == "vhe"} if a.nested else set())
    nested_refs = {(CONFIGS[n][1], CONFIGS[n][2], CONFIGS[n][4], CONFIGS[n][5]) for n in names if n in nested_names}
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for cpu, gic, kvm, smp in references:
            t = a.transcripts and os.path.join(a.transcripts, f"qemu-{cpu}-gic{gic or 'default'}"
                                               f"{'-kvm-' + kvm if kvm else ''}{f'-smp{smp}' if smp > 1 else ''}.txt")
            nested = (cpu, gic, kvm, smp) in nested_refs
            jobs[("qemu", cpu, gic, kvm, smp)] = pool.submit(
                run_session, boot_command("qemu", "tcg", cpu, gic, kvm=kvm, smp=smp, nested=nested), a.timeout, t, None,
                kvm, smp, True, nested, gic)
        for n in names:
            engine, cpu, gic, reboot, kvm, smp = CONFIGS[n]
            t = a.transcripts and os.path.join(a.transcripts, f"{n}.txt")
            jobs[n] = pool.submit(run_session, boot_command(subject, engine, cpu, gic, reboot, kvm, smp, n in nested_names),
                                  a.timeout, t, reboot, kvm, smp, False, n in nested_names, gic)
    tally = gs.Tally()
    for n in names:
        engine, cpu, gic, _, kvm, smp = CONFIGS[n]
        r, q = jobs[n].result(), jobs[("qemu", cpu, gic, kvm, smp)].result()
        if not gs.report_run(tally, n, r, q, "boot"):
            continue
        gs.report_unexplained(tally, n, r.out, q.out)
        print(f"     [{n}] times: {gs.format_times(r.times)}; QEMU 7.2: {gs.format_times(q.times)}")
    return tally.summary()

if __name__ == "__main__":
    sys.exit(main())
