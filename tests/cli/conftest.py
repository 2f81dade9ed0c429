"""Fixtures for the CLI tests: a real cluster (tests/interop/cluster.py) and the `taskmaster`
binary, TASKMASTER_CLI if set, else $TASKMASTER_BIN_DIR/taskmaster."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interop"))

from cluster import Cluster, running_cluster  # noqa: E402
from support import required_environment  # noqa: E402

# Every CLI run ends within this unless a test gives its own bound.
CLI_TIMEOUT_SECONDS = 30


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> Cluster:
    with running_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def cli_path() -> Path:
    path = Path(os.environ.get("TASKMASTER_CLI") or Path(required_environment("TASKMASTER_BIN_DIR")) / "taskmaster")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing or not executable; build it (swift build --product taskmaster)",
                    pytrace=False)
    return path


@pytest.fixture
def cli(cli_path, cluster):
    """`cli("tasks", "--json")` runs the binary against the cluster (through TASKMASTER_URL and
    TASKMASTER_API_TOKEN, NO_COLOR unset) and returns the finished process."""

    def run(*args: str, env: dict | None = None, timeout: float = CLI_TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith("TASKMASTER_") and key != "NO_COLOR"}
        environment.update({"TASKMASTER_URL": cluster.url, "TASKMASTER_API_TOKEN": cluster.api_token, **(env or {})})
        return subprocess.run([str(cli_path), *args], capture_output=True, text=True, env=environment,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    return run
