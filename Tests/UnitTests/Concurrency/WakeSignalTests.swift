import Testing

@testable import Core

@Suite struct WakeSignalTests {
    @Test func aSignalBeforeTheWaitIsNotLost() async {
        let signal = WakeSignal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func aSignalWakesAWaiter() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        async let waited: Void = signal.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        signal.signal()
        await waited
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func theTimeoutEndsTheWait() async {
        let start = ContinuousClock.now
        await WakeSignal().wait(timeout: .milliseconds(20))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }
}
