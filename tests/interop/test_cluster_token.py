"""TASKMASTER_CLUSTER_TOKEN seen from grpcio: calls without the token are refused."""

import uuid

import grpc
import pytest

import grpcapi_pb2 as pb
import grpcapi_pb2_grpc as pb_grpc
from support import GRPC_CHANNEL_OPTIONS, free_port, http_session, start_coordinator

CALL_TIMEOUT_SECONDS = 5
TOKEN = "interop-" + uuid.uuid4().hex


@pytest.fixture
def secured_coordinator(bin_dir, database_url, tmp_path):
    """A coordinator started with TASKMASTER_CLUSTER_TOKEN; yields (stub, admin base URL)."""
    port, admin_port = free_port(), free_port()
    coordinator = start_coordinator(bin_dir, database_url, tmp_path / "coordinator.log", port, admin_port,
                                    extra_env={"TASKMASTER_CLUSTER_TOKEN": TOKEN})
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}", options=GRPC_CHANNEL_OPTIONS) as channel:
            yield pb_grpc.CoordinatorServiceStub(channel), f"http://127.0.0.1:{admin_port}"
    finally:
        coordinator.stop_and_expect_clean_exit()


def heartbeat():
    return pb.HeartbeatRequest(workerId=4242, address="127.0.0.1:1")


@pytest.mark.parametrize("metadata", [
    None,
    (("authorization", "Bearer wrong"),),
    (("authorization", TOKEN),),
    (("authorization", f"Basic {TOKEN}"),),
], ids=["no-metadata", "wrong-token", "no-scheme", "basic-scheme"])
def test_calls_without_the_token_are_unauthenticated(secured_coordinator, metadata):
    coordinator, _ = secured_coordinator
    calls = [
        lambda: coordinator.SendHeartbeat(heartbeat(), metadata=metadata, timeout=CALL_TIMEOUT_SECONDS),
        lambda: coordinator.SubmitTask(pb.ClientTaskRequest(data="rm -rf /"), metadata=metadata,
                                       timeout=CALL_TIMEOUT_SECONDS),
        lambda: coordinator.UpdateTaskStatus(
            pb.UpdateTaskStatusRequest(task_id=str(uuid.uuid4()), status=pb.COMPLETE),
            metadata=metadata, timeout=CALL_TIMEOUT_SECONDS),
    ]
    for call in calls:
        with pytest.raises(grpc.RpcError) as raised:
            call()
        assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_calls_with_the_token_are_served(secured_coordinator):
    coordinator, admin_url = secured_coordinator
    reply = coordinator.SendHeartbeat(heartbeat(), metadata=(("authorization", f"Bearer {TOKEN}"),),
                                      timeout=CALL_TIMEOUT_SECONDS)
    assert reply.acknowledged

    with pytest.raises(grpc.RpcError) as raised:
        coordinator.SendHeartbeat(heartbeat(), timeout=CALL_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED

    metrics = http_session().get(f"{admin_url}/metrics", timeout=5)
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    served = [line for line in metrics.text.splitlines()
              if line.startswith("taskmaster_rpc_server_duration_seconds_count{")
              and 'method="grpcapi.CoordinatorService/SendHeartbeat"' in line]
    assert any('code="OK"' in line for line in served), metrics.text
    assert any('code="UNAUTHENTICATED"' in line for line in served), metrics.text
