"""How fast pgqueuer, a peer PostgreSQL-backed queue, works off a backlog: the yardstick for our drain.

The scenario is the one an outside benchmark ran: N no-op jobs (default 20,000) are enqueued in one
batch, all due at once, before any worker exists; then P worker processes (default 3) start and drain
them. Everything runs at pgqueuer's defaults, as people run it: each worker is `pgq run` (the CLI's
defaults: batch size 10, no concurrency cap, 30 s dequeue timeout, LISTEN/NOTIFY wake-ups, uvloop),
over one asyncpg connection, the way pgqueuer's README sets a worker up. Nothing is tuned.

The drain is measured the way taskmaster-bench measures ours (max(completed_at) - min(started_at)):
each worker records time.time() when the entrypoint starts and when it returns, and

    rate = jobs / (last completion - first start)

over all workers (one machine, one clock). The wall time from launching the workers until the
database shows every job done is reported too: it adds process start-up and pgqueuer's buffered
write of each completion. Every job must have run exactly once: executions are counted per job id,
and pgqueuer's own log table must show each job successful once with the queue left empty.

Usage (in a venv with requirements.txt installed):
    python pgqueuer_drain.py --database-url postgres://... [--jobs 20000] [--workers 3] [--timeout 300]
Prints one line of JSON on stdout; everything else goes to stderr. Exits non-zero on failure or timeout.

The same file is the workers' factory: each worker process runs `pgq run pgqueuer_drain:consumer`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import AsyncIterator, Coroutine, TypeVar

T = TypeVar("T")

ENTRYPOINT = "bench_noop"
ENV_DSN = "PGQ_BENCH_DSN"  # the database, for the workers
ENV_RECORD = "PGQ_BENCH_RECORD"  # where a worker writes its executions when it stops
POLL_SECONDS = 0.1  # how often the driver asks the database whether the drain is done
STOP_SECONDS = 15.0  # how long the workers get to stop after SIGTERM, on top of --timeout


def log(message: str) -> None:
    print(f"pgqueuer_drain: {message}", file=sys.stderr, flush=True)


def bounded(coroutine: Coroutine[object, object, T], deadline: float) -> T:
    """Runs *coroutine* to completion, or raises TimeoutError at *deadline* (time.monotonic())."""
    return asyncio.run(asyncio.wait_for(coroutine, max(0.1, deadline - time.monotonic())))


# ---- The worker side: `pgq run pgqueuer_drain:consumer` calls this in each worker process. ----


@contextlib.asynccontextmanager
async def consumer() -> AsyncIterator[object]:
    """A default PgQueuer with one no-op entrypoint that notes when each call starts and ends."""
    import asyncpg
    from pgqueuer import PgQueuer
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.models import Job

    executions: list[tuple[int, float, float]] = []  # (job id, start, end), time.time()
    connection = await asyncpg.connect(os.environ[ENV_DSN])
    pgq = PgQueuer(AsyncpgDriver(connection))

    @pgq.entrypoint(ENTRYPOINT)
    async def noop(job: Job) -> None:
        start = time.time()
        executions.append((int(job.id), start, time.time()))

    try:
        yield pgq  # pgq run runs it until SIGTERM, then flushes pgqueuer's buffers
    finally:
        record = Path(os.environ[ENV_RECORD])
        partial = record.with_suffix(".partial")
        partial.write_text(json.dumps(executions))
        partial.rename(record)  # the driver never reads a half-written file
        await connection.close()


# ---- The driver side. ----


async def prepare(dsn: str, jobs: int) -> list[int]:
    """Installs pgqueuer's schema afresh (so every run starts clean) and enqueues the backlog."""
    import asyncpg
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.queries import Queries

    connection = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(connection))
        if await queries.schema_is_installed():
            log("removing the pgqueuer schema left by an earlier run")
            await queries.uninstall()
        await queries.install()
        started = time.monotonic()
        # One batch enqueue: every job is due at once (execute_after defaults to now).
        ids = await queries.enqueue([ENTRYPOINT] * jobs, [None] * jobs, [0] * jobs)
        log(f"enqueued {len(ids)} jobs in {time.monotonic() - started:.2f} s")
        return [int(i) for i in ids]
    finally:
        await connection.close()


def table_names() -> tuple[str, str]:
    from pgqueuer.domain.settings import db_settings

    qualified = db_settings().qualified
    return qualified.queue_table, qualified.queue_table_log


async def wait_until_drained(
    dsn: str, jobs: int, workers: list[subprocess.Popen[bytes]], deadline: float
) -> bool:
    """Polls until pgqueuer's log shows every job successful and its queue is empty."""
    import asyncpg

    queue_table, log_table = table_names()
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(int((deadline - time.monotonic()) / POLL_SECONDS) + 2):
            if time.monotonic() >= deadline:
                return False
            if any(w.poll() is not None for w in workers):
                log("a worker exited before the drain finished")
                return False
            queued = await connection.fetchval(f"SELECT count(*) FROM {queue_table}")
            done = await connection.fetchval(
                f"SELECT count(*) FROM {log_table} WHERE status = 'successful'"
            )
            if queued == 0 and done >= jobs:
                return True
            await asyncio.sleep(POLL_SECONDS)
        return False
    finally:
        await connection.close()


async def logged_outcome(dsn: str) -> tuple[Counter[int], float | None]:
    """pgqueuer's own record: successful log entries per job id, and when the last was written."""
    import asyncpg

    _, log_table = table_names()
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            f"SELECT job_id, count(*) AS n FROM {log_table} WHERE status = 'successful' GROUP BY job_id"
        )
        last = await connection.fetchval(
            f"SELECT extract(epoch FROM max(created)) FROM {log_table} WHERE status = 'successful'"
        )
        return Counter({int(r["job_id"]): int(r["n"]) for r in rows}), (
            float(last) if last is not None else None
        )
    finally:
        await connection.close()


def stop(workers: list[subprocess.Popen[bytes]], deadline: float) -> bool:
    """SIGTERM (pgq run's clean shutdown) to every worker still running; True if all exit 0 in time.

    A worker still running at *deadline* is killed (and waited for, at most 10 s).
    """
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    clean = True
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"worker {worker.pid} did not stop after SIGTERM; killing it")
            worker.kill()
            worker.wait(timeout=10)
            clean = False
        if worker.returncode != 0:
            log(f"worker {worker.pid} exited with {worker.returncode}")
            clean = False
    return clean


def run_workers(
    args: argparse.Namespace, records: list[Path], deadline: float
) -> tuple[list[list[tuple[int, float, float]]], float, float] | None:
    """Starts one `pgq run` worker per record file, waits for the drain, stops them.

    Returns each worker's executions and the wall-clock times of launch and of the drain's end,
    or None on failure or timeout. No worker is left running either way.
    """
    here = Path(__file__).resolve().parent
    workers: list[subprocess.Popen[bytes]] = []
    drained = False
    try:
        launched = time.time()
        for record in records:
            env = dict(os.environ, **{ENV_DSN: args.database_url, ENV_RECORD: str(record)})
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(here), env.get("PYTHONPATH")]))
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "pgqueuer", "run", f"{Path(__file__).stem}:consumer"],
                    cwd=here,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=sys.stderr,  # stdout carries only the result line
                    stderr=sys.stderr,
                )
            )
        log(f"started {len(workers)} workers: pids {[w.pid for w in workers]}")
        drained = bounded(
            wait_until_drained(args.database_url, args.jobs, workers, deadline), deadline + 1
        )
        finished = time.time()
    finally:
        stopped = stop(workers, time.monotonic() + STOP_SECONDS)
    if not drained:
        log(f"the drain did not finish (a worker failed, or --timeout {args.timeout} s passed)")
        return None
    if not stopped or not all(r.exists() for r in records):
        log("a worker did not stop cleanly or left no record of its executions")
        return None
    return [json.loads(r.read_text()) for r in records], launched, finished


def run(args: argparse.Namespace) -> int:
    import pgqueuer

    deadline = time.monotonic() + args.timeout
    ids = bounded(prepare(args.database_url, args.jobs), deadline)
    with tempfile.TemporaryDirectory(prefix="pgqueuer-drain-") as records_dir:
        records = [Path(records_dir) / f"worker-{n}.json" for n in range(args.workers)]
        outcome = run_workers(args, records, deadline)
    if outcome is None:
        return 1
    executions, launched, finished = outcome
    if not any(executions):
        log("the workers recorded no executions")
        return 1
    runs = Counter(job_id for per_worker in executions for job_id, _, _ in per_worker)
    first_start = min(start for per_worker in executions for _, start, _ in per_worker)
    last_end = max(end for per_worker in executions for _, _, end in per_worker)
    drain = last_end - first_start
    expected = set(ids)
    duplicates = sum(n - 1 for n in runs.values() if n > 1)
    missing = len(expected - runs.keys())
    unexpected = len(runs.keys() - expected)

    logged, last_logged = bounded(logged_outcome(args.database_url), time.monotonic() + 60)
    log_faults = sum(1 for i in expected if logged[i] != 1) + len(logged.keys() - expected)

    for n, per_worker in enumerate(executions):
        if per_worker:
            start = min(s for _, s, _ in per_worker) - first_start
            log(f"worker {n}: {len(per_worker)} jobs, first start at +{start:.3f} s")
        else:
            log(f"worker {n}: no jobs")
    log(f"the first job started {first_start - launched:.3f} s after the workers were launched")
    if last_logged is not None:
        log(f"last completion committed by pgqueuer at +{last_logged - first_start:.3f} s")
    if unexpected or log_faults:
        log(f"{unexpected} executions of unknown jobs; {log_faults} jobs not logged successful exactly once")

    print(
        json.dumps(
            {
                "jobs": args.jobs,
                "workers": args.workers,
                "drain_seconds": round(drain, 4),
                "rate": round(args.jobs / drain, 1) if drain > 0 else None,
                "wall_seconds": round(finished - launched, 4),
                "duplicates": duplicates,
                "missing": missing,
                "pgqueuer_version": pgqueuer.__version__,
            }
        ),
        flush=True,
    )
    return 0 if duplicates == missing == unexpected == log_faults == 0 else 1


def main() -> int:
    # A parent may have started this driver with signals blocked (the threads of a Swift
    # program block them), and its workers would inherit that: then they never see SIGTERM.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres:// URL of the database to use")
    parser.add_argument("--jobs", type=int, default=20_000, help="backlog size (default 20000)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes (default 3)")
    parser.add_argument("--timeout", type=float, default=300, help="hard bound in seconds (default 300)")
    args = parser.parse_args()
    if args.jobs < 1 or args.workers < 1 or args.timeout <= 0:
        parser.error("--jobs and --workers must be at least 1, --timeout positive")
    try:
        return run(args)
    except TimeoutError:
        log(f"timed out ({args.timeout} s)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
