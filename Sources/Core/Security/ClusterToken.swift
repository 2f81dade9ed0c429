/// The secret every gRPC call between the coordinator and its workers carries.
package enum ClusterToken {
    /// The environment variable that holds it; unset or empty means calls are not authenticated.
    package static let environmentVariable = "TASKMASTER_CLUSTER_TOKEN"

    /// The token from `environment`, if one is set.
    package static func fromEnvironment(_ environment: [String: String]) -> BearerToken? {
        BearerToken(environment[environmentVariable])
    }
}
