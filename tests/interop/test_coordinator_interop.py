"""The coordinator driven by Python's official grpcio, as a client and as a worker."""

import contextlib
import queue
import random
import socket
import threading
import time
import uuid
from concurrent import futures

import grpc
import pytest

import grpcapi_pb2 as pb
import grpcapi_pb2_grpc as pb_grpc
from support import GRPC_CHANNEL_OPTIONS, http_session

CALL_TIMEOUT_SECONDS = 5
WAIT_SECONDS = 10
HEARTBEAT_INTERVAL_SECONDS = 0.5


def now_unix_seconds() -> int:
    return int(time.time())


def random_worker_id() -> int:
    return random.randint(1_000, 2**31 - 1)


def test_submit_without_workers_is_unavailable(coordinator):
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.SubmitTask(pb.ClientTaskRequest(data="echo hi"), timeout=CALL_TIMEOUT_SECONDS)

    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "no workers available" in raised.value.details()


def test_heartbeat_is_acknowledged_with_the_coordinators_time(coordinator):
    before = time.time_ns() // 1000
    reply = coordinator.SendHeartbeat(
        pb.HeartbeatRequest(workerId=random_worker_id(), address="127.0.0.1:1"),
        timeout=CALL_TIMEOUT_SECONDS)
    after = time.time_ns() // 1000

    assert reply.acknowledged
    assert before <= reply.coordinator_time_us <= after, "the coordinator's clock, on the same host as ours"


class RecordingWorker(pb_grpc.WorkerServiceServicer):
    """A worker in the original contract's shape: accepts every task and remembers it."""

    def __init__(self):
        self.received = queue.Queue()

    def SubmitTask(self, request, context):
        self.received.put(request)
        return pb.TaskResponse(task_id=request.task_id, message="accepted", success=True)

    def tasks_with_ids(self, task_ids, coordinator) -> dict:
        """Waits for every task of `task_ids`, in whatever order they come, and returns them by
        id. Tasks left due by earlier tests come first (the queue is oldest first): each is
        reported complete so that it frees its slot."""
        wanted = set(task_ids)
        found = {}
        deadline = time.monotonic() + WAIT_SECONDS
        while wanted - found.keys():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"the worker did not receive tasks {wanted - found.keys()} within {WAIT_SECONDS}s")
            try:
                request = self.received.get(timeout=remaining)
            except queue.Empty:
                continue
            if request.task_id in wanted:
                found[request.task_id] = request
                continue
            coordinator.UpdateTaskStatus(
                pb.UpdateTaskStatusRequest(task_id=request.task_id, status=pb.COMPLETE, attempt=request.attempt,
                                           completed_at=now_unix_seconds()),
                timeout=CALL_TIMEOUT_SECONDS)
        return found


class HeartbeatSender(threading.Thread):
    """Sends a heartbeat every half second until stopped, as the original worker does."""

    def __init__(self, coordinator, worker_id: int, address: str):
        super().__init__(daemon=True)
        self.coordinator = coordinator
        self.request = pb.HeartbeatRequest(workerId=worker_id, address=address)
        self.acknowledged = threading.Event()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                reply = self.coordinator.SendHeartbeat(self.request, timeout=CALL_TIMEOUT_SECONDS)
                if reply.acknowledged:
                    self.acknowledged.set()
            except grpc.RpcError:
                pass
            self.stopping.wait(HEARTBEAT_INTERVAL_SECONDS)

    def stop(self):
        self.stopping.set()
        self.join(timeout=CALL_TIMEOUT_SECONDS + 1)


@contextlib.contextmanager
def grpcio_worker():
    """A grpcio server implementing WorkerService on 127.0.0.1; yields (servicer, address)."""
    worker = RecordingWorker()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_WorkerServiceServicer_to_server(worker, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield worker, f"127.0.0.1:{port}"
    finally:
        server.stop(grace=1).wait(timeout=5)


@pytest.fixture
def python_worker():
    with grpcio_worker() as worker:
        yield worker


def test_task_runs_on_a_grpcio_worker_and_completes(coordinator, python_worker, scheduler_url):
    worker, worker_address = python_worker
    heartbeats = HeartbeatSender(coordinator, random_worker_id(), worker_address)
    heartbeats.start()
    try:
        assert heartbeats.acknowledged.wait(WAIT_SECONDS), "no heartbeat was acknowledged"

        reply = coordinator.SubmitTask(pb.ClientTaskRequest(data="echo hi"),
                                       timeout=CALL_TIMEOUT_SECONDS)
        assert uuid.UUID(reply.task_id)

        task = worker.tasks_with_ids([reply.task_id], coordinator)[reply.task_id]
        assert task.data == "echo hi"

        started = coordinator.UpdateTaskStatus(
            pb.UpdateTaskStatusRequest(task_id=task.task_id, status=pb.STARTED,
                                       started_at=now_unix_seconds()),
            timeout=CALL_TIMEOUT_SECONDS)
        assert started.success
        completed = coordinator.UpdateTaskStatus(
            pb.UpdateTaskStatusRequest(task_id=task.task_id, status=pb.COMPLETE,
                                       completed_at=now_unix_seconds()),
            timeout=CALL_TIMEOUT_SECONDS)
        assert completed.success
    finally:
        heartbeats.stop()

    status = wait_for_status(scheduler_url, reply.task_id, "completed")
    assert status["command"] == "echo hi"
    assert "started_at" in status
    assert "completed_at" in status


def test_batched_reports_from_a_grpcio_worker_finish_its_tasks(coordinator, python_worker, scheduler_url):
    # The grpcio worker serves only the original SubmitTask: the coordinator's SubmitTasks gets
    # UNIMPLEMENTED and it falls back to one SubmitTask per task.
    worker, worker_address = python_worker
    heartbeats = HeartbeatSender(coordinator, random_worker_id(), worker_address)
    heartbeats.start()
    try:
        assert heartbeats.acknowledged.wait(WAIT_SECONDS), "no heartbeat was acknowledged"
        replies = [coordinator.SubmitTask(pb.ClientTaskRequest(data=f"echo {index}"), timeout=CALL_TIMEOUT_SECONDS)
                   for index in range(2)]
        tasks = list(worker.tasks_with_ids([reply.task_id for reply in replies], coordinator).values())
        unknown = str(uuid.uuid4())
        updates = [pb.UpdateTaskStatusRequest(task_id=task.task_id, status=pb.COMPLETE, attempt=task.attempt,
                                              completed_at=now_unix_seconds()) for task in tasks]
        updates.append(pb.UpdateTaskStatusRequest(task_id=unknown, status=pb.COMPLETE))
        reply = coordinator.UpdateTaskStatuses(pb.UpdateTaskStatusBatchRequest(updates=updates),
                                               timeout=CALL_TIMEOUT_SECONDS)
        assert list(reply.unknown_task_ids) == [unknown]
    finally:
        heartbeats.stop()

    for task in tasks:
        status = wait_for_status(scheduler_url, task.task_id, "completed")
        assert status["attempts"] == 1


def test_tasks_spread_over_several_original_contract_workers(coordinator, scheduler_url):
    # Four workers built from the original contract: no capacity in their heartbeats, no
    # SubmitTasks, so the coordinator hands each task over with its own SubmitTask call, several
    # at once to each worker.
    with contextlib.ExitStack() as stack:
        workers = [stack.enter_context(grpcio_worker()) for _ in range(4)]
        for _, address in workers:
            heartbeats = HeartbeatSender(coordinator, random_worker_id(), address)
            heartbeats.start()
            stack.callback(heartbeats.stop)
            assert heartbeats.acknowledged.wait(WAIT_SECONDS), "no heartbeat was acknowledged"

        submitted = {coordinator.SubmitTask(pb.ClientTaskRequest(data=f"echo {index}"),
                                            timeout=CALL_TIMEOUT_SECONDS).task_id for index in range(8)}
        receivers = {}
        deadline = time.monotonic() + WAIT_SECONDS
        while not submitted <= receivers.keys() and time.monotonic() < deadline:
            for index, (worker, _) in enumerate(workers):
                while not worker.received.empty():
                    task = worker.received.get()
                    assert task.task_id not in receivers, f"task {task.task_id} was handed over twice"
                    receivers[task.task_id] = index
                    coordinator.UpdateTaskStatus(
                        pb.UpdateTaskStatusRequest(task_id=task.task_id, status=pb.COMPLETE,
                                                   completed_at=now_unix_seconds()),
                        timeout=CALL_TIMEOUT_SECONDS)
            time.sleep(0.05)

    assert submitted <= receivers.keys(), f"tasks never handed over: {submitted - receivers.keys()}"
    assert len({receivers[task_id] for task_id in submitted}) > 1, "every task went to the same worker"
    for task_id in submitted:
        assert wait_for_status(scheduler_url, task_id, "completed")["attempts"] == 1


def wait_for_status(scheduler_url: str, task_id: str, expected: str) -> dict:
    """Polls GET /status until the task reaches `expected`; fails after WAIT_SECONDS."""
    session = http_session()
    deadline = time.monotonic() + WAIT_SECONDS
    body = None
    while time.monotonic() < deadline:
        response = session.get(f"{scheduler_url}/status", params={"task_id": task_id}, timeout=2)
        if response.status_code == 200:
            body = response.json()
            if body.get("status") == expected:
                return body
        time.sleep(0.2)
    pytest.fail(f"task {task_id} did not reach '{expected}' within {WAIT_SECONDS}s; last: {body}")


def test_status_update_for_unknown_task_is_not_found(coordinator):
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.UpdateTaskStatus(
            pb.UpdateTaskStatusRequest(task_id=str(uuid.uuid4()), status=pb.STARTED,
                                       started_at=now_unix_seconds()),
            timeout=CALL_TIMEOUT_SECONDS)

    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_status_update_with_malformed_task_id_is_invalid(coordinator):
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.UpdateTaskStatus(
            pb.UpdateTaskStatusRequest(task_id="not-a-uuid", status=pb.STARTED,
                                       started_at=now_unix_seconds()),
            timeout=CALL_TIMEOUT_SECONDS)

    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unknown_method_is_unimplemented(coordinator_channel):
    unknown = coordinator_channel.unary_unary(
        "/grpcapi.CoordinatorService/Nope",
        request_serializer=lambda message: message,
        response_deserializer=lambda data: data)

    with pytest.raises(grpc.RpcError) as raised:
        unknown(b"", timeout=CALL_TIMEOUT_SECONDS)

    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED


HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
# A SETTINGS frame whose length (5) is not a multiple of 6: a connection error in HTTP/2.
MALFORMED_SETTINGS_FRAME = b"\x00\x00\x05\x04\x00\x00\x00\x00\x00" + b"\xde\xad\xbe\xef\x00"


@pytest.mark.parametrize("garbage", [
    b"\x16\x03\x01\x00\xa5 this is not HTTP/2 at all\r\n\r\n" * 4,
    HTTP2_PREFACE + MALFORMED_SETTINGS_FRAME,
], ids=["not-http2", "malformed-frame"])
def test_garbage_closes_the_connection_and_the_server_keeps_serving(coordinator_address, garbage):
    host, port = coordinator_address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=CALL_TIMEOUT_SECONDS) as connection:
        connection.sendall(garbage)
        assert closes_within(connection, WAIT_SECONDS), "the server kept a garbage connection open"

    with grpc.insecure_channel(coordinator_address, options=GRPC_CHANNEL_OPTIONS) as channel:
        reply = pb_grpc.CoordinatorServiceStub(channel).SendHeartbeat(
            pb.HeartbeatRequest(workerId=random_worker_id(), address="127.0.0.1:1"),
            timeout=CALL_TIMEOUT_SECONDS)
    assert reply.acknowledged


def closes_within(connection: socket.socket, seconds: float) -> bool:
    """Reads (and discards, e.g. a GOAWAY) until the peer closes; False if it stays open."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        connection.settimeout(remaining)
        try:
            if not connection.recv(4096):
                return True
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
    return False


@pytest.mark.parametrize("request_", [
    pb.HeartbeatRequest(workerId=random_worker_id(), address=""),
    pb.HeartbeatRequest(workerId=random_worker_id(), address="not a host:::"),
    pb.HeartbeatRequest(workerId=random_worker_id(), address="127.0.0.1:0"),
    pb.HeartbeatRequest(workerId=0, address="127.0.0.1:1"),
    pb.HeartbeatRequest(),
], ids=["empty-address", "garbage-address", "port-zero", "worker-zero", "empty"])
def test_heartbeats_that_name_no_reachable_worker_are_refused(coordinator, request_):
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.SendHeartbeat(request_, timeout=CALL_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_huge_task_id_is_refused_at_once_without_being_echoed(coordinator):
    huge = "x" * (3 << 20)
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.UpdateTaskStatus(pb.UpdateTaskStatusRequest(task_id=huge, status=pb.STARTED),
                                     timeout=CALL_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert len(raised.value.details()) < 200, "the message quotes a short excerpt"
    assert f"({3 << 20} bytes)" in raised.value.details()


def test_a_status_outside_the_enum_is_refused_by_value(coordinator):
    with pytest.raises(grpc.RpcError) as raised:
        coordinator.UpdateTaskStatus(pb.UpdateTaskStatusRequest(task_id=str(uuid.uuid4()), status=9),
                                     timeout=CALL_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "status 9" in raised.value.details()
