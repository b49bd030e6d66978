"""A small QMP client over a unix socket (scripts/test-pci.py's hot-plug
session): connect (retrying while the emulator starts), read the greeting,
run commands, keep the events met on the way and wait for one by name.
"""
import json
import socket
import time


class QMPClient:
    def __init__(self, path, deadline=60):
        end = time.time() + deadline
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > end:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.events = []
        self.greeting = self.read()
        self.cmd("qmp_capabilities")

    def read(self, timeout=60):
        self.s.settimeout(timeout)
        while b"\n" not in self.buf:
            data = self.s.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, execute, arguments=None):
        """The reply to one command; events met on the way are kept."""
        req = {"execute": execute}
        if arguments is not None:
            req["arguments"] = arguments
        self.s.sendall(json.dumps(req).encode() + b"\n")
        while True:
            m = self.read()
            if "event" in m:
                self.events.append(m)
            else:
                return m

    def wait_event(self, name, timeout=60):
        """The next event called `name` (its timestamp dropped), or None."""
        end = time.time() + timeout
        while True:
            for e in self.events:
                if e["event"] == name:
                    self.events.remove(e)
                    e.pop("timestamp", None)
                    return e
            left = end - time.time()
            if left <= 0:
                return None
            try:
                m = self.read(left)
            except (socket.timeout, EOFError, OSError):
                return None
            if "event" in m:
                self.events.append(m)

    def close(self):
        self.s.close()
