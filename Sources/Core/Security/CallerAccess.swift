package import NIOCore

/// Who may call a service whose calls run commands or change tasks: the scheduler's API, the
/// coordinator's and the workers' gRPC servers.
package enum CallerAccess: Sendable, Hashable {
    /// Callers that present this token, from anywhere.
    case token(BearerToken)
    /// No token is set, so only callers on this host are served (protected mode);
    /// `tokenVariable` is where the token would be set, named in every refusal.
    case thisHostOnly(tokenVariable: String)
    /// No token, and the operator turned protected mode off (`--insecure`): anyone who connects.
    case anyone

    /// The access that a token (or none) and the `--insecure` choice give.
    package static func from(token: BearerToken?, insecure: Bool, tokenVariable: String) -> CallerAccess {
        if let token { return .token(token) }
        return insecure ? .anyone : .thisHostOnly(tokenVariable: tokenVariable)
    }

    /// Why a caller from `peer` is refused before any token is looked at; nil when its address
    /// is fine. A caller whose address is not known (an in-process test channel) is on this host.
    package func refusal(of peer: SocketAddress?, service: String) -> String? {
        guard case .thisHostOnly(let variable) = self, let peer, !peer.isOnThisHost else { return nil }
        return "this \(service) has no token and serves callers on its own host only; "
            + "set \(variable) (or start it with --insecure) to serve other hosts"
    }

    /// Whether anyone who reaches the service is served without a token.
    package var isOpenToAnyone: Bool { self == .anyone }
}
