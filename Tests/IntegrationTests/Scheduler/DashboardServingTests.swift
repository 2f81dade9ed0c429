import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard's files: every page address answers with the page, the scripts and styles come
/// from the scheduler alone, and none of them needs the token (the API they call does).
@Suite(.timeLimit(.minutes(1))) struct DashboardServingTests {
    static let token = "dashboard-test-token"

    @Test(arguments: ["/", "/ui", "/ui/tasks", "/ui/tasks/3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37", "/ui/schedules", "/ui/schedules/nightly", "/ui/queues", "/ui/workers"])
    func everyPageAddressServesThePageWithoutTheToken(path: String) async throws {
        try await withSchedulerApplication(apiToken: Self.token) { client, _ in
            let response = try await client.get(path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            #expect(String(buffer: response.body).contains("/ui/assets/main.js"))
        }
    }

    @Test func servesItsFilesWithTheirTypesAndNothingElse() async throws {
        try await withSchedulerApplication(apiToken: Self.token) { client, _ in
            let script = try await client.get("/ui/assets/main.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.xContentTypeOptions] == "nosniff")
            let style = try await client.get("/ui/assets/dashboard.css")
            #expect(style.headers[.contentType] == "text/css; charset=utf-8")
            try await client.get("/ui/assets/..%2FPackage.swift").expectAPIError(.notFound, "not_found")
            try await client.get("/ui/assets/missing.js").expectAPIError(.notFound, "not_found")
            try await client.get("/summary").expectAPIError(.unauthorized, "unauthorized")
        }
    }
}
