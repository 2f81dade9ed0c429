import Testing

@testable import Core
@testable import RPC

@Suite struct WorkerProtocolTests {
    @Test func cancelTaskMessagesMatchTheWireFormat() throws {
        let request = CancelTaskRequest(taskID: "ab")
        #expect(request.serializedBytes() == [0x0A, 0x02, 0x61, 0x62])
        #expect(try CancelTaskRequest(serializedBytes: request.serializedBytes()) == request)
        #expect(CancelTaskResponse(found: true).serializedBytes() == [0x08, 0x01])
        #expect(try CancelTaskResponse(serializedBytes: []) == CancelTaskResponse(found: false))
    }

    @Test func drainingTravelsAsHeartbeatFieldFive() throws {
        let heartbeat = HeartbeatRequest(workerID: 1, address: "", draining: true)
        // workerId = 1 (varint 1), draining = 5 (varint 1).
        #expect(heartbeat.serializedBytes() == [0x08, 0x01, 0x28, 0x01])
        #expect(try HeartbeatRequest(serializedBytes: heartbeat.serializedBytes()) == heartbeat)
    }

    @Test func theCancelMethodIsOnWorkerService() {
        #expect(GRPCAPIMethods.workerCancelTask.path == "/grpcapi.WorkerService/CancelTask")
    }
}
