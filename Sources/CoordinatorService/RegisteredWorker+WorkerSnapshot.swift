package import Core
package import struct Foundation.UUID
import Postgres
package import TaskStorage

extension RegisteredWorker {
    /// This worker with its last heartbeat as a wall-clock time, `wallNow` being `now`.
    package func snapshot(now: ContinuousClock.Instant, wallNow: Timestamp) -> WorkerSnapshot {
        WorkerSnapshot(
            id: id, address: address, capacity: capacity, prefetch: prefetch, inFlight: inFlight,
            lastHeartbeat: Timestamp(
                microsecondsSinceEpoch: wallNow.microsecondsSinceEpoch - microsecondsSilent(at: now)),
            executor: executor, queues: queues)
    }

    /// Microseconds from its last heartbeat to `now`.
    package func microsecondsSilent(at now: ContinuousClock.Instant) -> Int64 {
        max(0, lastHeartbeat.duration(to: now).microseconds)
    }
}

extension WorkersEndpoint {
    /// The coordinator's view: its in-memory registry.
    package static func fromRegistry(_ registry: WorkerRegistry) -> WorkersEndpoint {
        WorkersEndpoint {
            let (now, wallNow) = (ContinuousClock.now, Timestamp.now())
            return registry.workers.map { $0.snapshot(now: now, wallNow: wallNow) }
        }
    }
}

extension WorkerStore {
    /// Inserts or updates `workers`, as `coordinator` sees them, in one statement. Their last
    /// heartbeat is stored by the database clock (its `now()` minus how long each has been silent
    /// at `now`), so readers compare it with the same clock. A worker that moved to another
    /// coordinator keeps the row of the one that heard from it last.
    package func upsert(_ workers: [RegisteredWorker], coordinator: UUID, at now: ContinuousClock.Instant = .now) async throws {
        guard !workers.isEmpty else { return }
        let silence = workers.map { $0.microsecondsSilent(at: now) }
        try await client.query(
            """
            INSERT INTO workers (worker_id, address, capacity, prefetch, in_flight, executor, last_heartbeat, updated_at, coordinator_id,
                queues)
            SELECT w.id, w.address, w.capacity, w.prefetch, w.in_flight, w.executor,
                now() - w.silence_us * interval '1 microsecond', now(), $8, w.queues
            FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int4[], $5::int4[], $6::text[], $7::int8[], $9::text[])
                AS w(id, address, capacity, prefetch, in_flight, executor, silence_us, queues)
            ON CONFLICT (worker_id) DO UPDATE SET address = excluded.address, capacity = excluded.capacity,
                prefetch = excluded.prefetch, in_flight = excluded.in_flight, executor = excluded.executor,
                queues = excluded.queues,
                last_heartbeat = excluded.last_heartbeat, updated_at = now(), coordinator_id = excluded.coordinator_id
            WHERE workers.coordinator_id IS NOT DISTINCT FROM excluded.coordinator_id
                OR workers.last_heartbeat < excluded.last_heartbeat
            """,
            [
                PostgresArray(workers.map { Int64($0.id) }),
                PostgresArray(workers.map(\.address)),
                PostgresArray(workers.map(\.capacity)),
                PostgresArray(workers.map(\.prefetch)),
                PostgresArray(workers.map(\.inFlight)),
                PostgresArray(workers.map(\.executor)),
                PostgresArray(silence), coordinator,
                PostgresArray(workers.map { $0.queues?.joined(separator: ",") }),
            ])
    }
}
