import Foundation
import Testing

@testable import CoordinatorService

/// A receiver that keeps failing rests for a pause that doubles, and one delivery ends it.
@Suite struct ReceiverRestsTests {
    let start = ContinuousClock.now
    let webhook = UUID()
    let other = UUID()

    @Test func twoFailuresInARowDoNotRestAReceiverAndThreeDo() {
        var rests = ReceiverRests()
        rests.record(webhook: webhook, delivered: false, at: start)
        rests.record(webhook: webhook, delivered: false, at: start)
        #expect(rests.resting(at: start).isEmpty, "a receiver that failed twice then accepts is not held back")
        rests.record(webhook: webhook, delivered: false, at: start)
        #expect(rests.resting(at: start) == [webhook])
        #expect(rests.resting(at: start + .milliseconds(999)) == [webhook])
        #expect(rests.resting(at: start + .seconds(1)).isEmpty, "the first pause is a second")
    }

    @Test func eachPauseThatEndsInFailureIsFollowedByOneTwiceAsLongUpToAMinute() {
        var rests = ReceiverRests()
        for _ in 0..<8 { rests.record(webhook: webhook, delivered: false, at: start) }
        #expect(rests.resting(at: start + .milliseconds(900)) == [webhook], "failures during a pause do not lengthen it")
        var now = start + .seconds(1)
        var pauses: [Duration] = []
        for _ in 0..<8 {
            rests.record(webhook: webhook, delivered: false, at: now)
            var end = now
            while rests.resting(at: end) == [webhook] { end += .milliseconds(250) }
            pauses.append(now.duration(to: end))
            now = end
        }
        #expect(pauses == [2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
    }

    @Test func oneDeliveryEndsTheRestAndOtherReceiversAreNeverHeldBack() {
        var rests = ReceiverRests()
        for _ in 0..<3 { rests.record(webhook: webhook, delivered: false, at: start) }
        rests.record(webhook: other, delivered: true, at: start)
        #expect(rests.resting(at: start) == [webhook])
        rests.record(webhook: webhook, delivered: true, at: start)
        #expect(rests.resting(at: start).isEmpty)
        for _ in 0..<2 { rests.record(webhook: webhook, delivered: false, at: start) }
        #expect(rests.resting(at: start).isEmpty, "the count starts again")
    }
}
