/// `Σ a[i]·b[i]` over `count` contiguous scalars with sixteen-lane SIMD accumulators (a plain float loop does not
/// vectorise, since reordering the additions changes the result).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var accumulator = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
        accumulator += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
        i += 16
    }
    var total = accumulator.sum()
    while i < count {
        total += a[i] * b[i]
        i += 1
    }
    return total
}

/// `Σ term(i)` over `0..<count` in blocks of 1024: sixteen lanes at a time with `Float` accumulators (`lanes(i)` is
/// the vector of terms `i..<i+16`), the tail by `term`, the block sums added in `Double` — accurate long sums that
/// vectorise (a plain float loop does not).
@inline(__always)
func blockedSum(count: Int, lanes: (Int) -> SIMD16<Float>, term: (Int) -> Float) -> Double {
    var total = 0.0
    var start = 0
    while start < count {
        let end = min(count, start + 1024)
        var accumulator = SIMD16<Float>()
        var i = start
        while i + 16 <= end {
            accumulator += lanes(i)
            i += 16
        }
        var block = accumulator.sum()
        while i < end {
            block += term(i)
            i += 1
        }
        total += Double(block)
        start = end
    }
    return total
}

/// `Σ p[i]` over `count` contiguous scalars (``blockedSum(count:lanes:term:)``).
func contiguousSum(_ p: UnsafePointer<Float>, count: Int) -> Double {
    blockedSum(count: count, lanes: { UnsafeRawPointer(p + $0).loadUnaligned(as: SIMD16<Float>.self) }, term: { p[$0] })
}

/// `Σ a[i]·b[i]` over `count` contiguous scalars accumulated in `Double` across blocks of 1024 (each block with
/// ``dot(_:_:count:)``), for long sums that must stay accurate.
func blockedDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    var total = 0.0
    for start in stride(from: 0, to: count, by: 1024) {
        total += Double(dot(a + start, b + start, count: min(1024, count - start)))
    }
    return total
}

/// The `lanes` (1…8) scalars at `p` as a vector, zero beyond them.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
    if lanes == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var vector = SIMD8<Float>()
    for k in 0..<lanes { vector[k] = p[k] }
    return vector
}

/// Stores the first `lanes` (1…`V.scalarCount`) scalars of `vector` at `p`.
@inline(__always)
func storeLanes<V: SIMD>(_ vector: V, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) where V.Scalar == Float {
    if lanes == V.scalarCount {
        UnsafeMutableRawPointer(p).storeBytes(of: vector, as: V.self)
    } else {
        for k in 0..<lanes { p[k] = vector[k] }
    }
}

/// `eˣ` in eight lanes, to about 3e-7 relative error, for `x` ≤ 88 (flushed to the smallest normal below −87):
/// `x = k·ln 2 + r` with `k` rounded by adding 1.5·2²³ (whose low mantissa bits then hold `k`), `eʳ` by its
/// degree-6 Taylor polynomial on |r| ≤ ln 2/2, and `2ᵏ` built in the exponent bits. Plain SIMD arithmetic, so it
/// vectorises where libm's `expf` is one call per scalar.
@inline(__always)
func vectorExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let v = x.replacing(with: -87, where: x .< -87).replacing(with: 88, where: x .> 88)
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5·2²³, bit pattern 0x4B40_0000
    let t = v * 1.442_695_04 + magic
    let k = t - magic
    let r = (v - k * 0.693_145_751_953_125) - k * 1.428_606_765_330_187e-6  // ln 2 in two parts
    let third: Float = 1 / 6, fourth: Float = 1 / 24, fifth: Float = 1 / 120, sixth: Float = 1 / 720
    var p = r * sixth + fifth
    p = p * r + fourth
    p = p * r + third
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
}

/// The error function in eight lanes, to 5e-7 absolute error: Eigen's (and XLA's) rational approximation
/// `x·P(x²)/Q(x²)` of degrees 13/8 on [−4, 4], clamped outside (|erf(±4)| = 1 − 2e-8).
@inline(__always)
func vectorErf(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let a = x.replacing(with: -4, where: x .< -4).replacing(with: 4, where: x .> 4), a2 = a * a
    var p = a2 * -2.726_142_258_013_06e-10 + 2.770_681_424_959_02e-08
    p = p * a2 - 2.101_024_020_825_08e-06
    p = p * a2 - 5.692_506_394_623_46e-05
    p = p * a2 - 7.349_906_303_268_55e-04
    p = p * a2 - 2.954_599_808_540_25e-03
    p = p * a2 - 1.609_603_332_624_15e-02
    var q = a2 * -1.456_607_184_649_96e-05 - 2.133_740_552_789_05e-04
    q = q * a2 - 1.682_826_974_382_03e-03
    q = q * a2 - 7.373_329_167_204_68e-03
    q = q * a2 - 1.426_473_905_141_89e-02
    return a * p / q
}
