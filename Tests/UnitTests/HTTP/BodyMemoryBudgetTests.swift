import Synchronization
import Testing

@testable import Core

@Suite struct BodyMemoryBudgetTests {
    /// Holds a reservation open until `release` is called.
    private final class Gate: Sendable {
        private let opened = Mutex(false)
        func release() { opened.withLock { $0 = true } }
        func wait() async {
            while !opened.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// What the reservations did, in order.
    private final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func aRequestThatDoesNotFitWaitsForRoomThenRuns() async throws {
        let budget = BodyMemoryBudget(limit: 100, maxWait: .seconds(30))
        let gate = Gate()
        let order = Log()
        let first = Task {
            try await budget.withReservation(80) {
                order.append("first")
                await gate.wait()
            }
        }
        while order.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await budget.withReservation(80) { order.append("second") } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(order.all == ["first"], "the second waits while the first holds the room")
        gate.release()
        try await first.value
        try await second.value
        #expect(order.all == ["first", "second"])
    }

    @Test func aRequestThatWaitsTooLongIsRefusedBusyAndLeavesTheBudgetWhole() async throws {
        let budget = BodyMemoryBudget(limit: 100, maxWait: .milliseconds(100))
        let gate = Gate()
        let holding = Log()
        let first = Task {
            try await budget.withReservation(60) {
                holding.append("holding")
                await gate.wait()
            }
        }
        while holding.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: APIError(.busy, "the server is reading as many large requests as it may at once; retry in a moment")) {
            try await budget.withReservation(60) {}
        }
        gate.release()
        try await first.value
        #expect(try await budget.withReservation(100) { true }, "all of it is free again")
    }

    @Test func aRequestLargerThanTheBudgetRunsAlone() async throws {
        let budget = BodyMemoryBudget(limit: 10, maxWait: .seconds(1))
        #expect(try await budget.withReservation(1_000) { true })
    }
}
