import Core
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOTLS

/// The scheduler's HTTPS connections: TLS with the certificate current when the connection
/// opens (so a certificate reloaded from disk reaches new connections only), then HTTP/2 or
/// HTTP/1.1 as ALPN decides (no ALPN: HTTP/1.1). Hummingbird's own TLS channels fix the
/// certificate when the server starts; this one takes it from `ReloadingTLS` each time.
struct HTTPSChannel: HTTPChannelHandler {
    /// The connection once its protocol is known.
    enum Negotiated: Sendable {
        case http1(HTTP1Channel.Value)
        case http2(HTTP2Channel.Value)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let tls: ReloadingTLS
    let refusedPeers: RefusedPeerLog
    let http1: HTTP1Channel
    let http2: HTTP2Channel

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addTLSServerHandlers(tls, protocols: .http, refusedPeers: refusedPeers)
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<Negotiated> { result in
                switch result {
                case .negotiated("h2"):
                    http2.setup(channel: channel, logger: logger).map { .http2($0) }
                default:
                    http1.setup(channel: channel, logger: logger).map { .http1($0) }
                }
            }
            try channel.pipeline.syncOperations.addHandler(negotiation)
            return Value(negotiated: negotiation.protocolNegotiationResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1(let connection): await http1.handle(value: connection, logger: logger)
            case .http2(let connection): await http2.handle(value: connection, logger: logger)
            }
        } catch {
            logger.debug("connection ended before its protocol was known", metadata: [LogKey.error: "\(error)"])
        }
    }
}
