"""Real local servers for the tests and the benchmark: the start script, S3, a cuttable TCP proxy, a Sentry receiver.

No pytest here: ``bench/`` uses these too, so a failure is an exception with a clear message.
"""

import contextlib
import dataclasses
import gzip
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(ready, timeout: float, process: subprocess.Popen | None, waiting_for: str) -> float:
    """Call ``ready()`` every 0.1 s until it is true; return the seconds waited. Fail early if ``process`` died."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before {waiting_for}")
        if ready():
            return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout} s waiting for: {waiting_for}")


def wait_for_http(url: str, timeout: float = 30.0, process: subprocess.Popen | None = None) -> float:
    """Wait until ``url`` answers 200; return the seconds waited. Fail early if ``process`` died."""

    def answers() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    return _wait_until(answers, timeout, process, f"{url} answers 200")


def wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:``port``."""

    def listens() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    _wait_until(listens, timeout, process, f"something listens on port {port}")


def project_env(**overrides: str) -> dict[str, str]:
    """Return an environment for a project command: the venv first on PATH, no inherited Django settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY", "DSN"))}
    env.pop("DATABASE_URL", None)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(overrides)
    return env


def production_env(database_url: str, work: Path, **overrides: str) -> dict[str, str]:
    """Return the environment of a process with production settings on this machine.

    A fresh secret key, local hosts, a free port, static and media folders under ``work``, two
    workers; ``overrides`` change or add variables.
    """
    values = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "site_cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "2",
    }
    values.update(overrides)
    return project_env(**values)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with ``env``; raise with its output if it fails."""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


class ServiceUnavailableError(RuntimeError):
    """A service the tests or the benchmark need (PostgreSQL) is not running; the message says where."""


@contextlib.contextmanager
def fresh_postgres_database(prefix: str):
    """Create an empty PostgreSQL database, yield its name, drop it afterwards.

    Raises :class:`ServiceUnavailableError`, with a clear message, when PostgreSQL is not running.
    """
    import psycopg

    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        raise ServiceUnavailableError(f"PostgreSQL is needed at {POSTGRES_ADMIN_URL}: {error}") from error
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_server(args: list[str], env: dict[str, str], log_path: Path, *, timeout: float = 60):
    """Run ``bin/start`` with ``args``, wait until ``/healthz/live`` answers, yield a :class:`RunningServer`."""
    with log_path.open("w") as log:
        process = subprocess.Popen(["bin/start", *args], cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{env['PORT']}"
        started_in = wait_for_http(base_url + "/healthz/live", timeout=timeout, process=process)
        yield RunningServer(base_url, started_in, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclasses.dataclass
class RunningServer:
    """A started ``bin/start web``: its URL, how long it took to answer, and its (gunicorn master) process."""

    base_url: str
    started_in: float
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        """Return the process ids of the gunicorn workers (the children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def rss_mib(pid: int) -> float:
    """Return the resident memory of process ``pid`` in MiB (``VmRSS`` in ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"process {pid} has no VmRSS")


S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@contextlib.contextmanager
def running_s3(bucket: str):
    """Start moto's S3 server on a free port with a publicly readable ``bucket``; yield its endpoint URL."""
    import boto3

    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, timeout=30, process=server)
        s3 = boto3.client("s3", endpoint_url=endpoint, **S3_CREDENTIALS)
        s3.create_bucket(Bucket=bucket)
        # Visitors read media straight from the bucket, as the deployment guide sets it up.
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
            ],
        }
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """Return the environment variables that point media storage at the local S3 server."""
    return {
        "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": S3_CREDENTIALS["region_name"],
        "AWS_S3_REGION_NAME": S3_CREDENTIALS["region_name"],
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
    }


class TcpProxy:
    """Forwards 127.0.0.1:port to an upstream address.

    ``cut()`` drops and refuses connections until ``restore()``; ``hang()`` keeps them open but drops
    every byte both ways (a peer that accepts and never answers) until ``resume()``.

    A socket is closed only by the last thread that uses it: other threads only shut it down, which
    wakes a thread blocked on it. Closing a socket under a blocked thread would free its file
    descriptor for reuse while that thread still holds the number, and the thread would then read,
    write or accept on whatever socket the test opens next (seen as a Sentry ingest whose connections
    were reset by a proxy left over from an earlier test).
    """

    def __init__(self, upstream: tuple[str, int]):
        """Listen on a free port; nothing is forwarded until :meth:`start`."""
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_cut = False
        self.is_hung = False
        self.is_closed = False
        self.open_sockets: set[socket.socket] = set()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def start(self) -> "TcpProxy":
        """Accept connections in a background thread."""
        self._thread(self._accept)
        return self

    def _thread(self, target, *args) -> None:
        """Start a daemon thread and remember it, so that :meth:`close` can wait for it."""
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self.lock:
            self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        """Accept clients; while cut, close them at once. Ends when :meth:`close` shuts the listener down."""
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if self.is_cut or self.is_closed:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open_sockets.update((client, upstream))
            pair = {"client": client, "upstream": upstream, "running": 2}
            self._thread(self._pump, client, upstream, pair)
            self._thread(self._pump, upstream, client, pair)

    def _pump(self, source: socket.socket, target: socket.socket, pair: dict) -> None:
        """Copy bytes one way until either side closes; while hung, what arrives is dropped.

        The second of a pair's two pumps to end closes both sockets: only then is neither in use.
        """
        try:
            while chunk := source.recv(65536):
                if not self.is_hung:
                    target.sendall(chunk)
        except OSError:
            pass
        finally:
            self._shut(source)
            self._shut(target)
            with self.lock:
                pair["running"] -= 1
                last = pair["running"] == 0
                if last:
                    self.open_sockets.difference_update((source, target))
            if last:
                source.close()
                target.close()

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        """Shut a socket down both ways, which wakes a thread blocked on it; the socket stays open."""
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones, as if the database went away."""
        self.is_cut = True
        with self.lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            self._shut(sock)

    def restore(self) -> None:
        """Forward new connections again."""
        self.is_cut = False

    def hang(self) -> None:
        """Keep connections open but let nothing through, either way."""
        self.is_hung = True

    def resume(self) -> None:
        """Let bytes through again (those sent while hung are lost)."""
        self.is_hung = False

    def close(self) -> None:
        """Stop listening, drop everything and wait for every thread of the proxy to end."""
        self.is_closed = True
        self.cut()
        self._shut(self.listener)  # wakes the accept thread (Linux: accept() fails once the listener is shut)
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join(timeout=5)
        self.listener.close()


class SentryReceiver:
    """A Sentry ingest endpoint on 127.0.0.1 that keeps every envelope it receives, decompressed.

    ``envelopes`` holds them as text, ``raw_envelopes`` as the bytes that arrived (after gzip).
    """

    def __init__(self):
        """Start serving in a background thread."""
        self.envelopes: list[str] = []
        self.raw_envelopes: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            """Accepts ``POST /api/<project>/envelope/``."""

            def do_POST(self):
                """Store the (gzip-decoded) envelope and answer 200."""
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.raw_envelopes.append(body)
                receiver.envelopes.append(body.decode("utf-8", "replace"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                """Stay quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def dsn(self) -> str:
        """Return a DSN that points at this receiver."""
        return f"http://public0123456789abcdef@127.0.0.1:{self.port}/1"

    def events(self) -> list[dict]:
        """Return the error events received so far."""
        found = []
        for envelope in self.envelopes:
            for line in envelope.splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict) and "exception" in item:
                    found.append(item)
        return found

    def wait_for_event(self, timeout: float = 15.0) -> dict:
        """Wait for the first error event and return it."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if events := self.events():
                return events[0]
            time.sleep(0.1)
        raise TimeoutError(f"no Sentry event arrived within {timeout} s")

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def build_site(env: dict[str, str], lettings: int) -> float:
    """Collect static files, migrate and seed ``lettings`` lettings in ``env``'s database; return seconds seeding."""
    manage("collectstatic", "--noinput", env=env)
    manage("migrate", "--noinput", env=env)
    started = time.monotonic()
    subprocess.run([sys.executable, "bench/seed.py", str(lettings)], cwd=PROJECT_DIR, env=env, check=True)
    return time.monotonic() - started


class FeedServer:
    """An HTTP server on 127.0.0.1 serving calendar feeds that a test sets: ``serve(path, body)``.

    ``slow(path, seconds)`` makes a path answer its headers at once and then wait before the body,
    as a stalled channel does; ``trickle(path, seconds)`` sends the body a byte at a time;
    ``redirect(path, location)`` answers 302; a path never set answers 404. ``requests`` lists every
    request that reached the server as (path, Host header). Given an ``ssl_context`` (a test
    certificate authority's), it serves HTTPS.
    """

    def __init__(self, ssl_context=None):
        """Start serving in a background thread (HTTPS with ``ssl_context``)."""
        self.bodies: dict[str, bytes] = {}
        self.delays: dict[str, float] = {}
        self.trickles: dict[str, float] = {}
        self.redirects: dict[str, str] = {}
        self.requests: list[tuple[str, str]] = []
        self.scheme = "https" if ssl_context is not None else "http"
        server = self

        class Handler(BaseHTTPRequestHandler):
            """Answers GET with the body set for the path."""

            def do_GET(self):
                """Send the path's body (after its delay), a redirect, or 404."""
                server.requests.append((self.path, self.headers.get("Host", "")))
                if self.path in server.redirects:
                    self.send_response(302)
                    self.send_header("Location", server.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server.bodies.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                time.sleep(server.delays.get(self.path, 0))
                with contextlib.suppress(OSError):
                    if self.path in server.trickles:  # a byte at a time, each well within a read timeout
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(server.trickles[self.path])
                    else:
                        self.wfile.write(body)

            def log_message(self, *args):
                """Stay quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        # A short poll interval: close() waits for it, and a test starts and stops a server each time.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        """Return the port the server listens on (on 127.0.0.1)."""
        return self.server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """Return the full URL of ``path`` on this server, naming it ``host``."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def redirect(self, path: str, location: str) -> str:
        """Make ``path`` answer 302 to ``location``; return its URL."""
        self.redirects[path] = location
        return self.url(path)

    def serve(self, path: str, body: bytes) -> str:
        """Serve ``body`` at ``path``; return its URL."""
        self.bodies[path] = body
        return self.url(path)

    def slow(self, path: str, seconds: float) -> None:
        """Make ``path`` wait ``seconds`` before sending its body."""
        self.delays[path] = seconds

    def trickle(self, path: str, seconds_per_byte: float) -> None:
        """Make ``path`` send its body one byte at a time, ``seconds_per_byte`` apart."""
        self.trickles[path] = seconds_per_byte

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def sentry_reporting_to_receiver(secret_key: str, **options):
    """Start sentry-sdk the way production does (``init_sentry``), pointed at a local ingest; yield the receiver.

    ``options`` add to the DSN (an environment, a trace sample rate). The client is closed and unset afterwards.
    """
    import sentry_sdk

    from site_cms.observability import init_sentry

    receiver = SentryReceiver()
    init_sentry({"dsn": receiver.dsn, **options}, secret_key=secret_key)
    try:
        yield receiver
    finally:
        client = sentry_sdk.get_client()
        client.flush(timeout=5)
        client.close()
        sentry_sdk.get_global_scope().set_client(None)
        receiver.close()
