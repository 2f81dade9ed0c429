import Testing

@testable import Core
@testable import RPC

@Suite struct ProtobufCodecTests {
    @Test func taskRequestMatchesTheProtobufWireFormat() throws {
        // Field 1 (task_id) and 2 (data) are length-delimited: tag, length, bytes.
        let bytes = TaskRequest(taskID: "a", data: "bc").serializedBytes()
        #expect(bytes == [0x0A, 0x01, 0x61, 0x12, 0x02, 0x62, 0x63])
        #expect(try TaskRequest(serializedBytes: bytes) == TaskRequest(taskID: "a", data: "bc"))
    }

    @Test func theTraceContextTravelsInFieldsNineAndTenAndIsEmptyFromOlderPeers() throws {
        let traced = TaskRequest(taskID: "a", data: "", traceParent: "p", traceState: "s")
        #expect(traced.serializedBytes() == [0x0A, 0x01, 0x61, 0x4A, 0x01, 0x70, 0x52, 0x01, 0x73])
        #expect(try TaskRequest(serializedBytes: traced.serializedBytes()) == traced)
        let older = try TaskRequest(serializedBytes: [0x0A, 0x01, 0x61])
        #expect(older.traceParent.isEmpty && older.traceState.isEmpty)
    }

    @Test func aReportNamesItsAttemptsSpanAndStartInFieldsEighteenAndNineteen() throws {
        // Both tags take two bytes: field 18 length-delimited, field 19 a varint.
        let report = UpdateTaskStatusRequest(taskID: "a", status: .complete, traceParent: "p", attemptStartedAtMicros: 5)
        #expect(report.serializedBytes() == [0x0A, 0x01, 0x61, 0x10, 0x02, 0x92, 0x01, 0x01, 0x70, 0x98, 0x01, 0x05])
        #expect(try UpdateTaskStatusRequest(serializedBytes: report.serializedBytes()) == report)
        let older = try UpdateTaskStatusRequest(serializedBytes: [0x0A, 0x01, 0x61])
        #expect(older.traceParent.isEmpty && older.attemptStartedAtMicros == 0)
    }

    @Test func defaultMessagesEncodeToNothingAndDecodeFromNothing() throws {
        #expect(HeartbeatResponse(acknowledged: false).serializedBytes().isEmpty)
        #expect(try HeartbeatResponse(serializedBytes: []) == HeartbeatResponse(acknowledged: false))
        #expect(try ClientTaskRequest(serializedBytes: []) == ClientTaskRequest(data: ""))
    }

    @Test func everyMessageRoundTrips() throws {
        let task = TaskRequest(taskID: "5f0c", data: "echo ünïcode", attempt: 3, timeoutSeconds: 30)
        #expect(try TaskRequest(serializedBytes: task.serializedBytes()) == task)
        let response = TaskResponse(taskID: "x", message: "ok", success: true)
        #expect(try TaskResponse(serializedBytes: response.serializedBytes()) == response)
        let client = ClientTaskResponse(message: "queued", taskID: "id")
        #expect(try ClientTaskResponse(serializedBytes: client.serializedBytes()) == client)
        let heartbeat = HeartbeatRequest(
            workerID: .max, address: "10.0.0.1:9000", capacity: 8, freeSlots: 2, draining: true,
            heldTaskIDs: ["a", "", "c-ü"], prefetch: 16, executor: "shell")
        #expect(try HeartbeatRequest(serializedBytes: heartbeat.serializedBytes()) == heartbeat)
        let acknowledgement = HeartbeatResponse(acknowledged: true, coordinatorTimeMicros: 1_767_225_600_123_456)
        #expect(try HeartbeatResponse(serializedBytes: acknowledgement.serializedBytes()) == acknowledgement)
        let update = UpdateTaskStatusRequest(
            taskID: "t", status: .failed, startedAt: 1, completedAt: 0, failedAt: 3, workerID: 7, attempt: 2,
            exitCode: -1, output: "tail", error: "boom", startedAtMicros: 1_000_001, failedAtMicros: 3_000_003)
        #expect(try UpdateTaskStatusRequest(serializedBytes: update.serializedBytes()) == update)
        #expect(try UpdateTaskStatusResponse(serializedBytes: UpdateTaskStatusResponse(success: true).serializedBytes()).success)
    }

    @Test func batchMessagesRoundTripInOrder() throws {
        let tasks = TaskBatchRequest(tasks: (0..<300).map { TaskRequest(taskID: "t\($0)", data: "echo \($0)", attempt: 1) })
        #expect(try TaskBatchRequest(serializedBytes: tasks.serializedBytes()) == tasks)
        let results = TaskBatchResponse(results: [
            TaskResponse(taskID: "a", message: "", success: true), TaskResponse(taskID: "b", message: "worker is full", success: false),
        ])
        #expect(try TaskBatchResponse(serializedBytes: results.serializedBytes()) == results)
        let updates = UpdateTaskStatusBatchRequest(updates: [
            UpdateTaskStatusRequest(taskID: "a", status: .started, workerID: 2, attempt: 1, startedAtMicros: 5),
            UpdateTaskStatusRequest(taskID: "b", status: .complete, exitCode: 0, output: "ü\n", completedAtMicros: 9),
        ])
        #expect(try UpdateTaskStatusBatchRequest(serializedBytes: updates.serializedBytes()) == updates)
        let unknown = UpdateTaskStatusBatchResponse(unknownTaskIDs: ["x", "y"])
        #expect(try UpdateTaskStatusBatchResponse(serializedBytes: unknown.serializedBytes()) == unknown)
        #expect(try TaskBatchRequest(serializedBytes: []) == TaskBatchRequest(tasks: []))
    }

    @Test func aStatusOutsideTheEnumDecodesAndIsKeptAsSent() throws {
        // updates = 1 (length-delimited) holding one UpdateTaskStatusRequest whose status (field 2) is 9.
        let batch = try UpdateTaskStatusBatchRequest(serializedBytes: [0x0A, 0x02, 0x10, 0x09])
        #expect(batch.updates.map(\.unrecognizedStatus) == [9])
        #expect(try UpdateTaskStatusBatchRequest(serializedBytes: batch.serializedBytes()) == batch)
        #expect(try UpdateTaskStatusRequest(serializedBytes: [0x10, 0x02]).unrecognizedStatus == nil)
    }

    @Test func exitCodeZeroIsDistinctFromUnset() throws {
        let zero = UpdateTaskStatusRequest(taskID: "t", status: .complete, exitCode: 0)
        #expect(try UpdateTaskStatusRequest(serializedBytes: zero.serializedBytes()).exitCode == 0)
        let unset = UpdateTaskStatusRequest(taskID: "t", status: .complete)
        #expect(try UpdateTaskStatusRequest(serializedBytes: unset.serializedBytes()).exitCode == nil)
    }

    @Test func originalPeersHeartbeatDecodesWithoutCapacity() throws {
        // workerId = 1 (varint 42), address = 2 ("w:1"), as the original contract sends it.
        let decoded = try HeartbeatRequest(serializedBytes: [0x08, 42, 0x12, 0x03, 0x77, 0x3A, 0x31])
        #expect(decoded == HeartbeatRequest(workerID: 42, address: "w:1", capacity: 0, freeSlots: 0))
    }

    @Test func malformedBytesAreRejected() {
        // A length prefix pointing past the end of the buffer.
        #expect(throws: ProtobufDecodingError.self) { try TaskRequest(serializedBytes: [0x0A, 0x10, 0x61]) }
        #expect(throws: ProtobufDecodingError.self) { try HeartbeatRequest(serializedBytes: [0xFF, 0xFF, 0xFF]) }
    }

    @Test func unknownFieldsFromNewerPeersAreIgnored() throws {
        // data = 1 ("x") followed by field 99 (varint 1).
        let decoded = try ClientTaskRequest(serializedBytes: [0x0A, 0x01, 0x78, 0x98, 0x06, 0x01])
        #expect(decoded.data == "x")
    }
}
