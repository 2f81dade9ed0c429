import APIClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A short reason for an error that kept a request from being answered: "Connection refused"
/// rather than NIO's full description.
func connectionFailureReason(_ error: any Error) -> String {
    if let error = error as? NIOConnectionError {
        if let failure = error.connectionErrors.first { return connectionFailureReason(failure.error) }
        if let dnsError = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(dnsError)" }
    }
    if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
    if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
    return "\(error)"
}

extension CLIFailure {
    /// No answer from the scheduler at `url` because of `error`: a TLS handshake that failed, or
    /// a connection that did.
    static func unreachable(_ url: String, _ error: any Error) -> CLIFailure {
        if let reason = TLSFailureReason.ofTLS(error) { return .tlsRefused(url: url, reason: reason) }
        return .unreachable(url: url, reason: connectionFailureReason(error))
    }
}
