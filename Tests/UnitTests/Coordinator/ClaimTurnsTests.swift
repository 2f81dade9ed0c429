import Testing

@testable import CoordinatorService

/// The two claims of a round take turns going first, except that a claim from the queues
/// without limits that found nothing leads again only after `idleRecheck`.
@Suite struct ClaimTurnsTests {
    let start = ContinuousClock.now

    @Test func theClaimsTakeTurnsGoingFirstWhileBothFindTasks() {
        var turns = ClaimTurns()
        var firsts: [ClaimKind] = []
        for round in 0..<4 {
            let now = start + .milliseconds(round)
            firsts.append(turns.next(at: now)[0])
            turns.unlimitedClaimed(5, at: now)
        }
        #expect(firsts == [.limited, .unlimited, .limited, .unlimited])
    }

    @Test func anEmptyClaimWithoutLimitsLeadsAgainOnlyAfterTheRecheckInterval() {
        var turns = ClaimTurns()
        #expect(turns.next(at: start) == [.limited, .unlimited])
        #expect(turns.next(at: start) == [.unlimited, .limited])
        turns.unlimitedClaimed(0, at: start)
        for round in 1...6 {
            #expect(turns.next(at: start + .milliseconds(10 * round))[0] == .limited, "round \(round)")
        }
        let later = start + ClaimTurns.idleRecheck
        let leads = [turns.next(at: later), turns.next(at: later)].contains { $0[0] == .unlimited }
        #expect(leads, "after the interval it leads on its turn")
        turns.unlimitedClaimed(3, at: later)
        #expect([turns.next(at: later), turns.next(at: later)].map { $0[0] }.sorted { "\($0)" < "\($1)" } == [.limited, .unlimited])
    }
}
