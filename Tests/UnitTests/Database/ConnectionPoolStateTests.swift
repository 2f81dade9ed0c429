import Testing

@testable import Postgres

/// The pool's bookkeeping with strings for connections and numbers for waiters.
@Suite struct ConnectionPoolStateTests {
    private typealias Pool = ConnectionPoolState<String, Int>

    private func opensNew(_ decision: Pool.CheckoutDecision) -> Bool {
        if case .lease(.openNew) = decision { return true }
        return false
    }

    private func reuses(_ decision: Pool.CheckoutDecision) -> String? {
        if case .lease(.idle(let connection)) = decision { return connection }
        return nil
    }

    private func waits(_ decision: Pool.CheckoutDecision) -> Bool {
        if case .wait = decision { return true }
        return false
    }

    @Test func opensUpToTheCapacityThenMakesBorrowersWait() {
        var pool = Pool(capacity: 2)
        #expect(opensNew(pool.checkout()))
        #expect(opensNew(pool.checkout()))
        #expect(waits(pool.checkout()))
        #expect(pool.usage == PostgresPoolUsage(inUse: 2, waiting: 0), "a bare checkout queues nobody")
    }

    @Test func aReleasedConnectionIsReusedBeforeANewOneIsOpened() {
        var pool = Pool(capacity: 2)
        _ = pool.checkout()
        #expect(pool.release("a") == nil)
        #expect(reuses(pool.checkout()) == "a")
        #expect(pool.usage.inUse == 1)
    }

    @Test func waitersAreServedInArrivalOrder() {
        var pool = Pool(capacity: 1)
        _ = pool.checkout()
        #expect(waits(pool.enqueue(1, id: pool.nextWaiterID())))
        #expect(waits(pool.enqueue(2, id: pool.nextWaiterID())))
        #expect(pool.usage == PostgresPoolUsage(inUse: 1, waiting: 2))
        let first = pool.release("a")
        #expect(first?.waiter == 1)
        if case .idle(let connection)? = first?.lease { #expect(connection == "a") } else { Issue.record("expected the connection") }
        let second = pool.release(nil)
        #expect(second?.waiter == 2)
        if case .openNew? = second?.lease {} else { Issue.record("a freed slot lets the next waiter open a connection") }
        #expect(pool.usage == PostgresPoolUsage(inUse: 1, waiting: 0))
    }

    @Test func aBorrowerAboutToWaitTakesWhatWasReleasedMeanwhileInsteadOfQueueing() {
        var pool = Pool(capacity: 1)
        _ = pool.checkout()
        #expect(waits(pool.checkout()))
        #expect(pool.release("a") == nil, "nobody is queued yet")
        #expect(reuses(pool.enqueue(1, id: pool.nextWaiterID())) == "a")
        #expect(pool.usage == PostgresPoolUsage(inUse: 1, waiting: 0))
    }

    @Test func aFreedSlotWithNobodyWaitingIsGivenBack() {
        var pool = Pool(capacity: 1)
        _ = pool.checkout()
        #expect(pool.release(nil) == nil)
        #expect(pool.usage.inUse == 0)
        #expect(opensNew(pool.checkout()))
    }

    @Test func aWaiterThatGivesUpLeavesTheQueue() {
        var pool = Pool(capacity: 1)
        _ = pool.checkout()
        let first = pool.nextWaiterID()
        let second = pool.nextWaiterID()
        _ = pool.enqueue(10, id: first)
        _ = pool.enqueue(20, id: second)
        #expect(pool.cancelWaiting(id: first) == 10)
        #expect(pool.cancelWaiting(id: first) == nil, "only once")
        #expect(pool.release("a")?.waiter == 20)
    }

    @Test func closingHandsBackTheIdleConnections() {
        var pool = Pool(capacity: 2)
        _ = pool.checkout()
        _ = pool.checkout()
        _ = pool.release("idle")
        let closing = pool.close()
        #expect(closing?.idle == ["idle"])
        #expect(closing?.waiters == [])
        #expect(pool.close() == nil, "only once")
        #expect(pool.release("lent") == nil, "a connection lent before the close is dropped")
        #expect(pool.usage.inUse == 0)
    }

    @Test func closingFailsTheWaitersAndRefusesCheckouts() {
        var pool = Pool(capacity: 1)
        _ = pool.checkout()
        _ = pool.enqueue(1, id: pool.nextWaiterID())
        _ = pool.enqueue(2, id: pool.nextWaiterID())
        #expect(pool.close()?.waiters == [1, 2])
        if case .closed = pool.checkout() {} else { Issue.record("a closed pool lends nothing") }
        if case .closed = pool.enqueue(3, id: pool.nextWaiterID()) {} else { Issue.record("nor queues anyone") }
        #expect(pool.usage == PostgresPoolUsage(inUse: 1, waiting: 0))
    }
}
