"""A loopback HTTP proxy that loses replies on purpose: for a request carrying DROP_HEADER it
forwards the request, waits for the server's whole reply, then closes the client's
connection without a byte. The server stored the answer; the client never heard."""

import socket
import threading
from collections import Counter

DROP_HEADER = "X-Chaos-Drop-Reply"
READ_SIZE = 65536


def _read_request(client: socket.socket) -> bytes:
    """One HTTP request: the head, then as many body bytes as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(READ_SIZE)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = client.recv(READ_SIZE)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _close_after_reply(request: bytes) -> bytes:
    """The request, asking the server to close the connection after its reply."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


class LossyProxy:
    """Listens on a free loopback port, one request per connection, in threads."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.dropped = 0
        self.dropped_statuses: Counter = Counter()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            request = _read_request(client)
            if not request:
                return
            try:
                with socket.create_connection(self.upstream, timeout=30) as server:
                    server.sendall(_close_after_reply(request))
                    reply = b""
                    while chunk := server.recv(READ_SIZE):
                        reply += chunk
            except OSError:
                return  # the client sees the connection close, as with a dead worker
            if DROP_HEADER.lower().encode() in request.split(b"\r\n\r\n")[0].lower():
                with self._lock:
                    self.dropped += 1
                    self.dropped_statuses[reply[9:12].decode(errors="replace")] += 1
                return
            client.sendall(reply)

    def close(self) -> None:
        self._listener.close()
