package import NIOCore
import APIClient
import NIOSSL
import NIOTLS

extension ChannelPipeline.SynchronousOperations {
    /// Puts TLS first on a server connection, with the context `tls` holds now, and logs a peer
    /// refused at the handshake (`refusedPeers`: once per address and reason) before the
    /// connection closes: no certificate, one not signed by the authority, or plain text.
    package func addTLSServerHandlers(
        _ tls: ReloadingTLS, protocols: TLSApplicationProtocols, refusedPeers: RefusedPeerLog
    ) throws {
        try addHandler(NIOSSLServerHandler(context: tls.serverContext(for: protocols)))
        try addHandler(TLSHandshakeRefusalLogger(refusedPeers: refusedPeers))
    }
}

/// Sits after `NIOSSLServerHandler` until the handshake completes; a handshake that fails is
/// logged with the peer's address and the reason, then the error goes on down the pipeline.
private final class TLSHandshakeRefusalLogger: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let refusedPeers: RefusedPeerLog

    init(refusedPeers: RefusedPeerLog) {
        self.refusedPeers = refusedPeers
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if case .handshakeCompleted? = event as? TLSUserEvent {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        refusedPeers.refused(address, reason: "TLS handshake failed: \(TLSFailureReason.describe(error))")
        context.fireErrorCaught(error)
    }
}
