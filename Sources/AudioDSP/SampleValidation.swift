/// Throws ``AudioDSPError/emptyInput(what:)`` for an empty array and ``AudioDSPError/nonFiniteInput(what:)`` if any
/// value is NaN or ±Inf. `what` names the input in the error (e.g. `"samples"`).
func validateFinite(_ values: [Float], what: String) throws {
    try values.withUnsafeBufferPointer { try validateFinite($0, what: what) }
}

/// ``validateFinite(_:what:)`` for values in memory.
func validateFinite(_ values: UnsafeBufferPointer<Float>, what: String) throws {
    guard let start = values.baseAddress, !values.isEmpty else { throw AudioDSPError.emptyInput(what: what) }
    // x − x is 0 for finite x and NaN otherwise; a SIMD sum of those is NaN iff some value is not finite.
    var accumulator = SIMD16<Float>()
    let whole = values.count / 16 * 16
    let base = UnsafeRawPointer(start)
    for offset in stride(from: 0, to: whole, by: 16) {
        let chunk = base.loadUnaligned(fromByteOffset: offset * 4, as: SIMD16<Float>.self)
        accumulator += chunk - chunk
    }
    var sum = accumulator.sum()
    for value in values[whole...] { sum += value - value }
    guard sum == 0 else { throw AudioDSPError.nonFiniteInput(what: what) }
}
