package import struct Foundation.UUID
import Core
package import Postgres

/// The `workers` table: written by the coordinator from its registry, read by the scheduler.
package struct WorkerStore: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Deletes the rows `coordinator` wrote of workers that went away from it.
    package func delete(workerIDs: some Collection<UInt32>, coordinator: UUID) async throws {
        guard !workerIDs.isEmpty else { return }
        try await client.query(
            "DELETE FROM workers WHERE worker_id = ANY($1::int8[]) AND coordinator_id = $2",
            [PostgresArray(workerIDs.map { Int64($0) }), coordinator])
    }

    /// Workers whose last heartbeat is within `staleness` of the database clock, by id.
    package func liveWorkers(staleness: Duration) async throws -> [WorkerSnapshot] {
        let result = try await client.query(
            """
            SELECT worker_id, address, capacity, in_flight, \(SQLTimestamp.microseconds(of: "last_heartbeat")), prefetch, executor,
                queues
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
                lastHeartbeat: Timestamp(microsecondsSinceEpoch: heartbeat), executor: row.string(6),
                queues: row.string(7).map { $0.split(separator: ",").map(String.init) })
        }
    }
}
