import ClusterKit
import Foundation

/// An HTTP exchange made with curl, the way the README tells users to talk to the scheduler.
struct HTTPReply {
    var status: Int
    var body: String
    var headers: [String: String]

    /// The body parsed as a JSON object.
    var json: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
            guard let dictionary = object as? [String: Any] else { throw TimedOut(description: "not a JSON object: \(body)") }
            return dictionary
        }
    }

    /// `error.code` of a JSON error reply.
    var errorCode: String? {
        ((try? json)?["error"] as? [String: Any])?["code"] as? String
    }
}

/// Runs `curl` with `arguments` plus flags that capture status and headers.
func curl(_ arguments: [String]) async throws -> HTTPReply {
    let headerFile = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: headerFile) }
    let result = try await runCommand(
        ["curl", "-s", "--max-time", "10", "-D", headerFile.path, "-w", "\n%{http_code}"] + arguments)
    let text = result.output
    guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]) else {
        throw TimedOut(description: "curl gave no status: \(text) \(result.errors)")
    }
    var headers: [String: String] = [:]
    let headerText = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
    for line in headerText.split(separator: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPReply(status: status, body: String(text[..<split]), headers: headers)
}
