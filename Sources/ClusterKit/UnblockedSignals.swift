import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `start` on a new thread that blocks no signal and returns its result.
///
/// A child process inherits the signal mask of the thread that starts it, and the threads of
/// Swift's concurrency pool block most signals: a child started from one of them never sees
/// `SIGALRM` (`pgbench -T` then runs forever) nor `SIGINT`. Start such children in `start`.
package func withSignalsUnblocked<T: Sendable>(_ start: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            continuation.resume(with: Result(catching: start))
        }
        thread.start()
    }
}
