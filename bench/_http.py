"""Benchmarks over HTTP: the production server (`recoverypath serve`, gunicorn) and load generator.

Not a benchmark itself. A script sets up its database with `_harness.bench_django(...)`, then:

    with http_server(workers=5) as server:
        result = load(server, requests, concurrency=8)

`http_server` runs `recoverypath serve --no-worker` (gunicorn, sync-equivalent gthread processes)
on a free loopback port with the bench's environment, and with `_urls` as its URL map: the
whole application plus two bare views (`/bench/bare-insert/` inserts one row,
`/bench/bare-read/<id>/` reads one row), so that every figure can be set next to what Django
itself costs on the same server in the same window.

`load` sends a bounded list of requests from `concurrency` processes, each holding one keep-alive
connection, and reports the rate, latency percentiles, the status codes seen and the load
generator's own CPU share (on a 2-core machine the generator competes with the server: its share is
printed so the figures can be read honestly).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SRC = BENCH_DIR.parent / "src"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    pid: int

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: Counter
    generator_cpu_share: float  # of all cores, over the run

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    def ok_share(self, expected: Sequence[int] = (200, 201)) -> float:
        good = sum(n for status, n in self.statuses.items() if status in expected)
        return good / self.requests if self.requests else 0.0

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.rate:,.0f} req/s, p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms "
            f"({self.requests} requests; {statuses}; generator CPU {self.generator_cpu_share:.0%})"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz in time")


@contextmanager
def http_server(*, workers: int = 5, threads: int = 1, log: Path | None = None) -> Iterator[Server]:
    """`recoverypath serve --no-worker` on a free loopback port, stopped (TERM) afterwards.

    Uses the environment `bench_django` set (database, secret, VAR_DIR) so the server sees the
    bench's data; requests are plain HTTP from 127.0.0.1 with no TLS in between, as behind a
    proxy on the same host.
    """
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "_settings",
            "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(SRC), env.get("PYTHONPATH", "")]),
            "WEB_WORKERS": str(workers),
            "WEB_THREADS": str(threads),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "recoverypath",
            "serve",
            "--no-worker",
            "--addr",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=out,
        stderr=out,
    )
    try:
        _wait_ready(port, process)
        yield Server(host="127.0.0.1", port=port, pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()  # type: ignore[union-attr]


def _run_share(args: tuple[int, list[Request]]) -> tuple[list[float], list[int]]:
    port, requests = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies: list[float] = []
    statuses: list[int] = []
    for req in requests:
        headers = dict(req.headers)
        if req.body:
            headers.setdefault("Content-Type", "application/json")
        for attempt in range(2):
            try:
                began = time.perf_counter()
                conn.request(req.method, req.path, body=req.body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                latencies.append((time.perf_counter() - began) * 1000)
                statuses.append(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A worker recycled (max_requests) between two keep-alive requests: reconnect once.
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if attempt:
                    statuses.append(599)
    conn.close()
    return latencies, statuses


def load(server: Server, requests: Sequence[Request], *, concurrency: int = 8) -> LoadResult:
    """Send every request once from `concurrency` processes (each its own keep-alive connection)."""
    shares: list[list[Request]] = [list(requests[i::concurrency]) for i in range(concurrency)]
    context = multiprocessing.get_context("fork")
    with context.Pool(concurrency) as pool:
        # Warm the pool's processes before the clock starts.
        pool.map(abs, range(concurrency))
        before = os.times()
        began = time.perf_counter()
        results = pool.map(_run_share, [(server.port, share) for share in shares if share])
        seconds = time.perf_counter() - began
    after = os.times()
    generator_cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    latencies = [ms for lat, _ in results for ms in lat]
    statuses = Counter(status for _, sts in results for status in sts)
    return LoadResult(
        requests=len(requests),
        seconds=seconds,
        latencies_ms=latencies,
        statuses=statuses,
        generator_cpu_share=generator_cpu / (seconds * (os.cpu_count() or 1)) if seconds else 0.0,
    )


def token_auth(secret: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"Token {secret}"), ("Accept", "application/json"))
