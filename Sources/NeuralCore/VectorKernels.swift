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
