"""The faults' own services, so nothing shared is ever stopped: a redis-server of our own on a free
port (restartable), and a loopback TCP proxy in front of PostgreSQL that can be cut and restored
(the database "goes away" for the web processes while the shared server keeps running)."""
import shutil
import socket
import threading
import time
from pathlib import Path

from deploy.processes import Service, free_port


class RedisServer:
    """A redis-server child without persistence: a restart loses the queue and every group, the
    harshest case (docs/deploy.md recommends appendonly in production)."""

    def __init__(self, var_dir: Path):
        self.port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.service = Service("redis", [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(var_dir)],
                               env={}, log_path=Path(var_dir) / "redis.log", ready_text="Ready to accept connections")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.service.start(timeout=20)
        return self

    def stop(self) -> None:
        self.service.stop(grace=5)

    def restart(self, down_seconds: float = 0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


class TcpProxy:
    """127.0.0.1:<port> -> target. ``cut()`` resets every connection and refuses new ones (as a
    crashed or restarting database does); ``restore()`` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, int(target_port))
        self.port = free_port()
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._listener: socket.socket | None = None
        self.accepted = 0

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.2)  # so the accept loop notices a cut
        self._listener = listener
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True, name="proxy-accept").start()
        return self

    restore = start

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                _close(sock)

    close = cut

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            pair = (client, upstream)
            with self._lock:
                if self._listener is not listener:  # cut while we connected
                    _close(client), _close(upstream)
                    return
                self._pairs.add(pair)
                self.accepted += 1
            for src, dst in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(src, dst, pair), daemon=True, name="proxy-pump").start()

    def _pump(self, src, dst, pair) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._pairs.discard(pair)
            _close(src), _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
