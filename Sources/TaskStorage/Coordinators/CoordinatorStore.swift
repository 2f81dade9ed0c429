package import struct Foundation.UUID
import Core
package import Postgres

/// The `coordinators` table: each coordinator's row, written by itself, read by the scheduler.
package struct CoordinatorStore: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Writes the coordinator's row with the database's time as its heartbeat.
    package func beat(id: UUID, address: String, workers: Int) async throws {
        try await client.query(
            """
            INSERT INTO coordinators (coordinator_id, address, workers, last_heartbeat) VALUES ($1, $2, $3, now())
            ON CONFLICT (coordinator_id) DO UPDATE
            SET address = excluded.address, workers = excluded.workers, last_heartbeat = excluded.last_heartbeat
            """, [id, address, workers])
    }

    /// Marks the coordinator's row stopped, no longer listed; its last heartbeat stays, so that
    /// the other coordinators take back what its workers do not take elsewhere in time
    /// (`TaskStore.recoverTasksOfLostCoordinators(silentFor:)` deletes it then).
    package func markStopped(id: UUID) async throws {
        try await client.query("UPDATE coordinators SET stopped_at = now(), workers = 0 WHERE coordinator_id = $1", [id])
    }

    /// Running coordinators whose last heartbeat is within `staleness` of the database clock, by address.
    package func liveCoordinators(staleness: Duration) async throws -> [CoordinatorSnapshot] {
        try await client.query(
            """
            SELECT coordinator_id, address, workers, \(SQLTimestamp.microseconds(of: "last_heartbeat"))
            FROM coordinators WHERE last_heartbeat > now() - $1::int8 * interval '1 microsecond' AND stopped_at IS NULL
            ORDER BY address, coordinator_id
            """, [staleness.microseconds]
        ).map { row in
            guard let id = try row.uuid(0), let address = row.string(1), let workers = try row.int(2),
                let heartbeat = try row.int64(3)
            else { throw TaskStoreError(code: .invalidColumn, message: "coordinators row has a NULL column") }
            return CoordinatorSnapshot(
                id: id, address: address, workers: workers, lastHeartbeat: Timestamp(microsecondsSinceEpoch: heartbeat))
        }
    }
}
