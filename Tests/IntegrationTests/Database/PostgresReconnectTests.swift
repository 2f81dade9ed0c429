import ClusterKit
import Testing
@testable import Core
@testable import Postgres

/// Restarts and stops a cluster of its own, so other database tests are not disturbed.
@Suite struct PostgresReconnectTests {
    @Test(.timeLimit(.minutes(3)))
    func poolRecoversAfterServerRestartAndFailsFastWhileServerIsDown() async throws {
        let cluster = try await TestEnvironment.startThrowawayPostgres()
        do {
            var configuration = try PostgresConfiguration(url: cluster.url)
            configuration.connectTimeoutSeconds = 2
            try await TestDatabase.withClient(configuration, maxConnections: 2) { client in
                let before = try await backendPIDs(client)
                #expect(before.count == 2)

                try await cluster.restart()
                let after = try await backendPIDs(client)
                #expect(after.count == 2)
                #expect(after.isDisjoint(with: before))

                try await cluster.stop()
                let started = ContinuousClock.now
                let error = try await #require(throws: PostgresError.self) { try await client.query("SELECT 1") }
                #expect(error.code == .connectionFailed)
                #expect(error.isUnavailable)
                #expect(ContinuousClock.now - started < .seconds(5))
            }
        } catch {
            try? await cluster.stop()
            throw error
        }
    }

    /// Runs two overlapping queries, so both pooled connections are used, and returns their server process ids.
    private func backendPIDs(_ client: PostgresClient) async throws -> Set<Int> {
        async let first = client.query("SELECT pg_backend_pid() FROM pg_sleep(0.2)")
        async let second = client.query("SELECT pg_backend_pid() FROM pg_sleep(0.2)")
        return Set(try await [first[0].int(0), second[0].int(0)].compactMap { $0 })
    }
}
