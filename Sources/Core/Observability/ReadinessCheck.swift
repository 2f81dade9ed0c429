import Synchronization

/// One condition a service needs before it can do its work; `/readyz` answers 200 only while
/// every check of the process passes.
package struct ReadinessCheck: Sendable {
    /// Shown in the `/readyz` body, e.g. `database`.
    package var name: String
    package var isReady: @Sendable () async -> Bool

    package init(name: String, isReady: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.isReady = isReady
    }

    /// A check whose probe may block (a libpq call): failing once `timeout` passed without an answer.
    package init(name: String, timeout: Duration, isReady probe: @escaping @Sendable () async -> Bool) {
        self.init(name: name) { await firstOutcome(within: timeout, probe) }
    }
}

/// `probe`'s answer, or false once `timeout` passed. A blocking libpq call cannot be
/// cancelled, so a late probe finishes in the background and its answer is dropped.
private func firstOutcome(within timeout: Duration, _ probe: @escaping @Sendable () async -> Bool) async -> Bool {
    await withCheckedContinuation { continuation in
        let answer = FirstAnswer(continuation)
        Task { answer.resume(await probe()) }
        Task {
            try? await Task.sleep(for: timeout)
            answer.resume(false)
        }
    }
}

/// Resumes a continuation with the first answer given; later answers are ignored.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ answer: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: answer)
    }
}
