import Core
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// The admin server on real sockets, with curl and with raw bytes.
@Suite(.timeLimit(.minutes(1))) struct AdminServerTests {
    private static let logger = Logger(label: "admin-server-test")

    /// What a raw connection received, and whether the server closed it before `wait` ran out.
    private struct Exchange {
        var text: String
        var closedByServer: Bool
        var responses: Int { text.components(separatedBy: "HTTP/1.1 ").count - 1 }
    }

    /// What a raw connection has received and not handed out yet, and whether it was closed.
    private final class Received: Sendable {
        private let state = Mutex((text: "", closed: false))

        func append(_ text: String) { state.withLock { $0.text += text } }
        func markClosed() { state.withLock { $0.closed = true } }

        func take() -> Exchange {
            state.withLock { state in
                defer { state.text = "" }
                return Exchange(text: state.text, closedByServer: state.closed)
            }
        }

        var isClosed: Bool { state.withLock { $0.closed } }

        func peek() -> Exchange {
            state.withLock { Exchange(text: $0.text, closedByServer: $0.closed) }
        }
    }

    /// Collects what arrives on a raw connection.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Received

        init(_ received: Received) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(String(buffer: unwrapInboundIn(data)))
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.markClosed()
        }
    }

    /// A raw TCP connection to the server under test.
    private final class RawConnection: Sendable {
        private let channel: any Channel
        private let received = Received()

        init(port: Int) async throws {
            let received = received
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received)) }
                }
                .connect(host: "127.0.0.1", port: port).get()
        }

        func send(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text))
        }

        /// What arrived until the server closed the connection or `wait` passed.
        func receive(for wait: Duration) async -> Exchange {
            await receive(within: wait) { _ in false }
        }

        /// What arrived once `count` responses have begun, the server closed the connection, or
        /// `wait` passed.
        func receive(responses count: Int, within wait: Duration = .seconds(10)) async -> Exchange {
            await receive(within: wait) { $0.responses >= count }
        }

        private func receive(within wait: Duration, until enough: (Exchange) -> Bool) async -> Exchange {
            let deadline = ContinuousClock.now + wait
            while !received.isClosed, !enough(received.peek()), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            return received.take()
        }

        func close() {
            channel.close(promise: nil)
        }
    }

    private static func makeServer(
        readiness: [ReadinessCheck] = [], routes: [AdminRoute] = [], limits: HTTPServerLimits = HTTPServerLimits(),
        port: Int = 0
    ) -> AdminServer {
        AdminServer(
            address: ListenAddress(host: "127.0.0.1", port: port), readiness: readiness, metrics: MetricsRegistry(),
            routes: routes, limits: limits, logger: logger)
    }

    /// Runs `server` in a service group for the duration of `body`.
    private static func serving<Result: Sendable>(
        _ server: AdminServer, _ body: @Sendable (Int, ServiceGroup) async throws -> Result
    ) async throws -> Result {
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            return try await body(try await server.listeningPort(), group)
        }
    }

    @Test func servesTheHealthEndpointsAndItsRoutesAsJSON() async throws {
        let server = Self.makeServer(
            readiness: [ReadinessCheck(name: "database") { false }, ReadinessCheck(name: "grpc") { true }],
            routes: [AdminRoute(path: "/workers") { try .json(["workers": [String]()]) }])
        try await Self.serving(server) { port, _ in
            let health = try await curl(["http://127.0.0.1:\(port)/healthz"])
            #expect(health.status == 200)
            #expect(try health.json["status"] as? String == "ok")
            #expect(health.headers["content-type"] == "application/json; charset=utf-8")
            #expect(health.headers["server"] == "taskmaster-admin")
            #expect(health.headers["date"]?.hasSuffix(" GMT") == true)

            let ready = try await curl(["http://127.0.0.1:\(port)/readyz"])
            #expect(ready.status == 503)
            #expect(try ready.json["status"] as? String == "unavailable")
            #expect(try ready.json["checks"] as? [String: String] == ["database": "failing", "grpc": "ok"])

            let metrics = try await curl(["http://127.0.0.1:\(port)/metrics"])
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"] == MetricsRegistry.contentType)

            let workers = try await curl(["http://127.0.0.1:\(port)/workers"])
            #expect(workers.status == 200)
            #expect(try workers.json["workers"] as? [Any] != nil)
        }
    }

    @Test func headAnswersTheHeadersOfGetWithoutABody() async throws {
        try await Self.serving(Self.makeServer()) { port, _ in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.send(
                "HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let parts = await connection.receive(for: .seconds(5)).text.components(separatedBy: "\r\n\r\n")
            try #require(parts.count == 3)
            let length = { (head: String) in
                head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            }
            #expect(parts[0].hasPrefix("HTTP/1.1 200 OK"))
            #expect(parts[1].hasPrefix("HTTP/1.1 200 OK"))
            #expect(length(parts[0]) != nil)
            #expect(length(parts[0]) == length(parts[1]))
            #expect(parts[2].hasPrefix("{"))
        }
    }

    @Test func unknownPathsAndMethodsGetJSONErrors() async throws {
        try await Self.serving(Self.makeServer()) { port, _ in
            let unknown = try await curl(["http://127.0.0.1:\(port)/nope"])
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let post = try await curl(["-X", "POST", "http://127.0.0.1:\(port)/metrics"])
            #expect(post.status == 405)
            #expect(post.errorCode == "method_not_allowed")
            #expect(post.headers["allow"] == "GET")
        }
    }

    @Test func keepsAConnectionAliveUntilTheClientAsksToClose() async throws {
        try await Self.serving(Self.makeServer()) { port, _ in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            let open = await connection.receive(responses: 2)
            #expect(open.responses == 2)
            #expect(!open.closedByServer)
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let closing = await connection.receive(for: .seconds(5))
            #expect(closing.responses == 1)
            #expect(closing.text.lowercased().contains("connection: close"))
            #expect(closing.closedByServer)
        }
    }

    @Test func aRequestThatIsNotHTTPIsAnsweredWithAJSONErrorAndClosed() async throws {
        try await Self.serving(Self.makeServer()) { port, _ in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u{0}b\r\n\r\n")
            let answer = await connection.receive(for: .seconds(5))
            #expect(answer.text.hasPrefix("HTTP/1.1 400 Bad Request"))
            #expect(answer.text.contains("\"code\":\"invalid_request\""))
            #expect(answer.closedByServer)
            #expect(try await curl(["http://127.0.0.1:\(port)/healthz"]).status == 200)
        }
    }

    @Test func aClientTooSlowToSendItsHeadersIsAnswered408() async throws {
        var limits = HTTPServerLimits()
        limits.headTimeout = .milliseconds(500)
        try await Self.serving(Self.makeServer(limits: limits)) { port, _ in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            // On a loaded machine the server may have answered before this is sent.
            try? await connection.send("GET /healthz HTTP/1.1\r\n")
            let answer = await connection.receive(for: .seconds(5))
            #expect(answer.text.hasPrefix("HTTP/1.1 408 Request Timeout"))
            #expect(answer.text.contains("\"code\":\"request_timeout\""))
            #expect(answer.closedByServer)
        }
    }

    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        var limits = HTTPServerLimits()
        limits.maxConnections = 1
        try await Self.serving(Self.makeServer(limits: limits)) { port, _ in
            let holder = try await RawConnection(port: port)
            try await holder.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await holder.receive(responses: 1).responses == 1)
            let waiting = try await RawConnection(port: port)
            defer { waiting.close() }
            try await waiting.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await waiting.receive(for: .milliseconds(500)).responses == 0)
            holder.close()
            #expect(await waiting.receive(responses: 1).responses == 1)
        }
    }

    @Test func aGracefulShutdownClosesConnectionsAndStopsListening() async throws {
        let server = Self.makeServer()
        let group = ServiceGroup(services: [server], logger: Self.logger)
        let running = Task { try await group.run() }
        let port = try await server.listeningPort()
        let connection = try await RawConnection(port: port)
        defer { connection.close() }
        try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await connection.receive(responses: 1).responses == 1)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await connection.receive(for: .seconds(5)).closedByServer)
        #expect(try await curl(["http://127.0.0.1:\(port)/healthz"]).status == 0)
    }

    @Test func aPortInUseIsAListenError() async throws {
        try await Self.serving(Self.makeServer()) { port, _ in
            let second = Self.makeServer(port: port)
            let error = await #expect(throws: ListenError.self) { try await second.run() }
            #expect(error?.description == "cannot listen on 127.0.0.1:\(port): address already in use")
            await #expect(throws: (any Error).self) { try await second.listeningPort() }
        }
    }
}
