import ClusterKit
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Core
@testable import RPC

/// `ServerConnectionHandler` on NIO's testing channel, called by a client HTTP/2 session in memory.
@Suite struct ServerConnectionHandlerTests {
    private static let echo = GRPCAPIMethods.coordinatorSubmitTask

    /// A server connection whose only method answers `echo:<data>`, after `handlerStarted` and
    /// once `gate` (when given) lets it go on.
    private func connection(
        access: CallerAccess = .anyone, maxReceiveMessageBytes: Int = 1 << 20,
        gate: AsyncStream<Void>? = nil, probe: HandlerProbe? = nil
    ) async throws -> TestingConnection {
        var router = GRPCRouter()
        router.register(Self.echo) { request, _ in
            if let gate {
                for await _ in gate { break }
            }
            do {
                try Task.checkCancellation()
            } catch {
                probe?.cancelled.store(true, ordering: .relaxed)
                throw error
            }
            return ClientTaskResponse(message: "echo:\(request.data)", taskID: "1")
        }
        let admission = CallAdmission(
            access: access, serviceName: "test", refusedPeers: RefusedPeerLog(logger: Logger(label: "test")))
        return try await TestingConnection(peerRole: .client) { [router] in
            ServerConnectionHandler(
                router: router, admission: admission, settings: HTTP2Settings(),
                maxReceiveMessageBytes: maxReceiveMessageBytes, logger: Logger(label: "test"))
        }
    }

    private func requestHeaders(path: String = Self.echo.path, extra: [HTTP2HeaderField] = []) -> [HTTP2HeaderField] {
        [
            HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"),
            HTTP2HeaderField(":path", path), HTTP2HeaderField(":authority", "localhost"),
            HTTP2HeaderField("content-type", "application/grpc"), HTTP2HeaderField("te", "trailers"),
        ] + extra
    }

    private func call(
        _ connection: TestingConnection, path: String = Self.echo.path, extra: [HTTP2HeaderField] = [],
        body: ByteBuffer = GRPCMessageFraming.frame(ClientTaskRequest(data: "ping").serializedBytes())
    ) throws -> Int32 {
        try connection.peer.submitRequest(headers: requestHeaders(path: path, extra: extra), body: body)
    }

    /// The `grpc-status` that ended `streamID`, once it ended.
    private func status(of streamID: Int32, on connection: TestingConnection) -> String? {
        guard let trailers = connection.headerBlocks(on: streamID).last(where: \.endStream) else { return nil }
        return trailers.fields.first { $0.name == "grpc-status" }?.value
    }

    private func answer(of streamID: Int32, on connection: TestingConnection) throws -> ClientTaskResponse? {
        var body = connection.data(on: streamID)
        var deframer = GRPCMessageDeframer(maxMessageBytes: 1 << 20)
        deframer.append(body.readSlice(length: body.readableBytes)!)
        return try deframer.nextMessage().map { try ClientTaskResponse(serializedBytes: Array($0.readableBytesView)) }
    }

    @Test func answersAUnaryCallWithTheHandlersResponseAndOKTrailers() async throws {
        let connection = try await connection()
        let streamID = try call(connection)
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "0")
        #expect(connection.headerBlocks(on: streamID).first?.fields == GRPCHeaders.responseHeaders)
        #expect(try answer(of: streamID, on: connection)?.message == "echo:ping")
    }

    @Test func anUnknownMethodIsUnimplementedWithoutAResponseMessage() async throws {
        let connection = try await connection()
        let streamID = try call(connection, path: "/test.Nothing/Here")
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "12")
        #expect(connection.data(on: streamID).readableBytes == 0)
    }

    @Test func aCallWithoutTheTokenIsRefusedAndOneWithItIsServed() async throws {
        let connection = try await connection(access: .token(BearerToken("s3cret")!))
        let refused = try call(connection)
        let served = try call(connection, extra: [HTTP2HeaderField("authorization", "Bearer s3cret")])
        try await connection.exchange { _ in
            status(of: refused, on: connection) != nil && status(of: served, on: connection) != nil
        }
        #expect(status(of: refused, on: connection) == "16")
        #expect(status(of: served, on: connection) == "0")
    }

    @Test func aRequestLargerThanTheLimitIsResourceExhausted() async throws {
        let connection = try await connection(maxReceiveMessageBytes: 64)
        let streamID = try call(
            connection, body: GRPCMessageFraming.frame(ClientTaskRequest(data: String(repeating: "x", count: 100)).serializedBytes()))
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "8")
    }

    @Test func twoRequestMessagesInAUnaryCallAreRefused() async throws {
        let connection = try await connection()
        var body = GRPCMessageFraming.frame(ClientTaskRequest(data: "one").serializedBytes())
        body.writeImmutableBuffer(GRPCMessageFraming.frame(ClientTaskRequest(data: "two").serializedBytes()))
        let streamID = try call(connection, body: body)
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "13")
        #expect(connection.data(on: streamID).readableBytes == 0)
    }

    @Test func thePassingOfTheDeadlineAnswersDeadlineExceededAndCancelsTheHandler() async throws {
        let (gate, _) = AsyncStream<Void>.makeStream()
        let probe = HandlerProbe()
        let connection = try await connection(gate: gate, probe: probe)
        let streamID = try call(connection, extra: [HTTP2HeaderField("grpc-timeout", "1S")])
        try await connection.exchange()
        #expect(status(of: streamID, on: connection) == nil, "no answer before the deadline")
        await connection.loop.advanceTime(by: .seconds(2))
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "4")
        try await expectCancelled(probe)
        await connection.loop.advanceTime(by: .seconds(2))
        try await connection.exchange()
        #expect(connection.headerBlocks(on: streamID).count == 1, "answered once, trailers only")
    }

    @Test func aCallResetByThePeerCancelsItsHandlerAndTheConnectionServesOn() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let probe = HandlerProbe()
        let connection = try await connection(gate: gate, probe: probe)
        let reset = try call(connection)
        try await connection.exchange()
        connection.peer.submitReset(streamID: reset, errorCode: .cancel)
        try await connection.exchange()
        try await expectCancelled(probe)
        open.yield()
        let next = try call(connection)
        try await connection.exchange { _ in status(of: next, on: connection) != nil }
        #expect(status(of: next, on: connection) == "0")
        #expect(connection.headerBlocks(on: reset).isEmpty, "nothing is answered on a reset stream")
    }

    /// Waits until the route handler saw its Task cancelled (at most 30 s of a loaded machine).
    private func expectCancelled(_ probe: HandlerProbe) async throws {
        try await eventually("the handler's Task to be cancelled", timeout: .seconds(30)) {
            probe.cancelled.load(ordering: .relaxed) ? () : nil
        }
    }

    @Test func aGracefulShutdownAnswersTheCallInFlightThenCloses() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let connection = try await connection(gate: gate)
        let streamID = try call(connection)
        try await connection.exchange()
        try await connection.withHandler(ServerConnectionHandler.self) { $0.beginGracefulShutdown() }
        try await connection.exchange { _ in connection.receivedGoAway }
        #expect(connection.channel.isActive, "the call in flight keeps the connection open")
        open.yield()
        try await connection.exchange { _ in status(of: streamID, on: connection) != nil }
        #expect(status(of: streamID, on: connection) == "0")
        #expect(try answer(of: streamID, on: connection)?.message == "echo:ping")
        try await connection.exchange()
        #expect(!connection.channel.isActive, "closed once nothing is left in flight")
    }
}

/// What a route handler saw, for the test to read.
private final class HandlerProbe: Sendable {
    let cancelled = Atomic(false)
}
