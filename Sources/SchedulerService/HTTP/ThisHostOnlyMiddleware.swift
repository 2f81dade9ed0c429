import Hummingbird
import Core

/// Protected mode of a server without a token: requests from other hosts are refused with
/// `403 forbidden` naming the variable to set, except on public paths (probes, the dashboard's files). Each refused
/// address is logged once.
struct ThisHostOnlyMiddleware: RouterMiddleware {
    let access: CallerAccess
    let isPublic: @Sendable (String) -> Bool
    let refusedPeers: RefusedPeerLog

    func handle(
        _ request: Request, context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        if !isPublic(request.uri.path), let reason = access.refusal(of: context.remoteAddress, service: "scheduler") {
            refusedPeers.refused(context.remoteAddress?.ipAddress ?? "unknown", reason: reason)
            throw APIError(.forbidden, reason)
        }
        return try await next(request, context)
    }
}
