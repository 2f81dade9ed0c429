import Hummingbird

/// The routes of the API by path pattern (`:name` matches any one segment) with the methods each
/// takes, for requests the router did not match: a known path with a wrong method is a 405 with
/// `Allow`, and is counted under its route.
struct KnownRoutes: Sendable {
    private let allowedMethods: [String: [HTTPRequest.Method]]

    init(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        allowedMethods = Dictionary(grouping: routes, by: \.path).mapValues { $0.map(\.method) }
    }

    /// The route `path` belongs to, as the router names routes (`/tasks/{id}`), with the methods it takes.
    func route(matching path: String) -> (name: String, methods: [HTTPRequest.Method])? {
        allowedMethods.first { Self.pattern($0.key, matches: path) }.map { (RouterPath($0.key).description, $0.value) }
    }

    private static func pattern(_ pattern: String, matches path: String) -> Bool {
        let patternSegments = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let pathSegments = path.split(separator: "/", omittingEmptySubsequences: false)
        return patternSegments.count == pathSegments.count
            && zip(patternSegments, pathSegments).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
    }
}
