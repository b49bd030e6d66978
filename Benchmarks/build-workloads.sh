#!/usr/bin/env bash
# Builds the benchmark workloads (Benchmarks/Workloads/*.c) into
# .build/bench/<name>.elf with the Swift toolchain's clang and ld.lld,
# linked against the shared guest runtime in Tests/Guests/lib.
#
# usage: Benchmarks/build-workloads.sh [name ...]
#   SCALE=N   multiply every workload's amount of work by N (default 1;
#             checksums depend on it)
#   CC=...    clang to use (default: clang on PATH)
#   LD=...    ld.lld to use (default: ld.lld on PATH)
#   HOSTCC=.. host C compiler for the QEMU instruction-count plugin
#             (default: clang); the plugin is optional and skipped on error
#   BENCH_OUT=DIR  build into DIR instead of .build/bench
#   DEFINES=".."   extra -D options (e.g. -DITERATIONS=1000 for a short run)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/Benchmarks/Workloads"
LIB="$ROOT/Tests/Guests/lib"
OUT="${BENCH_OUT:-$ROOT/.build/bench}"
OBJ="$OUT/obj"
CC="${CC:-clang}"
LD="${LD:-ld.lld}"
SCALE="${SCALE:-1}"
HOSTCC="${HOSTCC:-clang}"

for f in start.S semihost.c semihost.h guest.ld; do
    if [[ ! -f "$LIB/$f" ]]; then
        echo "build-workloads: missing guest runtime file $LIB/$f" >&2
        exit 1
    fi
done
command -v "$CC" >/dev/null || { echo "build-workloads: no $CC on PATH" >&2; exit 1; }
command -v "$LD" >/dev/null || { echo "build-workloads: no $LD on PATH" >&2; exit 1; }

CFLAGS=(--target=aarch64-none-elf -O2 -mgeneral-regs-only -mstrict-align
        -ffreestanding -nostdlib -fno-builtin -fno-stack-protector
        -Wall -Wextra -Werror=implicit-function-declaration
        -I "$LIB" -I "$SRC" -DSCALE="$SCALE")
# shellcheck disable=SC2206
[[ -n "${DEFINES:-}" ]] && CFLAGS+=(${DEFINES})
# The FP/SIMD workloads (fp_*, simd_*): FP and vector registers allowed, -O3
# (clang's auto-vectorisation on), and the ISA of a typical Armv8.2-A target.
FP_CFLAGS=()
for f in "${CFLAGS[@]}"; do
    case "$f" in -mgeneral-regs-only|-O2) ;; *) FP_CFLAGS+=("$f") ;; esac
done
FP_CFLAGS+=(-O3 -fno-math-errno -march=armv8.2-a+fp16+crypto+dotprod)

mkdir -p "$OUT" "$OBJ"
"$CC" "${CFLAGS[@]}" -c "$LIB/start.S" -o "$OBJ/start.o"
"$CC" "${CFLAGS[@]}" -c "$LIB/semihost.c" -o "$OBJ/semihost.o"
"$CC" "${CFLAGS[@]}" -c "$SRC/support/mmu_on.c" -o "$OBJ/mmu_on.o"

# Optional: QEMU plugin that counts guest instructions (see Tools/qemu-insncount.c).
if "$HOSTCC" -O2 -shared -fPIC -Wall -o "$OUT/qemu-insncount.so" \
        "$ROOT/Benchmarks/Tools/qemu-insncount.c" 2>"$OBJ/plugin.log"; then
    echo "built $OUT/qemu-insncount.so"
else
    echo "build-workloads: note: QEMU instruction-count plugin not built (see $OBJ/plugin.log)" >&2
    rm -f "$OUT/qemu-insncount.so"
fi
# Optional: the allocation counter armature-translate reads (Tools/malloc-count.c).
if "$HOSTCC" -O2 -shared -fPIC -Wall -o "$OUT/malloc-count.so" \
        "$ROOT/Benchmarks/Tools/malloc-count.c" 2>"$OBJ/malloc-count.log"; then
    echo "built $OUT/malloc-count.so"
else
    echo "build-workloads: note: malloc-count.so not built (see $OBJ/malloc-count.log)" >&2
    rm -f "$OUT/malloc-count.so"
fi

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=()
    for c in "$SRC"/*.c; do names+=("$(basename "$c" .c)"); done
fi

# The harness checks results against Benchmarks/expected-checksums.txt only
# when the workloads were built at the scale that file was made for.
echo "$SCALE" > "$OUT/scale"

for n in "${names[@]}"; do
    c="$SRC/$n.c"
    [[ -f "$c" ]] || { echo "build-workloads: no workload $c" >&2; exit 1; }
    case "$n" in
        fp_*|simd_*) "$CC" "${FP_CFLAGS[@]}" -c "$c" -o "$OBJ/$n.o" ;;
        *) "$CC" "${CFLAGS[@]}" -c "$c" -o "$OBJ/$n.o" ;;
    esac
    "$LD" -T "$LIB/guest.ld" --no-undefined -o "$OUT/$n.elf" \
        "$OBJ/start.o" "$OBJ/$n.o" "$OBJ/semihost.o"
    # A workload that needs another machine (a line "BENCH-ARGS: <armature -M/-cpu options>")
    # gets <name>.args for the harness, and no -mmu variant (it sets up its own
    # translation); "BENCH-QEMU: no (<reason>)" writes <name>.noqemu: QEMU is not run.
    rm -f "$OUT/$n.args" "$OUT/$n.noqemu"
    args="$(sed -n 's/^.*BENCH-ARGS: *//p' "$c" | head -1)"
    noqemu="$(sed -n 's/^.*BENCH-QEMU: *no *//p' "$c" | head -1)"
    [[ -n "$noqemu" ]] && echo "$noqemu" > "$OUT/$n.noqemu"
    if [[ -n "$args" ]]; then
        echo "$args" > "$OUT/$n.args"
        rm -f "$OUT/$n-mmu.elf"
        echo "built $OUT/$n.elf (armature $args)"
        continue
    fi
    # The same workload with the MMU on (4 KiB pages, identity map): <name>-mmu.elf
    "$LD" -T "$LIB/guest.ld" --no-undefined --wrap=main -o "$OUT/$n-mmu.elf" \
        "$OBJ/start.o" "$OBJ/$n.o" "$OBJ/semihost.o" "$OBJ/mmu_on.o"
    echo "built $OUT/$n.elf $OUT/$n-mmu.elf"
done
