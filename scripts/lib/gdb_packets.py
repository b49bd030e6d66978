"""A gdb remote-protocol client for the test scripts: $payload#checksum framing
over TCP, one packet at a time (acknowledgements are skipped as they arrive)."""
import socket
import time


class GDBPacketClient:
    def __init__(self, port, deadline=10.0, timeout=20.0):
        """Connects to 127.0.0.1:port, retrying for `deadline` seconds while the
        emulator is still starting."""
        end = time.time() + deadline
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 5)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.s.settimeout(timeout)
        self.buf = b""

    def send(self, payload):
        body = payload.encode() if isinstance(payload, str) else payload
        self.s.sendall(b"$" + body + b"#%02x" % (sum(body) % 256))

    def packet(self):
        """The next packet's payload (text, latin-1)."""
        while True:
            i = self.buf.find(b"$")
            if i >= 0:
                j = self.buf.find(b"#", i)
                if j >= 0 and len(self.buf) >= j + 3:
                    body = self.buf[i + 1:j]
                    self.buf = self.buf[j + 3:]
                    return body.decode("latin-1")
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def cmd(self, payload):
        self.send(payload)
        return self.packet()
