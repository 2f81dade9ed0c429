"""The dashboard in a real browser against a real cluster: token, overview, tasks, schedules,
queues, workers, markup in commands, time zones, and the laptop and phone layouts. The tests save a
screenshot of every page in test-artifacts/dashboard/; with TASKMASTER_UPDATE_SCREENSHOT=1 also
docs/dashboard.png."""

import os
import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from cluster import WORKER_CAPACITY
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


def create_schedule(cluster, **fields) -> dict:
    return cluster.call("POST", "/schedules", json=fields)


# A browser in India (UTC+05:30 all year, so no daylight-saving edge) reading US English, which
# calls that zone GMT+5:30.
INDIA = {"timezone_id": "Asia/Kolkata", "locale": "en-US"}
INDIA_NAME = "GMT+5:30"


def wall_clock(iso: str, zone: str, name: str = "") -> str:
    """`2026-12-08 02:30:00 EST`: an instant as the dashboard writes it on `zone`'s clock (with the
    zone's name in US English, Python's abbreviation unless given)."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{moment:%Y-%m-%d %H:%M:%S} {name or moment.tzname()}"


def starts_with(text: str) -> re.Pattern:
    return re.compile("^" + re.escape(text))


def overflow(page, selector: str) -> dict:
    """The widths that show sideways scrolling, as [scrollWidth, clientWidth]: the page's, the
    table's (selector) and its container's; and the cells whose content spills out of them."""
    return page.evaluate("""(selector) => {
        const table = document.querySelector(selector);
        const wrap = table.closest('.table-wrap');
        // A command is cut off with an ellipsis on purpose; any other cell must hold its content.
        const spilled = [...table.querySelectorAll('td:not(.command)')]
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => `${cell.dataset.label}: ${cell.textContent}`);
        return {
            page: [document.documentElement.scrollWidth, window.innerWidth],
            wrap: [wrap.scrollWidth, wrap.clientWidth],
            table: [table.scrollWidth, table.clientWidth],
            spilled,
        };
    }""", selector)


def fits(widths: dict) -> bool:
    return all(widths[key][0] <= widths[key][1] for key in ("page", "wrap", "table"))


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
    # It names no queues, so it takes tasks from all of them.
    expect(row.get_by_test_id("worker-queues")).to_have_text("all")
    coordinator = cluster.call("GET", "/coordinators")["coordinators"][0]
    expect(page.get_by_test_id("coordinator-row")).to_contain_text(coordinator["address"])
    screenshot(page, "workers")


def test_times_name_their_zone_and_fire_times_read_on_the_schedules_clock(open_page, cluster, screenshot):
    """Every time names its zone: the browser's, or for a schedule's fire times the schedule's own,
    with the browser's reading beside it when that differs."""
    later = cluster.call("POST", "/schedule", json={"command": "echo later", "scheduled_at": "2031-01-15T00:00:00.000Z"})
    suffix = uuid.uuid4().hex[:6]
    new_york = create_schedule(cluster, name=f"new-york-{suffix}", cron="30 2 * * *", timezone="America/New_York",
                               command="echo new-york")
    new_york_id = new_york["schedule_id"]
    cluster.call("POST", f"/schedules/{new_york_id}/trigger")
    last_fire = cluster.call("GET", f"/schedules/{new_york_id}")["last_fire_at"]
    fires = cluster.call("GET", f"/schedules/{new_york_id}/upcoming?count=10")["fire_times"]
    kolkata = create_schedule(cluster, name=f"kolkata-{suffix}", cron="30 2 * * *", timezone="Asia/Kolkata",
                              command="echo kolkata")

    def both_clocks(iso: str) -> str:
        return f"{wall_clock(iso, 'America/New_York')} ({wall_clock(iso, 'Asia/Kolkata', INDIA_NAME)})"

    # A browser on UTC says so.
    utc = open_page(1280, 800, timezone_id="UTC", locale="en-US")
    sign_in(utc, cluster, f"/ui/tasks/{later['task_id']}")
    expect(utc.locator('[data-field="Scheduled at"] dd')).to_have_text("2031-01-15 00:00:00 UTC")
    expect(utc.get_by_test_id("refresh-state")).to_have_text(re.compile(r"^updated \d\d:\d\d:\d\d UTC$"))

    # A browser in India reads times on its own clock, and names it.
    page = open_page(1280, 800, **INDIA)
    sign_in(page, cluster, f"/ui/tasks/{later['task_id']}")
    expect(page.locator('[data-field="Scheduled at"] dd')).to_have_text(f"2031-01-15 05:30:00 {INDIA_NAME}")
    expect(page.get_by_test_id("refresh-state")).to_have_text(re.compile(rf"^updated \d\d:\d\d:\d\d {re.escape(INDIA_NAME)}$"))

    # A schedule's page reads its fire times on New York's clock, and India's beside them.
    page.goto(f"/ui/schedules/{new_york_id}")
    expect(page.locator("h2").filter(has_text="Upcoming fires")).to_contain_text("America/New_York time")
    expect(page.get_by_test_id("upcoming-fires").locator("li")).to_have_text(
        [re.compile("^" + re.escape(both_clocks(fire)) + r" in \d") for fire in fires])
    expect(page.get_by_test_id("schedule-last-fire")).to_have_text(starts_with(both_clocks(last_fire) + " "))
    screenshot(page, "schedule-zones")

    # So does the list; a schedule on the browser's own clock is read once.
    page.get_by_role("link", name="← Schedules").click()
    row = page.locator(f'[data-testid=schedule-row][data-schedule-id="{new_york_id}"]')
    expect(row.get_by_test_id("next-fire")).to_have_text(starts_with(both_clocks(fires[0]) + " in "))
    expect(row.get_by_test_id("last-fire")).to_have_text(starts_with(both_clocks(last_fire) + " "))
    row = page.locator(f'[data-testid=schedule-row][data-schedule-id="{kolkata["schedule_id"]}"]')
    expected = wall_clock(kolkata["next_fire_times"][0], "Asia/Kolkata", INDIA_NAME)
    expect(row.get_by_test_id("next-fire")).to_have_text(re.compile("^" + re.escape(expected) + r" in \d"))


def test_schedules_table_fits_a_1400_px_window(open_page, cluster, screenshot):
    """Long names, queues and commands, long zone names and fire times read on two clocks still fit a
    window 1400 px wide without sideways scrolling, and the counts' header keeps to one line."""
    suffix = uuid.uuid4().hex[:6]
    command = ("echo /opt/reports/quarterly.py --from=2026-01-01 --to=2026-12-31 --format=pdf "
               "--recipients=finance@example.com,board@example.com,audit@example.com --verbose")
    made = []
    for zone in ("America/Argentina/Buenos_Aires", "Europe/Berlin", "Australia/Lord_Howe"):
        schedule = create_schedule(cluster, name=f"quarterly-finance-report-for-the-board-of-directors-{zone}-{suffix}",
                                   cron="0,15,30,45 8-18 * * MON-FRI", timezone=zone, command=f"{command} {zone}")
        cluster.call("POST", f"/schedules/{schedule['schedule_id']}/trigger")
        made.append(schedule["schedule_id"])
    # A name and a queue's name with no place to break.
    made.append(create_schedule(cluster, name="x" * 150 + suffix, cron="0 0 1 1 *", command="true",
                                queue="q" * 64)["schedule_id"])

    page = open_page(1400, 900, **INDIA)
    sign_in(page, cluster, "/ui/schedules")
    for schedule_id in made:
        row = page.locator(f'[data-testid=schedule-row][data-schedule-id="{schedule_id}"]')
        expect(row.locator("time").first).to_be_visible()
    widths = overflow(page, "[data-testid=schedules-table]")
    assert fits(widths) and not widths["spilled"], widths

    # One line: the counts' header text is as tall as the name's.
    heights = page.evaluate("""() => [...document.querySelectorAll('[data-testid=schedules-table] th')].map((th) => {
        const text = document.createRange();
        text.selectNodeContents(th);
        return [th.textContent, text.getBoundingClientRect().height];
    })""")
    counts = next(height for text, height in heights if text.lower().startswith("fired"))
    assert counts == heights[0][1], heights
    screenshot(page, "schedules-1400")


def test_workers_page_shows_tasks_in_flight_against_capacity(page, cluster, screenshot):
    """A worker with capacity 5 shows what it holds out of 5, and the prefetch places it offers
    beyond that apart; the bar's scale is its capacity."""
    # Short tasks make the worker offer prefetch places (README, Executors: Prefetch).
    deadline = time.monotonic() + 60
    while True:
        for task_id in [schedule_task(cluster, "true") for _ in range(5)]:
            wait_for_status(cluster, task_id, "completed")
        time.sleep(1.5)  # the coordinator writes its registry about once a second
        worker = cluster.call("GET", "/workers")["workers"][0]
        if worker["prefetch"] > 0:
            break
        assert time.monotonic() < deadline, f"the worker offers no prefetch place: {worker}"
    assert worker["capacity"] == WORKER_CAPACITY, worker

    sign_in(page, cluster, "/ui/workers")
    row = page.locator(f'[data-testid=worker-row][data-worker-id="{worker["worker_id"]}"]')
    expect(row).to_contain_text(re.compile(rf"\b\d+ / {WORKER_CAPACITY}\b"))  # not "0 / 85"
    expect(row.locator("meter")).to_have_attribute("max", str(WORKER_CAPACITY))
    expect(row.get_by_test_id("worker-in-flight")).to_have_text(re.compile(rf"^\d+ / {WORKER_CAPACITY}$"))
    expect(row.get_by_test_id("worker-prefetch")).to_have_text(re.compile(r"^\+[1-9]\d* prefetch$"))
    assert float(row.locator("meter").get_attribute("value")) <= WORKER_CAPACITY
    screenshot(page, "workers-capacity")


def test_schedules_queues_and_workers_pages_fit_a_phone(open_page, cluster, screenshot):
    """On a phone, in India, the schedules', queues' and workers' cards hold their content."""
    suffix = uuid.uuid4().hex[:6]
    create_schedule(cluster, name=f"phone-{'y' * 60}-{suffix}", cron="0,15,30,45 8-18 * * MON-FRI",
                    timezone="America/Argentina/Buenos_Aires", command="echo a long command " * 8)
    cluster.call("PUT", f"/queues/phone-{'z' * 50}-{suffix}",
                 json={"concurrency_limit": 1000, "rate_limit": {"limit": 1000, "period_seconds": 5400}, "paused": True})
    page = open_page(390, 844, **INDIA)
    sign_in(page, cluster, "/ui/schedules")
    for path, table, name in (("/ui/schedules", "schedules-table", "schedules-phone"),
                              ("/ui/queues", "queues-table", "queues-phone"),
                              ("/ui/workers", "workers-table", "workers-phone")):
        page.goto(path)
        expect(page.get_by_test_id(table).locator("tbody tr").first).to_be_visible()
        widths = overflow(page, f"[data-testid={table}]")
        assert fits(widths) and not widths["spilled"], widths
        screenshot(page, name)


def test_tasks_page_fits_a_phone(phone_page, cluster, screenshot):
    schedule_task_in(cluster, "q" * 64, "echo a command long enough to need wrapping on a narrow screen " * 3,
                     offset_seconds=3600)
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


def queue_row(page, name: str):
    return page.locator(f'[data-testid=queue-row][data-queue="{name}"]')


def schedule_task_in(cluster, queue: str, command: str, offset_seconds: float = 0) -> str:
    reply = cluster.call("POST", "/schedule", json={"command": command, "scheduled_at": rfc3339(offset_seconds),
                                                    "queue": queue})
    return reply["task_id"]


def test_queues_page_shows_settings_and_counts_and_pauses_and_resumes_a_queue(page, cluster, screenshot):
    name = f"reports-{uuid.uuid4().hex[:6]}"
    cluster.call("PUT", f"/queues/{name}", json={
        "concurrency_limit": 3, "key_concurrency_limit": 1, "rate_limit": {"limit": 100, "period_seconds": 90}})
    later = [schedule_task_in(cluster, name, "echo later", offset_seconds=3600) for _ in range(2)]

    sign_in(page, cluster, "/")
    page.get_by_test_id("nav").get_by_role("link", name="Queues").click()
    expect(page).to_have_url(re.compile(r"/ui/queues$"))
    expect(page.get_by_test_id("nav").locator("a.active")).to_have_text("Queues")
    row = queue_row(page, name)
    expect(badge_of(row)).to_have_text("active")
    for cell, text in (("concurrency-limit", "3"), ("key-limit", "1"), ("rate-limit", "100 per 1 min 30 s"),
                       ("count-waiting", "2"), ("count-due", "0"), ("count-dispatched", "0"), ("count-running", "0"),
                       ("held-back", "—")):
        expect(row.get_by_test_id(f"queue-{cell}")).to_have_text(text)

    row.get_by_test_id("pause-queue").click()
    expect(badge_of(row)).to_have_text("paused")
    expect(row.get_by_test_id("pause-queue")).to_have_text("Resume")
    queue = cluster.call("GET", f"/queues/{name}")
    assert queue["paused"] is True and queue["concurrency_limit"] == 3, queue

    # A due task of the paused queue waits, and the page says what holds it back.
    held = schedule_task_in(cluster, name, "echo held")
    expect(row.get_by_test_id("queue-held-back")).to_have_text("1 task held back by the pause")
    expect(row.get_by_test_id("queue-count-due")).to_have_text("1")
    assert cluster.call("GET", f"/tasks/{held}")["status"] == "scheduled"
    screenshot(page, "queues")

    row.get_by_test_id("pause-queue").click()
    expect(badge_of(row)).to_have_text("active")
    expect(row.get_by_test_id("pause-queue")).to_have_text("Pause")
    assert cluster.call("GET", f"/queues/{name}")["paused"] is False
    wait_for_status(cluster, held, "completed")
    expect(row.get_by_test_id("queue-held-back")).to_have_text("—")
    expect(row.get_by_test_id("queue-count-due")).to_have_text("0")
    for task_id in later:
        cluster.call("POST", f"/tasks/{task_id}/cancel")


def test_a_tasks_queue_priority_and_key_are_set_in_the_form_and_shown(page, cluster):
    name = f"placed-{uuid.uuid4().hex[:6]}"
    sign_in(page, cluster, "/ui/tasks")
    page.get_by_text("Schedule a task").click()
    page.get_by_test_id("new-task-command").fill("echo placed")
    page.get_by_test_id("new-task-time").fill("2031-01-15T00:00:00")
    page.get_by_test_id("new-queue").fill(name)
    page.get_by_test_id("new-priority").fill("-7")
    page.get_by_test_id("new-concurrency-key").fill("customer-42")
    page.get_by_test_id("new-task-submit").click()
    link = page.get_by_test_id("new-task-result").get_by_role("link")
    expect(link).to_be_visible()
    task_id = next(task["task_id"] for task in cluster.call("GET", "/tasks?limit=1000")["tasks"]
                   if task["queue"] == name)
    task = cluster.call("GET", f"/tasks/{task_id}")
    assert (task["priority"], task["concurrency_key"]) == (-7, "customer-42"), task

    row = page.locator(f'[data-testid=task-row][data-task-id="{task_id}"]')
    expect(row.get_by_test_id("task-queue")).to_have_text(name)
    expect(row.get_by_test_id("task-priority")).to_have_text("-7")
    link.click()
    expect(page.locator('[data-field="Queue"] dd')).to_have_text(name)
    expect(page.locator('[data-field="Priority"] dd')).to_have_text("-7")
    expect(page.locator('[data-field="Concurrency key"] dd')).to_have_text("customer-42")
    # Each field once: none is listed again among the fields the page does not know.
    labels = page.locator(".fields dt").evaluate_all("(terms) => terms.map((term) => term.textContent)")
    assert labels.count("Queue") == 1 and not {"queue", "priority", "concurrency_key"} & set(labels), labels

    # A task without a key shows none; its queue and priority are the API's defaults.
    plain = schedule_task(cluster, "echo plain", offset_seconds=3600)
    page.goto(f"/ui/tasks/{plain}")
    expect(page.locator('[data-field="Queue"] dd')).to_have_text("default")
    expect(page.locator('[data-field="Priority"] dd')).to_have_text("0")
    expect(page.locator('[data-field="Concurrency key"]')).to_have_count(0)
    for one in (task_id, plain):
        cluster.call("POST", f"/tasks/{one}/cancel")


def test_a_schedules_queue_priority_and_key_are_set_in_the_form_and_shown(page, cluster):
    name = f"nightly-{uuid.uuid4().hex[:6]}"
    sign_in(page, cluster, "/ui/schedules")
    page.get_by_text("New schedule").click()
    page.get_by_test_id("new-schedule-name").fill(name)
    page.get_by_test_id("new-schedule-cron").fill("30 2 * * *")
    page.get_by_test_id("new-schedule-command").fill("echo nightly")
    page.get_by_test_id("new-queue").fill(name)
    page.get_by_test_id("new-priority").fill("12")
    page.get_by_test_id("new-concurrency-key").fill("tenant-a")
    page.get_by_test_id("new-schedule-submit").click()
    expect(page).to_have_url(re.compile(r"/ui/schedules/[0-9a-f-]{36}$"))
    schedule_id = page.url.rsplit("/", 1)[1]
    schedule = cluster.call("GET", f"/schedules/{schedule_id}")
    assert (schedule["queue"], schedule["priority"], schedule["concurrency_key"]) == (name, 12, "tenant-a"), schedule
    expect(page.locator('[data-field="Queue"] dd')).to_have_text(name)
    expect(page.locator('[data-field="Priority"] dd')).to_have_text("12")
    expect(page.locator('[data-field="Concurrency key"] dd')).to_have_text("tenant-a")

    page.get_by_role("link", name="← Schedules").click()
    row = page.locator(f'[data-testid=schedule-row][data-schedule-id="{schedule_id}"]')
    expect(row.get_by_test_id("schedule-queue")).to_have_text(name)
    assert cluster.api.delete(f"{cluster.url}/schedules/{schedule_id}", timeout=10).status_code == 204


def test_a_running_tasks_page_follows_its_output_live(page, cluster):
    marker = f"live-{uuid.uuid4().hex[:8]}"
    task_id = schedule_task(cluster, f"echo {marker}-first; sleep 4; echo {marker}-second")
    wait_for_status(cluster, task_id, "running")
    sign_in(page, cluster, f"/ui/tasks/{task_id}")
    output = page.get_by_test_id("task-output")
    expect(output).to_have_text(f"{marker}-first\n", timeout=3000)
    assert cluster.call("GET", f"/tasks/{task_id}")["status"] == "running", "shown while the task runs"
    expect(output).to_have_text(f"{marker}-first\n{marker}-second\n", timeout=TASK_DONE_TIMEOUT_MS)
    expect(page.get_by_test_id("task-output-bytes")).to_have_text(
        f"{len(marker) * 2 + 15} bytes", timeout=TASK_DONE_TIMEOUT_MS)
