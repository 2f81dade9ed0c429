package import NIOCore
package import NIOHTTP1
import NIOPosix
package import NIOSSL

/// The answer to one HTTP request.
package struct HTTPAnswer: Sendable {
    package var status: Int
    package var body: ByteBuffer
}

/// Why a request got no answer: the connection closed, or the answer took too long.
package struct HTTPConnectionError: Error, CustomStringConvertible {
    package var description: String
}

/// A keep-alive HTTP/1.1 connection that carries one request at a time.
package final class HTTPConnection: Sendable {
    private let channel: any Channel
    private let hostHeader: String

    private init(channel: any Channel, hostHeader: String) {
        self.channel = channel
        self.hostHeader = hostHeader
    }

    /// Connects to `host:port`; over TLS with `tls` (HTTPS), the server's certificate checked
    /// against `host` as `tls` says.
    package static func connect(
        host: String, port: Int, tls: NIOSSLContext? = nil, connectTimeout: Duration = .seconds(2)
    ) async throws -> HTTPConnection {
        try await connect(host: host, port: port, tls: tls, connectTimeout: connectTimeout) { $0.connect(host: host, port: port) }
    }

    /// Connects to `address`, the address `host` was resolved to: the request names `host`, and
    /// with `tls` the server's certificate is checked against it.
    package static func connect(
        to address: SocketAddress, host: String, tls: NIOSSLContext? = nil, connectTimeout: Duration = .seconds(2)
    ) async throws -> HTTPConnection {
        try await connect(host: host, port: address.port ?? 0, tls: tls, connectTimeout: connectTimeout) { $0.connect(to: address) }
    }

    private static func connect(
        host: String, port: Int, tls: NIOSSLContext?, connectTimeout: Duration,
        _ connect: (ClientBootstrap) -> EventLoopFuture<any Channel>
    ) async throws -> HTTPConnection {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addTLSClientHandler(context: tls, host: host) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler())
                }
            }
        let channel = try await connect(bootstrap).get()
        // An IPv6 address is bracketed in the Host header, as in a URL.
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return HTTPConnection(channel: channel, hostHeader: hostHeader)
    }

    /// Sends a request with `headers` besides Host, Content-Type and Content-Length, and waits
    /// for its answer; after `timeout` (nil: never) the connection is closed and the request
    /// fails. With `bodyParts`, the body of a successful (2xx) answer is handed to it part by
    /// part as it arrives instead of kept in the answer.
    package func send(
        _ method: HTTPMethod, _ uri: String, headers extraHeaders: [(String, String)] = [],
        body: ByteBuffer? = nil, contentType: String = "application/json", timeout: Duration? = .seconds(30),
        bodyParts: (@Sendable (ByteBuffer) -> Void)? = nil
    ) async throws -> HTTPAnswer {
        var headers = HTTPHeaders([("Host", hostHeader)])
        headers.add(contentsOf: extraHeaders)
        if let body {
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        let channel = channel
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        let timer = timeout.map { timeout in
            channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                promise.fail(HTTPConnectionError(description: "no answer to \(method) \(uri) within \(timeout)"))
                channel.close(promise: nil)
            }
        }
        channel.writeAndFlush(HTTPExchange(head: head, body: body, bodyParts: bodyParts, answer: promise)).whenFailure { error in
            promise.fail(error)
        }
        defer { timer?.cancel() }
        return try await promise.futureResult.get()
    }

    package func close() async {
        try? await channel.close()
    }
}

/// A request handed to the pipeline with the promise of its answer.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    /// Takes the body of a successful answer as it arrives (nil: the answer keeps it).
    var bodyParts: (@Sendable (ByteBuffer) -> Void)?
    var answer: EventLoopPromise<HTTPAnswer>
}

/// Writes requests and completes their promises in order as the answers arrive; fails every
/// waiting promise when the connection ends.
private final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting = CircularBuffer<HTTPExchange>()
    private var status: Int?
    private var body = ByteBuffer()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        waiting.append(exchange)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.clear()
        case .body(var part):
            if let status, (200..<300).contains(status), let bodyParts = waiting.first?.bodyParts {
                bodyParts(part)
            } else {
                body.writeBuffer(&part)
            }
        case .end:
            guard let status, let exchange = waiting.popFirst() else { return }
            exchange.answer.succeed(HTTPAnswer(status: status, body: body))
            self.status = nil
            body = ByteBuffer()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failWaiting(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(HTTPConnectionError(description: "connection closed"))
        context.fireChannelInactive()
    }

    private func failWaiting(_ error: any Error) {
        while let exchange = waiting.popFirst() {
            exchange.answer.fail(error)
        }
    }
}
