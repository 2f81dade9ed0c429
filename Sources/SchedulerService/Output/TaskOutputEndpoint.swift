import Hummingbird
import NIOCore
import ServiceLifecycle
import APIModels
import Core
import TaskStorage

/// `GET /tasks/{id}/output[?follow=true]`: a task's output as UTF-8 text (what the command
/// printed, invalid UTF-8 and NUL bytes replaced with U+FFFD). Without `follow`, the output as it
/// is now: the last reported output, or while an attempt runs, its live output so far. With
/// `follow=true`, a chunked response that sends the output as it comes, polling the database
/// every `pollInterval`, and ends when the task ends (at once for a task that has ended), or when
/// the scheduler shuts down (the client may follow again, from another scheduler).
struct TaskOutputEndpoint: Sendable {
    let store: TaskStore
    var pollInterval: Duration = .milliseconds(200)

    func output(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try SchedulerEndpoints.taskID(context.parameters.get("id") ?? "")
        let follow =
            try QueryParameter.value(of: "follow", in: request.uri.queryParameters, expecting: "true or false") {
                ["true": true, "false": false][$0]
            } ?? false
        guard let first = try await store.readOutput(of: id, liveFrom: 0) else {
            throw SchedulerEndpoints.noTask(id)
        }
        var follower = OutputFollower()
        let text = follower.take(first)
        let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        guard follow, !first.hasEnded else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let (store, pollInterval) = (store, pollInterval)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { [follower] writer in
                var follower = follower
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                while !Task.isShuttingDownGracefully {
                    try await Task.sleep(for: pollInterval)
                    // A task deleted while followed has ended too.
                    guard let read = try await store.readOutput(of: id, liveFrom: follower.nextOffset) else { break }
                    let next = follower.take(read)
                    if !next.isEmpty { try await writer.write(ByteBuffer(string: next)) }
                    if read.hasEnded { break }
                }
                try await writer.finish(nil)
            })
    }
}
