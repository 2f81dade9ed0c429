package import Core
package import Recurrence

/// One task a fire makes: the fire time, when the task is due (after jitter) and, for a fire of
/// the schedule's own, when it must have started (the end of its catch-up window).
package struct ScheduledFire: Sendable, Hashable {
    package var nominal: Timestamp
    package var scheduledAt: Timestamp
    package var startBy: Timestamp?
}

/// What the due fires of one schedule come to, decided while its row is locked: the tasks to
/// create, the fires skipped by the overlap policy and those missed (older than the catch-up
/// window), and where the schedule goes on from.
package struct FireDecision: Sendable, Hashable {
    package var create: [ScheduledFire] = []
    package var skipped: [Timestamp] = []
    package var missed: [Timestamp] = []
    /// Whether the schedule's unfinished tasks are cancelled first (`cancel_previous`).
    package var cancelUnfinished = false
    package var nextFireAt: Timestamp?
    package var bufferedFireAt: Timestamp?

    /// Most fires one decision takes; the rest wait for the next round.
    package static let maxFires = 1000

    /// How far ahead of its time a fire may be decided, so that its task waits, due at the fire
    /// time, like any task stored ahead (a herd of schedules firing at one second takes longer
    /// than that second to decide). Only the next fire, and only when the overlap policy cannot
    /// turn on what runs by then: the schedule has no unfinished task, or its policy is `allow`.
    package static let lookahead = Duration.seconds(2)

    /// Decides the fires of `schedule` due at `now` (its buffered fire first, then every fire
    /// from `next_fire_at` up to `now`, then the next one when it falls within `lookahead`),
    /// given whether it has a task that has not finished.
    package init(schedule: ScheduleRecord, calendar: FireCalendar, now: Timestamp, hasUnfinishedTask: Bool) {
        var due: [Timestamp] = []
        var next = schedule.nextFireAt
        while let fire = next, fire <= now, due.count < Self.maxFires {
            due.append(fire)
            next = calendar.next(after: fire)
        }
        nextFireAt = next
        let definition = schedule.definition
        let window = Int64(definition.catchupWindowSeconds) * 1_000_000
        let oldest = now.microsecondsSinceEpoch - window
        let isMissed = { (fire: Timestamp) in fire.microsecondsSinceEpoch < oldest }
        let fire = { (nominal: Timestamp) in
            ScheduledFire(
                nominal: nominal,
                scheduledAt: calendar.jitteredStart(of: nominal, scheduleID: schedule.id, jitterSeconds: definition.jitterSeconds),
                startBy: Timestamp(microsecondsSinceEpoch: nominal.microsecondsSinceEpoch + window))
        }
        var busy = hasUnfinishedTask
        bufferedFireAt = schedule.bufferedFireAt
        if let buffered = bufferedFireAt {
            if isMissed(buffered) {
                missed.append(buffered)
                bufferedFireAt = nil
            } else if !busy {
                create.append(fire(buffered))
                bufferedFireAt = nil
                busy = true
            }
        }
        let candidates = due.filter { !isMissed($0) }
        missed += due.filter(isMissed)
        switch definition.overlap {
        case .allow:
            create += candidates.map(fire)
        case .skip:
            for candidate in candidates {
                if busy {
                    skipped.append(candidate)
                } else {
                    create.append(fire(candidate))
                    busy = true
                }
            }
        case .bufferOne:
            for candidate in candidates {
                if !busy {
                    create.append(fire(candidate))
                    busy = true
                } else if bufferedFireAt == nil {
                    bufferedFireAt = candidate
                } else {
                    skipped.append(candidate)
                }
            }
        case .cancelPrevious:
            // Each fire would cancel the one before it: of those due together only the newest runs.
            if let newest = candidates.last {
                skipped += candidates.dropLast()
                cancelUnfinished = busy
                create.append(fire(newest))
                busy = true
            }
        }
        let horizon = now.microsecondsSinceEpoch + Self.lookahead.microseconds
        if let ahead = nextFireAt, ahead > now, ahead.microsecondsSinceEpoch <= horizon,
            !busy || definition.overlap == .allow, bufferedFireAt == nil
        {
            create.append(fire(ahead))
            nextFireAt = calendar.next(after: ahead)
        }
    }
}
