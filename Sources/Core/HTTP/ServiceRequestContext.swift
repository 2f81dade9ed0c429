public import Hummingbird
public import NIOCore

/// The request context of every HTTP server of the services: Hummingbird's basics plus the
/// caller's address, which protected mode looks at.
public struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Where the request came from; nil when it did not come over the network (in-process tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
