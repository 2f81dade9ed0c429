import Testing
@testable import APIModels

/// A webhook's URL, parsed once when it is made.
@Suite struct WebhookTargetTests {
    @Test func readsSchemeHostPortAndPath() throws {
        let plain = try WebhookTarget(url: "http://hooks.example.com/in?team=ops")
        #expect(!plain.isHTTPS && plain.host == "hooks.example.com" && plain.port == 80 && plain.path == "/in?team=ops")
        let secure = try WebhookTarget(url: "HTTPS://[::1]:8443")
        #expect(secure.isHTTPS && secure.host == "::1" && secure.port == 8443 && secure.path == "/")
    }

    @Test(arguments: [
        ("ftp://example.com/", "must be http or https"),
        ("example.com/hook", "is not a URL"),
        ("http:///path", "has no host"),
        ("http://573*/", "has a host that is neither a DNS name nor an IP address"),
        ("http://-a.example.com/", "has a host that is neither a DNS name nor an IP address"),
        ("http://a..example.com/", "has a host that is neither a DNS name nor an IP address"),
        ("https://user:pass@example.com/", "must not carry a user or a password"),
        ("http://example.com:0/", "has no valid port"),
        ("http://example.com/" + String(repeating: "a", count: 2048), "is longer than 2048 bytes"),
    ])
    func refusesWhatCannotTakeDeliveries(url: String, reason: String) {
        do {
            let target = try WebhookTarget(url: url)
            Issue.record("accepted \(url) as \(target)")
        } catch {
            #expect(error.description.hasPrefix(reason), "\(url): \(error)")
        }
    }
}
