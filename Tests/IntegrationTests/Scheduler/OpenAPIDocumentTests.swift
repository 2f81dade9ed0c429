import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /openapi.json` serves the document kept in the repository, and that document describes
/// the routes the server has. (Conformance of every response is checked by schemathesis in the
/// interop tests.)
@Suite(.timeLimit(.minutes(1))) struct OpenAPIDocumentTests {
    static let documentPath = TestEnvironment.repositoryRoot
        .appendingPathComponent("Sources/SchedulerService/OpenAPI/scheduler.openapi.json").path

    @Test func servesTheFileOfTheRepository() async throws {
        try await withSchedulerApplication { client, _ in
            let response = try await client.get("/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let file = try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))
            #expect(Data(response.body.readableBytesView) == file)
            let document = try response.jsonObject()
            #expect(document["openapi"] as? String == "3.1.0")
        }
    }

    @Test func everyDocumentedOperationIsRouted() async throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.documentPath))) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]]).mapValues { Array($0.keys) }
        #expect(Set(paths.keys).isSuperset(of: ["/schedule", "/schedule/batch", "/status", "/tasks", "/tasks/{id}", "/healthz", "/openapi.json"]))
        try await withSchedulerApplication { client, _ in
            for (path, methods) in paths {
                let uri = path.replacingOccurrences(of: "{id}", with: UUID().uuidString)
                for method in methods {
                    let response = try await client.execute(uri: uri, method: HTTPRequest.Method(method.uppercased())!) { $0 }
                    #expect(response.status != .methodNotAllowed, "\(method) \(path)")
                    guard response.headers[.contentType]?.hasPrefix("application/json") == true else { continue }
                    let error = try response.jsonObject()["error"] as? [String: Any]
                    #expect((error?["message"] as? String)?.hasPrefix("no such endpoint") != true, "\(method) \(path)")
                }
            }
        }
    }
}
