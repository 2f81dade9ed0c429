import Testing

@testable import CoordinatorService
@testable import Core

@Suite struct LeaseRecoveryGateTests {
    @Test func staysShutForTheGraceAfterStartAndAfterEachFailedRenewal() {
        let start = ContinuousClock.Instant.now
        let gate = LeaseRecoveryGate(grace: .seconds(5), startedAt: start)
        #expect(!gate.isOpen(at: start + .seconds(4)), "workers need a moment to find a new coordinator")
        #expect(gate.isOpen(at: start + .seconds(5)))
        gate.databaseFailed(at: start + .seconds(12))
        #expect(!gate.isOpen(at: start + .seconds(16)), "the database was away: leases could not be renewed")
        gate.databaseFailed(at: start + .seconds(10))
        #expect(!gate.isOpen(at: start + .seconds(16)), "a failure reported late does not shorten the wait")
        #expect(gate.isOpen(at: start + .seconds(17)))
    }
}
