"""Fixtures for the dashboard tests: a real cluster (tests/interop/cluster.py) and Debian's
Chromium driven by Playwright. They need what the interop tests need (TASKMASTER_TEST_DATABASE_URL and
TASKMASTER_BIN_DIR, see tests/interop/conftest.py) and /usr/bin/chromium.

Screenshots of every page go to test-artifacts/dashboard/ at the repository's root.
"""

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interop"))

from cluster import API_TIMEOUT_SECONDS, Cluster, running_cluster  # noqa: E402
from support import REPO_ROOT, http_session  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "dashboard"
# Every browser wait ends within this unless a test gives its own bound.
BROWSER_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> Cluster:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    with running_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        served = http_session().get(f"{cluster.url}/ui/assets/main.js", timeout=API_TIMEOUT_SECONDS)
        if served.status_code != 200:
            pytest.fail(f"the scheduler does not serve the dashboard (GET /ui/assets/main.js answered "
                        f"{served.status_code}); rebuild it", pytrace=False)
        wait_until_the_worker_is_listed(cluster)
        yield cluster


def wait_until_the_worker_is_listed(cluster: Cluster) -> None:
    """The worker is ready once its coordinator answers its heartbeats, and listed by the scheduler
    once the coordinator next writes its registry (about once a second)."""
    deadline = time.monotonic() + API_TIMEOUT_SECONDS
    while not cluster.call("GET", "/workers")["workers"]:
        assert time.monotonic() < deadline, "the worker is not listed by GET /workers"
        time.sleep(0.2)


@pytest.fixture(scope="session")
def playwright():
    """Playwright, once for the whole run: its synchronous API runs one instance at a time."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def launch_chromium(playwright, *arguments: str):
    """Debian's Chromium, headless, with `arguments` besides --no-sandbox."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *arguments])


@pytest.fixture(scope="session")
def browser(playwright):
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


def checked_context(browser, base_url, width, height, **options):
    """A fresh browser context (empty sessionStorage) whose pages fail the test on a script error
    or a Content-Security-Policy violation. `options` go to new_context (timezone_id, locale, …)."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    problems = []
    context.on("weberror", lambda error: problems.append(f"script error: {error.error}"))
    context.on("console", lambda message: problems.append(f"console: {message.text}")
               if "Content Security Policy" in message.text else None)
    return context, problems


@pytest.fixture
def page(browser, cluster):
    """A laptop-sized page (1280x800)."""
    context, problems = checked_context(browser, cluster.url, 1280, 800)
    yield context.new_page()
    context.close()
    assert not problems, problems


@pytest.fixture
def phone_page(browser, cluster):
    """A phone-sized page (390x844)."""
    context, problems = checked_context(browser, cluster.url, 390, 844)
    yield context.new_page()
    context.close()
    assert not problems, problems


@pytest.fixture
def open_page(browser, cluster):
    """`open_page(1400, 900, timezone_id="Asia/Kolkata", locale="en-US")`: a page in a fresh
    context of that size, its browser on that time zone (the machine's when left out)."""
    opened = []

    def new(width: int, height: int, **options):
        context, problems = checked_context(browser, cluster.url, width, height, **options)
        opened.append((context, problems))
        return context.new_page()

    yield new
    for context, problems in opened:
        context.close()
        assert not problems, problems


@pytest.fixture(scope="session")
def screenshot():
    """`screenshot(page, "tasks")` saves the whole page as test-artifacts/dashboard/tasks.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
