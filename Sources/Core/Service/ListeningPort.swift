import Synchronization

/// The port a server bound, for those who wait for it (useful with port 0): set once by the
/// server's `run()`, or the reason it could not bind.
package final class ListeningPort: Sendable {
    private enum State {
        case notStarted(waiters: [CheckedContinuation<Int, any Error>])
        case starting(waiters: [CheckedContinuation<Int, any Error>])
        case bound(port: Int)
        case failed(ListenError)
    }

    /// `run()` was called more than once.
    package struct AlreadyStarted: Error, CustomStringConvertible {
        package let server: String
        package var description: String { "a \(server) runs only once" }
    }

    private let server: String
    private let state = Mutex(State.notStarted(waiters: []))

    /// `server` names the server in errors.
    package init(server: String) {
        self.server = server
    }

    /// The bound port once listening; waits for the bind.
    package func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<Int, ListenError>? = state.withLock { state in
                switch state {
                case .notStarted(var waiters):
                    waiters.append(continuation)
                    state = .notStarted(waiters: waiters)
                    return nil
                case .starting(var waiters):
                    waiters.append(continuation)
                    state = .starting(waiters: waiters)
                    return nil
                case .bound(let port):
                    return .success(port)
                case .failed(let error):
                    return .failure(error)
                }
            }
            if let outcome {
                continuation.resume(with: outcome)
            }
        }
    }

    /// Whether the server has bound its address (false before that and after a failed bind).
    package var isBound: Bool {
        state.withLock { state in
            if case .bound = state { return true }
            return false
        }
    }

    /// Called first by `run()`; throws when the server ran before.
    package func markStarting() throws {
        try state.withLock { state in
            guard case .notStarted(let waiters) = state else { throw AlreadyStarted(server: server) }
            state = .starting(waiters: waiters)
        }
    }

    /// The bind's outcome, given to every waiter.
    package func publish(_ outcome: Result<Int, ListenError>) {
        let waiters = state.withLock { state in
            guard case .starting(let waiters) = state else { return [CheckedContinuation<Int, any Error>]() }
            switch outcome {
            case .success(let port): state = .bound(port: port)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters {
            waiter.resume(with: outcome.mapError { $0 })
        }
    }
}
