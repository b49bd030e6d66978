#!/usr/bin/env bash
# Everything the tests need, then the tests:
#   1. set-up (scripts/setup.sh, and the references fetched from Debian and PyPI:
#      QEMU 10.0 by setup-qemu10.sh, Unicorn by setup-unicorn.sh); imports against
#      Package.swift (check-imports.py)
#   2. release build; guest programs built with the toolchain's clang
#   3. guest tests under each engine, compared with QEMU 7.2, and the RME ones with
#      QEMU 10.0 (scripts/setup-qemu10.sh fetches it) (run-guests.py); the -smp
#      guests again, twice each with a host thread per CPU (stress-smp.py)
#   4. command-line and bad-input tests (test-cli.py); the device tree compared
#      with QEMU 7.2's node by node (compare-dtb.py); code pages that are written:
#      time, memory and results of two workloads under both engines (test-codepages.py)
#      malformed inputs (the ELF corpus, trace files, semihosting confinement) and
#      exit paths under a pseudo-terminal (test-inputs.py)
#   5. gdb stub sessions (test-gdb.sh: gdb-multiarch and a protocol client); QMP
#      sessions, reply shapes compared with QEMU 7.2's (test-qmp.py)
#   6. Linux: Debian's arm64 kernel and busybox (setup-linux.sh fetches them) boot
#      to the shell under both engines, -cpu max and cortex-a57, GICv2 and v3; the
#      shell is driven over the serial console and the kernel log compared with
#      QEMU 7.2's; -smp 2 and 4: every CPU online, IPIs, no RCU stall; at EL2 KVM
#      ready and a VM run by our VMM through /dev/kvm (test-linux.py);
#      the same kernel mounts an ext4 image from
#      virtio-blk, writes a file, and a second boot reads it back; e2fsck finds the
#      image clean; /dev/hwrng reads (test-disk.py)
#      test-pci.py: virtio-pci devices enumerated and used under Linux, MSI-X and INTx
#   7. Linux with Debian's generic kernel (setup-linux-generic.sh): a host folder over
#      virtio-9p (test-9p.py: reads, writes, renames, symlinks, mapped ownership,
#      readonly, escapes that must fail) and user-mode networking over virtio-net
#      (test-net.py: DHCP, a page from the host's loopback, hostfwd), both engines
#      EDK2 and U-Boot (setup-firmware.sh fetches them) boot from flash to their
#      prompts and that kernel through fw_cfg and from a virtio disk's EFI system
#      partition, EDK2 variables persist in a pflash drive; transcripts compared
#      with QEMU 7.2's (test-firmware.py)
#   8. unit tests (swift test, debug build)
# Long runs (benchmarks, fuzzing for hours) are not here: see Benchmarks/ and README.md.
#
# Every reference the tests compare against must be there: QEMU 7.2, QEMU 10.0,
# the toolchain's llvm-objdump, clang and ld.lld, Unicorn, gdb-multiarch. A set-up
# that cannot install one stops the run, and ARMATURE_STRICT_REFERENCES=1 makes
# every test that would skip for a missing reference fail instead.
set -uo pipefail
cd "$(dirname "$0")/.."
export ARMATURE_STRICT_REFERENCES=1

scripts/setup.sh || { echo "test: scripts/setup.sh failed" >&2; exit 1; }
# QEMU 10.0, the reference for FEAT_RME (QEMU 7.2 has none), downloaded into .build
# without touching apt sources.
scripts/setup-qemu10.sh >/dev/null || { echo "test: scripts/setup-qemu10.sh failed: QEMU 10.0 is the RME reference" >&2; exit 1; }
# Unicorn, the oracle of the interpreter-vs-Unicorn fuzz test.
scripts/setup-unicorn.sh || { echo "test: scripts/setup-unicorn.sh failed: Unicorn is a fuzzing reference" >&2; exit 1; }
# Debian's arm64 kernel and busybox, for the Linux test (private apt, .build/linux).
scripts/setup-linux.sh >/dev/null || { echo "test: scripts/setup-linux.sh failed: the Linux test needs the kernel" >&2; exit 1; }
# Debian's generic arm64 kernel (9p and virtio-net modules), for the shared-folder and network tests.
scripts/setup-linux-generic.sh >/dev/null || { echo "test: scripts/setup-linux-generic.sh failed: the 9p and network tests need the generic kernel" >&2; exit 1; }
# Debian's EDK2 and U-Boot, for the firmware test (private apt, .build/firmware).
scripts/setup-firmware.sh >/dev/null || { echo "test: scripts/setup-firmware.sh failed: the firmware test needs EDK2 and U-Boot" >&2; exit 1; }

stages=()
failed=0
run_stage() {
    local name="$1"; shift
    echo "=== $name"
    if "$@"; then stages+=("ok   $name"); else stages+=("FAIL $name"); failed=$((failed + 1)); fi
}

run_stage "imports match Package.swift" python3 scripts/check-imports.py

swift build -c release --product armature 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
if [ ! -x .build/release/armature ]; then echo "test: release build failed" >&2; exit 1; fi
scripts/build-guests.sh || exit 1

export ARMATURE="$PWD/.build/release/armature"
export ARMATURE_ENGINES="${ARMATURE_ENGINES:-interp,jit}"
run_stage "guest tests ($ARMATURE_ENGINES)" python3 scripts/run-guests.py
run_stage "several CPUs on host threads, repeated" python3 scripts/stress-smp.py --runs 2
run_stage "command line and bad input" python3 scripts/test-cli.py
run_stage "device tree vs QEMU 7.2" python3 scripts/compare-dtb.py
run_stage "code pages that are written" python3 scripts/test-codepages.py
run_stage "untrusted input and exit paths" python3 scripts/test-inputs.py
run_stage "gdb session" scripts/test-gdb.sh
run_stage "QMP session vs QEMU 7.2" python3 scripts/test-qmp.py
run_stage "Linux boots to a shell (vs QEMU 7.2)" python3 scripts/test-linux.py
run_stage "Linux: a 9p shared folder, escapes refused" python3 scripts/test-9p.py
run_stage "Linux: user-mode network (DHCP, wget, hostfwd)" python3 scripts/test-net.py
run_stage "EDK2 and U-Boot boot from flash (vs QEMU 7.2)" python3 scripts/test-firmware.py
run_stage "Linux on virtio-blk: ext4 written, read back, e2fsck clean" python3 scripts/test-disk.py
run_stage "PCI: virtio-blk-pci and virtio-rng-pci under Linux, MSI-X and INTx (vs QEMU 7.2)" python3 scripts/test-pci.py
run_stage "unit tests" swift test

echo "=== summary"
printf '%s\n' "${stages[@]}"
echo "$(( ${#stages[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
