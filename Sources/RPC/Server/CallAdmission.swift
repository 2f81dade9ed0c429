import NIOCore
import Core

/// Decides, before a call is routed, whether its caller is served: unknown methods are refused
/// like known ones, so a caller without the token learns nothing about what the server offers.
struct CallAdmission: Sendable {
    let access: CallerAccess
    let serviceName: String
    let refusedPeers: RefusedPeerLog

    /// The status a call from `peer` with `metadata` is refused with, or nil when it is served.
    func refusal(of metadata: GRPCMetadata, from peer: SocketAddress?, describedAs address: String) -> GRPCStatus? {
        switch access {
        case .token(let token):
            guard !token.isPresented(by: metadata.first(name: BearerToken.metadataKey)) else { return nil }
            refusedPeers.refused(address, reason: "missing or wrong cluster token")
            return GRPCStatus(code: .unauthenticated, message: "missing or wrong cluster token")
        case .thisHostOnly:
            guard let reason = access.refusal(of: peer, service: serviceName) else { return nil }
            refusedPeers.refused(address, reason: reason)
            return GRPCStatus(code: .permissionDenied, message: reason)
        case .anyone:
            return nil
        }
    }
}
