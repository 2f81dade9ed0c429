/// What an API token may do. Each role includes the ones before it.
package enum APIRole: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `GET` and `HEAD` only.
    case read
    /// Also schedule, cancel and retry tasks, and create, change and delete schedules.
    case write
    /// Everything.
    case admin

    package static func < (lhs: APIRole, rhs: APIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A named API token with its role: a line `NAME ROLE TOKEN` of the tokens file.
package struct APIToken: Sendable, Hashable {
    /// Who holds it, as logged and recorded in `created_by`; never the secret.
    package var name: String
    package var role: APIRole
    package var secret: BearerToken

    package init(name: String, role: APIRole, secret: BearerToken) {
        self.name = name
        self.role = role
        self.secret = secret
    }
}
