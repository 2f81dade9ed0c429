import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver on 127.0.0.1 that answers every request `204` at once and counts them:
/// the fastest receiver a coordinator can deliver to.
final class WebhookReceiver: Sendable {
    private let channel: any Channel
    private let received: Counter

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }
    /// Requests answered so far.
    var count: Int { received.value.load(ordering: .relaxed) }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    static func start() async throws -> WebhookReceiver {
        let received = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Answer(received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return WebhookReceiver(channel: channel, received: received)
    }

    private init(channel: any Channel, received: Counter) {
        self.channel = channel
        self.received = received
    }

    func stop() async {
        try? await channel.close()
    }

    /// Answers each request once its body has arrived.
    private final class Answer: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let received: Counter

        init(received: Counter) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            received.value.add(1, ordering: .relaxed)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .noContent, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
