import Core
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import NIOCore

extension HTTPServerLimits {
    /// Hummingbird's HTTP/1.1 server with these limits; with `tls`, HTTPS only, HTTP/2 or HTTP/1.1
    /// by ALPN, each HTTP/2 stream under the same limits as an HTTP/1.1 request.
    func server(tls: ReloadingTLS?, refusedPeers: RefusedPeerLog) -> HTTPServerBuilder {
        let limits = self
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [limits.makeRequestGuard()], idleTimeout: TimeAmount(idleTimeout))
        guard let tls else { return .http1(configuration: http1) }
        return HTTPServerBuilder { responder in
            HTTPSChannel(
                tls: tls, refusedPeers: refusedPeers,
                http1: HTTP1Channel(responder: responder, configuration: http1),
                http2: HTTP2Channel(
                    responder: responder,
                    configuration: HTTP2ChannelConfiguration(
                        idleTimeout: limits.idleTimeout,
                        streamConfiguration: HTTP1Channel.Configuration(additionalChannelHandlers: [limits.makeRequestGuard()]))))
        }
    }

    /// The application configuration for `address`, with the connection limit.
    func applicationConfiguration(address: ListenAddress, serverName: String) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
    }
}
