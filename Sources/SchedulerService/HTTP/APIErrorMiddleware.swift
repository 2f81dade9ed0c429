import Hummingbird
import Core

/// Turns every error into the API's JSON error shape, including requests the router could not
/// match: 405 with `Allow` for a known path, 404 for an unknown one.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: KnownRoutes

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return try Response(unmatched(request).response())
        } catch {
            return try Response(APIError.reporting(error, logger: context.logger).response())
        }
    }

    private func unmatched(_ request: Request) -> APIError {
        let path = request.uri.path
        if let allowed = routes.route(matching: path)?.methods {
            return .methodNotAllowed(request.method, path: path, allowed: allowed)
        }
        return APIError(.notFound, "no such endpoint: \(request.method.rawValue) \(path)")
    }
}
