"""Reports from grpcio that do not come from the holder of a task's hand-off change nothing."""

import datetime
import time

import pytest

import grpcapi_pb2 as pb
from support import free_port, http_session, start_worker

CALL_TIMEOUT_SECONDS = 5
WAIT_SECONDS = 20


def wait_for(scheduler_url: str, task_id: str, expected: str) -> dict:
    session = http_session()
    deadline = time.monotonic() + WAIT_SECONDS
    body = None
    while time.monotonic() < deadline:
        reply = session.get(f"{scheduler_url}/status", params={"task_id": task_id}, timeout=2)
        if reply.status_code == 200:
            body = reply.json()
            if body["status"] == expected:
                return body
        time.sleep(0.1)
    pytest.fail(f"task {task_id} did not reach '{expected}' within {WAIT_SECONDS}s; last: {body}")


def test_forged_reports_about_a_running_task_change_nothing(bin_dir, coordinator_address, coordinator,
                                                            scheduler_url, tmp_path):
    worker = start_worker(bin_dir, coordinator_address, tmp_path / "worker.log", free_port(), ["--executor=shell"])
    try:
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        scheduled = http_session().post(f"{scheduler_url}/schedule", timeout=5, json={
            "command": "sleep 2; echo real", "scheduled_at": now, "max_attempts": 2})
        assert scheduled.status_code == 200, scheduled.text
        task_id = scheduled.json()["task_id"]
        wait_for(scheduler_url, task_id, "running")

        forgeries = [
            pb.UpdateTaskStatusRequest(task_id=task_id, status=pb.QUEUED, attempt=1, worker_id=12345),
            pb.UpdateTaskStatusRequest(task_id=task_id, status=pb.COMPLETE, attempt=1, worker_id=1, output="forged",
                                       completed_at=int(time.time())),
            pb.UpdateTaskStatusRequest(task_id=task_id, status=pb.COMPLETE, completed_at=int(time.time())),
            pb.UpdateTaskStatusRequest(task_id=task_id, status=pb.FAILED, attempt=1, worker_id=1,
                                       handoff="00000000-0000-4000-8000-000000000000"),
        ]
        for forged in forgeries:
            assert not coordinator.UpdateTaskStatus(forged, timeout=CALL_TIMEOUT_SECONDS).success, forged
        batch = coordinator.UpdateTaskStatuses(pb.UpdateTaskStatusBatchRequest(updates=forgeries),
                                               timeout=CALL_TIMEOUT_SECONDS)
        assert list(batch.unknown_task_ids) == []
        assert wait_for(scheduler_url, task_id, "running")["attempts"] == 1, "the task is still the worker's"

        done = wait_for(scheduler_url, task_id, "completed")
        assert done["output"] == "real\n"
        assert done["attempts"] == 1, "it never went back to the queue to run a second time"
    finally:
        worker.stop_and_expect_clean_exit()
