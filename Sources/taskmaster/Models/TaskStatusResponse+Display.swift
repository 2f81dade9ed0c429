import APIModels

extension TaskStatusResponse {
    var hasEnded: Bool { state?.isTerminal ?? false }

    /// What the CLI exits with once the task ended: a completed task's exit code (0 normally), a
    /// failed one's when it is not 0 else 1, 1 for a cancelled task. Codes outside 1–255 become 1,
    /// so that no failure reads as success.
    var processExitCode: Int32 {
        let code = exitCode ?? 0
        switch state {
        case .completed where code == 0: return 0
        case .completed, .failed: return (1...255).contains(code) ? code : 1
        default: return 1
        }
    }

    /// "attempt n/m".
    var attemptText: String { "\(attempts)/\(maxAttempts)" }

    /// The labelled fields `status` and `schedule`-made tasks print.
    var fields: [(String, String?)] {
        [
            ("id", taskID), ("command", command), ("status", status), ("attempts", attemptText),
            ("queue", queue), ("priority", String(priority)), ("concurrency key", concurrencyKey),
            ("scheduled at", scheduledAt), ("next attempt at", nextAttemptAt), ("picked at", pickedAt),
            ("started at", startedAt), ("completed at", completedAt), ("failed at", failedAt),
            ("cancelled at", cancelledAt), ("timeout", timeoutSeconds.map { "\($0)s" }),
            ("worker", workerID.map { String($0) }), ("exit code", exitCode.map { String($0) }), ("output size", outputSizeText),
            ("error", error),
            ("schedule", scheduleID), ("nominal time", nominalTime),
        ]
    }

    /// "1234 bytes", with "(truncated)" when the stored output leaves part of them out.
    var outputSizeText: String? {
        outputBytes.map { "\($0) bytes" + (outputTruncated == true ? " (truncated)" : "") }
    }
}
