import ClusterKit
import Foundation
import Synchronization

/// Resident memory of a process as Linux reports it in `/proc/PID/status`, in MB (10⁶ bytes).
enum ProcessMemory {
    /// Resident now (`VmRSS`).
    static func residentMB(of pid: Int32) -> Double {
        field("VmRSS", of: pid)
    }

    /// Resident and private to the process (`RssAnon`): what it costs beyond the shared
    /// libraries and executable pages every process of the machine may share.
    static func privateMB(of pid: Int32) -> Double {
        field("RssAnon", of: pid)
    }

    /// The most ever resident (`VmHWM`), since start or since `resetPeak`.
    static func peakMB(of pid: Int32) -> Double {
        field("VmHWM", of: pid)
    }

    /// Starts the peak over from the current resident size (writes 5 to `/proc/PID/clear_refs`).
    static func resetPeak(of pid: Int32) {
        try? "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The value of a `kB` field of `/proc/PID/status`; NaN when it cannot be read.
    private static func field(_ name: String, of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return kilobytes.flatMap { Double($0) }.map { $0 * 1024 / 1_000_000 } ?? .nan
        }
        return .nan
    }
}

/// Memory of every service: idle right after start-up (the workers with their default flags),
/// and the peak under the end-to-end load; the coordinator's peak with a large backlog.
final class MemoryLog: Sendable {
    private let processes: [ServiceProcess]
    private let idle: [Double]
    private let idlePrivate: [Double]
    private let loadPeaks = Mutex<[(name: String, megabytes: Double)]?>(nil)
    private let backlogPeak = Mutex<Figure?>(nil)

    /// Reads the idle sizes of `processes` now.
    init(processes: [ServiceProcess]) {
        self.processes = processes
        idle = processes.map { ProcessMemory.residentMB(of: $0.pid) }
        idlePrivate = processes.map { ProcessMemory.privateMB(of: $0.pid) }
    }

    /// Called before each end-to-end scenario with the processes it loads: the first one starts
    /// the peaks over.
    func loadStarts(_ processes: [ServiceProcess]) {
        loadPeaks.withLock { peaks in
            guard peaks == nil else { return }
            for process in processes { ProcessMemory.resetPeak(of: process.pid) }
            peaks = []
        }
    }

    /// Called after each end-to-end scenario with the processes it loaded.
    func loadEnded(_ processes: [ServiceProcess]) {
        loadPeaks.withLock { $0 = processes.map { ($0.name, ProcessMemory.peakMB(of: $0.pid)) } }
    }

    /// Called by the backlog scenario once it measured the coordinator with `pending` tasks.
    func recordCoordinatorPeak(_ megabytes: Double, pending: String) {
        backlogPeak.withLock {
            $0 = Figure("memory", "coordinator RSS peak, \(pending) pending", megabytes, "MB", target: .atMost(64))
        }
    }

    func figures() -> [Figure] {
        let idleFigures = zip(processes, idle).map { process, size in
            Figure(
                "memory", "\(process.name) RSS idle", size, "MB",
                target: process.name.hasPrefix("worker") ? .atMost(20) : nil)
        }
        let privateFigures = zip(processes, idlePrivate).map { process, size in
            Figure("memory", "\(process.name) private idle", size, "MB")
        }
        let peakFigures = (loadPeaks.withLock { $0 } ?? []).map { name, size in
            Figure("memory", "\(name) RSS peak, e2e load", size, "MB", target: name == "scheduler" ? .atMost(64) : nil)
        }
        return idleFigures + privateFigures + peakFigures + [backlogPeak.withLock { $0 }].compactMap(\.self)
    }
}
