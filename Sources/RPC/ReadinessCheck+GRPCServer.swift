package import Core

extension ReadinessCheck {
    /// The gRPC server has bound its address.
    package static func grpcServer(_ server: GRPCServer) -> ReadinessCheck {
        ReadinessCheck(name: "grpc") { server.isListening }
    }
}
