package import Hummingbird
package import NIOCore

/// The request context of every HTTP server of the services: Hummingbird's basics plus the
/// caller's address, which protected mode looks at.
package struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Where the request came from; nil when it did not come over the network (in-process tests).
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
