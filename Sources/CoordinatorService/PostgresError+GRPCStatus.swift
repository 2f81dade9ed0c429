package import Postgres
package import RPC

/// The one place database errors become gRPC statuses; details stay in the logs.
extension PostgresError: GRPCStatusConvertible {
    package var grpcStatus: GRPCStatus {
        if isUnavailable {
            return GRPCStatus(code: .unavailable, message: "database unavailable")
        }
        if sqlState?.hasPrefix("22") == true {
            return GRPCStatus(code: .invalidArgument, message: "a value is out of range")
        }
        return GRPCStatus(code: .internalError, message: "internal error")
    }
}
