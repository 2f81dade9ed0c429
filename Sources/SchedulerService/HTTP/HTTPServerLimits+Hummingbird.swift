import Core
import Hummingbird
import HummingbirdCore
import NIOCore

extension HTTPServerLimits {
    /// Hummingbird's HTTP/1.1 server with these limits.
    var server: HTTPServerBuilder {
        let limits = self
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [limits.makeRequestGuard()], idleTimeout: TimeAmount(idleTimeout)))
    }

    /// The application configuration for `address`, with the connection limit.
    func applicationConfiguration(address: ListenAddress, serverName: String) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
    }
}
