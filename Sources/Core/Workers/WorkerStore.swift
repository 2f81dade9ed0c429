/// The `workers` table: written by the coordinator from its registry, read by the scheduler.
public struct WorkerStore: Sendable {
    let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Inserts or updates `workers` in one statement. Their last heartbeat is stored by the
    /// database clock (its `now()` minus how long each has been silent at `now`), so readers
    /// compare it with the same clock.
    public func upsert(_ workers: [RegisteredWorker], at now: ContinuousClock.Instant = .now) async throws {
        guard !workers.isEmpty else { return }
        let silence = workers.map { $0.microsecondsSilent(at: now) }
        try await client.query(
            """
            INSERT INTO workers (worker_id, address, capacity, prefetch, in_flight, executor, last_heartbeat, updated_at)
            SELECT w.id, w.address, w.capacity, w.prefetch, w.in_flight, w.executor,
                now() - w.silence_us * interval '1 microsecond', now()
            FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int4[], $5::int4[], $6::text[], $7::int8[])
                AS w(id, address, capacity, prefetch, in_flight, executor, silence_us)
            ON CONFLICT (worker_id) DO UPDATE SET address = excluded.address, capacity = excluded.capacity,
                prefetch = excluded.prefetch, in_flight = excluded.in_flight, executor = excluded.executor,
                last_heartbeat = excluded.last_heartbeat, updated_at = now()
            """,
            [
                PostgresArray(workers.map { Int64($0.id) }),
                PostgresArray(workers.map(\.address)),
                PostgresArray(workers.map(\.capacity)),
                PostgresArray(workers.map(\.prefetch)),
                PostgresArray(workers.map(\.inFlight)),
                PostgresArray(workers.map(\.executor)),
                PostgresArray(silence),
            ])
    }

    /// Deletes the rows of workers that went away.
    public func delete(workerIDs: some Collection<UInt32>) async throws {
        guard !workerIDs.isEmpty else { return }
        try await client.query(
            "DELETE FROM workers WHERE worker_id = ANY($1::int8[])", [PostgresArray(workerIDs.map { Int64($0) })])
    }

    /// Workers whose last heartbeat is within `staleness` of the database clock, by id.
    public func liveWorkers(staleness: Duration) async throws -> [WorkerSnapshot] {
        let result = try await client.query(
            """
            SELECT worker_id, address, capacity, in_flight, \(SQLTimestamp.microseconds(of: "last_heartbeat")), prefetch, executor
            FROM workers
            WHERE last_heartbeat > now() - $1::int8 * interval '1 microsecond'
            ORDER BY worker_id
            """, [staleness.microseconds])
        return try result.map { row in
            guard let id = try row.int64(0).flatMap(UInt32.init(exactly:)), let address = row.string(1),
                let capacity = try row.int(2), let inFlight = try row.int(3), let heartbeat = try row.int64(4),
                let prefetch = try row.int(5)
            else {
                throw TaskStoreError(code: .invalidColumn, message: "workers row has a NULL or out-of-range column")
            }
            return WorkerSnapshot(
                id: id, address: address, capacity: capacity, prefetch: prefetch, inFlight: inFlight,
                lastHeartbeat: Timestamp(microsecondsSinceEpoch: heartbeat), executor: row.string(6))
        }
    }
}
