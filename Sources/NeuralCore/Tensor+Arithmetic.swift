import Foundation

// Elementwise arithmetic with NumPy/PyTorch broadcasting: shapes are aligned at their last axis and every axis
// must be equal or 1 in one of the operands (or missing). Gradients of a broadcast operand are summed back to its
// shape.

/// The shape two operands broadcast to (PyTorch `torch.broadcast_shapes`).
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    return zip(pa, pb).map { x, y in
        precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
        return x == 1 ? y : x
    }
}

extension Tensor {
    /// Applies `op` elementwise over the broadcast of `a` and `b` (no recording).
    @inline(__always)
    static func zipBroadcast<F: BinaryScalarFunction>(_ a: Tensor, _ b: Tensor, _ op: F) -> Tensor {
        if a.shape == b.shape {
            let out = uninitializedScalars(a.scalarCount) { po in
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        let (pa, pb) = (pa.baseAddress!, pb.baseAddress!)
                        NeuralCoreThreads.forEachRange(a.scalarCount, minimumPerThread: elementwiseGrain) { range in
                            for i in range { po[i] = op(pa[i], pb[i]) }
                        }
                    }
                }
            }
            return Tensor(shape: a.shape, scalars: out)
        }
        let shape = broadcastShape(a.shape, b.shape)
        let rank = shape.count
        func broadcastStrides(_ s: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: rank - s.count) + s
            let strides = Tensor.strides(of: padded)
            return zip(padded, strides).map { $0 == 1 ? 0 : $1 }
        }
        let sa = broadcastStrides(a.shape), sb = broadcastStrides(b.shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        guard count > 0 else { return Tensor(shape: shape, scalars: out) }
        let inner = shape.last ?? 1
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    var o = 0
                    while o < count {
                        var offA = 0, offB = 0
                        for d in 0..<index.count { offA += index[d] * sa[d]; offB += index[d] * sb[d] }
                        if ia == 1 && ib == 1 {
                            for j in 0..<inner { po[o + j] = op(pa[offA + j], pb[offB + j]) }
                        } else if ia == 1 {
                            let y = pb[offB]
                            for j in 0..<inner { po[o + j] = op(pa[offA + j], y) }
                        } else if ib == 1 {
                            let x = pa[offA]
                            for j in 0..<inner { po[o + j] = op(x, pb[offB + j]) }
                        } else {
                            let v = op(pa[offA], pb[offB])
                            for j in 0..<inner { po[o + j] = v }
                        }
                        o += inner
                        var d = index.count - 1
                        while d >= 0 {
                            index[d] += 1
                            if index[d] < shape[d] { break }
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Applies `op` to every scalar (no recording).
    @inline(__always)
    func mapScalars<F: UnaryScalarFunction>(_ op: F) -> Tensor {
        let out = uninitializedScalars(scalarCount) { po in
            storage.withUnsafeBufferPointer { p in
                let p = p.baseAddress!
                NeuralCoreThreads.forEachRange(scalarCount, minimumPerThread: elementwiseGrain) { range in
                    for i in range { po[i] = op(p[i]) }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// The gradient of a broadcast operand: `self` summed over the axes along which `shape` was broadcast, with
    /// the result reshaped to `shape`.
    func summedToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        let padded = [Int](repeating: 1, count: lead) + target
        let axes = (0..<rank).filter { $0 < lead || (padded[$0] == 1 && shape[$0] != 1) }
        return sum(alongAxes: axes, keepingDimensions: true).reshaped(target)
    }

    /// `a + b` with broadcasting (PyTorch `torch.add`).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = zipBroadcast(a, b, Scalar.Sum())
        return record(out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.summedToShape(a.shape) : nil, needs[1] ? g.summedToShape(b.shape) : nil]
        }
    }

    /// `a − b` with broadcasting (PyTorch `torch.sub`).
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = zipBroadcast(a, b, Scalar.Difference())
        return record(out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.summedToShape(a.shape) : nil, needs[1] ? (-g).summedToShape(b.shape) : nil]
        }
    }

    /// `a · b` elementwise with broadcasting (PyTorch `torch.mul`).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = zipBroadcast(a, b, Scalar.Product())
        return record(out, inputs: [a, b]) { g, needs in
            [needs[0] ? (g * b).summedToShape(a.shape) : nil, needs[1] ? (g * a).summedToShape(b.shape) : nil]
        }
    }

    /// `a / b` elementwise with broadcasting (PyTorch `torch.div`).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = zipBroadcast(a, b, Scalar.Quotient())
        return record(out, inputs: [a, b]) { g, needs in
            [
                needs[0] ? (g / b).summedToShape(a.shape) : nil,
                needs[1] ? (-(g * out) / b).summedToShape(b.shape) : nil,
            ]
        }
    }

    /// `−x` elementwise.
    public static prefix func - (x: Tensor) -> Tensor {
        let out = x.mapScalars(Scalar.Negation())
        return record(out, inputs: [x]) { g, _ in [-g] }
    }

    /// `x + s` for a scalar `s`.
    public static func + (x: Tensor, s: Float) -> Tensor {
        record(x.mapScalars(Scalar.Offset(offset: s)), inputs: [x]) { g, _ in [g] }
    }

    /// `s + x` for a scalar `s`.
    public static func + (s: Float, x: Tensor) -> Tensor { x + s }

    /// `x − s` for a scalar `s`.
    public static func - (x: Tensor, s: Float) -> Tensor { x + (-s) }

    /// `s − x` for a scalar `s`.
    public static func - (s: Float, x: Tensor) -> Tensor { (-x) + s }

    /// `x · s` for a scalar `s`.
    public static func * (x: Tensor, s: Float) -> Tensor {
        record(x.mapScalars(Scalar.Scale(factor: s)), inputs: [x]) { g, _ in [g * s] }
    }

    /// `s · x` for a scalar `s`.
    public static func * (s: Float, x: Tensor) -> Tensor { x * s }

    /// `x / s` for a scalar `s`.
    public static func / (x: Tensor, s: Float) -> Tensor { x * (1 / s) }

    /// `x²` elementwise (PyTorch `torch.square`).
    public func squared() -> Tensor {
        let x = self
        return Tensor.record(mapScalars(Scalar.Square()), inputs: [x]) { g, _ in [Tensor.zipBroadcast(g, x, Scalar.SquareGradient())] }
    }

    /// `√x` elementwise (PyTorch `torch.sqrt`).
    public func squareRoot() -> Tensor {
        let out = mapScalars(Scalar.SquareRoot())
        return Tensor.record(out, inputs: [self]) { g, _ in [g / (out * 2)] }
    }

    /// `eˣ` elementwise (PyTorch `torch.exp`).
    public func exp() -> Tensor {
        let out = mapScalars(UnaryClosure { Foundation.exp($0) })
        return Tensor.record(out, inputs: [self]) { g, _ in [g * out] }
    }

    /// The natural logarithm elementwise (PyTorch `torch.log`).
    public func log() -> Tensor {
        let x = self
        return Tensor.record(mapScalars(UnaryClosure { Foundation.log($0) }), inputs: [x]) { g, _ in [g / x] }
    }
}
