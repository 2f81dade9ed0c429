import Core
import Hummingbird
import NIOCore

/// The request context of the scheduler's API: Hummingbird's basics plus the
/// caller's address, which protected mode looks at.
struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Where the request came from; nil when it did not come over the network (in-process tests).
    let remoteAddress: SocketAddress?
    /// The API token the request presented, once `APITokenMiddleware` accepted it; nil without tokens.
    var caller: APIToken?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
