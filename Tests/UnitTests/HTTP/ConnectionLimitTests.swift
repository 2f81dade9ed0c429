import Synchronization
import Testing

@testable import Core

@Suite(.timeLimit(.minutes(1))) struct ConnectionLimitTests {
    @Test func admitsUpToTheLimitThenWaitsForARelease() async throws {
        var limit = ConnectionLimit(2)
        await limit.admit()
        await limit.admit()
        let release = limit.release
        let released = Atomic(false)
        let releaser = Task {
            try await Task.sleep(for: .milliseconds(100))
            released.store(true, ordering: .sequentiallyConsistent)
            release()
        }
        await limit.admit()
        let wasReleased = released.load(ordering: .sequentiallyConsistent)
        #expect(wasReleased)
        try await releaser.value
    }

    @Test func releasesMadeWhileSlotsWereFreeAreCounted() async {
        var limit = ConnectionLimit(1)
        await limit.admit()
        limit.release()
        await limit.admit()
        limit.release()
        limit.release()
        await limit.admit()
        await limit.admit()
    }

    @Test func aCancelledWaitReturns() async {
        let waiting = Task {
            var limit = ConnectionLimit(0)
            await limit.admit()
        }
        waiting.cancel()
        await waiting.value
    }
}
