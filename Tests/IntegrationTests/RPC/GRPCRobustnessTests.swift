import NIOCore
import NIOPosix
import Testing

@testable import Core
@testable import RPC

/// Sends one request over a bare HTTP/2 session, for requests `GRPCClient` would never send.
private final class OneRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let headers: [HTTP2HeaderField]
    private let body: ByteBuffer
    private let promise: EventLoopPromise<[HTTP2Event]>
    private var session: HTTP2Session?
    private var events: [HTTP2Event] = []

    init(headers: [HTTP2HeaderField], body: ByteBuffer, promise: EventLoopPromise<[HTTP2Event]>) {
        self.headers = headers
        self.body = body
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        let session = try! HTTP2Session(role: .client, settings: HTTP2Settings())
        _ = try! session.submitRequest(headers: headers, body: body)
        self.session = session
        events += HTTP2ChannelOutput.flush(session, context: context, logger: rpcTestLogger)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        events += try! session!.receive(unwrapInboundIn(data))
        reportWhenClosed()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        events += HTTP2ChannelOutput.flush(session!, context: context, logger: rpcTestLogger)
        reportWhenClosed()
    }

    private func reportWhenClosed() {
        if events.contains(where: { if case .streamClosed = $0 { true } else { false } }) {
            promise.succeed(events)
        }
    }


    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
    }
}

/// The parts of a trailers-only answer.
private struct Answer {
    var httpStatus: String?
    var grpcStatus: String?
    var grpcMessage: String?
}

@Suite(.timeLimit(.minutes(1))) struct GRPCRobustnessTests {
    private static func headers(method: String = "POST", contentType: String = "application/grpc", extra: [HTTP2HeaderField] = [])
        -> [HTTP2HeaderField]
    {
        [
            HTTP2HeaderField(":method", method), HTTP2HeaderField(":scheme", "http"),
            HTTP2HeaderField(":path", TestMethods.echo.path), HTTP2HeaderField(":authority", "127.0.0.1"),
            HTTP2HeaderField("content-type", contentType), HTTP2HeaderField("te", "trailers"),
        ] + extra
    }

    private static func rawCall(port: Int, headers: [HTTP2HeaderField], body: ByteBuffer) async throws -> Answer {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = eventLoop.makePromise(of: [HTTP2Event].self)
        let timeout = eventLoop.scheduleTask(in: .seconds(10)) { promise.fail(ChannelError.connectTimeout(.seconds(10))) }
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        OneRequestHandler(headers: headers, body: body, promise: promise))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        var answer = Answer()
        for event in try await promise.futureResult.get() {
            guard case .headers(_, let fields, _) = event else { continue }
            for field in fields {
                switch field.name {
                case ":status": answer.httpStatus = field.value
                case "grpc-status": answer.grpcStatus = field.value
                case "grpc-message": answer.grpcMessage = field.value
                default: break
                }
            }
        }
        return answer
    }

    /// Writes raw bytes to the server and reports whether it hung up within a few seconds.
    private static func serverHangsUp(port: Int, after bytes: [UInt8]) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let hungUp = await group.next() ?? false
            group.cancelAll()
            channel.close(promise: nil)
            return hungUp
        }
    }

    @Test func garbageIsDisconnectedAndOthersKeepWorking() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            let before: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("before"))
            #expect(before.text == "before")

            #expect(try await Self.serverHangsUp(port: port, after: Array("GET / HTTP/1.1\r\n\r\n".utf8)))
            var generator = SystemRandomNumberGenerator()
            let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(try await Self.serverHangsUp(port: port, after: noise))
            // A valid preface followed by a DATA frame on stream 0 (a connection error).
            let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
            #expect(try await Self.serverHangsUp(port: port, after: preface + [0, 0, 1, 0, 0, 0, 0, 0, 0, 42]))

            let after: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("after"))
            #expect(after.text == "after")
            let fresh = makeClient(port: port)
            let again: TextMessage = try await fresh.unary(TestMethods.echo, request: TextMessage("fresh"))
            #expect(again.text == "fresh")
            await client.close()
            await fresh.close()
        }
    }

    @Test func requestWithoutMessageIsInternal() async throws {
        try await withTestServer { _, port in
            let answer = try await Self.rawCall(port: port, headers: Self.headers(), body: ByteBuffer())
            #expect(answer.grpcStatus == "13")
        }
    }

    @Test func requestWithTwoMessagesIsInternal() async throws {
        try await withTestServer { _, port in
            var body = GRPCMessageFraming.frame(Array("one".utf8))
            body.writeImmutableBuffer(GRPCMessageFraming.frame(Array("two".utf8)))
            let answer = try await Self.rawCall(port: port, headers: Self.headers(), body: body)
            #expect(answer.grpcStatus == "13")
        }
    }

    @Test func truncatedMessageIsInternal() async throws {
        try await withTestServer { _, port in
            let answer = try await Self.rawCall(port: port, headers: Self.headers(), body: ByteBuffer(bytes: [0, 0, 0, 0, 9, 1]))
            #expect(answer.grpcStatus == "13")
        }
    }

    @Test func compressedMessageWithoutEncodingIsInternal() async throws {
        try await withTestServer { _, port in
            let answer = try await Self.rawCall(port: port, headers: Self.headers(), body: ByteBuffer(bytes: [1, 0, 0, 0, 1, 65]))
            #expect(answer.grpcStatus == "13")
        }
    }

    @Test func unsupportedEncodingIsUnimplemented() async throws {
        try await withTestServer { _, port in
            let answer = try await Self.rawCall(
                port: port, headers: Self.headers(extra: [HTTP2HeaderField("grpc-encoding", "gzip")]),
                body: GRPCMessageFraming.frame(Array("x".utf8)))
            #expect(answer.grpcStatus == "12")
        }
    }

    @Test func wrongMethodAndContentTypeGetHTTPErrors() async throws {
        try await withTestServer { _, port in
            let get = try await Self.rawCall(port: port, headers: Self.headers(method: "GET"), body: ByteBuffer())
            #expect(get.httpStatus == "405")
            #expect(get.grpcStatus == "13")
            let json = try await Self.rawCall(
                port: port, headers: Self.headers(contentType: "application/json"), body: ByteBuffer(string: "{}"))
            #expect(json.httpStatus == "415")
            #expect(json.grpcStatus == "3")
        }
    }

    @Test func serverDeadlineFromGRPCTimeout() async throws {
        let probe = HandlerProbe()
        try await withTestServer(router: testRouter(probe: probe)) { _, port in
            var headers = Self.headers(extra: [HTTP2HeaderField("grpc-timeout", "100m")])
            headers[2] = HTTP2HeaderField(":path", TestMethods.slow.path)
            let answer = try await Self.rawCall(port: port, headers: headers, body: GRPCMessageFraming.frame(Array("x".utf8)))
            #expect(answer.grpcStatus == "4")
            #expect(await pollUntil { probe.cancelledCount == 1 })
        }
    }

    @Test func malformedTimeoutIsRejected() async throws {
        try await withTestServer { _, port in
            let answer = try await Self.rawCall(
                port: port, headers: Self.headers(extra: [HTTP2HeaderField("grpc-timeout", "soon")]),
                body: GRPCMessageFraming.frame(Array("x".utf8)))
            #expect(answer.grpcStatus == "13")
        }
    }
}
