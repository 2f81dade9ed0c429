import Foundation
import Hummingbird
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

    @Test func warnsWhenTheAPIIsOpenBeyondLoopback() {
        func configuration(host: String, token: String? = nil, insecure: Bool = false) -> SchedulerConfiguration {
            var configuration = SchedulerConfiguration()
            configuration.listenAddress = ListenAddress(host: host, port: 8081)
            configuration.apiToken = BearerToken(token)
            configuration.servesOtherHostsWithoutToken = insecure
            return configuration
        }
        let insecure = { (host: String) in configuration(host: host, insecure: true) }
        #expect(insecure("0.0.0.0").exposureWarning?.contains("TASKMASTER_API_TOKEN") == true)
        #expect(insecure("10.1.2.3").exposureWarning != nil)
        #expect(insecure("::").exposureWarning != nil)
        #expect(configuration(host: "0.0.0.0", token: "t", insecure: true).exposureWarning == nil)
        for loopback in ["127.0.0.1", "127.1.2.3", "localhost", "::1"] {
            #expect(insecure(loopback).exposureWarning == nil, "\(loopback)")
        }
        #expect(configuration(host: "0.0.0.0").exposureWarning == nil, "protected mode refuses other hosts")
        #expect(configuration(host: "0.0.0.0").protectedModeNotice?.contains("403") == true)
        #expect(configuration(host: "0.0.0.0", token: "t").protectedModeNotice == nil)
    }

    @Test func tokenComesFromTheEnvironment() {
        #expect(SchedulerConfiguration.apiToken(fromEnvironment: ["TASKMASTER_API_TOKEN": "t"]) == BearerToken("t"))
        #expect(SchedulerConfiguration.apiToken(fromEnvironment: ["TASKMASTER_API_TOKEN": ""]) == nil)
        #expect(SchedulerConfiguration.apiToken(fromEnvironment: [:]) == nil)
    }
}
