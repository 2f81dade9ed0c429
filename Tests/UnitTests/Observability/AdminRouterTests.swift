import Foundation
import HTTPTypes
import Logging
import NIOCore
import Testing

@testable import Core

@Suite struct AdminRouterTests {
    private struct Broken: Error {}

    private let router = AdminRouter(routes: [
        AdminRoute(path: "/answer") { try .json(["answer": 42]) },
        AdminRoute(path: "/broken") { throw Broken() },
    ])
    private let logger = Logger(label: "test")

    private func response(_ method: HTTPRequest.Method, _ path: String) async -> BufferedResponse {
        await router.response(to: HTTPRequest(method: method, scheme: nil, authority: nil, path: path), logger: logger)
    }

    private func json(_ response: BufferedResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    private func errorCode(_ response: BufferedResponse) throws -> String? {
        (try json(response)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func servesGetAndHeadAndIgnoresTheQuery() async throws {
        for (method, path) in [(HTTPRequest.Method.get, "/answer"), (.head, "/answer"), (.get, "/answer?verbose=1")] {
            let answer = await response(method, path)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
            #expect(try json(answer)["answer"] as? Int == 42)
            #expect(answer.head.headerFields[.contentLength] == String(answer.body.readableBytes))
        }
    }

    @Test func anotherMethodOnAKnownPathIs405WithAllow() async throws {
        let answer = await response(.post, "/answer")
        #expect(answer.status == .methodNotAllowed)
        #expect(answer.headers[.allow] == "GET")
        #expect(try errorCode(answer) == "method_not_allowed")
    }

    @Test func anUnknownPathIs404() async throws {
        for (method, path) in [(HTTPRequest.Method.get, "/nope"), (.delete, "/answer/more"), (.get, "/")] {
            let answer = await response(method, path)
            #expect(answer.status == .notFound)
            #expect(try errorCode(answer) == "not_found")
            #expect(try (json(answer)["error"] as? [String: Any])?["message"] as? String
                == "no such endpoint: \(method.rawValue) \(path)")
        }
    }

    @Test func aFailingRouteIsAGeneric500() async throws {
        let answer = await response(.get, "/broken")
        #expect(answer.status == .internalServerError)
        #expect(try errorCode(answer) == "internal")
        #expect(!String(buffer: answer.body).contains("Broken"))
    }
}
