import Core
import Postgres
import SchedulerService
import TaskStorage
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// With the database down the API answers 503 `database_unavailable`, then keeps serving.
@Suite(.timeLimit(.minutes(1))) struct SchedulerUnavailableDatabaseTests {
    /// A loopback port nothing listens on: bound to port 0, read back, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    @Test func answers503WhenTheDatabaseIsDown() async throws {
        let port = try await Self.closedPort()
        let database = PostgresClient(
            configuration: try PostgresConfiguration(url: "postgresql://taskmaster@127.0.0.1:\(port)/taskmaster"),
            logger: TestDatabase.logger
        )
        var configuration = SchedulerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        let application = SchedulerApplication.httpApplication(
            configuration: configuration,
            store: TaskStore(client: database),
            logger: TestDatabase.logger
        )
        try await application.test(.router) { client in
            for _ in 0..<2 {
                let scheduled = try await client.post("/schedule", json: #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z"}"#)
                let message = try scheduled.expectAPIError(.serviceUnavailable, "database_unavailable")
                #expect(!message.contains(String(port)))
                try await client.get("/status?task_id=3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37")
                    .expectAPIError(.serviceUnavailable, "database_unavailable")
                #expect(try await client.get("/healthz").status == .ok)
            }
        }
        await database.close()
    }
}
