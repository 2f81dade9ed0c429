import NIOCore
import Testing

@testable import Core
@testable import RPC

/// The cluster token on the RPC layer: servers refuse calls without it, clients send it.
@Suite(.timeLimit(.minutes(1))) struct GRPCAuthenticationTests {
    private func client(port: Int, token: String?) -> GRPCClient {
        var configuration = GRPCClientConfiguration(host: "127.0.0.1", port: port)
        configuration.bearerToken = BearerToken(token)
        return GRPCClient(configuration: configuration, logger: rpcTestLogger)
    }

    @Test func callsWithoutTheRightTokenAreUnauthenticated() async throws {
        try await withTestServer(configure: { $0.access = .token(BearerToken("t0ken")!) }) { _, port in
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
        try await withTestServer(configure: { $0.access = .token(BearerToken("t0ken")!) }) { _, port in
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

    @Test func unknownMethodsAreRefusedLikeKnownOnesWithoutTheToken() async throws {
        try await withTestServer(configure: { $0.access = .token(BearerToken("t0ken")!) }) { _, port in
            let client = client(port: port, token: nil)
            for method in [TextMethod(service: "test.Echo", method: "Nope"), TextMethod(service: "other.Service", method: "X")] {
                let status = await statusOf { try await client.unary(method, request: TextMessage("x")) }
                #expect(status?.code == .unauthenticated, "\(method.path)")
            }
            await client.close()
        }
    }

    @Test func protectedModeServesThisHostAndNamesTheVariableToOthers() throws {
        let access = CallerAccess.from(token: nil, insecure: false, tokenVariable: "TASKMASTER_CLUSTER_TOKEN")
        for local in ["127.0.0.1", "127.5.6.7", "::1"] {
            #expect(access.refusal(of: try SocketAddress(ipAddress: local, port: 1), service: "worker") == nil, "\(local)")
        }
        #expect(access.refusal(of: nil, service: "worker") == nil, "no address: not from the network")
        let refusal = access.refusal(of: try SocketAddress(ipAddress: "10.1.2.3", port: 1), service: "worker")
        #expect(refusal?.contains("TASKMASTER_CLUSTER_TOKEN") == true && refusal?.contains("--insecure") == true)
        let open = CallerAccess.from(token: nil, insecure: true, tokenVariable: "X")
        let remote = try SocketAddress(ipAddress: "10.1.2.3", port: 1)
        #expect(open == .anyone && open.refusal(of: remote, service: "worker") == nil)
        #expect(CallerAccess.from(token: BearerToken("t"), insecure: true, tokenVariable: "X") == .token(BearerToken("t")!))
    }
}
