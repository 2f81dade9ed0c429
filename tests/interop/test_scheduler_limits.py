"""The scheduler against clients that break HTTP or hold its resources: every refusal is JSON,
slow and greedy clients are cut off, and the server keeps serving."""

import json
import socket
import time

import pytest

from support import REPO_ROOT, ServiceProcess, answers_health_check, free_port, http_session, service_environment


@pytest.fixture
def limited_scheduler(bin_dir, database_url, tmp_path):
    """A scheduler with short timeouts, 3 connections at most and 1000 bytes of bodies at once."""
    port = free_port()
    scheduler = ServiceProcess(
        "scheduler",
        [str(bin_dir / "scheduler"), f"--scheduler_port=127.0.0.1:{port}", f"--data_dir={REPO_ROOT / 'data'}",
         "--header_timeout=1s", "--body_timeout=1s", "--max_connections=3", "--max_body_memory=1000"],
        env=service_environment(database_url), log_path=tmp_path / "scheduler.log", cwd=REPO_ROOT)
    scheduler.wait_until(lambda: answers_health_check(f"http://127.0.0.1:{port}"), "answering /healthz")
    yield port
    scheduler.stop_and_expect_clean_exit()


def exchange(port: int, raw: bytes, wait: float = 5) -> bytes:
    """Sends `raw` on a new connection and reads until the server closes it or `wait` passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(raw)
        return read_all(connection, wait)


def read_all(connection: socket.socket, wait: float) -> bytes:
    received = b""
    deadline = time.monotonic() + wait
    while (remaining := deadline - time.monotonic()) > 0:
        connection.settimeout(remaining)
        try:
            chunk = connection.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        received += chunk
    return received


def json_error(response: bytes) -> tuple:
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body)["error"]["code"]


@pytest.mark.parametrize("raw", [
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(10_000)) + b"\r\n",
    b"GET /" + b"a" * (1 << 20) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
], ids=["huge-header", "many-headers", "huge-url", "nul-in-header"])
def test_requests_the_parser_refuses_get_a_json_error(limited_scheduler, raw):
    assert json_error(exchange(limited_scheduler, raw)) == (400, "invalid_request")
    assert answers_health_check(f"http://127.0.0.1:{limited_scheduler}")


def test_head_works_where_get_does(limited_scheduler):
    reply = http_session().head(f"http://127.0.0.1:{limited_scheduler}/healthz", timeout=5)
    assert reply.status_code == 200 and reply.content == b""


@pytest.mark.parametrize("raw", [
    b"GET /healthz HTTP/1.1\r\nHo",
    b"POST /schedule HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"command\"",
], ids=["slow-headers", "slow-body"])
def test_slow_clients_are_answered_408_and_cut_off(limited_scheduler, raw):
    start = time.monotonic()
    response = exchange(limited_scheduler, raw, wait=10)
    assert json_error(response) == (408, "request_timeout")
    assert time.monotonic() - start < 5


def test_connections_beyond_the_limit_wait_until_one_closes(limited_scheduler):
    held = [socket.create_connection(("127.0.0.1", limited_scheduler), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.3)
        waiting = socket.create_connection(("127.0.0.1", limited_scheduler), timeout=5)
        waiting.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        waiting.settimeout(0.5)
        with pytest.raises(socket.timeout):
            waiting.recv(100)
        held.pop().close()
        waiting.settimeout(5)
        assert waiting.recv(100).startswith(b"HTTP/1.1 200")
        waiting.close()
    finally:
        for connection in held:
            connection.close()


def test_a_body_over_the_memory_budget_waits_then_is_refused_busy(limited_scheduler):
    body = b'{"command":"x","scheduled_at":"2030-01-01T00:00:00Z"}' + b" " * 840
    request = b"POST /schedule HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    with socket.create_connection(("127.0.0.1", limited_scheduler), timeout=5) as slow:
        # Holds 900 of the 1000 bytes until its own body timeout (1 s) ends it.
        slow.sendall(b"POST /schedule HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n{")
        time.sleep(0.2)
        start = time.monotonic()
        assert json_error(exchange(limited_scheduler, request)) == (503, "busy")
        assert time.monotonic() - start >= 0.4, "it waited for the budget first"
    assert exchange(limited_scheduler, request).startswith(b"HTTP/1.1 200"), "the budget is free again"
