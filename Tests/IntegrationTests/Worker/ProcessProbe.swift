import Foundation

/// What /proc says about a process, for checking that killed processes are gone.
enum ProcessProbe {
    /// True while `pid` exists and is not a zombie (a killed child not yet reaped by its new parent).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// The process ids a command printed, one per line.
    static func processIDs(in output: String) -> [Int32] {
        output.split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }
}
