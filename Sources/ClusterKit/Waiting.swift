import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A wait or a helper command that did not end as expected.
package struct TimedOut: Error, CustomStringConvertible {
    package var description: String

    package init(description: String) {
        self.description = description
    }
}

/// Re-evaluates `condition` every 25 ms until it returns a value, for at most `timeout`.
@discardableResult
package func eventually<T>(
    _ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await condition() { return value }
        guard ContinuousClock.now < deadline else { throw TimedOut(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(25))
    }
}

/// The ports `freePort()` handed out in this process.
private let portsHandedOut = Mutex<Set<Int>>([])

/// A TCP port that was free a moment ago on 127.0.0.1 and that this process was not given
/// before: the kernel may offer a port again as soon as the probe closes, and two services given
/// the same number collide.
package func freePort() async throws -> Int {
    for _ in 0..<1000 {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try? await channel.close()
        guard let port else { throw TimedOut(description: "no local port") }
        if portsHandedOut.withLock({ $0.insert(port).inserted }) { return port }
    }
    throw TimedOut(description: "no free port on 127.0.0.1 that this process was not given already")
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
package func isListening(port: Int) async -> Bool {
    do {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(1))
            .connect(host: "127.0.0.1", port: port).get()
        try? await channel.close()
        return true
    } catch {
        return false
    }
}
