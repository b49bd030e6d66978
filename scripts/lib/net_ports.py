"""TCP ports for the servers the script tests start (gdb stubs, QMP, hostfwd)."""
import socket


def free_port():
    """A port on 127.0.0.1 that nothing listens on now (the kernel's choice)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
