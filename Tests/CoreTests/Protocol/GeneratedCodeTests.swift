import Foundation
import Testing

/// The protobuf-c code committed under Sources/CGRPCAPI is what proto/grpcapi.proto generates.
@Suite struct GeneratedCodeTests {
    @Test func committedProtobufCodeIsCurrent() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", TestEnvironment.scriptsDirectory + "/generate-proto.sh", "--check"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "stale generated code; run scripts/generate-proto.sh\n\(text)")
    }
}
