/// Logger metadata keys, named once for every service.
package enum LogKey {
    package static let taskID = "task_id"
    package static let scheduleID = "schedule_id"
    package static let queue = "queue"
    package static let webhookID = "webhook_id"
    package static let eventID = "event_id"
    /// A schedule's fire time, before jitter.
    package static let nominalTime = "nominal_time"
    package static let workerID = "worker_id"
    package static let coordinatorID = "coordinator_id"
    package static let address = "address"
    package static let attempt = "attempt"
    package static let error = "error"
    package static let count = "count"
    /// How many of the tasks counted went unanswered (a hand-off that failed or timed out).
    package static let unanswered = "unanswered"
    package static let status = "status"
    package static let exitCode = "exit_code"
    /// Whether the worker still held a task it was asked to cancel.
    package static let found = "found"

    package static let grpcPath = "grpc.path"
    package static let grpcPeer = "grpc.peer"
    package static let grpcPort = "grpc.port"
    package static let grpcStatus = "grpc.status"
    package static let grpcMessage = "grpc.message"
    package static let grpcOpenCalls = "grpc.open_calls"
    package static let grpcConnections = "grpc.connections"
    package static let http2Error = "http2.error"
    package static let http2LastStream = "http2.last_stream"

    package static let tlsCertificate = "tls.certificate"
    /// When the certificate in use stops being valid.
    package static let tlsValidity = "tls.validity"
    package static let tlsClientAuth = "tls.client_auth"
    /// What made a service read its TLS files again.
    package static let tlsCause = "tls.cause"
    /// Why a TLS handshake failed.
    package static let tlsReason = "tls.reason"
    /// An API token's name (not the token), on requests that change something.
    package static let tokenName = "token"

    package static let migration = "db.migration"
    package static let migrations = "db.migrations"
    package static let databaseIdleConnections = "db.idle_connections"
    package static let databaseNotice = "db.notice"
    /// Why a connection to the database failed, in libpq's words (never a password).
    package static let databaseReason = "db.reason"
}
