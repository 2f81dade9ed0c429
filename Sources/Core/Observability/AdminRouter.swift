package import HTTPTypes
package import Logging
import NIOCore

/// One `GET` endpoint of an admin server; `HEAD` is answered from it too.
package struct AdminRoute: Sendable {
    package typealias Handler = @Sendable () async throws -> BufferedResponse

    package var path: String
    package var handler: Handler

    package init(path: String, handler: @escaping Handler) {
        self.path = path
        self.handler = handler
    }
}

/// Picks the answer to an admin request: the route's for `GET` and `HEAD` on its path (the query
/// is ignored), `405` with `Allow` for another method there, `404` for an unknown path; every
/// error as the API's JSON error.
package struct AdminRouter: Sendable {
    private let routes: [String: AdminRoute.Handler]

    package init(routes: [AdminRoute]) {
        self.routes = Dictionary(routes.map { ($0.path, $0.handler) }, uniquingKeysWith: { first, _ in first })
    }

    package func response(to request: HTTPRequest, logger: Logger) async -> BufferedResponse {
        let path = String((request.path ?? "/").prefix { $0 != "?" })
        do {
            guard let handler = routes[path] else {
                throw APIError(.notFound, "no such endpoint: \(request.method.rawValue) \(path)")
            }
            guard request.method == .get || request.method == .head else {
                throw APIError.methodNotAllowed(request.method, path: path, allowed: [.get])
            }
            return try await handler()
        } catch {
            let apiError = APIError.reporting(error, logger: logger)
            return (try? apiError.response()) ?? BufferedResponse(status: apiError.status, headers: [:], body: ByteBuffer())
        }
    }
}
