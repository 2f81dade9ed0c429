package import Hummingbird
package import HummingbirdCore
import NIOCore

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

    /// The HTTP/1.1 server with these limits.
    package var server: HTTPServerBuilder {
        let limits = self
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [
                    RequestGuardHandler(
                        headTimeout: limits.headTimeout, bodyTimeout: limits.bodyTimeout, idleTimeout: limits.idleTimeout)
                ],
                idleTimeout: TimeAmount(idleTimeout)))
    }

    /// The application configuration for `address`, with the connection limit.
    package func applicationConfiguration(address: ListenAddress, serverName: String) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
    }
}
