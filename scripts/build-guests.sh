#!/usr/bin/env bash
# Build every guest test program Tests/Guests/*.S|*.c into .build/guests/<name>.elf.
# The shared runtime (Tests/Guests/lib) is built into .build/guests/lib/.
# Usage: scripts/build-guests.sh [name-substring...]
# Env: CLANG, LLD (override the tools), GUEST_OUT (output dir).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/Tests/Guests"
LIB="$SRC/lib"
OUT="${GUEST_OUT:-$ROOT/.build/guests}"

TOOL_USER=build-guests
# shellcheck source=lib/toolchain.sh
. "$ROOT/scripts/lib/toolchain.sh"
CLANG="${CLANG:-$(find_tool clang)}"
LLD="${LLD:-$(find_tool ld.lld)}"
OBJCOPY="${OBJCOPY:-$(find_tool llvm-objcopy)}"

ARCH_FLAGS=(--target=aarch64-none-elf -march=armv8.5-a+lse+crc+rcpc -mcpu=generic)
CFLAGS=("${ARCH_FLAGS[@]}" -O2 -g -mgeneral-regs-only -ffreestanding -nostdlib -fno-builtin
        -mstrict-align -fno-pic -fno-stack-protector -fno-exceptions -fno-unwind-tables
        -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -Wno-unused-parameter
        -I"$LIB")
ASFLAGS=("${ARCH_FLAGS[@]}" -g -I"$LIB")
LDFLAGS=(-T "$LIB/guest.ld" -nostdlib -static --no-dynamic-linker -z max-page-size=4096)

mkdir -p "$OUT/lib" "$OUT/obj"

# FP/SIMD tests (fp_*, simd_*) are built with FP/SIMD code allowed (and FP16).
FP_CFLAGS=()
for f in "${CFLAGS[@]}"; do [ "$f" = -mgeneral-regs-only ] || FP_CFLAGS+=("$f"); done
FP_CFLAGS+=(-march=armv8.5-a+lse+crc+rcpc+fp16 -fno-vectorize -fno-slp-vectorize)

compile() {   # src obj
    local src="$1" obj="$2"
    case "$src" in
        */fp_*.c|*/simd_*.c) "$CLANG" "${FP_CFLAGS[@]}" -c "$src" -o "$obj" ;;
        *.c) "$CLANG" "${CFLAGS[@]}" -c "$src" -o "$obj" ;;
        *.S) "$CLANG" "${ASFLAGS[@]}" -c "$src" -o "$obj" ;;
        *) echo "build-guests: unknown source type $src" >&2; return 1 ;;
    esac
}

LIBOBJS=()
for src in "$LIB"/*.S "$LIB"/*.c; do
    [ -e "$src" ] || continue
    base="$(basename "$src")"; obj="$OUT/lib/${base%.*}.${base##*.}.o"
    compile "$src" "$obj" || { echo "build-guests: FAILED to compile $src" >&2; exit 1; }
    LIBOBJS+=("$obj")
done

count=0; failed=0
for src in "$SRC"/*.S "$SRC"/*.c; do
    [ -e "$src" ] || continue
    base="$(basename "$src")"; name="${base%.*}"
    if [ "$#" -gt 0 ]; then
        match=0; for pat in "$@"; do case "$name" in *"$pat"*) match=1 ;; esac; done
        [ "$match" = 1 ] || continue
    fi
    obj="$OUT/obj/$name.o"
    if ! compile "$src" "$obj"; then
        echo "build-guests: FAILED to compile $src" >&2; failed=$((failed+1)); continue
    fi
    # GUEST-FORMAT: image|image.gz|raw: also a kernel file, <name>.bin (run-guests.py).
    format="$(grep -oE 'GUEST-FORMAT: *(image\.gz|image|raw)' "$src" | head -1 | sed 's/.*: *//')" || true
    extra=()
    case "$format" in image|image.gz) extra=(--defsym=__link_base=0x40200000) ;; esac
    if ! "$LLD" "${LDFLAGS[@]}" "${extra[@]}" -o "$OUT/$name.elf" "${LIBOBJS[@]}" "$obj"; then
        echo "build-guests: FAILED to link $name" >&2; failed=$((failed+1)); continue
    fi
    if [ -n "$format" ]; then
        "$OBJCOPY" -O binary "$OUT/$name.elf" "$OUT/$name.bin"
        if [ "$format" = image.gz ]; then gzip -9 -n -c "$OUT/$name.bin" > "$OUT/$name.bin.gz" && mv "$OUT/$name.bin.gz" "$OUT/$name.bin"; fi
    fi
    count=$((count+1))
done

echo "build-guests: built $count guest(s) into $OUT"
if [ "$failed" -ne 0 ]; then
    echo "build-guests: $failed guest(s) FAILED to build" >&2
    exit 1
fi
