import Foundation

/// The regularised incomplete beta function `I_x(a, b)`, the distribution function of Beta(a, b) at `x`
/// (scipy `stats.beta.cdf(x, a, b)`), for `a, b > 0`; 0 for `x ≤ 0` and 1 for `x ≥ 1`.
///
/// Evaluated by the continued fraction of Numerical Recipes (§6.4, modified Lentz), on `x` or, where it converges
/// faster, on `1 − x` through `I_x(a, b) = 1 − I_{1−x}(b, a)`; the prefactor `x^a (1−x)^b / (a B(a, b))` goes
/// through `lgamma`. Relative error about 1e-15 for moderate `a, b` (pYIN's priors are (2, 18)).
func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, b, a) }
    let logPrefactor = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    return exp(logPrefactor) * incompleteBetaContinuedFraction(x, a, b) / a
}

/// The continued fraction `1 / (1 + d₁ / (1 + d₂ / (1 + …)))` of `I_x(a, b)`, converged to Double precision.
private func incompleteBetaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    func guarded(_ value: Double) -> Double { abs(value) < tiny ? tiny : value }
    var c: Double = 1
    var d = 1 / guarded(1 - (a + b) * x / (a + 1))
    var result = d
    for m in 1...10_000 {
        let m = Double(m), twoM = 2 * m
        // Even step d_{2m}, then odd step d_{2m+1}.
        let even = m * (b - m) * x / ((a + twoM - 1) * (a + twoM))
        d = 1 / guarded(1 + even * d)
        c = guarded(1 + even / c)
        result *= d * c
        let odd = -(a + m) * (a + b + m) * x / ((a + twoM) * (a + twoM + 1))
        d = 1 / guarded(1 + odd * d)
        c = guarded(1 + odd / c)
        let delta = d * c
        result *= delta
        if abs(delta - 1) <= 4 * .ulpOfOne { break }
    }
    return result
}
