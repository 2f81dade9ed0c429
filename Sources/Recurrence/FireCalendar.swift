package import Core

/// The fire times of one schedule: its recurrence read in its time zone, between its start and
/// its end.
///
/// Across a change of the zone's offset (daylight saving time), a cron with fixed hours fires
/// once for a wall-clock time the change skips, at the first instant after the jump, and once
/// for a wall-clock time it repeats, at its first occurrence. A cron whose hour field allows
/// every hour fires at every real instant whose wall-clock time matches: a repeated hour twice, a
/// skipped hour not at all.
package struct FireCalendar: Sendable, Hashable {
    package var recurrence: Recurrence
    package var timeZone: ScheduleTimeZone
    /// Where `@every` counts from.
    package var anchor: Timestamp
    /// No fire before this.
    package var start: Timestamp?
    /// No fire at or after this.
    package var end: Timestamp?

    /// Longer than any change of a zone's offset.
    private static let longestShift: Int64 = 3 * 3600

    package init(
        recurrence: Recurrence, timeZone: ScheduleTimeZone, anchor: Timestamp, start: Timestamp? = nil,
        end: Timestamp? = nil
    ) {
        self.recurrence = recurrence
        self.timeZone = timeZone
        self.anchor = anchor
        self.start = start
        self.end = end
    }

    /// The first fire strictly after `instant`.
    package func next(after instant: Timestamp) -> Timestamp? {
        var after = instant
        if let start, instant < start {
            after = Self.justBefore(start)
        }
        let fire: Timestamp?
        switch recurrence {
        case .every(let interval):
            let elapsed = after.microsecondsSinceEpoch - anchor.microsecondsSinceEpoch
            let count = elapsed < 0 ? 0 : CivilCalendar.floorDivide(elapsed, by: interval).quotient + 1
            fire = Timestamp(microsecondsSinceEpoch: anchor.microsecondsSinceEpoch + count * interval)
        case .cron(let cron):
            fire = nextCronFire(cron, after: after.secondsSinceEpoch).map { Timestamp(microsecondsSinceEpoch: $0 * 1_000_000) }
        }
        guard let fire, end.map({ fire < $0 }) ?? true else { return nil }
        return fire
    }

    /// The first fire at or after `instant`.
    package func next(atOrAfter instant: Timestamp) -> Timestamp? {
        next(after: Self.justBefore(instant))
    }

    /// Up to `count` fires at or after `instant`, in order.
    package func fires(atOrAfter instant: Timestamp, count: Int) -> [Timestamp] {
        fires(after: Self.justBefore(instant), count: count)
    }

    /// Up to `count` fires strictly after `instant`, in order.
    package func fires(after instant: Timestamp, count: Int) -> [Timestamp] {
        var fires: [Timestamp] = []
        var last = instant
        while fires.count < count, let fire = next(after: last) {
            fires.append(fire)
            last = fire
        }
        return fires
    }

    /// Every fire in `[from, to)`, or nil when there are more than `limit`.
    package func fires(from: Timestamp, to: Timestamp, limit: Int) -> [Timestamp]? {
        var fires: [Timestamp] = []
        var last = Self.justBefore(from)
        while let fire = next(after: last), fire < to {
            guard fires.count < limit else { return nil }
            fires.append(fire)
            last = fire
        }
        return fires
    }

    /// The instant one microsecond (the resolution of a `Timestamp`) before `instant`.
    private static func justBefore(_ instant: Timestamp) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: instant.microsecondsSinceEpoch - 1)
    }

    /// The first cron fire strictly after `instant` (whole seconds), walking the zone's spans of
    /// constant offset from the one in force just after `instant`.
    private func nextCronFire(_ cron: CronExpression, after instant: Int64) -> Int64? {
        // Fires are after `from`; `offset` holds from `spanStart` to the zone's next transition.
        var from = instant
        var spanStart = instant + 1
        var offset = timeZone.offset(at: spanStart)
        // With fixed hours, wall-clock times below this were passed before the offset went back.
        var repeatedUntil: Int64?
        if let change = timeZone.lastTransition(atOrBefore: spanStart, within: Self.longestShift) {
            let before = timeZone.offset(at: change - 1)
            if before > offset { repeatedUntil = change + before }
        }
        while true {
            var wallClock = from + offset
            if !cron.everyHour, let repeatedUntil { wallClock = max(wallClock, repeatedUntil - 1) }
            guard let match = cron.nextMatch(after: wallClock) else { return nil }
            guard let change = timeZone.nextTransition(after: spanStart) else { return match - offset }
            if match - offset < change { return match - offset }
            let next = timeZone.offset(at: change)
            if next > offset, !cron.everyHour, let skipped = cron.nextMatch(after: change + offset - 1),
                skipped < change + next
            {
                return change
            }
            repeatedUntil = next < offset ? change + offset : nil
            from = change - 1
            spanStart = change
            offset = next
        }
    }
}
