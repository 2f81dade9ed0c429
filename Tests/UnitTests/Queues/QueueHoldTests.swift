import Testing
@testable import APIModels
@testable import TaskStorage

/// Which limit a queue's due tasks wait for.
@Suite struct QueueHoldTests {
    @Test func theFirstLimitThatHoldsIsNamed() {
        let settings = QueueSettings(concurrencyLimit: 2, keyConcurrencyLimit: 1, rateLimit: .init(limit: 5, periodSeconds: 60))
        #expect(QueueHold.of(settings: settings, usage: QueueUsage(heldByKey: [nil: 2]), due: 7, dueWithKeysAtLimit: 3)
            == QueueHold(limit: .concurrency, tasks: 7))
        #expect(QueueHold.of(settings: settings, usage: QueueUsage(heldByKey: [nil: 1], rateClaims: 5), due: 7, dueWithKeysAtLimit: 3)
            == QueueHold(limit: .rate, tasks: 7))
        #expect(QueueHold.of(settings: settings, usage: QueueUsage(heldByKey: ["k": 1]), due: 7, dueWithKeysAtLimit: 3)
            == QueueHold(limit: .key, tasks: 3))
        #expect(QueueHold.of(settings: settings, usage: QueueUsage(), due: 7, dueWithKeysAtLimit: 0) == nil)
        var paused = settings
        paused.paused = true
        #expect(QueueHold.of(settings: paused, usage: QueueUsage(), due: 7, dueWithKeysAtLimit: 0) == QueueHold(limit: .paused, tasks: 7))
        #expect(QueueHold.of(settings: paused, usage: QueueUsage(), due: 0, dueWithKeysAtLimit: 0) == nil, "nothing due")
    }
}
