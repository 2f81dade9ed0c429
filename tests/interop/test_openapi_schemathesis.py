"""The scheduler against its own OpenAPI document, with schemathesis: generated valid and invalid
requests to every operation (including stateful sequences through the document's links) must
never get a 5xx, and every response must match the document (status, headers, content type,
JSON schema), with the API token on.

SCHEMATHESIS_MAX_EXAMPLES (default 30) and SCHEMATHESIS_SEED (default 1) tune the run.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from support import ServiceProcess, answers_health_check, free_port, http_session, service_environment

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_SECONDS = 240


@pytest.fixture
def secured_scheduler(bin_dir: Path, isolated_database_url: str, tmp_path) -> tuple[str, str]:
    """(base URL, API token) of a scheduler with TASKMASTER_API_TOKEN set, on a database of its own."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = secrets.token_urlsafe(24)
    env = service_environment(isolated_database_url)
    env["TASKMASTER_API_TOKEN"] = token
    scheduler = ServiceProcess(
        "scheduler",
        [str(bin_dir / "scheduler"), f"--scheduler_port=127.0.0.1:{port}", f"--data_dir={REPO_ROOT / 'data'}",
         "--log_level=warning"],
        env=env, log_path=tmp_path / "scheduler.log", cwd=REPO_ROOT,
    )
    try:
        scheduler.wait_until(lambda: answers_health_check(url), "answering /healthz")
    except BaseException:
        scheduler.stop()
        raise
    yield url, token
    scheduler.stop_and_expect_clean_exit()


def test_every_response_conforms_to_the_openapi_document(secured_scheduler, tmp_path):
    url, token = secured_scheduler
    session = http_session()
    assert session.get(f"{url}/openapi.json", timeout=5).status_code == 401
    served = session.get(f"{url}/openapi.json", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert served.status_code == 200
    document = tmp_path / "openapi.json"
    document.write_bytes(served.content)

    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file", str(Path(__file__).resolve().parent / "schemathesis.toml"),
        "run", str(document),
        "--url", url,
        "--header", f"Authorization: Bearer {token}",
        "--checks", "all",
        "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"),
        "--seed", os.environ.get("SCHEMATHESIS_SEED", "1"),
        # One worker: generating from several threads at once trips a CPython 3.11 race in ast.parse
        # ("AST constructor recursion depth mismatch"), an error of the tool, not of the API.
        "--workers", "1",
        "--generation-database", "none",
        "--request-timeout", "15",
        "--no-color",
    ]
    try:
        run = subprocess.run(command, cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=RUN_TIMEOUT_SECONDS, env={**os.environ, "NO_PROXY": "*"})
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"schemathesis did not finish within {RUN_TIMEOUT_SECONDS}s:\n{timeout.stdout}")
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"schemathesis found problems (exit {run.returncode}):\n{output[-20000:]}"
