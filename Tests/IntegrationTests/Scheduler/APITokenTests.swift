import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import Testing

@testable import Core
@testable import SchedulerService

/// `TASKMASTER_API_TOKEN`: the bearer token in front of the API.
@Suite(.timeLimit(.minutes(1))) struct APITokenTests {
    static let token = "s3cret-token_with.chars~"
    static let wwwAuthenticate = HTTPFields.Element.Name("WWW-Authenticate")!

    static func expectUnauthorized(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try response.expectAPIError(.unauthorized, "unauthorized", sourceLocation: sourceLocation)
        #expect(response.headers[wwwAuthenticate] == "Bearer", sourceLocation: sourceLocation)
    }

    @Test func everyEndpointButTheProbesNeedsTheToken() async throws {
        try await withSchedulerApplication(.live, apiToken: Self.token) { client, _ in
            let body = #"{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z"}"#
            for uri in ["/status?task_id=\(UUID())", "/tasks", "/tasks/\(UUID())", "/openapi.json", "/nowhere"] {
                try Self.expectUnauthorized(try await client.get(uri))
                try Self.expectUnauthorized(try await client.get(uri, headers: [.authorization: "Bearer wrong"]))
            }
            for uri in ["/schedule", "/schedule/batch"] {
                try Self.expectUnauthorized(try await client.post(uri, json: body))
                try Self.expectUnauthorized(try await client.post(uri, json: body, headers: [.authorization: "Bearer \(Self.token)x"]))
            }
            for wrong in [
                "Bearer", "Bearer ", "Basic \(Self.token)", Self.token, "Bearer \(Self.token.dropLast())", "Bearer \(Self.token) extra",
                "Bearer \(Self.token.uppercased())",
            ] {
                try Self.expectUnauthorized(try await client.get("/tasks", headers: [.authorization: wrong]))
            }
            let healthz = try await client.get("/healthz")
            #expect(healthz.status == .ok)
            #expect(try await client.get("/readyz").status != .unauthorized)
        }
    }

    @Test func theRightTokenOpensEveryEndpoint() async throws {
        try await withSchedulerApplication(apiToken: Self.token) { client, _ in
            let authorized: HTTPFields = [.authorization: "Bearer \(Self.token)"]
            let scheduled = try await client.post(
                "/schedule", json: #"{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z"}"#, headers: authorized)
            #expect(scheduled.status == .ok)
            let taskID = try #require(try scheduled.jsonObject()["task_id"] as? String)
            #expect(try await client.get("/status?task_id=\(taskID)", headers: authorized).status == .ok)
            #expect(try await client.get("/tasks/\(taskID)", headers: [.authorization: "bearer  \(Self.token)"]).status == .ok)
            #expect(try await client.get("/tasks", headers: [.authorization: "BEARER \(Self.token)"]).status == .ok)
            #expect(try await client.get("/openapi.json", headers: authorized).status == .ok)
            try await client.get("/nowhere", headers: authorized).expectAPIError(.notFound, "not_found")
        }
    }

    @Test func withoutATokenEverythingIsOpen() async throws {
        try await withSchedulerApplication { client, _ in
            for (uri, headers) in [("/tasks?limit=1", [:]), ("/openapi.json", [:]), ("/tasks?limit=1", [.authorization: "Bearer anything"])] as [(String, HTTPFields)] {
                let response = try await client.get(uri, headers: headers)
                #expect(response.status == .ok, "\(uri)")
            }
        }
    }

    @Test func readTokensOnlyLookWriteTokensScheduleAndUnknownOnesAreUnauthorized() async throws {
        let tokens = [
            APIToken(name: "dashboard", role: .read, secret: BearerToken("r34d")!),
            APIToken(name: "ci", role: .write, secret: BearerToken("wr1te")!),
        ]
        try await withSchedulerApplication(apiTokens: tokens) { client, _ in
            let body = ByteBuffer(string: #"{"command":"echo scoped","scheduled_at":"2030-01-01T00:00:00Z"}"#)
            let read = try await client.execute(uri: "/schedule", method: .post, headers: [.authorization: "Bearer r34d"], body: body)
            #expect(read.status == .forbidden)
            #expect(String(buffer: read.body).contains("needs the role write"), "\(String(buffer: read.body))")
            #expect(try await client.get("/tasks?limit=1", headers: [.authorization: "Bearer r34d"]).status == .ok)
            let written = try await client.execute(uri: "/schedule", method: .post, headers: [.authorization: "Bearer wr1te"], body: body)
            #expect(written.status == .ok)
            let taskID = try #require(try JSONSerialization.jsonObject(with: Data(buffer: written.body)) as? [String: Any])["task_id"] as? String
            let status = try await client.get("/status?task_id=\(taskID ?? "")", headers: [.authorization: "Bearer r34d"])
            #expect(String(buffer: status.body).contains(#""created_by":"ci""#), "\(String(buffer: status.body))")
            let schedule = try await client.execute(
                uri: "/schedules", method: .post, headers: [.authorization: "Bearer wr1te"],
                body: ByteBuffer(string: #"{"cron":"@daily","command":"echo scoped"}"#))
            #expect(schedule.status == .created)
            #expect(String(buffer: schedule.body).contains(#""created_by":"ci""#), "\(String(buffer: schedule.body))")
            let unknown = try await client.get("/tasks?limit=1", headers: [.authorization: "Bearer nobody"])
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test func eachRequestNeedsTheRoleOfWhatItDoes() {
        #expect(APIRole.needed(for: .get, path: "/tasks") == .read)
        #expect(APIRole.needed(for: .head, path: "/schedules/x") == .read)
        for path in ["/schedule", "/schedule/batch", "/cancel", "/tasks/x/retry", "/schedules", "/schedules/x/trigger"] {
            #expect(APIRole.needed(for: .post, path: path) == .write, "\(path)")
        }
        #expect(APIRole.needed(for: .delete, path: "/schedules/x") == .write)
        #expect(APIRole.needed(for: .post, path: "/queues") == .admin)
        #expect(APIRole.needed(for: .post, path: "/scheduler") == .admin)
        #expect(APIRole.admin > .write && APIRole.write > .read)
    }

    @Test func aTokensFileNamesEachTokenItsRole() throws {
        let tokens = try APITokens(file: "# rotation\nci write s3cret\n\n dashboard\tread r34d \nops admin 0ps\n")
        #expect(tokens.tokens.map(\.name) == ["ci", "dashboard", "ops"])
        #expect(tokens.token(presentedBy: "Bearer r34d")?.role == .read)
        #expect(tokens.token(presentedBy: "Bearer 0ps")?.name == "ops")
        #expect(tokens.token(presentedBy: "Bearer s3cre") == nil)
        #expect(throws: ConfigurationError("line 2 of the API tokens file: the role must be read, write or admin, not 'owner'")) {
            try APITokens(file: "a read x\nb owner y")
        }
        #expect(throws: ConfigurationError("line 1 of the API tokens file is not NAME ROLE TOKEN")) { try APITokens(file: "a read") }
        #expect(throws: ConfigurationError("line 2 of the API tokens file: the name a is given twice")) {
            try APITokens(file: "a read x\na write y")
        }
    }

    @Test func warnsWhenTheAPIIsOpenBeyondLoopback() throws {
        func configuration(host: String, token: String? = nil, insecure: Bool = false) throws -> SchedulerConfiguration {
            var configuration = SchedulerConfiguration()
            configuration.listenAddress = ListenAddress(host: host, port: 8081)
            if let token = BearerToken(token) {
                configuration.apiTokens = try ReloadingAPITokens(
                    path: nil, fixed: [APIToken(name: "default", role: .admin, secret: token)], logger: Logger(label: "test"))
            }
            configuration.servesOtherHostsWithoutToken = insecure
            return configuration
        }
        let insecure = { (host: String) in try configuration(host: host, insecure: true) }
        #expect(try insecure("0.0.0.0").exposureWarning?.contains("TASKMASTER_API_TOKEN") == true)
        #expect(try insecure("10.1.2.3").exposureWarning != nil)
        #expect(try insecure("::").exposureWarning != nil)
        #expect(try configuration(host: "0.0.0.0", token: "t", insecure: true).exposureWarning == nil)
        for loopback in ["127.0.0.1", "127.1.2.3", "localhost", "::1"] {
            #expect(try insecure(loopback).exposureWarning == nil, "\(loopback)")
        }
        #expect(try configuration(host: "0.0.0.0").exposureWarning == nil, "protected mode refuses other hosts")
        #expect(try configuration(host: "0.0.0.0").protectedModeNotice?.contains("403") == true)
        #expect(try configuration(host: "0.0.0.0", token: "t").protectedModeNotice == nil)
    }

    @Test func tokenComesFromTheEnvironment() {
        #expect(
            SchedulerConfiguration.apiToken(fromEnvironment: ["TASKMASTER_API_TOKEN": "t"])
                == APIToken(name: "default", role: .admin, secret: BearerToken("t")!))
        #expect(SchedulerConfiguration.apiToken(fromEnvironment: ["TASKMASTER_API_TOKEN": ""]) == nil)
        #expect(SchedulerConfiguration.apiToken(fromEnvironment: [:]) == nil)
    }
}
