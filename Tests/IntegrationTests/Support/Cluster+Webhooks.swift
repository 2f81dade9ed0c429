import Foundation
import Testing

extension Cluster {
    /// Creates through the scheduler's API a webhook of `events` to `/hook` on 127.0.0.1:`port`,
    /// signed with `secret`; returns its id.
    func createWebhook(port: Int, events: [String], secret: String) async throws -> String {
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: [
                "url": "http://127.0.0.1:\(port)/hook", "events": events, "secret": secret,
            ]), as: UTF8.self)
        let reply = try await request(port: schedulerPort, "/webhooks", ["-X", "POST", "-d", body])
        #expect(reply.status == 201, "\(reply.body)")
        return try #require(try reply.json["webhook_id"] as? String)
    }
}
