import Foundation
import Testing

@testable import Postgres
@testable import TaskStorage

/// The claim keeps finding each row it updates through the primary key with the plan the
/// server cached while `tasks` was small, once a burst has made it large and before any ANALYZE:
/// a plan that hashed every waiting task instead took 300 ms a claim with a million waiting.
@Suite(.timeLimit(.minutes(2))) struct CachedClaimPlanTests {
    @Test func theClaimUpdatesThroughThePrimaryKeyWithAPlanCachedWhileTheTableWasSmall() async throws {
        try await IsolatedDatabase.withClient { client in
            let handoffs = (1...64).map { _ in UUID().uuidString.lowercased() }.joined(separator: ",")
            let plans = try await client.withConnection { connection -> [String] in
                try connection.execute(
                    "SET enable_seqscan = off; SET jit = off; SET plan_cache_mode = force_generic_plan;"
                        + " ALTER TABLE tasks SET (autovacuum_enabled = false)")
                try connection.execute("INSERT INTO tasks (command, scheduled_at) SELECT 'x', now() FROM generate_series(1, 100)")
                try connection.execute("PREPARE claim(int8, int8, int8[], uuid[], uuid, int8, text[], int8) AS \(TaskStore.claimSQL)")
                let explain = """
                    EXPLAIN EXECUTE claim(64, 1000000, array_fill(1::int8, ARRAY[64]), '{\(handoffs)}', NULL, 0, NULL, NULL)
                    """
                let small = try connection.query(explain).map { $0.string(0) ?? "" }.joined(separator: "\n")
                try connection.execute("INSERT INTO tasks (command, scheduled_at) SELECT 'x', now() FROM generate_series(1, 100000)")
                let large = try connection.query(explain).map { $0.string(0) ?? "" }.joined(separator: "\n")
                return [small, large]
            }
            for plan in plans {
                #expect(plan.contains("Index Scan using tasks_pkey"), "\(plan)")
                #expect(!plan.contains("Hash Join"), "\(plan)")
            }
        }
    }
}
