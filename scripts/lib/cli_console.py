"""The console tests of scripts/test-cli.py: -nographic's Ctrl-A keys,
-serial stdio|mon:stdio|none, and the human monitor (Ctrl-A c and -monitor
stdio) compared with QEMU 7.2's."""

import os
import re
import shutil
import subprocess

from cli_harness import (ARMATURE, ROOT, STRICT, arm64_image, expect_error, missing_reference, pty_session, read_text,
                         report, run, write)


def monitor_lines(out):
    """The monitor's answers in a transcript, without QEMU's line redraws."""
    text = re.sub(r"\x1b\[[0-9]*[A-Za-z]", "", out)
    return [l.strip() for l in text.replace("\r", "\n").split("\n")
            if re.match(r"\s*(VM status|unknown command|system_reset|x: |xp: )", l)]


def monitor_tests(tmp, loop):
    """The monitor behind Ctrl-A c and on -monitor stdio, against QEMU 7.2."""
    keys = [b"\x01c", b"info status\r", b"stop\r", b"info status\r", b"cont\r", b"bogus\r",
            b"info status\r", b"\x01c", b"\x01c", b"quit\r"]
    rc, out = pty_session(["-nographic", "-kernel", loop], keys)
    ours = monitor_lines(out)
    report("-nographic: Ctrl-A c opens the monitor with its prompt", "(qemu) " in out and "monitor" in out, repr(out[:200]))
    report("monitor: stop, cont and info status", ours == ["VM status: running", "VM status: paused",
                                                           "unknown command: 'bogus'", "VM status: running"], repr(ours))
    report("monitor: quit ends the run with status 0", rc == 0, f"exit {rc}: {out[-200:]!r}")
    qemu = shutil.which("qemu-system-aarch64")
    if qemu:
        qrc, qout = pty_session(["-M", "virt", "-cpu", "max", "-nographic", "-kernel", loop], keys, program=[qemu])
        report("monitor: the same answers as QEMU 7.2's", monitor_lines(qout) == ours and qrc == rc,
               f"QEMU {monitor_lines(qout)!r} exit {qrc}")
    elif STRICT:
        report("monitor vs QEMU 7.2", False, "qemu-system-aarch64 is missing")
    rc, out = pty_session(["-nographic", "-kernel", loop], [b"\x01c", b"xp /2wx 0x40000000\r", b"x /1gx 0x40000000\r",
                                                            b"info registers\r", b"quit\r"])
    report("monitor: xp, x and info registers",
           re.search(r"0000000040000000: 0x[0-9a-f]{8} 0x[0-9a-f]{8}", out) is not None
           and re.search(r"0000000040000000: 0x[0-9a-f]{16}", out) is not None and "PC=" in out.upper() and rc == 0,
           repr(out[-400:]))
    p = subprocess.run([ARMATURE, "-monitor", "stdio", "-serial", "none", "-kernel", loop],
                       input=b"info status\nsystem_reset\nquit\n", capture_output=True, timeout=20)
    out = p.stdout.decode("utf-8", "replace")
    report("-monitor stdio -serial none: commands from a pipe", p.returncode == 0 and "VM status: running" in out
           and "(qemu) " in out, f"exit {p.returncode}: {out!r}")
    rc, out = pty_session(["-serial", "mon:stdio", "-monitor", "none", "-kernel", loop], [b"\x01c", b"\x01x"])
    report("mon:stdio -monitor none: Ctrl-A c says there is none", "no monitor" in out and rc == 0, repr(out[-200:]))
    expect_error("-monitor vc", ["-monitor", "vc", "-kernel", loop], "-monitor vc", "stdio")
    expect_error("-monitor stdio with the serial port on stdio", ["-monitor", "stdio", "-kernel", loop],
                 "-monitor stdio", "-serial none")


def serial_tests(tmp):
    """-nographic's Ctrl-A keys, -serial stdio and none."""
    loop = write(os.path.join(tmp, "loop.Image"), arm64_image())   # b . forever
    rc, out = pty_session(["-nographic", "-kernel", loop], [b"\x01h", b"\x03", b"\x01x"])
    report("-nographic: Ctrl-A h lists the keys", "Ctrl-A x" in out and "Ctrl-A c" in out, repr(out[-300:]))
    report("-nographic: Ctrl-C goes to the guest", "interrupted" not in out, repr(out[-300:]))
    report("-nographic: Ctrl-A x quits with status 0", rc == 0 and "terminated (Ctrl-A x)" in out, f"exit {rc}: {out[-200:]!r}")
    monitor_tests(tmp, loop)
    rc, out = pty_session(["-serial", "mon:stdio", "-kernel", loop], [b"\x01x"])
    report("-serial mon:stdio: Ctrl-A x quits", rc == 0, f"exit {rc}: {out[-200:]!r}")
    rc, out = pty_session(["-serial", "stdio", "-kernel", loop], [b"\x01x", b"\x03"])
    report("-serial stdio: no Ctrl-A keys, Ctrl-C stops Armature", rc == 130 and "terminated" not in out,
           f"exit {rc}: {out[-200:]!r}")
    guest = os.path.join(ROOT, ".build", "guests", "dev_pl011.elf")
    if os.path.exists(guest):
        rc, out, err = run(["-serial", "none", "-semihosting", "-kernel", guest])
        report("-serial none: the UART's output goes nowhere, semihosting's still shows",
               rc == 0 and "PASS dev_pl011" in out and "uart:" not in out, f"exit {rc}: {out[-300:]!r} {err!r}")
    else:
        missing_reference("-serial none", f"{guest} not found (run scripts/build-guests.sh)")
    expect_error("a second -serial without secure=on", ["-serial", "null", "-serial", "null", "-kernel", loop],
                 "-serial null", "secure=on")
    expect_error("three -serial", ["-M", "virt,secure=on", "-serial", "null", "-serial", "null", "-serial", "null",
                                   "-kernel", loop], "-serial", "two serial ports")
    expect_error("two -serial on stdio", ["-M", "virt,secure=on", "-serial", "stdio", "-serial", "stdio",
                                          "-kernel", loop], "stdio", "multiple")
    secure_serial_tests(tmp)


def secure_serial_tests(tmp):
    """A second -serial is the secure PL011 (secure=on), as QEMU's virt: the
    guest dev_secure_uart writes a line to it from Secure EL3 and Secure EL1;
    both files compared with QEMU 7.2's."""
    guest = os.path.join(ROOT, ".build", "guests", "dev_secure_uart.elf")
    if not os.path.exists(guest):
        missing_reference("second -serial", f"{guest} not found (run scripts/build-guests.sh)")
        return

    def files(program, prefix):
        ns, sec = os.path.join(tmp, prefix + "-uart0.txt"), os.path.join(tmp, prefix + "-uart1.txt")
        args = ["-M", "virt,secure=on", "-cpu", "max", "-semihosting", "-display", "none",
                "-serial", "file:" + ns, "-serial", "file:" + sec, "-kernel", guest]
        p = subprocess.run(program + args, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        return p.returncode, read_text(ns), read_text(sec)

    rc, ns, sec = files([ARMATURE], "arm")
    want = "secure UART: hello from Secure EL3\nsecure UART: hello from Secure EL1\n"
    report("-serial file:A -serial file:B: the secure UART's output goes to B", rc == 0 and sec == want and ns == "",
           f"exit {rc}, A {ns!r}, B {sec!r}")
    qemu = shutil.which("qemu-system-aarch64")
    if qemu:
        qrc, qns, qsec = files([qemu], "qemu")
        report("second -serial: the same files as QEMU 7.2's", (qrc, qns, qsec) == (rc, ns, sec),
               f"QEMU exit {qrc}, A {qns!r}, B {qsec!r}")
    elif STRICT:
        report("second -serial vs QEMU 7.2", False, "qemu-system-aarch64 is missing")


def _read_until(sock, needle, timeout=20):
    import select
    import time
    data = b""
    end = time.time() + timeout
    while needle not in data and time.time() < end:
        r, _, _ = select.select([sock], [], [], 0.2)
        if r:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data


def chardev_tests(tmp):
    """-chardev stdio|file|null|socket with -serial chardev:ID, -serial
    null|file:, and -display none / -vga none accepted silently."""
    import socket
    import time
    guest = os.path.join(ROOT, ".build", "guests", "dev_pl011.elf")
    rx_guest = os.path.join(ROOT, ".build", "guests", "dev_pl011_rx.elf")
    if not (os.path.exists(guest) and os.path.exists(rx_guest)):
        print(f"SKIP -chardev: {guest} or {rx_guest} not found (run scripts/build-guests.sh)")
        return
    uart_line = "uart: hello from the PL011"
    rc, out, err = run(["-display", "none", "-vga", "none", "-chardev", "stdio,id=console",
                        "-serial", "chardev:console", "-semihosting", "-kernel", guest])
    report("-chardev stdio with -serial chardev:ID (and -display/-vga none)",
           rc == 0 and uart_line in out and "PASS dev_pl011" in out and err == "", f"exit {rc}: {out[-200:]!r} {err!r}")
    path = os.path.join(tmp, "serial-out.txt")
    rc, out, err = run(["-chardev", f"file,id=f,path={path}", "-serial", "chardev:f", "-semihosting", "-kernel", guest])
    text = open(path, errors="replace").read() if os.path.exists(path) else ""
    report("-chardev file: the UART's output is in the file, not on stdout",
           rc == 0 and text.startswith(uart_line) and uart_line not in out and "PASS dev_pl011" in out,
           f"exit {rc}: file {text[:100]!r} stdout {out[-200:]!r}")
    path2 = os.path.join(tmp, "serial-out2.txt")
    rc, out, err = run(["-serial", f"file:{path2}", "-semihosting", "-kernel", guest])
    report("-serial file:PATH", rc == 0 and os.path.exists(path2) and open(path2, errors="replace").read() == text,
           f"exit {rc}: {err!r}")
    for args, name in [(["-chardev", "null,id=n", "-serial", "chardev:n"], "-chardev null"), (["-serial", "null"], "-serial null")]:
        rc, out, err = run(args + ["-semihosting", "-kernel", guest])
        report(f"{name}: the UART's output goes nowhere", rc == 0 and "uart:" not in out and "PASS dev_pl011" in out,
               f"exit {rc}: {out[-200:]!r} {err!r}")

    # A unix server (wait=on: the guest starts once the client is there) and
    # a TCP client: output reaches the socket, the socket's bytes the UART.
    sock_path = os.path.join(tmp, "serial.sock")
    p = subprocess.Popen([ARMATURE, "-chardev", f"socket,id=s,path={sock_path},server=on", "-serial", "chardev:s",
                          "-semihosting", "-kernel", rx_guest], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(200):
        try:
            c.connect(sock_path)
            break
        except OSError:
            time.sleep(0.05)
    c.sendall(b"hello pl011\n")
    got = _read_until(c, b"\n", timeout=10)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    c.close()
    out = out.decode(errors="replace")
    report("-chardev socket,path=,server=on: input from the client reaches the UART",
           p.returncode == 0 and "PASS dev_pl011_rx" in out and b"waiting" not in got,
           f"exit {p.returncode}: {out[-300:]!r} {err.decode(errors='replace')!r}")
    report("-chardev socket server=on: waits for its client, says so on stderr",
           b"waiting for connection on: unix:" in err, repr(err))

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    p = subprocess.Popen([ARMATURE, "-chardev", f"socket,id=s,host=127.0.0.1,port={port}", "-serial", "chardev:s",
                          "-semihosting", "-kernel", guest], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    srv.settimeout(20)
    try:
        conn, _ = srv.accept()
        got = _read_until(conn, b"u8", timeout=20)
        conn.close()
    except OSError as e:
        got = repr(e).encode()
    out, err = p.communicate(timeout=30)
    report("-chardev socket,host=,port= (client): the UART's output reaches the server",
           p.returncode == 0 and got.startswith(uart_line.encode()) and "PASS dev_pl011" in out.decode(errors="replace"),
           f"exit {p.returncode}: got {got[:120]!r} {err!r}")
    srv.close()

    # server=on,wait=off: the guest runs with no client (its output dropped).
    rc, out, err = run(["-chardev", f"socket,id=s,path={tmp}/nowait.sock,server=on,wait=off",
                        "-serial", "chardev:s", "-semihosting", "-kernel", guest])
    report("-chardev socket,server=on,wait=off: the guest runs without a client",
           rc == 0 and "PASS dev_pl011" in out and err == "", f"exit {rc}: {out[-200:]!r} {err!r}")

    expect_error("-serial chardev: of an unknown id", ["-serial", "chardev:nope", "-kernel", guest], "chardev:nope", "not found")
    expect_error("-chardev without id", ["-chardev", "stdio"], "-chardev stdio", "'id'")
    expect_error("-chardev duplicate id", ["-chardev", "null,id=a", "-chardev", "null,id=a"], "Duplicate chardev ID 'a'")
    expect_error("-chardev pty", ["-chardev", "pty,id=p"], "pty", "not supported")
    expect_error("-chardev file without path", ["-chardev", "file,id=f"], "no filename")
    expect_error("-chardev unknown key", ["-chardev", "null,id=n,frob=1"], "Invalid parameter 'frob'")
    expect_error("-chardev socket client with wait", ["-chardev", "socket,id=s,port=1,wait=off"], "'wait'")
    expect_error("-chardev socket to nothing", ["-chardev", f"socket,id=s,path={tmp}/none.sock", "-kernel", guest],
                 "Failed to connect", "none.sock")
    expect_error("-chardev file unwritable", ["-chardev", "file,id=f,path=/nonexistent/dir/x", "-kernel", guest],
                 "/nonexistent/dir/x")
    expect_error("two users of stdio", ["-chardev", "stdio,id=a", "-serial", "stdio"], "stdio", "multiple")
    expect_error("-display gtk", ["-display", "gtk"], "-display gtk", "none")
    expect_error("-vga std", ["-vga", "std"], "-vga std", "none")
