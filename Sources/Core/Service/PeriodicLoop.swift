import ServiceLifecycle

/// The loop of a background service: one round, a wait, and again, until graceful shutdown.
/// Shutdown cancels the round or the wait in progress and ends the loop, never the process.
package struct PeriodicLoop: Sendable {
    private let wait: @Sendable () async -> Void

    /// Waits `interval` after each round.
    package init(every interval: Duration) {
        self.wait = { try? await Task.sleep(for: interval) }
    }

    /// Waits with `wait` after each round (which returns early when there is news).
    package init(waitingWith wait: @escaping @Sendable () async -> Void) {
        self.wait = wait
    }

    /// Runs `round` until shutdown.
    package func run(_ round: @escaping @Sendable () async -> Void) async {
        _ = await run(from: ()) { _ in await round() }
    }

    /// Runs `round` until shutdown, each round given the state the previous one returned;
    /// returns the last state.
    package func run<State: Sendable>(
        from initial: State, _ round: @escaping @Sendable (State) async -> State
    ) async -> State {
        await cancelWhenGracefulShutdown {
            var state = initial
            while !Task.isCancelled {
                state = await round(state)
                await wait()
            }
            return state
        }
    }
}
