/// The outcome of an RPC as carried by the `grpc-status` and `grpc-message` trailers.
public struct GRPCStatus: Error, Sendable, Equatable, CustomStringConvertible {
    /// A gRPC status code; unknown values received from a peer are kept as they are.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int

        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        public static let ok = Code(rawValue: 0)
        public static let cancelled = Code(rawValue: 1)
        public static let unknown = Code(rawValue: 2)
        public static let invalidArgument = Code(rawValue: 3)
        public static let deadlineExceeded = Code(rawValue: 4)
        public static let notFound = Code(rawValue: 5)
        public static let alreadyExists = Code(rawValue: 6)
        public static let permissionDenied = Code(rawValue: 7)
        public static let resourceExhausted = Code(rawValue: 8)
        public static let failedPrecondition = Code(rawValue: 9)
        public static let aborted = Code(rawValue: 10)
        public static let outOfRange = Code(rawValue: 11)
        public static let unimplemented = Code(rawValue: 12)
        public static let internalError = Code(rawValue: 13)
        public static let unavailable = Code(rawValue: 14)
        public static let dataLoss = Code(rawValue: 15)
        public static let unauthenticated = Code(rawValue: 16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        public var description: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
        }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    public var description: String {
        message.isEmpty ? "\(code) (\(code.rawValue))" : "\(code) (\(code.rawValue)): \(message)"
    }
}

/// Domain errors that know their wire status. Anything else a handler throws becomes INTERNAL
/// with a generic message; its details are only logged.
public protocol GRPCStatusConvertible: Error {
    var grpcStatus: GRPCStatus { get }
}

extension GRPCStatus: GRPCStatusConvertible {
    public var grpcStatus: GRPCStatus { self }
}

extension GRPCStatus {
    /// The status a server answers for what a handler threw: the error's own status, CANCELLED
    /// for cancellation, otherwise INTERNAL with a generic message.
    init(handlerError error: any Error) {
        if let convertible = error as? any GRPCStatusConvertible {
            self = convertible.grpcStatus
        } else if error is CancellationError {
            self.init(code: .cancelled, message: "call cancelled")
        } else {
            self.init(code: .internalError, message: "internal error")
        }
    }
}
