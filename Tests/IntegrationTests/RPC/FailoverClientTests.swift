import Testing

@testable import Core
@testable import RPC

/// A client of several interchangeable servers, over 127.0.0.1.
@Suite(.timeLimit(.minutes(1))) struct FailoverClientTests {
    /// A router whose Echo answers `name`, to tell the servers apart.
    private func namedRouter(_ name: String) -> GRPCRouter {
        var router = GRPCRouter()
        router.register(TestMethods.echo) { _, _ in TextMessage(name) }
        return router
    }

    private func answer(_ client: FailoverGRPCClient) async throws -> String {
        let response: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage(""), timeout: .seconds(5))
        return response.text
    }

    @Test func callsStayOnOneServerUntilFailOverMovesThemToTheNextAndAround() async throws {
        try await withTestServer(router: namedRouter("a")) { _, first in
            try await withTestServer(router: namedRouter("b")) { (_, second) async throws -> Void in
                let client = FailoverGRPCClient(
                    servers: [ListenAddress(host: "127.0.0.1", port: first), ListenAddress(host: "127.0.0.1", port: second)],
                    logger: rpcTestLogger)
                #expect(client.server == nil, "nothing is resolved before the first call")
                #expect(try await answer(client) == "a")
                #expect(try await answer(client) == "a")
                #expect(try await client.failOver() == ListenAddress(host: "127.0.0.1", port: second))
                #expect(try await answer(client) == "b")
                #expect(try await client.failOver() == ListenAddress(host: "127.0.0.1", port: first))
                #expect(try await answer(client) == "a")
                await client.close()
                #expect(await statusOf { try await answer(client) }?.code == .unavailable, "closed for good")
            }
        }
    }

    @Test func aServerThatIsDownIsLeftForTheNextOne() async throws {
        let down = try await withTestServer { _, port in port }
        try await withTestServer(router: namedRouter("up")) { (_, up) async throws -> Void in
            let client = FailoverGRPCClient(
                servers: [ListenAddress(host: "127.0.0.1", port: down), ListenAddress(host: "localhost", port: up)],
                logger: rpcTestLogger)
            #expect(await statusOf { try await answer(client) }?.code == .unavailable)
            // localhost may resolve to ::1 first, where nothing listens: moving on reaches 127.0.0.1.
            var answered: String?
            for _ in 0..<3 where answered == nil {
                try await client.failOver()
                answered = try? await answer(client)
            }
            #expect(answered == "up")
            #expect(client.server?.port == up && client.server?.host != "localhost", "calls go to a resolved address")
            await client.close()
        }
    }

    @Test func aNameResolvesToEachOfItsAddressesOnce() throws {
        #expect(try AddressResolver.addresses(of: ListenAddress(host: "127.0.0.1", port: 9)) == [ListenAddress(host: "127.0.0.1", port: 9)])
        #expect(try AddressResolver.addresses(of: ListenAddress(host: "::1", port: 9)) == [ListenAddress(host: "::1", port: 9)])
        let localhost = try AddressResolver.addresses(of: ListenAddress(host: "localhost", port: 9))
        #expect(localhost.contains(ListenAddress(host: "127.0.0.1", port: 9)))
        #expect(Set(localhost).count == localhost.count)
        #expect(throws: ConfigurationError.self) { try AddressResolver.addresses(of: ListenAddress(host: "no-such-host.invalid", port: 9)) }
    }

    @Test func noServerThatResolvesIsUnavailable() async {
        let client = FailoverGRPCClient(servers: [ListenAddress(host: "no-such-host.invalid", port: 9)], logger: rpcTestLogger)
        let status = await statusOf { try await answer(client) }
        #expect(status?.code == .unavailable)
        #expect(status?.message.contains("no-such-host.invalid") == true)
        await client.close()
    }
}
