import APIModels
import ClusterKit
import Foundation
import Logging
import Testing

@testable import CoordinatorService
@testable import Core
@testable import Postgres
@testable import TaskStorage

/// Retention against a database of its own (it deletes whatever is old enough).
@Suite(.timeLimit(.minutes(1))) struct RetentionSweeperTests {
    /// Stores a task, then sets its state and its times `age` in the past by SQL.
    static func task(
        _ store: TaskStore, _ client: PostgresClient, status: TaskState, finishedAgo age: String?, updatedAgo: String
    ) async throws -> UUID {
        let id = try await store.schedule(NewTask(command: "\(status)", scheduledAt: Timestamp(microsecondsSinceEpoch: 0))).record.id
        let finished = age.map { "now() - interval '\($0)'" } ?? "NULL::timestamptz"
        _ = try await client.query(
            """
            UPDATE tasks SET status = $2,
                completed_at = CASE WHEN $2 = 'completed' THEN \(finished) END,
                failed_at = CASE WHEN $2 = 'failed' THEN \(finished) END,
                updated_at = now() - interval '\(updatedAgo)'
            WHERE id = $1
            """, [id, status.rawValue])
        return id
    }

    static func remainingIDs(_ client: PostgresClient) async throws -> Set<UUID> {
        Set(try await client.query("SELECT id FROM tasks").compactMap { try $0.uuid(0) })
    }

    @Test func deletesOnlyOldFinishedTasks() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            var old: Set<UUID> = []
            for _ in 0..<3 {
                old.insert(try await Self.task(store, client, status: .completed, finishedAgo: "8 days", updatedAgo: "8 days"))
                old.insert(try await Self.task(store, client, status: .failed, finishedAgo: "30 days", updatedAgo: "30 days"))
                old.insert(try await Self.task(store, client, status: .cancelled, finishedAgo: nil, updatedAgo: "7 days 1 minute"))
            }
            var kept: Set<UUID> = []
            for status in [TaskState.scheduled, .dispatched, .running] {
                kept.insert(try await Self.task(store, client, status: status, finishedAgo: nil, updatedAgo: "60 days"))
            }
            kept.insert(try await Self.task(store, client, status: .completed, finishedAgo: "6 days", updatedAgo: "6 days"))
            kept.insert(try await Self.task(store, client, status: .failed, finishedAgo: "1 hour", updatedAgo: "1 hour"))
            kept.insert(try await Self.task(store, client, status: .cancelled, finishedAgo: nil, updatedAgo: "6 days 23 hours"))
            // The finish time counts, not the last update.
            kept.insert(try await Self.task(store, client, status: .completed, finishedAgo: "1 day", updatedAgo: "9 days"))

            var configuration = RetentionSweeper.Configuration()
            configuration.batchSize = 2
            configuration.pause = .milliseconds(1)
            configuration.retention = .seconds(7 * 24 * 3600)
            let sweeper = RetentionSweeper(store: store, outbox: WebhookOutbox(client: store.client), configuration: configuration, logger: TestDatabase.logger)
            #expect(try await sweeper.sweep() == old.count)
            #expect(try await Self.remainingIDs(client) == kept)
            #expect(try await sweeper.sweep() == 0)
        }
    }

    @Test func oneSweepIsBoundedInBatches() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            for _ in 0..<5 {
                _ = try await Self.task(store, client, status: .completed, finishedAgo: "2 days", updatedAgo: "2 days")
            }
            var configuration = RetentionSweeper.Configuration()
            configuration.batchSize = 2
            configuration.maxBatchesPerSweep = 2
            configuration.pause = .milliseconds(1)
            configuration.retention = .seconds(3600)
            let sweeper = RetentionSweeper(store: store, outbox: WebhookOutbox(client: store.client), configuration: configuration, logger: TestDatabase.logger)
            #expect(try await sweeper.sweep() == 4)
            #expect(try await sweeper.sweep() == 1)
        }
    }

    @Test func theServiceSweepsAtStartAndStopsWhenCancelled() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let old = try await Self.task(store, client, status: .failed, finishedAgo: "8 days", updatedAgo: "8 days")
            let young = try await Self.task(store, client, status: .failed, finishedAgo: "1 second", updatedAgo: "1 second")
            let sweeper = RetentionSweeper(store: store, outbox: WebhookOutbox(client: store.client), configuration: RetentionSweeper.Configuration(), logger: TestDatabase.logger)
            let running = Task { try await sweeper.run() }
            try await eventually("the old task deleted", timeout: .seconds(10)) {
                try await Self.remainingIDs(client).contains(old) ? nil : true
            }
            running.cancel()
            try await running.value
            #expect(try await Self.remainingIDs(client) == [young])
        }
    }
}
