import Testing

@testable import Core

/// The cluster token on the RPC layer: servers refuse calls without it, clients send it.
@Suite(.timeLimit(.minutes(1))) struct GRPCAuthenticationTests {
    private func client(port: Int, token: String?) -> GRPCClient {
        var configuration = GRPCClientConfiguration(host: "127.0.0.1", port: port)
        configuration.bearerToken = BearerToken(token)
        return GRPCClient(configuration: configuration, logger: rpcTestLogger)
    }

    @Test func callsWithoutTheRightTokenAreUnauthenticated() async throws {
        try await withTestServer(configure: { $0.requiredBearerToken = BearerToken("t0ken") }) { _, port in
            for token in [nil, "wrong", "t0ke", "t0ken2"] {
                let client = client(port: port, token: token)
                let status = await statusOf {
                    try await client.unary(TestMethods.echo, request: TextMessage("x")) as TextMessage
                }
                #expect(status?.code == .unauthenticated, "token \(token ?? "nil")")
                await client.close()
            }
            let plain = makeClient(port: port)
            let handWritten: TextMessage = try await plain.unary(
                TestMethods.echo, request: TextMessage("by hand"), metadata: ["authorization": "Bearer t0ken"])
            #expect(handWritten.text == "by hand")
            await plain.close()
        }
    }

    @Test func callsWithTheTokenSucceed() async throws {
        try await withTestServer(configure: { $0.requiredBearerToken = BearerToken("t0ken") }) { _, port in
            let client = client(port: port, token: "t0ken")
            let response: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("hello"))
            #expect(response.text == "hello")
            let domainError = await statusOf {
                try await client.unary(TestMethods.fail, request: TextMessage("x")) as TextMessage
            }
            #expect(domainError?.code == .notFound)
            await client.close()
        }
    }

    @Test func aServerWithoutATokenAcceptsCallsThatCarryOne() async throws {
        try await withTestServer { _, port in
            let client = client(port: port, token: "t0ken")
            let response: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("open"))
            #expect(response.text == "open")
            await client.close()
        }
    }
}
