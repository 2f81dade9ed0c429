"""The coordinator over mutual TLS with Python's grpcio: grpcio's ssl_channel_credentials as a
client, a grpcio worker serving TLS that requires the coordinator's certificate, and clients the
coordinator refuses at the handshake (no certificate, another authority, plain text)."""

import time
import uuid
from concurrent import futures

import grpc
import pytest

import grpcapi_pb2 as pb
import grpcapi_pb2_grpc as pb_grpc
from certificates import CertificateAuthority
from support import GRPC_CHANNEL_OPTIONS, free_port, start_coordinator
from test_coordinator_interop import (CALL_TIMEOUT_SECONDS, WAIT_SECONDS, HeartbeatSender, RecordingWorker,
                                      random_worker_id)


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="module")
def node(authority):
    return authority.issue("node")


@pytest.fixture
def tls_coordinator(bin_dir, database_url, node, tmp_path):
    """The coordinator's address and process, serving TLS only and requiring client certificates."""
    port = free_port()
    coordinator = start_coordinator(bin_dir, database_url, tmp_path / "coordinator.log", port, free_port(), tls=node)
    yield f"localhost:{port}", coordinator
    coordinator.stop_and_expect_clean_exit()


def credentials(identity, root=None):
    return grpc.ssl_channel_credentials(
        root_certificates=(root or identity.authority).read_bytes(), private_key=identity.key.read_bytes(),
        certificate_chain=identity.certificate.read_bytes())


def heartbeat(channel):
    stub = pb_grpc.CoordinatorServiceStub(channel)
    return stub.SendHeartbeat(pb.HeartbeatRequest(workerId=random_worker_id(), address="127.0.0.1:1"),
                              timeout=CALL_TIMEOUT_SECONDS)


def test_grpcio_with_ssl_channel_credentials_hands_a_task_to_a_grpcio_worker_over_mutual_tls(tls_coordinator, authority, node):
    address, _ = tls_coordinator
    client = authority.issue("grpcio-client")
    # The worker serves TLS with a certificate for 127.0.0.1 and requires the coordinator's.
    worker = RecordingWorker()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_WorkerServiceServicer_to_server(worker, server)
    server_credentials = grpc.ssl_server_credentials(
        [(node.key.read_bytes(), node.certificate.read_bytes())], root_certificates=node.authority.read_bytes(),
        require_client_auth=True)
    worker_port = server.add_secure_port("127.0.0.1:0", server_credentials)
    server.start()
    try:
        with grpc.secure_channel(address, credentials(client), options=GRPC_CHANNEL_OPTIONS) as channel:
            coordinator = pb_grpc.CoordinatorServiceStub(channel)
            heartbeats = HeartbeatSender(coordinator, random_worker_id(), f"127.0.0.1:{worker_port}")
            heartbeats.start()
            try:
                assert heartbeats.acknowledged.wait(WAIT_SECONDS), "no heartbeat was acknowledged over TLS"
                reply = coordinator.SubmitTask(pb.ClientTaskRequest(data="echo over tls"), timeout=CALL_TIMEOUT_SECONDS)
                task_id = str(uuid.UUID(reply.task_id))
                received = worker.tasks_with_ids([task_id], coordinator)[task_id]
                assert received.data == "echo over tls"
            finally:
                heartbeats.stop()
    finally:
        server.stop(grace=1).wait(timeout=5)


def refused(channel) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        heartbeat(channel)
    return raised.value


def test_a_client_without_a_certificate_is_refused_at_the_handshake(tls_coordinator, node):
    address, coordinator = tls_coordinator
    only_trust = grpc.ssl_channel_credentials(root_certificates=node.authority.read_bytes())
    with grpc.secure_channel(address, only_trust, options=GRPC_CHANNEL_OPTIONS) as channel:
        assert refused(channel).code() == grpc.StatusCode.UNAVAILABLE
    wait_for_log(coordinator, "refused a caller: TLS handshake failed: peer did not return a certificate")


def test_a_client_that_does_not_trust_the_coordinators_authority_does_not_talk_to_it(tls_coordinator, node, tmp_path):
    address, _ = tls_coordinator
    stranger = CertificateAuthority(tmp_path, "Another CA")
    with grpc.secure_channel(address, credentials(node, root=stranger.certificate), options=GRPC_CHANNEL_OPTIONS) as channel:
        assert refused(channel).code() == grpc.StatusCode.UNAVAILABLE


def test_a_plaintext_client_is_refused_cleanly_and_the_coordinator_lives(tls_coordinator, authority, node):
    address, coordinator = tls_coordinator
    with grpc.insecure_channel(address, options=GRPC_CHANNEL_OPTIONS) as channel:
        error = refused(channel)
    assert error.code() == grpc.StatusCode.UNAVAILABLE, error
    wait_for_log(coordinator, "refused a caller: TLS handshake failed")
    assert coordinator.process.poll() is None, "the coordinator lives on"
    with grpc.secure_channel(address, credentials(authority.issue("after")), options=GRPC_CHANNEL_OPTIONS) as channel:
        assert heartbeat(channel).acknowledged


def wait_for_log(process, text: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while text not in process.log_path.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"the coordinator did not log {text!r}:\n{process.log_tail()}"
        time.sleep(0.1)
