import Foundation

/// What /proc says about a process, for checking that killed processes are gone.
enum ProcessProbe {
    /// True while `pid` exists and is not a zombie (a killed child not yet reaped by its new parent).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let state = fieldsAfterName(of: pid)?.first else { return false }
        return state != "Z" && state != "X"
    }

    /// Whether /proc still lists `pid`, a zombie included.
    static func exists(_ pid: Int32) -> Bool {
        fieldsAfterName(of: pid) != nil
    }

    /// The parent of `pid`, while it exists.
    static func parent(of pid: Int32) -> Int32? {
        fieldsAfterName(of: pid).flatMap { $0.count > 1 ? Int32($0[1]) : nil }
    }

    /// The fields of /proc/PID/stat after the command name (state, parent, …).
    private static func fieldsAfterName(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// The process ids a command printed, one per line.
    static func processIDs(in output: String) -> [Int32] {
        output.split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }
}
