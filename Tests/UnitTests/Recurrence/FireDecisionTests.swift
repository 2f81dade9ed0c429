import Foundation
import Testing

@testable import Core
@testable import Recurrence
@testable import TaskStorage

@Suite struct FireDecisionTests {
    private static let start = try! Timestamp(rfc3339: "2027-01-01T00:00:00Z")

    private static func at(_ seconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + seconds * 1_000_000)
    }

    /// A schedule firing every 10 s from `start`, its next fire at `next` seconds.
    private static func schedule(
        _ overlap: OverlapPolicy, next: Int64 = 0, buffered: Int64? = nil, window: Int = 60, jitter: Int = 0
    ) -> (ScheduleRecord, FireCalendar) {
        let definition = ScheduleDefinition(
            cron: "@every 10s", command: "true", overlap: overlap, catchupWindowSeconds: window, jitterSeconds: jitter,
            startAt: start)
        let record = ScheduleRecord(
            id: UUID(), definition: definition, createdAt: start, nextFireAt: at(next), bufferedFireAt: buffered.map(at))
        return (record, try! record.calendar())
    }

    private static func decide(
        _ overlap: OverlapPolicy, now: Int64, busy: Bool, next: Int64 = 0, buffered: Int64? = nil, window: Int = 60
    ) -> FireDecision {
        let (record, calendar) = schedule(overlap, next: next, buffered: buffered, window: window)
        return FireDecision(schedule: record, calendar: calendar, now: at(now), hasUnfinishedTask: busy)
    }

    @Test func aDueFireMakesATaskAndMovesTheScheduleOn() {
        let decision = Self.decide(.skip, now: 0, busy: false)
        #expect(decision.create == [ScheduledFire(nominal: Self.at(0), scheduledAt: Self.at(0), startBy: Self.at(60))])
        #expect(decision.nextFireAt == Self.at(10))
        #expect(decision.skipped.isEmpty && decision.missed.isEmpty)
        let early = Self.decide(.skip, now: 0, busy: false, next: 10)
        #expect(early.create.isEmpty)
        #expect(early.nextFireAt == Self.at(10))
    }

    @Test func firesOlderThanTheCatchUpWindowAreMissedTheRestRunInOrder() {
        // Down from 0 s to 95 s with a 30 s window: 0…60 are missed, 70, 80 and 90 run.
        let decision = Self.decide(.allow, now: 95, busy: false, window: 30)
        #expect(decision.missed == [0, 10, 20, 30, 40, 50, 60].map(Self.at))
        #expect(decision.create.map(\.nominal) == [70, 80, 90].map(Self.at))
        #expect(decision.nextFireAt == Self.at(100))
    }

    @Test func skipRunsNothingWhileThePreviousTaskRuns() {
        let busy = Self.decide(.skip, now: 20, busy: true)
        #expect(busy.create.isEmpty)
        #expect(busy.skipped == [0, 10, 20].map(Self.at))
        let idle = Self.decide(.skip, now: 20, busy: false)
        #expect(idle.create.map(\.nominal) == [Self.at(0)])
        #expect(idle.skipped == [10, 20].map(Self.at))
    }

    @Test func allowRunsEveryFireAlongside() {
        let decision = Self.decide(.allow, now: 20, busy: true)
        #expect(decision.create.map(\.nominal) == [0, 10, 20].map(Self.at))
        #expect(!decision.cancelUnfinished)
    }

    @Test func bufferOneKeepsOneFireUntilThePreviousTaskEnds() {
        let busy = Self.decide(.bufferOne, now: 20, busy: true)
        #expect(busy.create.isEmpty)
        #expect(busy.bufferedFireAt == Self.at(0))
        #expect(busy.skipped == [10, 20].map(Self.at))
        let idle = Self.decide(.bufferOne, now: 10, busy: false)
        #expect(idle.create.map(\.nominal) == [Self.at(0)])
        #expect(idle.bufferedFireAt == Self.at(10))
        // The previous task ended: the buffered fire runs, a new due one waits in its place.
        let released = Self.decide(.bufferOne, now: 30, busy: false, next: 30, buffered: 20)
        #expect(released.create.map(\.nominal) == [Self.at(20)])
        #expect(released.bufferedFireAt == Self.at(30))
        // Still running: the buffered fire keeps waiting and the due one is skipped.
        let waiting = Self.decide(.bufferOne, now: 30, busy: true, next: 30, buffered: 20)
        #expect(waiting.create.isEmpty)
        #expect(waiting.bufferedFireAt == Self.at(20))
        #expect(waiting.skipped == [Self.at(30)])
        // A buffered fire older than the window is missed.
        let late = Self.decide(.bufferOne, now: 95, busy: true, next: 100, buffered: 20, window: 30)
        #expect(late.missed == [Self.at(20)])
        #expect(late.bufferedFireAt == nil)
    }

    @Test func cancelPreviousCancelsWhatRunsAndStartsTheNewestFire() {
        let busy = Self.decide(.cancelPrevious, now: 0, busy: true)
        #expect(busy.cancelUnfinished)
        #expect(busy.create.map(\.nominal) == [Self.at(0)])
        let catchUp = Self.decide(.cancelPrevious, now: 20, busy: false)
        #expect(!catchUp.cancelUnfinished)
        #expect(catchUp.create.map(\.nominal) == [Self.at(20)])
        #expect(catchUp.skipped == [0, 10].map(Self.at))
    }

    @Test func theNextFireIsDecidedAheadOnlyWhenNothingCanChangeIt() {
        let idle = Self.decide(.skip, now: 9, busy: false, next: 10)
        #expect(idle.create.map(\.nominal) == [Self.at(10)])
        #expect(idle.create.first?.scheduledAt == Self.at(10), "due at its fire time, never early")
        #expect(idle.nextFireAt == Self.at(20))
        let busy = Self.decide(.skip, now: 9, busy: true, next: 10)
        #expect(busy.create.isEmpty && busy.skipped.isEmpty)
        #expect(busy.nextFireAt == Self.at(10))
        let allowed = Self.decide(.allow, now: 9, busy: true, next: 10)
        #expect(allowed.create.map(\.nominal) == [Self.at(10)])
        let tooFar = Self.decide(.skip, now: 7, busy: false, next: 10)
        #expect(tooFar.create.isEmpty)
        // A fire just made keeps the next one from being decided ahead.
        let afterOne = Self.decide(.skip, now: 19, busy: false, next: 10)
        #expect(afterOne.create.map(\.nominal) == [Self.at(10)])
        #expect(afterOne.nextFireAt == Self.at(20))
    }

    @Test func oneDecisionTakesAtMostABatchOfFires() {
        let decision = Self.decide(.allow, now: 100_000, busy: false, window: 1_000_000)
        #expect(decision.create.count == FireDecision.maxFires)
        #expect(decision.nextFireAt == Self.at(Int64(FireDecision.maxFires) * 10))
    }

    @Test func jitterIsStableWithinItsRangeAndBeforeTheNextFire() {
        let (record, calendar) = Self.schedule(.allow, jitter: 5)
        let offsets = (0..<200).map { fire in
            let nominal = Self.at(Int64(fire) * 10)
            let start = calendar.jitteredStart(of: nominal, scheduleID: record.id, jitterSeconds: 5)
            #expect(start == calendar.jitteredStart(of: nominal, scheduleID: record.id, jitterSeconds: 5))
            return start.microsecondsSinceEpoch - nominal.microsecondsSinceEpoch
        }
        #expect(offsets.allSatisfy { (0..<5_000_000).contains($0) && $0 % 1000 == 0 })
        #expect(Set(offsets).count > 100)
        // A jitter longer than the interval stays before the next fire.
        let wide = (0..<200).map { fire in
            let nominal = Self.at(Int64(fire) * 10)
            return calendar.jitteredStart(of: nominal, scheduleID: record.id, jitterSeconds: 3600).microsecondsSinceEpoch
                - nominal.microsecondsSinceEpoch
        }
        #expect(wide.allSatisfy { (0..<10_000_000).contains($0) })
        #expect(calendar.jitteredStart(of: Self.at(0), scheduleID: record.id, jitterSeconds: 0) == Self.at(0))
    }
}
