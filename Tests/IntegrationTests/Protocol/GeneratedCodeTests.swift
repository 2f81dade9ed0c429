import ClusterKit
import Foundation
import Testing

/// The protobuf-c code committed under Sources/CGRPCAPI is what proto/grpcapi.proto generates.
@Suite struct GeneratedCodeTests {
    @Test func committedProtobufCodeIsCurrent() async throws {
        let result = try await runCommand(["bash", TestEnvironment.scriptsDirectory + "/generate-proto.sh", "--check"])
        #expect(result.status == 0, "stale generated code; run scripts/generate-proto.sh\n\(result.output)\(result.errors)")
    }
}
