"""A whole cluster for the suites that drive the API end to end (tests/dashboard, tests/cli): a
scheduler with an API token, a coordinator and one shell worker (capacity 5, prefetch as
configured by default), all with a cluster token, on a fresh database; with TLS on every link when
asked. It needs TASKMASTER_TEST_DATABASE_URL and TASKMASTER_BIN_DIR (see conftest.py).
"""

import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
import requests

from support import (REPO_ROOT, ServiceProcess, answers_health_check, free_port, fresh_database,
                     http_session, required_environment, service_environment, start_coordinator,
                     start_worker)

API_TIMEOUT_SECONDS = 10
WORKER_CAPACITY = 5


@dataclass
class Cluster:
    url: str
    api_token: str
    api: requests.Session  # sends the API token
    restart_scheduler: Callable[[], None]  # stops the scheduler, waits a second, starts it again

    def call(self, method: str, path: str, **kwargs) -> dict:
        """One API call that must succeed; the JSON reply."""
        response = self.api.request(method, self.url + path, timeout=API_TIMEOUT_SECONDS, **kwargs)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()


@contextmanager
def running_cluster(logs: Path, tls=None, scheduler_tls=None, scheduler_client_auth: str = "require",
                    scheduler_env: Optional[dict] = None) -> Iterator[Cluster]:
    """Starts the cluster, its logs in `logs`, and stops it on exit. With `tls` (an identity of
    certificates.py) every service serves TLS only with it and requires client certificates; the
    scheduler serves `scheduler_tls` instead when given, and requires client certificates as
    `scheduler_client_auth` says. The cluster's own API calls show `tls` and trust its authority,
    at https://localhost. `scheduler_env` is added to the scheduler's environment."""
    bin_dir = Path(required_environment("TASKMASTER_BIN_DIR"))
    for name in ("scheduler", "coordinator", "worker"):
        if not os.access(bin_dir / name, os.X_OK):
            pytest.fail(f"{bin_dir / name} is missing or not executable; build first", pytrace=False)
    api_token, cluster_token = f"api-{uuid.uuid4().hex}", f"cluster-{uuid.uuid4().hex}"
    with fresh_database(required_environment("TASKMASTER_TEST_DATABASE_URL")) as database_url:
        port = free_port()
        url = f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
        served = scheduler_tls or tls
        tls_arguments = served.service_arguments(scheduler_client_auth) if served else []
        services = []
        scheduler_starts = 0

        def start_scheduler() -> ServiceProcess:
            nonlocal scheduler_starts
            scheduler_starts += 1
            log_name = "scheduler.log" if scheduler_starts == 1 else f"scheduler-{scheduler_starts}.log"
            scheduler = ServiceProcess(
                "scheduler",
                [str(bin_dir / "scheduler"), f"--scheduler_port=127.0.0.1:{port}", f"--data_dir={REPO_ROOT / 'data'}",
                 *tls_arguments],
                env={**service_environment(database_url), "TASKMASTER_API_TOKEN": api_token, **(scheduler_env or {})},
                log_path=logs / log_name, cwd=REPO_ROOT)
            scheduler.wait_until(lambda: answers_health_check(url, tls), "answering /healthz")
            return scheduler

        def restart_scheduler() -> None:
            services[0].stop()
            time.sleep(1)
            services[0] = start_scheduler()

        try:
            services.append(start_scheduler())
            coordinator_port = free_port()
            services.append(start_coordinator(bin_dir, database_url, logs / "coordinator.log", coordinator_port,
                                              free_port(), extra_env={"TASKMASTER_CLUSTER_TOKEN": cluster_token}, tls=tls))
            services.append(start_worker(bin_dir, f"127.0.0.1:{coordinator_port}", logs / "worker.log", free_port(),
                                         ["--executor=shell", f"--capacity={WORKER_CAPACITY}"],
                                         extra_env={"TASKMASTER_CLUSTER_TOKEN": cluster_token}, tls=tls))
            api = http_session(tls)
            api.headers["Authorization"] = f"Bearer {api_token}"
            yield Cluster(url=url, api_token=api_token, api=api, restart_scheduler=restart_scheduler)
        finally:
            for service in reversed(services):
                service.stop()
