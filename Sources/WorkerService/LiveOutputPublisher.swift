package import Logging
import ServiceLifecycle
import Core
package import RPC

/// Sends the output of running shell tasks to the coordinator every `interval`, in one
/// `AppendTaskOutput` call for all of them, so a follower sees each line within about a second.
/// A task that prints nothing, or ends before the next round, costs no call: its output goes
/// with its final report only. Live output is a view, not a record: a round the coordinator does
/// not take is sent again in the next one, and a coordinator without the method (UNIMPLEMENTED)
/// ends the sending.
package struct LiveOutputPublisher: Service {
    /// Most printed bytes of one task, and of all tasks, in one call.
    package static let chunkBytes = 64 << 10
    package static let callBytes = 1 << 20

    private let board: LiveOutputBoard
    private let client: FailoverGRPCClient
    private let interval: Duration
    private let logger: Logger

    package init(board: LiveOutputBoard, client: FailoverGRPCClient, interval: Duration = .milliseconds(250), logger: Logger) {
        self.board = board
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    package func run() async {
        _ = await PeriodicLoop(every: interval).run(from: true) { supported in
            guard supported else { return false }
            let chunks = board.pendingChunks(chunkBytes: Self.chunkBytes, totalBytes: Self.callBytes)
            guard !chunks.isEmpty else { return true }
            do {
                let _: TaskOutputResponse = try await client.unary(
                    GRPCAPIMethods.appendTaskOutput, request: TaskOutputRequest(chunks: chunks), timeout: .seconds(5))
                board.delivered(chunks)
            } catch let status as GRPCStatus where status.code == .unimplemented {
                logger.info("the coordinator does not take live output; tasks' output is sent when they end")
                return false
            } catch {
                logger.debug("live output not sent, trying again", metadata: [LogKey.error: "\(error)"])
            }
            return true
        }
    }
}
