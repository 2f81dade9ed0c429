"""Protected mode seen from another host: a network namespace joined to this one by a veth pair.

Without a token, a service serves callers on its own host only; callers from elsewhere get a
refusal that names the variable to set, unless the operator chose --insecure. With a token,
everything from elsewhere needs it. Creating the namespace needs root, as `make test` has in CI.
"""

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support import (REPO_ROOT, ServiceProcess, accepts_connections, answers_health_check, free_port,
                     service_environment, start_worker)

TOKEN = "protected-" + os.urandom(8).hex()

# A HeartbeatRequest of worker 7 at 127.0.0.1:1, as protobuf bytes.
HEARTBEAT = bytes([0x08, 0x07, 0x12, 0x0B]) + b"127.0.0.1:1"

# Run inside the other host: one unary call with the message given in hex; prints the status code name.
GRPC_CALL = textwrap.dedent("""
    import sys, grpc
    target, method, token, message = sys.argv[1], sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4])
    metadata = (("authorization", "Bearer " + token),) if token else None
    with grpc.insecure_channel(target, options=[("grpc.enable_http_proxy", 0)]) as channel:
        call = channel.unary_unary(method, request_serializer=lambda m: m, response_deserializer=lambda m: m)
        try:
            call(message, timeout=10, metadata=metadata)
            print("OK")
        except grpc.RpcError as error:
            print(error.code().name, error.details())
""")


class OtherHost:
    """A network namespace with its own address, 10.X.Y.2, that reaches this host at 10.X.Y.1."""

    def __init__(self):
        suffix = f"{os.getpid() % 10000}{random.randint(0, 99)}"
        self.namespace = f"tm{suffix}"
        self.link = f"tmv{suffix}"
        octets = (random.randint(1, 254), random.randint(0, 63) * 4)
        self.host_address = f"10.{octets[0]}.{octets[1]}.1"
        self.address = f"10.{octets[0]}.{octets[1]}.2"
        for command in (
            ["ip", "netns", "add", self.namespace],
            ["ip", "link", "add", self.link, "type", "veth", "peer", "name", self.link + "p"],
            ["ip", "link", "set", self.link + "p", "netns", self.namespace],
            ["ip", "addr", "add", f"{self.host_address}/30", "dev", self.link],
            ["ip", "link", "set", self.link, "up"],
            ["ip", "netns", "exec", self.namespace, "ip", "addr", "add", f"{self.address}/30", "dev", self.link + "p"],
            ["ip", "netns", "exec", self.namespace, "ip", "link", "set", self.link + "p", "up"],
        ):
            subprocess.run(command, check=True, capture_output=True, timeout=30)

    def run(self, argv, env=None) -> str:
        result = subprocess.run(["ip", "netns", "exec", self.namespace, *argv], capture_output=True, text=True,
                                timeout=60, env=env)
        return result.stdout.strip()

    def grpc(self, port: int, method: str, token: str = "", message: bytes = HEARTBEAT) -> str:
        return self.run([sys.executable, "-c", GRPC_CALL, f"{self.host_address}:{port}", method, token, message.hex()])

    def http(self, port: int, path: str, token: str = "") -> tuple:
        """(status, body) of GET http://this-host:port/path from the other host."""
        headers = ["-H", f"Authorization: Bearer {token}"] if token else []
        output = self.run(["curl", "-s", "--noproxy", "*", "-m", "10", "-w", "\n%{http_code}", *headers,
                           f"http://{self.host_address}:{port}{path}"])
        body, _, status = output.rpartition("\n")
        return int(status or 0), body

    def remove(self):
        subprocess.run(["ip", "link", "del", self.link], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, timeout=30)


@pytest.fixture
def other_host():
    if os.geteuid() != 0:
        pytest.fail("the protected-mode tests create a network namespace and need root (CI runs as root)",
                    pytrace=False)
    host = OtherHost()
    try:
        yield host
    finally:
        host.remove()


def start(name, argv, database_url, tmp_path, extra_env=None):
    return ServiceProcess(name, argv, env={**service_environment(database_url), **(extra_env or {})},
                          log_path=tmp_path / f"{name}.log", cwd=REPO_ROOT)


@pytest.mark.parametrize("mode", ["protected", "insecure", "token"])
def test_the_scheduler_serves_other_hosts_as_its_mode_says(bin_dir, database_url, tmp_path, other_host, mode):
    port = free_port()
    arguments = [str(bin_dir / "scheduler"), f"--scheduler_port=:{port}", f"--data_dir={REPO_ROOT / 'data'}"]
    scheduler = start("scheduler", arguments + (["--insecure"] if mode == "insecure" else []), database_url, tmp_path,
                      {"TASKMASTER_API_TOKEN": TOKEN} if mode == "token" else None)
    try:
        scheduler.wait_until(lambda: answers_health_check(f"http://127.0.0.1:{port}"), "answering /healthz")
        assert other_host.http(port, "/healthz")[0] == 200, "probes are served to every host"
        status, body = other_host.http(port, "/tasks?limit=1")
        if mode == "protected":
            assert status == 403, body
            assert '"code":"forbidden"' in body and "TASKMASTER_API_TOKEN" in body and "--insecure" in body, body
            assert "refused a caller" in scheduler.log_path.read_text(), "the refusal is logged"
        elif mode == "insecure":
            assert status == 200, body
        else:
            assert status == 401, body
            assert other_host.http(port, "/tasks?limit=1", TOKEN)[0] == 200
    finally:
        scheduler.stop_and_expect_clean_exit()


@pytest.mark.parametrize("mode", ["protected", "insecure", "token"])
def test_the_coordinator_serves_other_hosts_as_its_mode_says(bin_dir, database_url, tmp_path, other_host, mode):
    port = free_port()
    arguments = [str(bin_dir / "coordinator"), f"--coordinator_port=:{port}", f"--admin_port=127.0.0.1:{free_port()}",
                 f"--data_dir={REPO_ROOT / 'data'}"]
    coordinator = start("coordinator", arguments + (["--insecure"] if mode == "insecure" else []), database_url,
                        tmp_path, {"TASKMASTER_CLUSTER_TOKEN": TOKEN} if mode == "token" else None)
    try:
        coordinator.wait_until(lambda: accepts_connections(port), "accepting connections")
        heartbeat, unknown = "/grpcapi.CoordinatorService/SendHeartbeat", "/grpcapi.CoordinatorService/Unknown"
        if mode == "protected":
            for method in (heartbeat, unknown):
                answer = other_host.grpc(port, method)
                assert answer.startswith("PERMISSION_DENIED") and "TASKMASTER_CLUSTER_TOKEN" in answer, answer
            assert "refused a caller" in coordinator.log_path.read_text(), "the refusal is logged"
        elif mode == "insecure":
            assert other_host.grpc(port, heartbeat) == "OK"
        else:
            for method in (heartbeat, unknown):
                assert other_host.grpc(port, method).startswith("UNAUTHENTICATED"), method
            assert other_host.grpc(port, heartbeat, TOKEN) == "OK"
    finally:
        coordinator.stop_and_expect_clean_exit()


def test_a_worker_without_a_token_runs_nothing_for_other_hosts(bin_dir, coordinator_address, tmp_path, other_host):
    port = free_port()
    worker = start_worker(bin_dir, coordinator_address, tmp_path / "worker.log", free_port(), ["--executor=shell"],
                          worker_port=f":{port}")
    try:
        answer = other_host.grpc(port, "/grpcapi.WorkerService/SubmitTask")
        assert answer.startswith("PERMISSION_DENIED") and "TASKMASTER_CLUSTER_TOKEN" in answer, answer
    finally:
        worker.stop_and_expect_clean_exit()
