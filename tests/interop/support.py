"""Helpers for the interop and dashboard tests: TaskMaster executables as real processes, throwaway
databases, ports, HTTP."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Optional, Sequence
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15
LOG_TAIL_LINES = 40
# Every target is on 127.0.0.1: never go through a proxy from the environment.
GRPC_CHANNEL_OPTIONS = [("grpc.enable_http_proxy", 0)]


def required_environment(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"{name} is not set; run the tests through scripts/test.sh (make test)", pytrace=False)
    return value


def _psql(url: str, sql: str) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql not found on PATH (install postgresql-client)", pytrace=False)
    subprocess.run([psql, url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, timeout=60, stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def fresh_database(postgres_url: str):
    """Creates a database on the test server; yields its URL and drops it afterwards."""
    name = f"interop_{uuid.uuid4().hex[:12]}"
    _psql(postgres_url, f"CREATE DATABASE {name}")
    parts = urlsplit(postgres_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    finally:
        _psql(postgres_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_ports_handed_out = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now and that this run has not handed
    out before: the kernel may offer a port again as soon as the probe closes, and two services
    given the same number collide."""
    for _ in range(1000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _ports_handed_out:
            _ports_handed_out.add(port)
            return port
    raise RuntimeError("no free port on 127.0.0.1 that this run has not handed out already")


def http_session(tls=None) -> requests.Session:
    """A requests session that ignores proxy settings from the environment; with `tls` (an
    identity of certificates.py), it trusts that identity's authority and shows its certificate."""
    session = requests.Session()
    session.trust_env = False
    if tls is not None:
        session.verify = str(tls.authority)
        session.cert = (str(tls.certificate), str(tls.key))
    return session


def answers_health_check(base_url: str, tls=None) -> bool:
    return _answers(f"{base_url}/healthz", tls)


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class ServiceProcess:
    """One executable started with its output in a log file; stopped with SIGTERM."""

    def __init__(self, name: str, argv: Sequence[str], env: dict, log_path: Path, cwd: Path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            list(argv), env=env, cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    def log_tail(self) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-LOG_TAIL_LINES:])

    def wait_until(self, is_ready: Callable[[], bool], what: str) -> None:
        """Polls `is_ready` until it holds; raises if the process exits or time runs out."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not is_ready():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before {what}; "
                    f"its log ends with:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} not ready ({what}) after {START_TIMEOUT_SECONDS}s; "
                    f"its log ends with:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> int:
        """Sends SIGTERM and returns the exit status (killing the process if it hangs)."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
                raise RuntimeError(
                    f"{self.name} did not exit within {STOP_TIMEOUT_SECONDS}s of SIGTERM; "
                    f"its log ends with:\n{self.log_tail()}")
        finally:
            self._log.close()

    def stop_and_expect_clean_exit(self) -> None:
        status = self.stop()
        assert status == 0, (
            f"{self.name} exited with {status} after SIGTERM (expected 0); "
            f"its log ends with:\n{self.log_tail()}")


def service_environment(database_url: str) -> dict:
    """The test's environment with the database settings replaced by `database_url`."""
    env = {key: value for key, value in os.environ.items()
           if key != "DATABASE_URL" and not key.startswith("POSTGRES_")}
    env["DATABASE_URL"] = database_url
    return env


def start_coordinator(bin_dir: Path, database_url: str, log_path: Path, port: int, admin_port: int,
                      extra_env: Optional[dict] = None, tls=None) -> ServiceProcess:
    """A coordinator on 127.0.0.1:`port` (admin server on `admin_port`), once it accepts connections;
    with `tls` (an identity of certificates.py), serving TLS only and requiring client certificates."""
    coordinator = ServiceProcess(
        "coordinator",
        [str(bin_dir / "coordinator"), f"--coordinator_port=127.0.0.1:{port}",
         f"--admin_port=127.0.0.1:{admin_port}", "--heartbeat_timeout=2s",
         f"--data_dir={REPO_ROOT / 'data'}", *(tls.service_arguments() if tls else [])],
        env={**service_environment(database_url), **(extra_env or {})},
        log_path=log_path,
        cwd=REPO_ROOT,
    )
    try:
        coordinator.wait_until(lambda: accepts_connections(port), "accepting connections")
    except BaseException:
        coordinator.stop()
        raise
    return coordinator


def start_worker(bin_dir: Path, coordinator_address: str, log_path: Path, admin_port: int,
                 arguments: Sequence[str] = (), extra_env: Optional[dict] = None,
                 worker_port: str = "127.0.0.1:0", tls=None) -> ServiceProcess:
    """A TaskMaster worker of `coordinator_address`, once its heartbeats are acknowledged; with
    `tls` (an identity of certificates.py), on TLS only with client certificates required."""
    worker = ServiceProcess(
        "worker",
        [str(bin_dir / "worker"), f"--coordinator={coordinator_address}", f"--worker_port={worker_port}",
         f"--admin_port=127.0.0.1:{admin_port}", "--heartbeat_interval=200ms", *arguments,
         *(tls.service_arguments() if tls else [])],
        env={**os.environ, "WORKER_ADDRESS": "127.0.0.1", **(extra_env or {})},
        log_path=log_path,
        cwd=REPO_ROOT,
    )
    admin = f"{'https' if tls else 'http'}://127.0.0.1:{admin_port}"
    try:
        worker.wait_until(lambda: _answers(f"{admin}/readyz", tls), "registered with its coordinator")
    except BaseException:
        worker.stop()
        raise
    return worker


def _answers(url: str, tls=None) -> bool:
    try:
        return http_session(tls).get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False
