extension Duration {
    /// The duration in whole microseconds, rounded toward zero.
    var wholeMicroseconds: Int64 {
        components.seconds &* 1_000_000 &+ components.attoseconds / 1_000_000_000_000
    }
}
