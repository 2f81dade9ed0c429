package import Core

/// Settings of a `GRPCServer`.
package struct GRPCServerConfiguration: Sendable {
    /// The address to bind.
    package var host: String = "0.0.0.0"
    /// The port to bind; 0 picks a free one (see `GRPCServer.listeningPort()`).
    package var port: Int = 0
    /// Request messages larger than this are refused with RESOURCE_EXHAUSTED.
    package var maxReceiveMessageBytes: Int = 4 << 20
    /// Concurrent calls allowed per connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    package var maxConcurrentStreams: Int = 1024
    /// How long in-flight calls may run after shutdown starts before connections are closed.
    package var shutdownGracePeriod: Duration = .seconds(10)
    /// Who may call, checked before a call is routed: with `.token`, calls without
    /// `authorization: Bearer <token>` metadata (or with another token) are answered
    /// UNAUTHENTICATED; with `.thisHostOnly` (the default), calls from other hosts are answered
    /// PERMISSION_DENIED.
    package var access: CallerAccess = .thisHostOnly(tokenVariable: ClusterToken.environmentVariable)
    /// What the server is, in refusals ("this coordinator has no token …").
    package var serviceName: String = "server"
    /// With TLS, every connection starts with a handshake (ALPN `h2`) with the certificate current
    /// then; a peer that fails it (no certificate when one is required, a certificate the
    /// authority did not sign, plain text) is logged and disconnected. Nil: cleartext.
    package var tls: ReloadingTLS?

    package init(
        host: String = "0.0.0.0",
        port: Int = 0,
        maxReceiveMessageBytes: Int = 4 << 20,
        maxConcurrentStreams: Int = 1024,
        shutdownGracePeriod: Duration = .seconds(10),
        access: CallerAccess = .thisHostOnly(tokenVariable: ClusterToken.environmentVariable),
        serviceName: String = "server",
        tls: ReloadingTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxConcurrentStreams = maxConcurrentStreams
        self.shutdownGracePeriod = shutdownGracePeriod
        self.access = access
        self.serviceName = serviceName
        self.tls = tls
    }
}
