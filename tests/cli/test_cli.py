"""The `taskmaster` CLI against a real cluster: exit codes, human and JSON output, paging, errors."""

import json
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from support import free_port

ESCAPE = re.compile(r"\x1b\[")


def rfc3339(offset_seconds: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=offset_seconds)).isoformat().replace("+00:00", "Z")


def schedule(cluster, command: str, offset_seconds: float = 0) -> str:
    return cluster.call("POST", "/schedule", json={"command": command, "scheduled_at": rfc3339(offset_seconds)})["task_id"]


def wait_for_status(cluster, task_id: str, wanted: set, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = cluster.call("GET", f"/tasks/{task_id}")
        if task["status"] in wanted:
            return task
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not reach {wanted}: {task}")


def test_schedule_and_wait_shows_the_output_and_exits_0(cli):
    result = cli("schedule", "echo hello-from-cli", "--wait")
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout
    assert "hello-from-cli" in result.stdout
    task_id = result.stdout.splitlines()[0]
    assert uuid.UUID(task_id)
    status = cli("status", task_id, "--wait")
    assert status.returncode == 0 and "hello-from-cli" in status.stdout


def test_a_failing_task_exits_with_its_exit_code(cli):
    result = cli("schedule", "exit 3", "--wait")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "failed" in result.stdout


def test_waiting_for_a_cancelled_task_exits_1(cli, cluster):
    task_id = schedule(cluster, "echo never", offset_seconds=3600)
    assert cli("cancel", task_id).returncode == 0
    result = cli("status", task_id, "--wait")
    assert result.returncode == 1
    assert "cancelled" in result.stdout


def test_schedule_in_and_options_reach_the_api(cli, cluster):
    result = cli("schedule", "echo later", "--in", "1h", "--max-attempts", "2", "--timeout", "30s",
                 "--idempotency-key", f"key-{uuid.uuid4().hex}", "--json")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    task = cluster.call("GET", f"/tasks/{reply['task_id']}")
    assert task["max_attempts"] == 2 and task["timeout_seconds"] == 30
    due = datetime.fromisoformat(task["scheduled_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < due - datetime.now(timezone.utc) <= timedelta(hours=1)
    cluster.call("POST", f"/tasks/{reply['task_id']}/cancel")


def test_json_is_the_api_reply(cli, cluster):
    task_id = schedule(cluster, "echo json")
    wait_for_status(cluster, task_id, {"completed"})
    result = cli("status", task_id, "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == cluster.call("GET", f"/tasks/{task_id}")


def test_tasks_all_follows_every_page(cli, cluster):
    marker = uuid.uuid4().hex
    ids = {schedule(cluster, f"echo page-{marker}-{n}", offset_seconds=3600) for n in range(5)}
    result = cli("tasks", "--all", "--limit", "2", "--json")
    assert result.returncode == 0, result.stderr
    listed = [task["task_id"] for task in json.loads(result.stdout)["tasks"]]
    assert len(listed) == len(set(listed))
    assert ids <= set(listed)
    assert len(listed) == len(cluster.call("GET", "/tasks?limit=1000")["tasks"])
    human = cli("tasks", "--all", "--limit", "2")
    assert human.returncode == 0
    assert human.stdout.splitlines()[0].split() == ["ID", "STATUS", "ATTEMPTS", "SCHEDULED", "AT", "COMMAND"]
    assert all(task_id in human.stdout for task_id in ids)
    for task_id in ids:
        cluster.call("POST", f"/tasks/{task_id}/cancel")


def test_tasks_status_filter(cli, cluster):
    task_id = schedule(cluster, "echo filtered")
    wait_for_status(cluster, task_id, {"completed"})
    result = cli("tasks", "--status", "completed", "--json")
    tasks = json.loads(result.stdout)["tasks"]
    assert tasks and all(task["status"] == "completed" for task in tasks)
    assert task_id in {task["task_id"] for task in tasks}
    assert cli("tasks", "--status", "bogus").returncode == 2


def test_cancel_and_retry(cli, cluster):
    task_id = schedule(cluster, "echo retried", offset_seconds=3600)
    cancelled = cli("cancel", task_id)
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout
    retried = cli("retry", task_id, "--json")
    assert retried.returncode == 0, retried.stderr
    assert json.loads(retried.stdout)["task_id"] == task_id
    wait_for_status(cluster, task_id, {"completed"})
    again = cli("retry", task_id)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and again.stderr.startswith("error: not_retryable:")
    finished = cli("cancel", task_id)
    assert finished.returncode == 1 and "already_finished" in finished.stderr


def test_workers_lists_the_worker(cli, cluster):
    worker = cluster.call("GET", "/workers")["workers"][0]
    result = cli("workers")
    assert result.returncode == 0, result.stderr
    assert worker["address"] in result.stdout and "shell" in result.stdout
    assert cluster.call("GET", "/coordinators")["coordinators"][0]["coordinator_id"] in result.stdout
    both = json.loads(cli("workers", "--json").stdout)
    assert both["workers"][0]["worker_id"] == worker["worker_id"] and both["coordinators"]


def test_schedules_lifecycle(cli, cluster):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    created = cli("schedules", "create", "echo tick", "--cron", "0 3 * * *", "--timezone", "Europe/Berlin",
                  "--name", name, "--json")
    assert created.returncode == 0, created.stderr
    schedule_id = json.loads(created.stdout)["schedule_id"]
    assert name in cli("schedules", "list").stdout
    shown = cli("schedules", "show", schedule_id)
    assert shown.returncode == 0 and "Europe/Berlin" in shown.stdout
    assert json.loads(cli("schedules", "pause", schedule_id, "--json").stdout)["paused"] is True
    assert json.loads(cli("schedules", "resume", schedule_id, "--json").stdout)["paused"] is False
    triggered = cli("schedules", "trigger", schedule_id)
    assert triggered.returncode == 0
    task = cluster.call("GET", f"/tasks/{triggered.stdout.strip()}")
    assert task["schedule_id"] == schedule_id
    upcoming = cli("schedules", "upcoming", schedule_id, "--count", "3")
    assert upcoming.returncode == 0 and len(upcoming.stdout.splitlines()) == 3
    backfill = cli("schedules", "backfill", schedule_id, "--from", "2030-01-01T00:00:00Z", "--to", "2030-01-04T00:00:00Z")
    assert backfill.returncode == 0 and backfill.stdout.strip() == "created 3 tasks"
    assert cli("schedules", "backfill", schedule_id, "--from", "2030-01-01T00:00:00Z",
               "--to", "2030-01-04T00:00:00Z").stdout.strip() == "created 0 tasks"
    assert len(json.loads(cli("tasks", "--schedule", schedule_id, "--json").stdout)["tasks"]) == 4
    every = cli("schedules", "create", "echo every", "--every", "1h", "--paused", "--json")
    assert every.returncode == 0 and json.loads(every.stdout)["cron"] == "@every 1h"
    deleted = cli("schedules", "delete", schedule_id)
    assert deleted.returncode == 0
    gone = cli("schedules", "show", schedule_id)
    assert gone.returncode == 1 and gone.stderr.startswith("error: not_found:")
    assert cli("schedules", "create", "echo x").returncode == 2


def test_a_bad_token_is_one_line_and_exit_1(cli):
    result = cli("tasks", "--token", "wrong")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "unauthorized" in result.stderr and result.stdout == ""


def test_an_unreachable_server_is_exit_1(cli):
    url = f"http://127.0.0.1:{free_port()}"
    result = cli("tasks", "--url", url)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot reach {url}:") and result.stderr.count("\n") == 1
    https = cli("tasks", "--url", "https://scheduler.example")
    assert https.returncode == 1 and "http://" in https.stderr and https.stderr.count("\n") == 1


def test_usage_errors_exit_2(cli):
    assert cli("status").returncode == 2
    assert cli("status", "not-a-uuid").returncode == 2
    assert cli("frobnicate").returncode == 2
    assert cli("schedule", "echo", "--at", "2030-01-01T00:00:00Z", "--in", "5s").returncode == 2


def test_bash_completion_script(cli):
    result = cli("--generate-completion-script", "bash")
    assert result.returncode == 0
    assert result.stdout.startswith("#!/bin/bash") and "schedules" in result.stdout
    checked = subprocess.run(["bash", "-n"], input=result.stdout, text=True, capture_output=True, timeout=10)
    assert checked.returncode == 0, checked.stderr


def test_no_escape_codes_off_a_terminal_or_with_no_color(cli, cluster):
    schedule(cluster, "echo colourless")
    for env in ({}, {"NO_COLOR": "1"}):
        for args in (("tasks",), ("workers",), ("schedule", "echo plain", "--wait")):
            result = cli(*args, env=env)
            assert result.returncode == 0, result.stderr
            assert not ESCAPE.search(result.stdout), (args, result.stdout)


def test_wait_outlives_a_scheduler_restart(cli, cluster):
    task_id = schedule(cluster, "sleep 4; echo survived-the-restart")
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(cli, "status", task_id, "--wait")
        time.sleep(1)
        cluster.restart_scheduler()
        result = waiting.result(timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "retrying for up to" in result.stdout, result.stdout
    assert "survived-the-restart" in result.stdout


def test_ids_can_be_shortened_to_a_unique_beginning(cli, cluster):
    task_id = schedule(cluster, "echo short", offset_seconds=3600)
    shown = cli("status", task_id[:8])
    assert shown.returncode == 0, shown.stderr
    assert task_id in shown.stdout
    assert cli("cancel", task_id[:8]).returncode == 0
    again = cli("cancel", task_id[:8])
    assert again.returncode == 1
    assert again.stderr.strip() == "error: already_finished: the task is already cancelled"
    unknown = cli("status", "0000000000000000")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: not_found: no task id starts with 0000000000000000"
    # Seventeen ids: two of them share their first digit.
    firsts = {}
    for _ in range(17):
        other = schedule(cluster, "echo later", offset_seconds=3600)
        firsts.setdefault(other[0], []).append(other)
    shared = next(digit for digit, ids in firsts.items() if len(ids) > 1)
    ambiguous = cli("status", shared)
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.strip() == f"error: more than one task id starts with {shared}; give more of it"
    assert cli("status", "not-an-id").returncode == 2, "a malformed id is a usage error"


def test_upcoming_fire_times_are_shown_on_the_schedules_own_clock(cli, cluster):
    schedule_id = cluster.call("POST", "/schedules", json={
        "cron": "30 2 * * *", "timezone": "Europe/Berlin", "command": "true",
        "start_at": "2037-03-28T00:00:00Z"})["schedule_id"]
    result = cli("schedules", "upcoming", schedule_id[:8], "--count", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2037-03-28T02:30:00.000+01:00 Europe/Berlin  (2037-03-28T01:30:00.000Z)",
        "2037-03-29T03:00:00.000+02:00 Europe/Berlin  (2037-03-29T01:00:00.000Z)",
    ]
