import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Core
@testable import RPC

/// A UTF-8 text message; bytes that are not UTF-8 do not decode.
struct TextMessage: GRPCMessage, Equatable {
    struct NotUTF8: Error {}

    var text: String

    init(_ text: String) {
        self.text = text
    }

    init(serializedBytes: [UInt8]) throws {
        guard let text = String(validating: serializedBytes, as: UTF8.self) else { throw NotUTF8() }
        self.text = text
    }

    func serializedBytes() -> [UInt8] { Array(text.utf8) }
}

/// Arbitrary bytes, to send what a `TextMessage` would refuse.
struct RawMessage: GRPCMessage {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(serializedBytes: [UInt8]) throws {
        bytes = serializedBytes
    }

    func serializedBytes() -> [UInt8] { bytes }
}

/// A domain error that knows its status.
struct NotFoundError: GRPCStatusConvertible {
    var grpcStatus: GRPCStatus { GRPCStatus(code: .notFound, message: "no such task: 42 ✓") }
}

/// The test service's methods, every one taking and answering a `TextMessage`.
typealias TextMethod = GRPCMethod<TextMessage, TextMessage>

enum TestMethods {
    static let echo = TextMethod(service: "test.Echo", method: "Echo")
    static let slow = TextMethod(service: "test.Echo", method: "Slow")
    static let fail = TextMethod(service: "test.Echo", method: "Fail")
    static let crash = TextMethod(service: "test.Echo", method: "Crash")
    static let peer = TextMethod(service: "test.Echo", method: "Peer")
}

/// Flags a slow handler raises, observed by tests.
final class HandlerProbe: Sendable {
    private let state = Mutex((started: 0, cancelled: 0, peers: Set<String>()))

    func started() { state.withLock { $0.started += 1 } }
    func cancelled() { state.withLock { $0.cancelled += 1 } }
    func saw(peer: String) { state.withLock { _ = $0.peers.insert(peer) } }

    var startedCount: Int { state.withLock { $0.started } }
    var cancelledCount: Int { state.withLock { $0.cancelled } }
    var peers: Set<String> { state.withLock { $0.peers } }
}

func testRouter(probe: HandlerProbe = HandlerProbe()) -> GRPCRouter {
    var router = GRPCRouter()
    router.register(TestMethods.echo) { (request: TextMessage, _) in request }
    router.register(TestMethods.slow) { (request: TextMessage, _) -> TextMessage in
        probe.started()
        do {
            try await Task.sleep(for: .seconds(10))
        } catch {
            probe.cancelled()
            throw error
        }
        return request
    }
    router.register(TestMethods.fail) { (_: TextMessage, _) -> TextMessage in throw NotFoundError() }
    router.register(TestMethods.crash) { (_: TextMessage, _) -> TextMessage in
        struct Secret: Error { let detail = "password=hunter2" }
        throw Secret()
    }
    router.register(TestMethods.peer) { (request: TextMessage, context) -> TextMessage in
        probe.saw(peer: context.peer)
        return TextMessage(context.metadata.first(name: "x-echo") ?? request.text)
    }
    return router
}

let rpcTestLogger: Logger = {
    var logger = Logger(label: "rpc-tests")
    logger.logLevel = ProcessInfo.processInfo.environment["RPC_TEST_LOG"] == nil ? .critical : .trace
    return logger
}()

/// Runs a server on 127.0.0.1 with a free port for the duration of `body`.
func withTestServer<Result: Sendable>(
    router: GRPCRouter = testRouter(),
    port: Int = 0,
    configure: (inout GRPCServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (GRPCServer, Int) async throws -> Result
) async throws -> Result {
    var configuration = GRPCServerConfiguration(host: "127.0.0.1", port: port, shutdownGracePeriod: .seconds(1))
    configure(&configuration)
    let server = GRPCServer(configuration: configuration, router: router, logger: rpcTestLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        let port = try await server.listeningPort()
        return try await body(server, port)
    }
}

func makeClient(port: Int, maxReceiveMessageBytes: Int = 4 << 20) -> GRPCClient {
    var configuration = GRPCClientConfiguration(host: "127.0.0.1", port: port)
    configuration.maxReceiveMessageBytes = maxReceiveMessageBytes
    return GRPCClient(configuration: configuration, logger: rpcTestLogger)
}

/// The status a call failed with, or nil when it succeeded.
func statusOf(_ call: () async throws -> some Any) async -> GRPCStatus? {
    do {
        _ = try await call()
        return nil
    } catch let status as GRPCStatus {
        return status
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Waits until `condition` holds, polling for at most `timeout`.
func pollUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
