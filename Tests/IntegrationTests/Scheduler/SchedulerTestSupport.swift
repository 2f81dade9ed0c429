import Core
import Postgres
import SchedulerService
import TaskStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Runs `test` against the scheduler application backed by the test database, or by a database
/// of its own when the test needs to see every task (`isolatedDatabase`).
func withSchedulerApplication(
    _ setup: TestingSetup = .router,
    maxBodyBytes: Int = SchedulerConfiguration().maxBodyBytes,
    maxBatchBodyBytes: Int = SchedulerConfiguration().maxBatchBodyBytes,
    apiToken: String? = nil,
    apiTokens: [APIToken] = [],
    isolatedDatabase: Bool = false,
    _ test: @Sendable (any TestClientProtocol, PostgresClient) async throws -> Void
) async throws {
    var configuration = SchedulerConfiguration()
    configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
    configuration.maxBodyBytes = maxBodyBytes
    configuration.maxBatchBodyBytes = maxBatchBodyBytes
    let tokens = (BearerToken(apiToken).map { [APIToken(name: "default", role: .admin, secret: $0)] } ?? []) + apiTokens
    if !tokens.isEmpty {
        configuration.apiTokens = try ReloadingAPITokens(path: nil, fixed: tokens, logger: TestDatabase.logger)
    }
    let run = { [configuration] (database: PostgresClient) in
        let application = SchedulerApplication.httpApplication(
            configuration: configuration, store: TaskStore(client: database), logger: TestDatabase.logger)
        try await application.test(setup) { client in try await test(client, database) }
    }
    guard isolatedDatabase else {
        try await TestDatabase.withClient(migrated: true, run)
        return
    }
    try await IsolatedDatabase.withClient(run)
}

extension TestClientProtocol {
    @discardableResult
    func post(_ uri: String, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json)) { $0 }
    }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }

    /// Schedules a task and returns its id.
    func schedule(command: String = "echo hello", at date: String = "2023-12-25T22:34:00+05:30") async throws -> String {
        let response = try await post("/schedule", json: #"{"command": "\#(command)", "scheduled_at": "\#(date)"}"#)
        #expect(response.status == .ok)
        return try #require(response.jsonObject()["task_id"] as? String)
    }
}

extension TestResponse {
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(headers[.contentType] == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(value as? [String: Any], sourceLocation: sourceLocation)
    }

    /// Checks that this is the API's JSON error with `status` and `code`; returns its message.
    @discardableResult
    func expectAPIError(
        _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(self.status == status, sourceLocation: sourceLocation)
        let object = try jsonObject(sourceLocation: sourceLocation)
        #expect(Set(object.keys) == ["error"], sourceLocation: sourceLocation)
        let error = try #require(object["error"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(error.keys).subtracting(["index"]) == ["code", "message"], sourceLocation: sourceLocation)
        #expect(error["code"] as? String == code, sourceLocation: sourceLocation)
        let message = try #require(error["message"] as? String, sourceLocation: sourceLocation)
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        return message
    }
}
