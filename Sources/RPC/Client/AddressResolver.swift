import Glibc
package import Core

/// Resolves a host name to every address it has, as the system resolver (`getaddrinfo`) returns
/// them: a Kubernetes headless service, or a DNS name with several A/AAAA records, names several
/// servers. NIO's own resolution connects to the first address that answers and keeps the others
/// to itself; failing over needs the whole list.
enum AddressResolver {
    /// `endpoint`'s addresses with its port, in the resolver's order, each once; a literal IP
    /// address resolves to itself. Blocks while the resolver works: call it off the event loops
    /// and the cooperative pool. Throws `ConfigurationError` when the name does not resolve.
    static func addresses(of endpoint: ListenAddress) throws -> [ListenAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, nil, &hints, &list)
        guard status == 0 else {
            throw ConfigurationError("cannot resolve \(endpoint.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var hosts: [String] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let address = info.ai_addr, let host = numericHost(address, length: info.ai_addrlen), !hosts.contains(host)
            else { continue }
            hosts.append(host)
        }
        return hosts.map { ListenAddress(host: $0, port: endpoint.port) }
    }

    /// The numeric form of a resolved address (`10.0.0.5`, `fd00::5`).
    private static func numericHost(_ address: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
