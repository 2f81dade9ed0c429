import Hummingbird
import Core

/// Lets a request through only when it carries `Authorization: Bearer <token>` with the API
/// token, except on public paths (probes, the dashboard's files). The token is compared in time
/// that does not depend on where it differs from the one sent.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken
    let isPublic: @Sendable (String) -> Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard isPublic(request.uri.path) || token.isPresented(by: request.headers[.authorization]) else {
            throw APIError(
                .unauthorized,
                request.headers[.authorization] == nil
                    ? "this server needs an API token: send Authorization: Bearer <token>"
                    : "the API token is wrong or not sent as Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}
