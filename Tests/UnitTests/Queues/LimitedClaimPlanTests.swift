import Foundation
import Testing
@testable import APIModels
@testable import TaskStorage

/// The rules of the limited claim as values: how much each queue and each key may take, and in
/// which order candidates are taken.
@Suite struct LimitedClaimPlanTests {
    private static func candidate(
        _ queue: String, key: String? = nil, priority: Int = 0, due: Int64 = 0, id: UUID = UUID()
    ) -> LimitedClaimPlan.Candidate {
        LimitedClaimPlan.Candidate(id: id, queue: queue, concurrencyKey: key, effectivePriority: priority, dueMicroseconds: due)
    }

    @Test func aQueueTakesNoMoreThanItsLimitsLeave() {
        let plan = LimitedClaimPlan(
            queues: [
                QueueRecord(name: "a", settings: QueueSettings(concurrencyLimit: 5)),
                QueueRecord(name: "b", settings: QueueSettings(rateLimit: .init(limit: 10, periodSeconds: 60))),
                QueueRecord(name: "c", settings: QueueSettings(concurrencyLimit: 2)),
                QueueRecord(name: "d", settings: QueueSettings(keyConcurrencyLimit: 1)),
            ],
            usage: ["a": QueueUsage(heldByKey: [nil: 3]), "b": QueueUsage(rateClaims: 9), "c": QueueUsage(heldByKey: ["k": 4])],
            demand: 100)
        #expect(plan.rooms == ["a": 2, "b": 1, "c": 0, "d": 100])
        #expect(plan.queuesWithRoom == ["a", "b", "d"])
    }

    @Test func theDemandBoundsEveryQueue() {
        let plan = LimitedClaimPlan(queues: [QueueRecord(name: "a", settings: QueueSettings(concurrencyLimit: 50))], usage: [:], demand: 3)
        #expect(plan.rooms["a"] == 3)
        let chosen = plan.choose((0..<10).map { Self.candidate("a", due: Int64($0)) })
        #expect(chosen.map(\.dueMicroseconds) == [0, 1, 2])
    }

    @Test func candidatesGoBestFirstAndEachKeyWithinItsAllowance() {
        let plan = LimitedClaimPlan(
            queues: [QueueRecord(name: "q", settings: QueueSettings(concurrencyLimit: 4, keyConcurrencyLimit: 2))],
            usage: ["q": QueueUsage(heldByKey: ["busy": 2, "half": 1])], demand: 10)
        let candidates = [
            Self.candidate("q", key: "busy", priority: 9, due: 1),
            Self.candidate("q", key: "half", priority: 0, due: 2),
            Self.candidate("q", key: "half", priority: 0, due: 3),
            Self.candidate("q", key: "free", priority: 5, due: 9),
            Self.candidate("q", key: nil, priority: 0, due: 1),
            Self.candidate("q", key: "free", priority: 0, due: 0),
            Self.candidate("q", key: "free", priority: 0, due: 5),
        ]
        let chosen = plan.choose(candidates)
        // room: 4 - 3 held = 1... the queue holds 3 against a limit of 4.
        #expect(chosen.count == 1)
        #expect(chosen[0].concurrencyKey == "free" && chosen[0].effectivePriority == 5)
    }

    @Test func keysAtTheirLimitArePassedOverWithoutAConcurrencyLimit() {
        let plan = LimitedClaimPlan(
            queues: [QueueRecord(name: "q", settings: QueueSettings(keyConcurrencyLimit: 2))],
            usage: ["q": QueueUsage(heldByKey: ["busy": 2, "half": 1])], demand: 10)
        let chosen = plan.choose([
            Self.candidate("q", key: "busy", due: 0),
            Self.candidate("q", key: "half", due: 1),
            Self.candidate("q", key: "half", due: 2),
            Self.candidate("q", key: nil, due: 3),
            Self.candidate("q", key: "free", due: 4),
            Self.candidate("q", key: "free", due: 5),
            Self.candidate("q", key: "free", due: 6),
        ])
        #expect(chosen.map(\.dueMicroseconds) == [1, 3, 4, 5])
        #expect(plan.keysAtLimit(of: "q", after: chosen) == ["busy", "free", "half"])
        #expect(plan.keysAtLimit(of: "q", after: []) == ["busy"])
        #expect(plan.keyAllowance(queue: "q", key: "half") == 1)
    }

    @Test func higherEffectivePriorityThenOlderThenIdDecide() {
        let first = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        let second = UUID(uuidString: "00000000-0000-0000-0000-000000000002")!
        let plan = LimitedClaimPlan(queues: [QueueRecord(name: "q", settings: QueueSettings(concurrencyLimit: 10))], usage: [:], demand: 10)
        let chosen = plan.choose([
            Self.candidate("q", priority: -1, due: 0),
            Self.candidate("q", priority: 3, due: 7, id: second),
            Self.candidate("q", priority: 3, due: 7, id: first),
            Self.candidate("q", priority: 3, due: 2),
        ])
        #expect(chosen.map(\.effectivePriority) == [3, 3, 3, -1])
        #expect(chosen.map(\.dueMicroseconds) == [2, 7, 7, 0])
        #expect(chosen[1].id == first && chosen[2].id == second)
    }

    @Test func aCandidateSeenTwiceIsTakenOnce() {
        let plan = LimitedClaimPlan(queues: [QueueRecord(name: "q", settings: QueueSettings(concurrencyLimit: 10))], usage: [:], demand: 10)
        let task = Self.candidate("q", key: "k", due: 1)
        #expect(plan.choose([task, task]).count == 1)
    }

    @Test func aPausedQueueTakesNothing() {
        let plan = LimitedClaimPlan(queues: [QueueRecord(name: "q", settings: QueueSettings(paused: true))], usage: [:], demand: 10)
        #expect(plan.queuesWithRoom.isEmpty)
        #expect(plan.choose([Self.candidate("q")]).isEmpty)
    }

    @Test func keysAreWalkedOnlyWhenTheHeadWasCutAndRoomIsLeft() {
        let plan = LimitedClaimPlan(
            queues: [
                QueueRecord(name: "keyed", settings: QueueSettings(keyConcurrencyLimit: 1)),
                QueueRecord(name: "plain", settings: QueueSettings(concurrencyLimit: 5)),
            ],
            usage: [:], demand: 3)
        #expect(plan.needsKeyWalk(of: "keyed", after: [], headWasCut: true))
        #expect(!plan.needsKeyWalk(of: "keyed", after: [], headWasCut: false), "the head held every due task")
        #expect(!plan.needsKeyWalk(of: "plain", after: [], headWasCut: true), "no per-key limit")
        let full = (0..<3).map { Self.candidate("keyed", key: "k\($0)", due: Int64($0)) }
        #expect(!plan.needsKeyWalk(of: "keyed", after: full, headWasCut: true), "the demand is met")
        #expect(LimitedClaimPlan.headWindow(room: 10, keyLimited: false) == 10)
        #expect(LimitedClaimPlan.headWindow(room: 10, keyLimited: true) == 256)
        #expect(LimitedClaimPlan.headWindow(room: 1000, keyLimited: true) == 4000)
    }
}
