import ArgumentParser
import FoundationEssentials
import NIOCore

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `taskmaster logs <id> [-f]`: GET /tasks/{id}/output, once or followed until the task ends.
struct LogsCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a task's output; with -f, follow it while the task runs.")

    @Argument(help: "The task's id, or its beginning.")
    var id: ResourceID

    @Flag(name: [.short, .long], help: "Print the output as the task prints it, until the task ends.")
    var follow = false

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let path = "/tasks/\(try await api.taskID(id))/output"
        guard follow else {
            let body = try await api.send(.GET, path)
            body.withUnsafeBytes { writeAll($0.bindMemory(to: UInt8.self), to: STDOUT_FILENO) }
            return
        }
        _ = try await api.send(.GET, path + "?follow=true") { part in
            part.withUnsafeReadableBytes { writeAll($0.bindMemory(to: UInt8.self), to: STDOUT_FILENO) }
        }
    }
}
