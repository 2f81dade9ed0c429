import APIClient
import Glibc

/// `--check`: instead of running, a service asks its running instance on this host whether it
/// is ready (`GET /readyz` on the port its flags name), prints one line and exits 0 when it
/// answered 200, 1 otherwise. Container healthchecks use it: the runtime images have no HTTP
/// client.
package enum SelfCheck {
    /// Asks the service listening on `address` (this host's loopback when it listens on every
    /// interface), over HTTPS when the service has `tls`, and exits.
    package static func exit(probing address: ListenAddress, tls: TLSSettings?) async -> Never {
        let host = ["", "0.0.0.0", "::"].contains(address.host) ? "127.0.0.1" : address.host
        let verdict: (ready: Bool, line: String)
        if address.port == 0 {
            verdict = (false, "not ready: the port to ask is not known (it was chosen at start); name it with its flag")
        } else {
            verdict = await ask(host: host, port: address.port, tls: tls)
        }
        print(verdict.line)
        Glibc.exit(verdict.ready ? 0 : 1)
    }

    private static func ask(host: String, port: Int, tls: TLSSettings?) async -> (ready: Bool, line: String) {
        let target = ListenAddress(host: host, port: port)
        do {
            let context = try tls.map { try TLSContexts.selfCheckClient(files: TLSFiles.read($0)) }
            // The process exits next, which closes the connection.
            let connection = try await HTTPConnection.connect(host: host, port: port, tls: context)
            let answer = try await connection.send(.GET, "/readyz", timeout: .seconds(5))
            return answer.status == 200
                ? (true, "ready: \(target) answered GET /readyz 200")
                : (false, "not ready: \(target) answered GET /readyz \(answer.status): \(String(buffer: answer.body))")
        } catch {
            return (false, "not ready: GET /readyz on \(target) failed: \(error)")
        }
    }
}
