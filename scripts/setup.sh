#!/usr/bin/env bash
# Installs what Armature and its tests need on a Debian machine that has the
# Swift toolchain: libffi (the helper calls of the interpreter), Capstone (the
# x86-64 disassembler of -d out_asm), libfdt (the virt board's device tree),
# zlib (gzip-compressed kernels), libslirp (user-mode networking), the device-tree compiler (dtc: the test
# comparing our device tree with QEMU's), QEMU 7.2 (the reference emulator, and
# ipxe-qemu: the option ROM of the virt board's default NIC, without which QEMU
# does not start), Python 3 (test runners), gdb-multiarch (the gdb stub's test).
# Idempotent: installs only what is missing, and runs apt-get update only then.
# Never edits apt sources.
set -euo pipefail

packages=(libffi-dev libcapstone-dev libfdt-dev zlib1g-dev libslirp-dev device-tree-compiler pkg-config qemu-system-arm ipxe-qemu python3 gdb-multiarch e2fsprogs gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The toolchain's clang and ld.lld build the guest programs.
toolbin="$(dirname "$(command -v swiftc)")"
for t in clang ld.lld llvm-objdump; do
    [ -x "$toolbin/$t" ] || { echo "setup: the Swift toolchain has no $t in $toolbin" >&2; exit 1; }
done
echo "setup: ready (qemu: $(qemu-system-aarch64 --version | head -1))"
