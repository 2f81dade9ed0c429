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
    assert human.stdout.splitlines()[0].split() == ["ID", "STATUS", "ATTEMPTS", "QUEUE", "PRIORITY", "SCHEDULED", "AT",
                                                    "COMMAND"]
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
    header, row = result.stdout.splitlines()[:2]
    # This worker names no queues: it takes tasks from all of them.
    assert row[header.index(" QUEUES ") + 1:].split()[0] == "all"
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
    https = cli("tasks", "--url", "https://scheduler.invalid")
    assert https.returncode == 1 and https.stderr.startswith("error: cannot reach https://scheduler.invalid:")
    assert https.stderr.count("\n") == 1


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
        for args in (("tasks",), ("workers",), ("queues",), ("schedule", "echo plain", "--wait")):
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


def queue_name() -> str:
    return f"q-{uuid.uuid4().hex[:8]}"


def field(output: str, label: str) -> str:
    """The value of `label:` in a field list, or None when the field is not shown."""
    match = re.search(rf"^{re.escape(label)}:\s+(.*)$", output, re.MULTILINE)
    return match and match.group(1)


def queue_row(output: str, name: str) -> list:
    """The cells of queue `name`'s row in `taskmaster queues` (no cell has a space but HELD BACK)."""
    header, *rows = output.splitlines()
    assert header.split()[:4] == ["NAME", "STATE", "CONCURRENCY", "KEY"], header
    return next(line for line in rows if line.split()[0] == name).split(maxsplit=9)


def test_queues_set_show_pause_resume_and_list(cli, cluster):
    name = queue_name()
    created = cli("queues", "set", name, "--concurrency-limit", "2", "--key-limit", "1", "--rate", "100/1m")
    assert created.returncode == 0, created.stderr
    queue = cluster.call("GET", f"/queues/{name}")
    assert (queue["concurrency_limit"], queue["key_concurrency_limit"], queue["rate_limit"], queue["paused"]) == (
        2, 1, {"limit": 100, "period_seconds": 60}, False)
    assert field(created.stdout, "rate limit") == "100/60s"

    shown = cli("queues", "show", name)
    assert shown.returncode == 0, shown.stderr
    assert [field(shown.stdout, label) for label in ("name", "state", "concurrency limit", "key limit", "held back")] == [
        name, "active", "2", "1", "nothing"]
    assert json.loads(cli("queues", "show", name, "--json").stdout) == cluster.call("GET", f"/queues/{name}")
    assert queue_row(cli("queues").stdout, name) == [name, "active", "2", "1", "100/60s", "0", "0", "0", "0", "-"]
    assert queue_row(cli("queues", "list").stdout, name)[1] == "active"

    paused = cli("queues", "pause", name)
    assert paused.returncode == 0 and field(paused.stdout, "state") == "paused"
    queue = cluster.call("GET", f"/queues/{name}")
    assert queue["paused"] is True and queue["concurrency_limit"] == 2, "pausing keeps the limits"
    assert queue_row(cli("queues").stdout, name)[1] == "paused"
    resumed = cli("queues", "resume", name, "--json")
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["paused"] is False
    assert cluster.call("GET", f"/queues/{name}")["paused"] is False

    # `set` replaces every setting: the limits left out are gone.
    replaced = cli("queues", "set", name, "--paused")
    assert replaced.returncode == 0, replaced.stderr
    queue = cluster.call("GET", f"/queues/{name}")
    assert (queue["concurrency_limit"], queue["key_concurrency_limit"], queue["rate_limit"], queue["paused"]) == (
        None, None, None, True)
    assert field(replaced.stdout, "concurrency limit") == "none" and field(replaced.stdout, "rate limit") == "none"
    assert cli("queues", "set", name, "--no-paused").returncode == 0
    assert cluster.call("GET", f"/queues/{name}")["paused"] is False
    assert "replaces all of the queue's settings" in cli("queues", "set", "--help").stdout
    listed = json.loads(cli("queues", "--json").stdout)["queues"]
    assert next(queue for queue in listed if queue["name"] == name) == cluster.call("GET", f"/queues/{name}")


def test_queues_show_counts_and_what_holds_tasks_back(cli, cluster):
    name = queue_name()
    assert cli("queues", "set", name, "--paused").returncode == 0
    due = [json.loads(cli("schedule", f"echo held-{n}", "--queue", name, "--json").stdout)["task_id"] for n in range(2)]
    later = json.loads(cli("schedule", "echo later", "--queue", name, "--in", "1h", "--json").stdout)["task_id"]

    shown = cli("queues", "show", name)
    assert [field(shown.stdout, label) for label in ("scheduled", "due", "dispatched", "running", "held back")] == [
        "3", "2", "0", "0", "2 tasks by the pause"]
    assert queue_row(cli("queues").stdout, name)[5:] == ["3", "2", "0", "0", "2 tasks by the pause"]
    assert all(cluster.call("GET", f"/tasks/{task_id}")["status"] == "scheduled" for task_id in due)

    assert cli("queues", "resume", name).returncode == 0
    for task_id in due:
        wait_for_status(cluster, task_id, {"completed"})
    shown = cli("queues", "show", name)
    assert [field(shown.stdout, label) for label in ("scheduled", "due", "held back")] == ["1", "0", "nothing"]
    cluster.call("POST", f"/tasks/{later}/cancel")


def test_a_task_takes_a_queue_a_priority_and_a_key_and_shows_them(cli, cluster):
    name = queue_name()
    scheduled = cli("schedule", "echo placed", "--in", "1h", "--queue", name, "--priority", "-5", "--key", "customer-7",
                    "--json")
    assert scheduled.returncode == 0, scheduled.stderr
    task_id = json.loads(scheduled.stdout)["task_id"]
    task = cluster.call("GET", f"/tasks/{task_id}")
    assert (task["queue"], task["priority"], task["concurrency_key"]) == (name, -5, "customer-7")

    status = cli("status", task_id)
    assert [field(status.stdout, label) for label in ("queue", "priority", "concurrency key")] == [name, "-5", "customer-7"]
    header, *rows = cli("tasks").stdout.splitlines()
    row = next(line for line in rows if line.startswith(task_id))
    assert row[header.index("QUEUE"):].split()[:2] == [name, "-5"]

    plain = cli("schedule", "echo unplaced", "--in", "1h", "--priority=7")
    assert plain.returncode == 0, plain.stderr
    plain_id = plain.stdout.splitlines()[0]
    status = cli("status", plain_id)
    assert [field(status.stdout, label) for label in ("queue", "priority", "concurrency key")] == ["default", "7", None]
    for one in (task_id, plain_id):
        cluster.call("POST", f"/tasks/{one}/cancel")


def test_a_schedule_takes_a_queue_a_priority_and_a_key_for_its_tasks(cli, cluster):
    name = queue_name()
    created = cli("schedules", "create", "echo scheduled-placed", "--every", "1h", "--paused", "--queue", name,
                  "--priority", "9", "--key", "nightly", "--json")
    assert created.returncode == 0, created.stderr
    schedule_id = json.loads(created.stdout)["schedule_id"]
    shown = cli("schedules", "show", schedule_id)
    assert [field(shown.stdout, label) for label in ("queue", "priority", "concurrency key")] == [name, "9", "nightly"]
    header, *rows = cli("schedules", "list", "--limit", "1000").stdout.splitlines()
    row = next(line for line in rows if line.startswith(schedule_id))
    assert row[header.index("QUEUE"):].split()[0] == name
    task = cluster.call("GET", f"/tasks/{cli('schedules', 'trigger', schedule_id).stdout.strip()}")
    assert (task["queue"], task["priority"], task["concurrency_key"]) == (name, 9, "nightly")
    assert cli("schedules", "delete", schedule_id).returncode == 0


def test_bad_queue_values_are_usage_errors_that_say_what_is_expected(cli, cluster):
    name = queue_name()
    cases = [
        (("queues", "show", "no spaces"), "a queue name is 1 to 64 letters"),
        (("queues", "pause", ".hidden"), "a queue name is 1 to 64 letters"),
        (("queues", "set", "x" * 65), "a queue name is 1 to 64 letters"),
        (("schedule", "echo", "--queue", "a/b"), "a queue name is 1 to 64 letters"),
        (("schedule", "echo", "--priority", "101"), "a priority is an integer from -100 to 100"),
        (("schedule", "echo", "--priority", "high"), "a priority is an integer from -100 to 100"),
        (("schedules", "create", "echo", "--every", "1h", "--key", ""), "a concurrency key is a string of 1 to 255"),
        (("queues", "set", name, "--concurrency-limit", "0"), "a limit is a whole number from 1"),
        (("queues", "set", name, "--key-limit", "two"), "a limit is a whole number from 1"),
    ] + [
        (("queues", "set", name, "--rate", rate), "a rate is LIMIT/DURATION")
        for rate in ("100", "100/", "/60s", "x/60s", "0/60s", "100/0s", "100/60x", "100/60s/2")
    ]
    for args, expected in cases:
        result = cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        first = result.stderr.splitlines()[0]
        assert first.startswith("Error: The value ") and expected in first, (args, first)
    assert cli("queues", "frobnicate").returncode == 2
    assert cli("queues", "set").returncode == 2
    assert name not in {queue["name"] for queue in cluster.call("GET", "/queues")["queues"]}, "nothing was sent"


def test_an_unknown_queue_is_not_found(cli):
    result = cli("queues", "show", queue_name())
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: not_found: no queue named")


def test_logs_prints_the_output_and_follows_a_running_task_to_its_end(cli, cluster):
    task_id = schedule(cluster, "echo one; sleep 2; echo two")
    wait_for_status(cluster, task_id, {"running"})
    started = time.monotonic()
    followed = cli("logs", task_id[:8], "-f")
    assert followed.returncode == 0, followed.stderr
    assert followed.stdout == "one\ntwo\n"
    assert time.monotonic() - started >= 1, "-f waited for the task to end"
    assert wait_for_status(cluster, task_id, {"completed"})["output_bytes"] == 8
    printed = cli("logs", task_id)
    assert printed.returncode == 0 and printed.stdout == "one\ntwo\n"
    assert "8 bytes" in cli("status", task_id).stdout
    unknown = cli("logs", "0000000000000000")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: not_found: no task id starts with 0000000000000000"
