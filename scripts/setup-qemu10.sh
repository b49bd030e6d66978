#!/usr/bin/env bash
# Fetches QEMU 10.0 (Debian bookworm-backports' qemu-system-arm) into
# .build/qemu10, as a second reference for what QEMU 7.2 lacks: FEAT_RME
# (`-cpu max,x-rme=on`). QEMU 10.0 has no FEAT_MEC model.
#
# It never touches the system's apt sources or installed packages
# (scripts/lib/private-apt.sh, apt's folder .build/qemu10-apt); the .deb is
# unpacked with dpkg -x.
# The binary's shared libraries are the ones QEMU 7.2 needs (scripts/setup.sh
# installs it). Idempotent; prints the binary's path on success.
#
#   scripts/setup-qemu10.sh        -> .build/qemu10/usr/bin/qemu-system-aarch64
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.build/qemu10"
BIN="$DEST/usr/bin/qemu-system-aarch64"
APT="$ROOT/.build/qemu10-apt"
. "$ROOT/scripts/lib/private-apt.sh"

works() { [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "version 10\."; }

if ! works; then
    rm -rf "$DEST"
    private_apt_init setup-qemu10 "$APT" bookworm-backports
    private_apt_download setup-qemu10 "$APT" "qemu-system-arm/bookworm-backports"
    dpkg -x "$APT"/deb/qemu-system-arm_*.deb "$DEST"
    if ! works; then
        echo "setup-qemu10: the unpacked QEMU does not run (missing libraries?):" >&2
        ldd "$BIN" 2>&1 | grep "not found" >&2 || true
        exit 1
    fi
fi
echo "$BIN"
