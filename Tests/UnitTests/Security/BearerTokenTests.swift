import NIOCore
import Testing

@testable import Core

@Suite struct BearerTokenTests {
    @Test func anEmptyOrMissingSettingMeansNoToken() {
        #expect(BearerToken(nil) == nil)
        #expect(BearerToken("") == nil)
        #expect(ClusterToken.fromEnvironment([:]) == nil)
        #expect(ClusterToken.fromEnvironment(["TASKMASTER_CLUSTER_TOKEN": ""]) == nil)
        #expect(ClusterToken.fromEnvironment(["TASKMASTER_CLUSTER_TOKEN": "t"])?.value == "t")
    }

    @Test func onlyTheExactTokenIsAccepted() throws {
        let token = try #require(BearerToken("s3cret"))
        #expect(token.authorizationValue == "Bearer s3cret")
        #expect(token.isPresented(by: "Bearer s3cret"))
        #expect(token.isPresented(by: "bearer s3cret"))
        #expect(token.isPresented(by: "BEARER s3cret"))
        for wrong in [nil, "", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret ", "Bearer s3creT", "Basic s3cret", "s3cret"] {
            #expect(!token.isPresented(by: wrong), "\(wrong ?? "nil")")
        }
    }

    @Test func constantTimeComparison() {
        #expect(BearerToken.constantTimeEquals([], []))
        #expect(BearerToken.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!BearerToken.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!BearerToken.constantTimeEquals([1, 2], [1, 2, 0]))
        #expect(!BearerToken.constantTimeEquals([1, 2, 0], [1, 2]))
    }

    @Test func loopbackAddresses() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080").isLoopback)
        #expect(try ListenAddress(parsing: "localhost:8080").isLoopback)
        #expect(try ListenAddress(parsing: "[::1]:8080").isLoopback)
        #expect(try !ListenAddress(parsing: ":8080").isLoopback)
        #expect(try !ListenAddress(parsing: "10.0.0.5:8080").isLoopback)
        #expect(ListenAddress(host: "[::1]", port: 8081).isLoopback)
    }

    @Test func loopbackPeers() throws {
        #expect(try SocketAddress(ipAddress: "127.0.0.2", port: 5000).isOnThisHost)
        #expect(try SocketAddress(ipAddress: "::1", port: 5000).isOnThisHost)
        #expect(try SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 5000).isOnThisHost)
        #expect(try !SocketAddress(ipAddress: "10.0.0.5", port: 5000).isOnThisHost)
        #expect(try !SocketAddress(ipAddress: "::ffff:10.0.0.5", port: 5000).isOnThisHost)
    }
}
