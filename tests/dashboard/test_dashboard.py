"""The dashboard in a real browser against a real cluster: token, overview, tasks, schedules,
workers, markup in commands, and the phone layout. The tests save a screenshot of every page in
test-artifacts/dashboard/; with TASKMASTER_UPDATE_SCREENSHOT=1 also docs/dashboard.png."""

import os
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from support import REPO_ROOT

TASK_DONE_TIMEOUT_MS = 30_000
UPDATE_SCREENSHOT = os.environ.get("TASKMASTER_UPDATE_SCREENSHOT") == "1"


def rfc3339(offset_seconds: float = 0) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=offset_seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def schedule_task(cluster, command: str, offset_seconds: float = 0) -> str:
    reply = cluster.call("POST", "/schedule", json={"command": command, "scheduled_at": rfc3339(offset_seconds)})
    return reply["task_id"]


def wait_for_status(cluster, task_id: str, status: str, timeout_seconds: float = 30) -> dict:
    deadline = time.monotonic() + timeout_seconds
    while True:
        task = cluster.call("GET", f"/tasks/{task_id}")
        if task["status"] == status:
            return task
        assert time.monotonic() < deadline, f"task {task_id} is {task['status']}, not {status}, after {timeout_seconds}s"
        time.sleep(0.2)


def sign_in(page, cluster, path: str = "/"):
    """Opens `path`, answers the token form, and waits until the page is shown."""
    page.goto(path)
    page.get_by_test_id("token-input").fill(cluster.api_token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("token-panel")).to_be_hidden()


def badge_of(locator):
    return locator.get_by_test_id("status-badge").first


def test_overview_asks_for_the_token_then_shows_the_cluster(page, cluster, screenshot):
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_test_id("token-panel")).to_be_visible()
    expect(page.locator("#app")).to_be_hidden()

    page.get_by_test_id("token-input").fill("not-the-token")
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("token-refused")).to_be_visible()

    page.get_by_test_id("token-input").fill(cluster.api_token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("token-panel")).to_be_hidden()
    assert page.evaluate("Object.values(sessionStorage)") == [cluster.api_token]
    for state in ("scheduled", "due", "dispatched", "running", "completed", "failed", "cancelled"):
        expect(page.get_by_test_id(f"count-{state}")).to_be_visible()
    expect(page.get_by_test_id("throughput-chart").locator("svg rect.hover-target")).to_have_count(30)
    expect(page.get_by_test_id("delay-chart").locator("svg")).to_be_visible()
    workers = cluster.call("GET", "/workers")["workers"]
    assert len(workers) == 1
    expect(page.locator(f'[data-testid=worker-row][data-worker-id="{workers[0]["worker_id"]}"]')).to_be_visible()
    screenshot(page, "overview")

    page.get_by_test_id("forget-token").click()
    expect(page.get_by_test_id("token-panel")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0


def test_a_task_scheduled_from_the_page_completes_and_shows_its_output(page, cluster, screenshot):
    marker = f"dashboard-{uuid.uuid4().hex[:8]}"
    sign_in(page, cluster, "/ui/tasks")
    page.get_by_text("Schedule a task").click()
    page.get_by_test_id("new-task-command").fill(f"echo {marker}")
    page.get_by_test_id("new-task-submit").click()
    link = page.get_by_test_id("new-task-result").get_by_role("link")
    expect(link).to_be_visible()

    row = page.locator("[data-testid=task-row]").filter(has_text=f"echo {marker}")
    expect(row).to_have_count(1)
    task_id = row.get_attribute("data-task-id")
    # The list refreshes itself until the worker has run the task.
    expect(badge_of(row)).to_have_text("completed", timeout=TASK_DONE_TIMEOUT_MS)
    assert cluster.call("GET", f"/tasks/{task_id}")["status"] == "completed"
    screenshot(page, "tasks")

    row.get_by_test_id("task-command").click()
    expect(page).to_have_url(re.compile(f"/ui/tasks/{task_id}$"))
    expect(page.get_by_test_id("task-output")).to_have_text(f"{marker}\n")
    expect(page.get_by_test_id("task-exit-code")).to_have_text("0")
    expect(page.get_by_test_id("task-attempts")).to_have_text("1 of 1")
    expect(page.get_by_test_id("cancel-task")).to_be_hidden()
    expect(page.get_by_test_id("retry-task")).to_be_hidden()
    screenshot(page, "task-detail")

    # A deep link opens the same page in a new tab (the token is asked for again there).
    other = page.context.new_page()
    sign_in(other, cluster, f"/ui/tasks/{task_id}")
    expect(other.get_by_test_id("task-output")).to_have_text(f"{marker}\n")


def test_cancel_a_future_task_from_its_page(page, cluster):
    task_id = schedule_task(cluster, "echo never", offset_seconds=3600)
    sign_in(page, cluster, f"/ui/tasks/{task_id}")
    expect(badge_of(page.locator(".page-head"))).to_have_text("scheduled")
    expect(page.get_by_test_id("retry-task")).to_be_hidden()
    page.get_by_test_id("cancel-task").click()
    expect(badge_of(page.locator(".page-head"))).to_have_text("cancelled")
    expect(page.get_by_test_id("cancel-task")).to_be_hidden()
    expect(page.get_by_test_id("retry-task")).to_be_visible()
    assert cluster.call("GET", f"/tasks/{task_id}")["status"] == "cancelled"


def test_retry_a_failed_task_from_its_page(page, cluster):
    task_id = schedule_task(cluster, "echo failing >&2; exit 3")
    wait_for_status(cluster, task_id, "failed")
    sign_in(page, cluster, f"/ui/tasks/{task_id}")
    expect(page.get_by_test_id("task-exit-code")).to_have_text("3")
    expect(page.get_by_test_id("task-attempts")).to_have_text("1 of 1")

    with page.expect_response(lambda response: response.url.endswith(f"/tasks/{task_id}/retry")) as answer:
        page.get_by_test_id("retry-task").click()
    assert answer.value.status == 200
    # The reply is the task as the retry left it, even when a worker runs it again at once.
    retried = answer.value.json()
    assert retried["max_attempts"] == 2 and retried["status"] == "scheduled", retried
    # It runs again and fails again; the page follows it there and offers Retry again.
    expect(page.get_by_test_id("task-attempts")).to_have_text("2 of 2", timeout=TASK_DONE_TIMEOUT_MS)
    expect(badge_of(page.locator(".page-head"))).to_have_text("failed", timeout=TASK_DONE_TIMEOUT_MS)
    expect(page.get_by_test_id("retry-task")).to_be_visible()
    task = cluster.call("GET", f"/tasks/{task_id}")
    assert (task["status"], task["attempts"], task["exit_code"]) == ("failed", 2, 3)


def test_create_a_schedule_from_the_page_and_pause_it(page, cluster, screenshot):
    name = f"nightly-{uuid.uuid4().hex[:6]}"
    sign_in(page, cluster, "/ui/schedules")
    page.get_by_text("New schedule").click()
    page.get_by_test_id("new-schedule-name").fill(name)
    page.get_by_test_id("new-schedule-command").fill("echo nightly")
    # An API error shows its code and message, and the form keeps what was typed.
    page.get_by_test_id("new-schedule-cron").fill("61 * * * *")
    page.get_by_test_id("new-schedule-submit").click()
    error = page.get_by_test_id("new-schedule-form").get_by_test_id("api-error")
    expect(error.locator(".error-code")).to_have_text("invalid_schedule")
    expect(error).to_contain_text("minute")
    page.get_by_test_id("new-schedule-cron").fill("30 2 * * *")
    page.get_by_test_id("new-schedule-submit").click()

    expect(page).to_have_url(re.compile(r"/ui/schedules/[0-9a-f-]{36}$"))
    schedule_id = page.url.rsplit("/", 1)[1]
    expect(page.locator(".page-head h1")).to_have_text(name)
    expect(badge_of(page.locator(".page-head"))).to_have_text("active")
    expect(page.get_by_test_id("upcoming-fires").locator("li")).to_have_count(10)

    page.get_by_test_id("pause-schedule").click()
    expect(badge_of(page.locator(".page-head"))).to_have_text("paused")
    expect(page.get_by_test_id("pause-schedule")).to_have_text("Resume")
    assert cluster.call("GET", f"/schedules/{schedule_id}")["paused"] is True
    screenshot(page, "schedule-detail")

    page.get_by_role("link", name="← Schedules").click()
    row = page.locator(f'[data-testid=schedule-row][data-schedule-id="{schedule_id}"]')
    expect(badge_of(row)).to_have_text("paused")
    screenshot(page, "schedules")


def test_markup_in_a_command_or_its_output_shows_as_text(page, cluster):
    command = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    later = schedule_task(cluster, command, offset_seconds=3600)
    printed = schedule_task(cluster, """echo '<img src=x onerror="window.__pwned=3">'""")
    wait_for_status(cluster, printed, "completed")

    sign_in(page, cluster, "/ui/tasks")
    row = page.locator(f'[data-testid=task-row][data-task-id="{later}"]')
    expect(row.get_by_test_id("task-command")).to_have_text(command)
    page.goto(f"/ui/tasks/{later}")
    expect(page.locator("pre[data-testid=task-command]")).to_have_text(command)
    page.goto(f"/ui/tasks/{printed}")
    expect(page.get_by_test_id("task-output")).to_have_text('<img src=x onerror="window.__pwned=3">\n')
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_workers_page_lists_the_worker_and_the_coordinator(page, cluster, screenshot):
    sign_in(page, cluster, "/ui/workers")
    worker = cluster.call("GET", "/workers")["workers"][0]
    row = page.locator(f'[data-testid=worker-row][data-worker-id="{worker["worker_id"]}"]')
    expect(row).to_contain_text(worker["address"])
    expect(row).to_contain_text("shell")
    coordinator = cluster.call("GET", "/coordinators")["coordinators"][0]
    expect(page.get_by_test_id("coordinator-row")).to_contain_text(coordinator["address"])
    screenshot(page, "workers")


def test_tasks_page_fits_a_phone(phone_page, cluster, screenshot):
    schedule_task(cluster, "echo a command long enough to need wrapping on a narrow screen " * 3, offset_seconds=3600)
    sign_in(phone_page, cluster, "/ui/tasks")
    expect(phone_page.get_by_test_id("task-row").first).to_be_visible()
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    screenshot(phone_page, "tasks-phone")


def test_overview_counts_finished_tasks(page, cluster, screenshot):
    """The overview's counts and charts come from GET /summary; also the picture in docs/."""
    cluster.call("POST", "/schedules", json={"name": f"every-10s-{uuid.uuid4().hex[:6]}",
                                             "cron": "*/10 * * * * *", "command": "date"})
    task_ids = [schedule_task(cluster, f"sleep 0.{i}; echo {i}") for i in range(1, 9)]
    for task_id in task_ids:
        wait_for_status(cluster, task_id, "completed")
    completed = cluster.call("GET", "/summary")["finished"]["completed"]
    assert completed >= len(task_ids)

    sign_in(page, cluster)
    tile = page.get_by_test_id("count-completed").locator(".tile-value")
    expect(tile).to_have_text(re.compile(r"^\d+$"))
    assert int(tile.inner_text()) >= len(task_ids)
    expect(page.get_by_test_id("throughput-chart").locator("rect.bar").first).to_be_visible()
    expect(page.get_by_test_id("delay-chart").locator("circle.dot").first).to_be_visible()
    if UPDATE_SCREENSHOT:
        (REPO_ROOT / "docs").mkdir(exist_ok=True)
        page.screenshot(path=str(REPO_ROOT / "docs" / "dashboard.png"))
