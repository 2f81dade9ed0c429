/// The limits every HTTP server of the services keeps against slow or greedy clients.
package struct HTTPServerLimits: Sendable, Hashable {
    /// A request's headers must arrive within this of the connection opening or of the response
    /// before; else `408` and the connection is closed.
    package var headTimeout: Duration = .seconds(10)
    /// A request's body must arrive within this of its headers.
    package var bodyTimeout: Duration = .seconds(60)
    /// A connection with no traffic for this long is closed.
    package var idleTimeout: Duration = .seconds(60)
    /// Connections open at once; more wait to be accepted.
    package var maxConnections = 1024

    package init() {}

    /// The handler that enforces the timeouts on one connection, placed after the HTTP codec.
    package func makeRequestGuard() -> RequestGuardHandler {
        RequestGuardHandler(headTimeout: headTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout)
    }
}
