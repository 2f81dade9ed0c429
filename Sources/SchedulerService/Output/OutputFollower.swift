import struct Foundation.UUID
import APIModels
import TaskStorage

/// Turns successive reads of a task's output into the text to send next, so that what a
/// follower receives adds up to the task's output: the live output of the run in progress piece
/// by piece, then, once the run ends, the rest of the output it reported (live output shows only
/// the head of a large output; the rest arrives at the end). A new run (a retry, or a task handed
/// back and out again) starts its output afresh.
struct OutputFollower {
    private var run: UUID?
    /// The printed bytes of the current run shown, which is where its next piece starts.
    private(set) var nextOffset: Int64 = 0
    /// UTF-8 bytes of the current run's output shown.
    private var shownBytes = 0

    /// The text of `read` not shown yet.
    mutating func take(_ read: TaskOutputRead) -> String {
        if let handoff = read.handoff, handoff != run {
            run = handoff
            nextOffset = 0
            shownBytes = 0
        }
        if read.status == .dispatched || read.status == .running {
            var text = ""
            for piece in read.live where piece.byteOffset == nextOffset {
                text += piece.text
                nextOffset += Int64(piece.byteCount)
            }
            shownBytes += text.utf8.count
            return text
        }
        let rest = (read.output ?? "").utf8.dropFirst(shownBytes)
        shownBytes += rest.count
        return String(decoding: rest, as: UTF8.self)
    }
}
