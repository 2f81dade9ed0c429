import Hummingbird

/// Lets a request through only when it carries `Authorization: Bearer <token>` with the API
/// token, except on `publicPaths` (liveness and readiness probes). The token is compared in time
/// that does not depend on where it differs from the one sent.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    let publicPaths: Set<String>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard publicPaths.contains(request.uri.path) || isAuthorized(request.headers[.authorization]) else {
            throw APIError(
                .unauthorized,
                request.headers[.authorization] == nil
                    ? "this server needs an API token: send Authorization: Bearer <token>"
                    : "the API token is wrong or not sent as Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    private func isAuthorized(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let scheme = "bearer "
        guard authorization.utf8.count > scheme.utf8.count,
            authorization.prefix(scheme.count).lowercased() == scheme
        else { return false }
        let presented = authorization.dropFirst(scheme.count).drop { $0 == " " }
        return Self.constantTimeEquals(Array(presented.utf8), Array(token.utf8))
    }

    /// Looks at every byte of `expected` whatever `presented` holds, so the time taken tells
    /// nothing about how much of the token a guess got right.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
