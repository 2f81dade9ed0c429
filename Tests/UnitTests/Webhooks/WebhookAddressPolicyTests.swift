import Testing
@testable import Webhooks

/// `--webhook_addresses=public` keeps deliveries off the cluster's own networks.
@Suite struct WebhookAddressPolicyTests {
    @Test(arguments: [
        "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:10.1.2.3", "::ffff:127.0.0.1",
    ])
    func internalAddressesAreInternal(address: String) {
        #expect(WebhookAddressPolicy.isInternal(address))
    }

    @Test(arguments: ["8.8.8.8", "172.15.0.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
    func publicAddressesAreNot(address: String) {
        #expect(!WebhookAddressPolicy.isInternal(address))
    }
}
