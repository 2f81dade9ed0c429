"""Fixtures for the interop tests.

The tests drive TaskMaster's real executables with Python's official grpcio. They need:
- TASKMASTER_TEST_DATABASE_URL: a PostgreSQL server (libpq URL) on which they may create databases;
- TASKMASTER_BIN_DIR: the folder holding the built `scheduler` and `coordinator`.
scripts/test.sh sets both.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import grpc
import pytest

from support import (GRPC_CHANNEL_OPTIONS, REPO_ROOT, ServiceProcess, answers_health_check, free_port,
                     fresh_database, required_environment, service_environment, start_coordinator)

PROTO_FILE = REPO_ROOT / "proto" / "grpcapi.proto"

_stubs_dir = None


def pytest_configure(config):
    """Generates grpcapi_pb2 and grpcapi_pb2_grpc from the .proto before the tests are imported."""
    global _stubs_dir
    from grpc_tools import protoc

    _stubs_dir = tempfile.mkdtemp(prefix="grpcapi-stubs-")
    status = protoc.main([
        "grpc_tools.protoc",
        f"--proto_path={PROTO_FILE.parent}",
        f"--python_out={_stubs_dir}",
        f"--grpc_python_out={_stubs_dir}",
        str(PROTO_FILE),
    ])
    if status != 0:
        raise pytest.UsageError(f"grpc_tools.protoc could not compile {PROTO_FILE} (status {status})")
    sys.path.insert(0, _stubs_dir)


def pytest_unconfigure(config):
    if _stubs_dir is not None:
        shutil.rmtree(_stubs_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return required_environment("TASKMASTER_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def bin_dir() -> Path:
    path = Path(required_environment("TASKMASTER_BIN_DIR"))
    for name in ("scheduler", "coordinator"):
        if not os.access(path / name, os.X_OK):
            pytest.fail(f"{path / name} is missing or not executable; build first (swift build)",
                        pytrace=False)
    return path


@pytest.fixture(scope="session")
def database_url(postgres_url: str) -> str:
    """A fresh database for this test session on the test server, dropped afterwards."""
    with fresh_database(postgres_url) as url:
        yield url


@pytest.fixture
def isolated_database_url(postgres_url: str) -> str:
    """A fresh database for one test, dropped afterwards."""
    with fresh_database(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def scheduler_url(bin_dir: Path, database_url: str, tmp_path_factory) -> str:
    """The base URL of a scheduler started for the whole session."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    scheduler = ServiceProcess(
        "scheduler",
        [str(bin_dir / "scheduler"), f"--scheduler_port=127.0.0.1:{port}",
         f"--data_dir={REPO_ROOT / 'data'}"],
        env=service_environment(database_url),
        log_path=tmp_path_factory.mktemp("scheduler") / "scheduler.log",
        cwd=REPO_ROOT,
    )
    try:
        scheduler.wait_until(lambda: answers_health_check(url), "answering /healthz")
    except BaseException:
        scheduler.stop()
        raise
    yield url
    scheduler.stop_and_expect_clean_exit()


@pytest.fixture
def coordinator_address(bin_dir: Path, database_url: str, tmp_path) -> str:
    """`127.0.0.1:PORT` of a coordinator started for one test (so no workers carry over)."""
    port = free_port()
    coordinator = start_coordinator(bin_dir, database_url, tmp_path / "coordinator.log", port, free_port())
    yield f"127.0.0.1:{port}"
    coordinator.stop_and_expect_clean_exit()


@pytest.fixture
def coordinator_channel(coordinator_address: str) -> grpc.Channel:
    with grpc.insecure_channel(coordinator_address, options=GRPC_CHANNEL_OPTIONS) as channel:
        yield channel


@pytest.fixture
def coordinator(coordinator_channel: grpc.Channel):
    """A grpcio client stub for CoordinatorService."""
    import grpcapi_pb2_grpc

    return grpcapi_pb2_grpc.CoordinatorServiceStub(coordinator_channel)
