package import NIOCore
package import NIOSSL

extension ChannelPipeline.SynchronousOperations {
    /// Puts TLS first on a client connection to `host`, checking the server's certificate against
    /// `host`: its DNS name, or its IP address when `host` is one (an IP address is never sent
    /// as the server name).
    package func addTLSClientHandler(context: NIOSSLContext, host: String) throws {
        let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        try addHandler(NIOSSLClientHandler(context: context, serverHostname: isIPAddress ? nil : host))
    }
}
