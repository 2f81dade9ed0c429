package import Foundation

/// An executable running as a real child process with its output in a log file.
package final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable, but it is only started in `init` and then only
    // signalled and waited on, which Foundation allows from any thread.
    package let name: String
    package let logFile: URL
    private let process: Process
    /// Closed in `deinit`: the Process object does not reliably release it on Linux.
    private let logHandle: FileHandle

    /// Starts `executablePath`; `name` labels its log (the file name by default).
    package init(executablePath: String, name: String? = nil, arguments: [String], environment: [String: String] = [:]) throws {
        self.name = name ?? URL(fileURLWithPath: executablePath).lastPathComponent
        logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("taskmaster-\(self.name)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        logHandle = log
        process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try launch(process)
    }

    deinit {
        try? logHandle.close()
    }

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { process.isRunning }

    package func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns its exit status, or nil if it still runs.
    package func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Sends SIGTERM and returns the exit status (SIGKILL after `timeout`, then nil).
    @discardableResult
    package func stop(timeout: Duration = .seconds(15)) async -> Int32? {
        signal(SIGTERM)
        if let status = await waitForExit(timeout: timeout) { return status }
        signal(SIGKILL)
        _ = await waitForExit(timeout: .seconds(5))
        return nil
    }

    /// The process's output so far, for failure messages.
    package var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }
}
