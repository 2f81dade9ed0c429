import RPC

/// Reports waiting to be sent, in the order they were made. A final report (COMPLETE, FAILED,
/// QUEUED) takes the place of a STARTED report of the same attempt that still waits, and
/// carries its start time, so a short task costs the coordinator one write instead of two.
struct StatusReportQueue {
    private(set) var pending: [UpdateTaskStatusRequest] = []
    /// Bytes of output and error text the pending reports hold.
    private(set) var textBytes = 0

    var isEmpty: Bool { pending.isEmpty }
    var count: Int { pending.count }

    mutating func append(_ report: UpdateTaskStatusRequest) {
        textBytes += Self.text(of: report)
        guard report.status != .started,
            let index = pending.firstIndex(where: {
                $0.status == .started && $0.taskID == report.taskID && $0.attempt == report.attempt
                    && $0.handoff == report.handoff
            })
        else {
            pending.append(report)
            return
        }
        var merged = report
        if report.status != .queued {
            merged.startedAt = pending[index].startedAt
            merged.startedAtMicros = pending[index].startedAtMicros
        }
        textBytes -= Self.text(of: pending[index])
        pending[index] = merged
    }

    /// Takes the oldest reports: at most `limit`, and no more text (output and error) than
    /// `textBudget` bytes unless a single report alone exceeds it.
    mutating func take(limit: Int, textBudget: Int) -> [UpdateTaskStatusRequest] {
        var count = 0
        var text = 0
        for report in pending.prefix(limit) {
            text += Self.text(of: report)
            if count > 0, text > textBudget { break }
            count += 1
        }
        let taken = Array(pending.prefix(count))
        pending.removeFirst(count)
        textBytes -= taken.reduce(0) { $0 + Self.text(of: $1) }
        return taken
    }

    private static func text(of report: UpdateTaskStatusRequest) -> Int {
        report.output.utf8.count + report.error.utf8.count
    }
}
