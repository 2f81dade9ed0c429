import Hummingbird
import Metrics
import Synchronization
import Core

/// Counts and times every request of the API (`taskmaster_http_requests_total`,
/// `taskmaster_http_request_duration_seconds`, labels `route`, `method`, `status`) until its
/// response is made (the API's bodies are built in memory), and how many are in flight. A request is labelled with the route that took
/// it, or the one a wrong method was sent to, or `NotFound`: callers cannot make new series up.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: KnownRoutes
    private let series = SeriesCache()

    init(routes: KnownRoutes) {
        self.routes = routes
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let active = series.active(method: request.method)
        active.increment()
        do {
            let response = try await next(request, context)
            let (counter, timer) = series.requests(
                route: route(of: request, context: context), method: request.method, status: response.status)
            counter.increment()
            timer.recordNanoseconds((ContinuousClock.now - start).microseconds * 1000)
            active.decrement()
            return response
        } catch {
            // Only an error no response could be made for gets here: the API answers its errors.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = route(of: request, context: context)
            series.requests(route: route, method: request.method, status: status).counter.increment()
            series.errors(route: route, method: request.method, status: status).increment()
            active.decrement()
            throw error
        }
    }

    /// What the router names requests no route took (a 404, or a 405 for a known path).
    private static var unmatched: String { "NotFound" }

    /// The route that took the request, set by the router as the request passed.
    private func route(of request: Request, context: Context) -> String {
        if let path = context.endpointPath, path != Self.unmatched { return path }
        return routes.route(matching: request.uri.path)?.name ?? Self.unmatched
    }
}

/// The metric objects of each label set, made once: looking them up in the backend on every
/// request would cost a lock and a hash of every label.
private final class SeriesCache: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    private let requestSeries = Mutex<[Key: (counter: Counter, timer: Metrics.Timer)]>([:])
    private let errorSeries = Mutex<[Key: Counter]>([:])
    private let activeSeries = Mutex<[HTTPRequest.Method: Meter]>([:])

    func requests(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> (counter: Counter, timer: Metrics.Timer) {
        requestSeries.withLock { series in
            let key = Key(route: route, method: method, status: status)
            if let existing = series[key] { return existing }
            let dimensions = Self.dimensions(key)
            let made = (
                Counter(label: MetricNames.httpRequests, dimensions: dimensions),
                Metrics.Timer(label: MetricNames.httpRequestDuration, dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            series[key] = made
            return made
        }
    }

    func errors(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Counter {
        errorSeries.withLock { series in
            let key = Key(route: route, method: method, status: status)
            if let existing = series[key] { return existing }
            let made = Counter(label: MetricNames.httpRequestErrors, dimensions: Self.dimensions(key))
            series[key] = made
            return made
        }
    }

    func active(method: HTTPRequest.Method) -> Meter {
        activeSeries.withLock { series in
            if let existing = series[method] { return existing }
            let made = Meter(label: MetricNames.httpActiveRequests, dimensions: [(MetricNames.Label.method, method.rawValue)])
            series[method] = made
            return made
        }
    }

    private static func dimensions(_ key: Key) -> [(String, String)] {
        [
            (MetricNames.Label.route, key.route), (MetricNames.Label.method, key.method.rawValue),
            (MetricNames.Label.status, String(key.status.code)),
        ]
    }
}
