import NIOCore
import NIOPosix
import Testing

@testable import Core
@testable import RPC

/// Client and server talking over 127.0.0.1.
@Suite(.timeLimit(.minutes(1))) struct GRPCLoopbackTests {
    @Test func unaryEcho() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            let response: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("hello ✓"))
            #expect(response == TextMessage("hello ✓"))
            let empty: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage(""))
            #expect(empty == TextMessage(""))
            await client.close()
        }
    }

    @Test func metadataAndPeerReachTheHandler() async throws {
        let probe = HandlerProbe()
        try await withTestServer(router: testRouter(probe: probe)) { _, port in
            let client = makeClient(port: port)
            let response: TextMessage = try await client.unary(
                TestMethods.peer, request: TextMessage("x"), metadata: ["X-Echo": "from metadata"])
            #expect(response.text == "from metadata")
            #expect(probe.peers.first?.hasPrefix("127.0.0.1:") == true)
            await client.close()
        }
    }

    @Test func concurrentCallsShareOneConnection() async throws {
        let probe = HandlerProbe()
        try await withTestServer(router: testRouter(probe: probe)) { _, port in
            let client = makeClient(port: port)
            let succeeded = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        let response: TextMessage = try await client.unary(
                            TestMethods.peer, request: TextMessage("call \(index)"))
                        return response.text == "call \(index)"
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(succeeded == 500)
            #expect(probe.peers.count == 1)
            await client.close()
        }
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            let unknownMethod = await statusOf {
                try await client.unary(TextMethod(service: "test.Echo", method: "Nope"), request: TextMessage("x"))
            }
            #expect(unknownMethod?.code == .unimplemented)
            let unknownService = await statusOf {
                try await client.unary(TextMethod(service: "test.Nope", method: "Echo"), request: TextMessage("x"))
            }
            #expect(unknownService?.code == .unimplemented)
            #expect(unknownService?.message == "unknown service test.Nope")
            await client.close()
        }
    }

    @Test func undecodableRequestIsInvalidArgument() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            // The echo method's path with a request type of its own, to send bytes no TextMessage has.
            let rawEcho = GRPCMethod<RawMessage, TextMessage>(service: TestMethods.echo.service, method: TestMethods.echo.method)
            let status = await statusOf { try await client.unary(rawEcho, request: RawMessage([0xFF, 0xFE])) }
            #expect(status?.code == .invalidArgument)
            await client.close()
        }
    }

    @Test func oversizedRequestIsResourceExhausted() async throws {
        try await withTestServer(configure: { $0.maxReceiveMessageBytes = 1000 }) { _, port in
            let client = makeClient(port: port)
            let status = await statusOf {
                try await client.unary(TestMethods.echo, request: TextMessage(String(repeating: "a", count: 5_000_000)))
                    as TextMessage
            }
            #expect(status?.code == .resourceExhausted)
            let fits: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage(String(repeating: "b", count: 1000)))
            #expect(fits.text.count == 1000)
            await client.close()
        }
    }

    @Test func largeMessagesCrossFlowControlWindows() async throws {
        try await withTestServer(configure: { $0.maxReceiveMessageBytes = 8 << 20 }) { _, port in
            let client = makeClient(port: port, maxReceiveMessageBytes: 8 << 20)
            let text = String(repeating: "0123456789", count: 300_000)
            let responses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try await client.unary(TestMethods.echo, request: TextMessage(text)) as TextMessage).text.count }
                }
                return try await Array(group)
            }
            #expect(responses == Array(repeating: text.count, count: 4))
            await client.close()
        }
    }

    @Test func oversizedResponseIsResourceExhausted() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port, maxReceiveMessageBytes: 100)
            let status = await statusOf {
                try await client.unary(TestMethods.echo, request: TextMessage(String(repeating: "a", count: 101))) as TextMessage
            }
            #expect(status?.code == .resourceExhausted)
            let fits: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("small"))
            #expect(fits.text == "small")
            await client.close()
        }
    }

    @Test func aCallThatFindsNoServerSaysItsRequestWasNotSent() async throws {
        let closedPort = try await withTestServer(router: testRouter()) { _, port in port }
        let client = makeClient(port: closedPort)
        let status = await statusOf { try await client.unary(TestMethods.echo, request: TextMessage("x")) as TextMessage }
        #expect(status?.code == .unavailable)
        #expect(status?.requestWasSent == false, "no server saw it")
        await client.close()
    }

    @Test func slowHandlerHitsTheDeadlineAndIsCancelled() async throws {
        let probe = HandlerProbe()
        try await withTestServer(router: testRouter(probe: probe)) { _, port in
            let client = makeClient(port: port)
            let started = ContinuousClock.now
            let status = await statusOf {
                try await client.unary(TestMethods.slow, request: TextMessage("x"), timeout: .milliseconds(200)) as TextMessage
            }
            #expect(status?.code == .deadlineExceeded)
            #expect(status?.requestWasSent == true, "the server may have acted on it")
            #expect(ContinuousClock.now - started < .seconds(8), "well before the handler's 10 s")
            #expect(await pollUntil { probe.cancelledCount == 1 })
            await client.close()
        }
    }

    @Test func cancellingTheCallerCancelsTheHandler() async throws {
        let probe = HandlerProbe()
        try await withTestServer(router: testRouter(probe: probe)) { _, port in
            let client = makeClient(port: port)
            let call = Task {
                await statusOf { try await client.unary(TestMethods.slow, request: TextMessage("x")) as TextMessage }
            }
            #expect(await pollUntil { probe.startedCount == 1 })
            call.cancel()
            #expect(await call.value?.code == .cancelled)
            #expect(await pollUntil { probe.cancelledCount == 1 })
            let after: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("still fine"))
            #expect(after.text == "still fine")
            await client.close()
        }
    }

    @Test func handlerErrorsMapToTheirStatus() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            let domain = await statusOf { try await client.unary(TestMethods.fail, request: TextMessage("x")) as TextMessage }
            #expect(domain == GRPCStatus(code: .notFound, message: "no such task: 42 ✓"))
            let other = await statusOf { try await client.unary(TestMethods.crash, request: TextMessage("x")) as TextMessage }
            #expect(other == GRPCStatus(code: .internalError, message: "internal error"))
            await client.close()
        }
    }

    @Test func connectionRefusedIsUnavailable() async throws {
        let port = try await withTestServer { _, port in port }
        let client = makeClient(port: port)
        let status = await statusOf { try await client.unary(TestMethods.echo, request: TextMessage("x")) as TextMessage }
        #expect(status?.code == .unavailable)
        await client.close()
    }

    @Test func serverStoppedMidCallIsUnavailable() async throws {
        let probe = HandlerProbe()
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(host: "127.0.0.1", port: 0, shutdownGracePeriod: .milliseconds(200)),
            router: testRouter(probe: probe), logger: rpcTestLogger)
        let serving = Task { try await server.run() }
        let client = makeClient(port: try await server.listeningPort())
        let call = Task { await statusOf { try await client.unary(TestMethods.slow, request: TextMessage("x")) as TextMessage } }
        #expect(await pollUntil { probe.startedCount == 1 })
        serving.cancel()
        #expect(await call.value?.code == .unavailable)
        try await serving.value
        #expect(await pollUntil { probe.cancelledCount == 1 })
        await client.close()
    }

    @Test func gracefulShutdownLetsInFlightCallsFinish() async throws {
        let probe = HandlerProbe()
        var router = GRPCRouter()
        router.register(TestMethods.echo) { (request: TextMessage, _) in
            probe.started()
            try await Task.sleep(for: .milliseconds(300))
            return request
        }
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(host: "127.0.0.1", port: 0, shutdownGracePeriod: .seconds(5)),
            router: router, logger: rpcTestLogger)
        let serving = Task { try await server.run() }
        let client = makeClient(port: try await server.listeningPort())
        let call = Task { try await client.unary(TestMethods.echo, request: TextMessage("finishing")) as TextMessage }
        #expect(await pollUntil { probe.startedCount == 1 })
        serving.cancel()
        #expect(try await call.value.text == "finishing")
        try await serving.value
        await client.close()
    }

    @Test func clientReconnectsAfterServerRestart() async throws {
        let client = try await withTestServer { _, port in
            let client = makeClient(port: port)
            let first: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("first"))
            #expect(first.text == "first")
            return (client, port)
        }
        let during = await statusOf { try await client.0.unary(TestMethods.echo, request: TextMessage("x")) as TextMessage }
        #expect(during?.code == .unavailable)
        try await withTestServer(port: client.1) { _, _ in
            let second: TextMessage = try await client.0.unary(TestMethods.echo, request: TextMessage("second"))
            #expect(second.text == "second")
        }
        await client.0.close()
    }

    @Test func closedClientRefusesCalls() async throws {
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            let _: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("x"))
            await client.close()
            let status = await statusOf { try await client.unary(TestMethods.echo, request: TextMessage("x")) as TextMessage }
            #expect(status?.code == .unavailable)
        }
    }
}
