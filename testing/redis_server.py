"""A real Redis server of the test's own, on its own port, that a test can stop, hang, resume and fill.

Clients reach it through a small TCP proxy, so that a test can make it *hang* the way a broken
network does: connections are still accepted, but nothing sent arrives and nothing comes back
(the commands are lost, not delayed), while the server keeps every key for when it answers again.
"""

import shutil
import signal
import subprocess
import tempfile
import time

import redis

from testing.servers import TcpProxy, free_port


class RedisServer:
    """One ``redis-server`` process, without persistence, that the test controls, behind a proxy."""

    def __init__(self):
        """Choose a port and a working folder; nothing runs yet."""
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="oc-test-redis-")
        self.process: subprocess.Popen | None = None
        self.proxy = TcpProxy(("127.0.0.1", self.port)).start()

    @property
    def url(self) -> str:
        """Return the URL the site uses (database 0), through the proxy."""
        return f"redis://127.0.0.1:{self.proxy.port}/0"

    def client(self) -> redis.Redis:
        """Return a plain client of the server, for the test to look inside."""
        return redis.Redis(port=self.port, socket_timeout=2)

    def start(self) -> "RedisServer":
        """Start the server and wait until it answers PING."""
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise TimeoutError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """Stop the server (its data is gone: it keeps nothing on disk)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def snapshot(self) -> None:
        """Write the data to disk now (``SAVE``); a restart loads it back, as a Redis restored from a backup does."""
        self.client().save()

    def restart(self) -> None:
        """Stop without saving and start again: the data is the last snapshot's, whatever changed since."""
        self.stop()
        self.start()

    def hang(self) -> None:
        """Make the server unreachable but not refused: connections open, commands vanish, no answer comes."""
        self.proxy.hang()

    def resume(self) -> None:
        """Let the server answer again, with every key it held (commands sent meanwhile were lost)."""
        self.proxy.resume()

    def fill(self, policy: str = "noeviction") -> int:
        """Cap the memory just above what is used, under ``policy``, and write until it is full; return keys.

        Under ``noeviction`` (and a ``volatile-*`` policy once no key with a timeout is left) Redis
        then refuses writes; under ``allkeys-*`` it evicts keys to make room, any of them.
        """
        client = self.client()
        used = client.info("memory")["used_memory"]
        client.config_set("maxmemory-policy", policy)
        client.config_set("maxmemory", used + 256 * 1024)
        written = 0
        try:
            while written < (100_000 if not policy.startswith("allkeys") else 1000):
                client.set(f"filler:{written}", "x" * 1024)
                written += 1
        except redis.exceptions.OutOfMemoryError:
            # Memory hovers at the cap; set it below what is used, so every write is refused (or evicts).
            client.config_set("maxmemory", client.info("memory")["used_memory"] - 64 * 1024)
            return written
        if policy.startswith("allkeys"):
            return written
        raise AssertionError("Redis never refused a write: the memory cap did not apply")

    def close(self) -> None:
        """Stop the server and the proxy, and remove its folder."""
        self.stop()
        self.proxy.close()
        shutil.rmtree(self.folder, ignore_errors=True)
