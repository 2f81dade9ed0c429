import Core
import Hummingbird

/// Lets a request through only when it carries `Authorization: Bearer <token>` with one of the
/// API tokens and that token's role allows what it asks, except on public paths (probes, the
/// dashboard's files): `401` for no token or an unknown one, `403 forbidden` naming the role
/// needed for a known token without it. Tokens are compared in constant time. A request that
/// changes something is logged with the token's name, which it carries on in its context.
struct APITokenMiddleware: RouterMiddleware {
    let tokens: ReloadingAPITokens
    let isPublic: @Sendable (String) -> Bool

    func handle(
        _ request: Request, context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard !isPublic(path) else { return try await next(request, context) }
        let authorization = request.headers[.authorization]
        guard let token = tokens.current.token(presentedBy: authorization) else {
            throw APIError(
                .unauthorized,
                authorization == nil
                    ? "this server needs an API token: send Authorization: Bearer <token>"
                    : "the API token is wrong or not sent as Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        let needed = APIRole.needed(for: request.method, path: path)
        guard token.role >= needed else {
            throw APIError(
                .forbidden,
                "the token \(token.name) has the role \(token.role.rawValue); \(request.method) \(path) needs the role \(needed.rawValue)")
        }
        if needed > .read {
            context.logger.info(
                "request", metadata: [LogKey.tokenName: "\(token.name)", "method": "\(request.method)", "path": "\(path)"])
        }
        var context = context
        context.caller = token
        return try await next(request, context)
    }
}

extension APIRole {
    /// The role a request needs: `read` to look (`GET`, `HEAD`); `write` to schedule, cancel or
    /// retry tasks and to change schedules; `admin` for anything else.
    static func needed(for method: HTTPRequest.Method, path: String) -> APIRole {
        if method == .get || method == .head { return .read }
        let written = ["/schedule", "/cancel", "/tasks/", "/schedules"]
        return written.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ? .write : .admin
    }
}
