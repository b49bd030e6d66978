#!/usr/bin/env bash
# The gdb stub end to end, under each engine (ARMATURE_ENGINES, default interp,jit):
#   1. gdb-multiarch drives a session on Tests/Guests/c_gdb_target.c started with
#      -S -gdb tcp::PORT: breakpoint on a function, registers, a register write,
#      memory, stepi, a hardware watchpoint (old/new values, where it stops:
#      compared with the same session under QEMU 7.2), monitor commands,
#      detach; then the guest must finish with the output the register write
#      implies and exit status 0.
#   2. A raw protocol client (Python) checks what gdb does not show: qSupported,
#      target.xml, p/P, M/X writes, vCont steps, Ctrl-C (0x03) stopping a guest
#      spinning in a chained loop, and k ending Armature.
#   3. scripts/test-gdb-stops.py: a second connection refused at once, p/P with
#      register numbers past 2^63, an exception loop, a WFI nothing can wake and
#      the guest's end reported to the attached debugger instead of ending the run.
#   4. scripts/test-gdb-threads.py: -smp 4 (Tests/Guests/c_gdb_smp_target.c), each
#      CPU a thread: gdb-multiarch's info threads, thread switches, breakpoint and
#      watchpoint hits on other CPUs, stepi, all CPUs stopped while gdb looks,
#      compared with the same gdb session under QEMU 7.2; thread packets (qfThreadInfo,
#      qThreadExtraInfo, T, Hg/Hc, vCont per thread, multiprocess ids).
# Installs nothing: without gdb-multiarch (scripts/setup.sh installs it) part 1
# is skipped, or fails with ARMATURE_STRICT_REFERENCES=1 (scripts/test.sh).
# Env: ARMATURE (default .build/release/armature).
# Prints "N passed, N failed"; the exit status is non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ARMATURE="${ARMATURE:-$ROOT/.build/release/armature}"
ENGINES="${ARMATURE_ENGINES:-interp,jit}"
GUEST="$ROOT/.build/guests/c_gdb_target.elf"
SMP_GUEST="$ROOT/.build/guests/c_gdb_smp_target.elf"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"; [ -n "${EMU_PID:-}" ] && kill "$EMU_PID" 2>/dev/null; [ -n "${QEMU_PID:-}" ] && kill "$QEMU_PID" 2>/dev/null' EXIT

passed=0; failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

if [ ! -x "$ARMATURE" ]; then
    swift build -c release --product armature 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
fi
[ -x "$ARMATURE" ] || { echo "test-gdb: no armature at $ARMATURE" >&2; exit 1; }
if [ ! -f "$GUEST" ] || [ "$ROOT/Tests/Guests/c_gdb_target.c" -nt "$GUEST" ]; then
    scripts/build-guests.sh c_gdb_target >/dev/null || { echo "test-gdb: cannot build the guest" >&2; exit 1; }
fi
if [ ! -f "$SMP_GUEST" ] || [ "$ROOT/Tests/Guests/c_gdb_smp_target.c" -nt "$SMP_GUEST" ]; then
    scripts/build-guests.sh c_gdb_smp_target >/dev/null || { echo "test-gdb: cannot build the guest" >&2; exit 1; }
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

listening() {
    python3 - "$1" <<'EOF'
import sys
port = "%04X" % int(sys.argv[1])
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(f).read().splitlines()[1:]
    except OSError:
        continue
    for r in rows:
        cols = r.split()
        if cols[1].endswith(":" + port) and cols[3] == "0A":
            sys.exit(0)
sys.exit(1)
EOF
}

# Starts Armature in the background on a free port: sets PORT, EMU_PID, and
# OUT/ERR (its stdout and stderr files). Arguments: engine, extra options...
start_armature() {
    local engine="$1"; shift
    PORT="$(free_port)"
    OUT="$TMP/out.$engine.$PORT"; ERR="$TMP/err.$engine.$PORT"
    "$ARMATURE" -M virt -cpu max -nographic -semihosting -accel "$engine" -S -gdb "tcp::$PORT" "$@" \
        >"$OUT" 2>"$ERR" </dev/null &
    EMU_PID=$!
    # Listening before the first instruction: wait until the port is in LISTEN
    # state (without connecting: a connection is a debugger attaching).
    for _ in $(seq 1 100); do
        listening "$PORT" && return 0
        kill -0 "$EMU_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Waits for Armature to exit (at most 20 s); sets STATUS.
wait_armature() {
    for _ in $(seq 1 200); do
        kill -0 "$EMU_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$EMU_PID" 2>/dev/null; then kill "$EMU_PID"; STATUS=timeout; else wait "$EMU_PID"; STATUS=$?; fi
    EMU_PID=""
}

# check NAME FILE REGEX: passes when FILE has a line matching the extended regex.
check() {
    if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "no line matching /$3/"; fi
}

GDB="$(command -v gdb-multiarch || true)"
QEMU="$(command -v qemu-system-aarch64 || true)"

# The gdb session of part 1 against the stub on port $1 (Armature or QEMU 7.2).
gdb_session() {
    timeout 60 "$GDB" -batch -nx \
        -ex 'set architecture aarch64' -ex 'set pagination off' -ex 'set confirm off' \
        -ex "target remote :$1" \
        -ex 'break gdb_scale' -ex 'continue' \
        -ex 'info registers' \
        -ex 'set var $x0 = 7' -ex 'print/x $x0' \
        -ex 'x/4x &gdb_words' \
        -ex 'stepi' -ex 'print $pc' \
        -ex 'watch gdb_watched' -ex 'continue' -ex 'x/i $pc-4' -ex 'x/i $pc' \
        -ex 'continue' -ex 'x/i $pc-4' -ex 'print gdb_watched' \
        -ex 'monitor info mec' -ex 'monitor xp /4x 0x40080000' \
        -ex 'detach' "$GUEST"
}
IFS=',' read -r -a engines <<<"$ENGINES"
for engine in "${engines[@]}"; do
    # -- 1. a gdb session --
    if [ -z "$GDB" ] && [ "${ARMATURE_STRICT_REFERENCES:-0}" != 0 ]; then
        fail "[$engine] gdb session" "gdb-multiarch not installed (scripts/setup.sh installs it; ARMATURE_STRICT_REFERENCES is set)"
    elif [ -z "$GDB" ]; then
        echo "skip gdb session [$engine]: gdb-multiarch not installed (scripts/setup.sh installs it)"
    elif ! start_armature "$engine" -kernel "$GUEST"; then
        fail "[$engine] armature listens" "$(cat "$ERR" 2>/dev/null)"
        wait_armature
    else
        LOG="$TMP/gdb.$engine.log"
        gdb_session "$PORT" >"$LOG" 2>&1
        gdb_status=$?
        wait_armature
        t="[$engine]"
        [ "$gdb_status" -eq 0 ] && pass "$t gdb exits 0" || fail "$t gdb exits 0" "status $gdb_status"
        check "$t breakpoint hit at gdb_scale" "$LOG" '^Breakpoint 1, gdb_scale \(v=5\)'
        check "$t info registers: x0" "$LOG" '^x0 +0x5 +5$'
        check "$t info registers: pc" "$LOG" '^pc +0x[0-9a-f]+ +0x[0-9a-f]+ <gdb_scale>$'
        check "$t info registers: cpsr" "$LOG" '^cpsr +0x[0-9a-f]+ +\[ .*EL=1.* \]$'
        check "$t info registers: system registers" "$LOG" '^CurrentEL +0x4 +4$'
        check "$t register write" "$LOG" '^\$1 = 0x7$'
        check "$t memory" "$LOG" '<gdb_words>:[[:space:]]+0x11111111[[:space:]]+0x22222222[[:space:]]+0x33333333[[:space:]]+0x44444444'
        check "$t stepi" "$LOG" '^\$2 = .* <gdb_scale\+4>$'
        check "$t watchpoint set" "$LOG" '^Hardware watchpoint 2: gdb_watched$'
        check "$t watchpoint old value" "$LOG" '^Old value = 0$'
        check "$t watchpoint new value" "$LOG" '^New value = 22$'
        # gdb steps the store itself (AArch64 watchpoints stop before the
        # access): the stop is at the instruction after it, as under QEMU 7.2.
        check "$t watchpoint stop right after the store" "$LOG" '^   0x[0-9a-f]+ <main\+[0-9]+>:[[:space:]]+str[[:space:]]'
        check "$t second watchpoint hit" "$LOG" '^New value = 858993481$'
        if [ -n "$QEMU" ]; then
            QPORT="$(free_port)"
            "$QEMU" -M virt -cpu max -nographic -semihosting -S -gdb "tcp::$QPORT" -kernel "$GUEST" \
                >"$TMP/qemu.out" 2>&1 </dev/null &
            QEMU_PID=$!
            for _ in $(seq 1 100); do listening "$QPORT" && break; sleep 0.05; done
            gdb_session "$QPORT" >"$TMP/gdb.qemu.log" 2>&1
            kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null
            watch_lines() {
                sed -n '/^Hardware watchpoint 2/,$p' "$1" \
                    | grep -E '^(Hardware watchpoint|Old value|New value|main \(\) at|0x[0-9a-f]+ in main|=> |   0x|\$[0-9]+ = )'
            }
            if diff <(watch_lines "$TMP/gdb.qemu.log") <(watch_lines "$LOG") >"$TMP/watch.diff"; then
                pass "$t watchpoint stops match QEMU 7.2"
            else
                fail "$t watchpoint stops match QEMU 7.2" "$(head -c 600 "$TMP/watch.diff")"
            fi
        fi
        check "$t monitor info mec" "$LOG" '^MEC model: off/no tags yet$'
        check "$t monitor xp" "$LOG" '^0000000040080000: 0x[0-9a-f]{8} 0x[0-9a-f]{8} 0x[0-9a-f]{8} 0x[0-9a-f]{8}$'
        check "$t detach" "$LOG" 'Inferior 1 .* detached'
        check "$t guest sees x0 = 7" "$OUT" '^scaled: 0x0000000000000016$'
        check "$t guest runs to the end" "$OUT" '^PASS c_gdb_target$'
        [ "$STATUS" = 0 ] && pass "$t guest exit status 0" || fail "$t guest exit status 0" "status $STATUS; stderr: $(head -c 300 "$ERR")"
        [ "$failed" -eq 0 ] || { echo "--- gdb log ($engine)"; cat "$LOG"; echo "--- guest output"; cat "$OUT" "$ERR"; }
    fi

    # -- 2. the protocol itself --
    if ! start_armature "$engine" -kernel "$GUEST"; then
        fail "[$engine] armature listens (protocol)" "$(cat "$ERR" 2>/dev/null)"
        wait_armature
        continue
    fi
    RSP_LOG="$TMP/rsp.$engine.log"
    python3 - "$PORT" "$engine" >"$RSP_LOG" 2>&1 <<'PYEOF'
import socket, sys, time

port, engine = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), 5)
s.settimeout(10)
buf = b""
results = []

def report(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + "[%s] rsp: %s" % (engine, name) + ("" if ok else ": " + detail))

def frame(payload):
    body = payload if isinstance(payload, bytes) else payload.encode()
    return b"$" + body + b"#%02x" % (sum(body) % 256)

def read_packet():
    global buf
    while True:
        i = buf.find(b"$")
        if i >= 0:
            j = buf.find(b"#", i)
            if j >= 0 and len(buf) >= j + 3:
                body, cs = buf[i + 1:j], buf[j + 1:j + 3]
                buf = buf[j + 3:]
                assert int(cs, 16) == sum(body) % 256, "bad checksum from the stub"
                return body.decode("latin-1")
        chunk = s.recv(4096)
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk

def cmd(payload):
    s.sendall(frame(payload))
    return read_packet()

def le64(v): return v.to_bytes(8, "little").hex()

try:
    sup = cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=aarch64")
    report("qSupported", all(f in sup for f in ["PacketSize=", "qXfer:features:read+", "swbreak+", "hwbreak+", "vContSupported+"]), sup)
    report("QStartNoAckMode", cmd("QStartNoAckMode") == "OK")
    stop = cmd("?")
    report("? after -S", stop.startswith("T05"), stop)
    xml = ""
    while True:
        part = cmd("qXfer:features:read:target.xml:%x,400" % len(xml))
        xml += part[1:]
        if part[0] == "l": break
        if part[0] != "m": break
    report("target.xml", "org.gnu.gdb.aarch64.core" in xml and 'name="cpsr"' in xml and 'name="SCTLR_EL1"' in xml
           and 'name="ESR_EL3"' in xml and xml.rstrip().endswith("</target>"), xml[-200:])
    report("qC / thread info", cmd("qC") == "QCp01.01" and cmd("qfThreadInfo") == "mp01.01" and cmd("qsThreadInfo") == "l"
           and cmd("qAttached") == "1")
    pc = int.from_bytes(bytes.fromhex(cmd("p20")), "little")
    report("p pc (entry point)", pc == 0x40080000, hex(pc))
    # A loop to interrupt: 'b .' written with X (binary) at a free RAM address.
    loop = 0x40300000
    report("X write", cmd(b"X%x,4:" % loop + bytes.fromhex("00000014")) == "OK")
    report("m read back", cmd("m%x,4" % loop) == "00000014")
    # mov x5, #0x1234 ; b . (M, hex)
    code = 0x40300010
    report("M write", cmd("M%x,8:854682d200000014" % code) == "OK")
    report("P pc", cmd("P20=" + le64(code)) == "OK")
    report("P x5", cmd("P5=" + le64(0)) == "OK")
    st = cmd("vCont;s:1")
    report("vCont;s stops", st.startswith("T05"), st)
    x5 = int.from_bytes(bytes.fromhex(cmd("p5")), "little")
    pc = int.from_bytes(bytes.fromhex(cmd("p20")), "little")
    report("vCont;s runs one instruction", x5 == 0x1234 and pc == code + 4, "x5 %x pc %x" % (x5, pc))
    g = cmd("g")
    report("g", len(g) >= (31 * 8 + 8 + 8 + 4) * 2 and int.from_bytes(bytes.fromhex(g[5 * 16:6 * 16]), "little") == 0x1234, g[:100])
    # Breakpoint: Z0 at the loop, continue from the M code: stops there with swbreak.
    report("Z0", cmd("Z0,%x,4" % (code + 4)) == "OK")
    cmd("P20=" + le64(code))
    st = cmd("c")
    report("breakpoint stop reply", st.startswith("T05") and "swbreak:" in st, st)
    report("z0", cmd("z0,%x,4" % (code + 4)) == "OK")
    # Continue into the endless loop; Ctrl-C must stop it.
    s.sendall(frame("vCont;c"))
    time.sleep(0.5)
    s.sendall(b"\x03")
    st = read_packet()
    pc = int.from_bytes(bytes.fromhex(cmd("p20")), "little")
    report("Ctrl-C stops a spinning guest (SIGINT)", st.startswith("T02") and pc == code + 4, st + " pc %x" % pc)
    # A watchpoint on data the loop does not touch, then one it does (str x5, [x6]).
    report("M store code", cmd("M%x,8:c50000f900000014" % code) == "OK")   # str x5, [x6] ; b .
    cmd("P6=" + le64(0x40300100))
    cmd("P20=" + le64(code))
    report("Z2", cmd("Z2,40300100,8") == "OK")
    st = cmd("c")
    pc = int.from_bytes(bytes.fromhex(cmd("p20")), "little")
    # Stopped before the store (as QEMU 7.2 stops for gdb on Arm): PC at it, old memory.
    report("write watchpoint stop reply", st.startswith("T05") and "watch:40300100;" in st and pc == code, st + " pc %x" % pc)
    report("memory before the watched store", cmd("m40300100,8") == le64(0))
    st = cmd("vCont;s:1")
    pc = int.from_bytes(bytes.fromhex(cmd("p20")), "little")
    report("a step from the watchpoint stop performs the store", st.startswith("T05") and "watch" not in st and pc == code + 4,
           st + " pc %x" % pc)
    report("memory after the watched store", cmd("m40300100,8") == le64(0x1234))
    report("z2", cmd("z2,40300100,8") == "OK")
    mon = cmd("qRcmd," + b"info mec".hex())
    out = ""
    while mon.startswith("O") and mon != "OK":
        out += bytes.fromhex(mon[1:]).decode()
        mon = read_packet()
    report("qRcmd info mec", mon == "OK" and out == "MEC model: off/no tags yet\n", repr(out))
    mon = cmd("qRcmd," + b"xp /2g 0x40300010".hex())
    out = ""
    while mon.startswith("O") and mon != "OK":
        out += bytes.fromhex(mon[1:]).decode()
        mon = read_packet()
    report("qRcmd xp", out == "0000000040300010: 0x14000000f90000c5 0x0000000000000000\n", repr(out))
    s.sendall(frame("k"))
    s.close()
except Exception as e:
    report("protocol session", False, "%s: %s" % (type(e).__name__, e))
PYEOF
    wait_armature
    while IFS= read -r line; do
        case "$line" in
            "ok   "*) echo "$line"; passed=$((passed + 1)) ;;
            "FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
            *) echo "  $line" ;;
        esac
    done <"$RSP_LOG"
    t="[$engine]"
    [ "$STATUS" = 0 ] && pass "$t k ends armature with status 0" || fail "$t k ends armature with status 0" "status $STATUS"
    check "$t k says so on stderr" "$ERR" 'terminated via the gdb stub'
    [ -s "$OUT" ] && fail "$t nothing on stdout" "$(head -c 200 "$OUT")" || pass "$t nothing on stdout"

    # -- 3. a second debugger, huge register numbers, guest errors and the end while attached --
    while IFS= read -r line; do
        case "$line" in
            "ok   "*) echo "$line"; passed=$((passed + 1)) ;;
            "FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
            *) echo "  $line" ;;
        esac
    done < <(python3 scripts/test-gdb-stops.py "$ARMATURE" "$engine" "$TMP" 2>&1)

    # -- 4. several CPUs as threads --
    while IFS= read -r line; do
        case "$line" in
            "ok   "*) echo "$line"; passed=$((passed + 1)) ;;
            "FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
            *) echo "  $line" ;;
        esac
    done < <(python3 scripts/test-gdb-threads.py "$ARMATURE" "$engine" "$TMP" "$SMP_GUEST" 2>&1)
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
