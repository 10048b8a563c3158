import Foundation

/// Which form of GELU to compute (PyTorch `F.gelu(approximate=…)`).
public enum GELUApproximation: Sendable {
    /// `approximate='none'`: `x·Φ(x)` with the exact normal CDF `Φ(x) = (1 + erf(x/√2))/2`.
    case none
    /// `approximate='tanh'`: `x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    case tanh
}

extension Tensor {
    /// Elementwise unary op with a derivative computed from input and output (no other state).
    @inline(__always)
    func unary(_ f: @escaping (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = self
        let y = mapScalars(UnaryClosure(body: f))
        return Tensor.record(y, inputs: [x]) { g, _ in
            let d = uninitializedScalars(g.scalarCount) { pd in
                g.storage.withUnsafeBufferPointer { pg in
                    x.storage.withUnsafeBufferPointer { px in
                        y.storage.withUnsafeBufferPointer { py in
                            let (pg, px, py) = (pg.baseAddress!, px.baseAddress!, py.baseAddress!)
                            NeuralCoreThreads.forEachRange(g.scalarCount, minimumPerThread: elementwiseGrain) { range in
                                for i in range { pd[i] = pg[i] * derivative(px[i], py[i]) }
                            }
                        }
                    }
                }
            }
            return [Tensor(shape: g.shape, scalars: d)]
        }
    }
}

extension Tensor {
    /// `f` applied eight scalars at a time (a final partial block is padded with zeros, which are discarded), split
    /// over ``NeuralCoreThreads`` for large tensors; not recorded.
    @inline(__always)
    func mapEightLanes(_ f: (SIMD8<Float>) -> SIMD8<Float>) -> Tensor {
        let count = scalarCount
        let out = uninitializedScalars(count) { po in
            withUnsafeBufferPointer { px in
                let px = px.baseAddress!
                NeuralCoreThreads.forEachRange((count + 7) / 8, minimumPerThread: elementwiseGrain / 8) { blocks in
                    for block in blocks {
                        let i = 8 * block, lanes = min(8, count - i)
                        storeLanes(f(loadLanes(px + i, lanes)), po + i, lanes)
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// `f` applied to eight scalars of `a` and the same eight of `b` at a time (one shape; as
    /// ``mapEightLanes(_:)``), with `a`'s shape; not recorded.
    @inline(__always)
    static func zipEightLanes(_ a: Tensor, _ b: Tensor, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) -> Tensor {
        precondition(a.scalarCount == b.scalarCount, "zipEightLanes: \(a.shape) and \(b.shape) differ")
        let count = a.scalarCount
        let out = uninitializedScalars(count) { po in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let (pa, pb) = (pa.baseAddress!, pb.baseAddress!)
                    NeuralCoreThreads.forEachRange((count + 7) / 8, minimumPerThread: elementwiseGrain / 8) { blocks in
                        for block in blocks {
                            let i = 8 * block, lanes = min(8, count - i)
                            storeLanes(f(loadLanes(pa + i, lanes), loadLanes(pb + i, lanes)), po + i, lanes)
                        }
                    }
                }
            }
        }
        return Tensor(shape: a.shape, scalars: out)
    }
}

/// `max(x, 0)` elementwise (PyTorch `F.relu`); the gradient at 0 is 0, as in PyTorch.
public func relu(_ x: Tensor) -> Tensor {
    let y = x.mapScalars(Scalar.ReLU())
    return Tensor.record(y, inputs: [x]) { g, _ in [Tensor.zipBroadcast(g, x, Scalar.LeakyReLUGradient(slope: 0))] }
}

/// `x` for `x > 0`, else `negativeSlope·x` (PyTorch `F.leaky_relu`, default slope 0.01).
public func leakyReLU(_ x: Tensor, negativeSlope: Float = 0.01) -> Tensor {
    let y = x.mapScalars(Scalar.LeakyReLU(slope: negativeSlope))
    return Tensor.record(y, inputs: [x]) { g, _ in
        [Tensor.zipBroadcast(g, x, Scalar.LeakyReLUGradient(slope: negativeSlope))]
    }
}

/// Gaussian error linear unit (PyTorch `F.gelu`, default exact).
///
/// The exact form is one primitive computed eight lanes at a time with ``vectorErf(_:)`` and ``vectorExp(_:)``
/// (absolute error below 1e-6 against libm's `erff`): `x·Φ(x)` forward, `ḡ·(Φ(x) + x·φ(x))` backward.
public func gelu(_ x: Tensor, approximation: GELUApproximation = .none) -> Tensor {
    switch approximation {
    case .none:
        let invSqrt2: Float = 0.707_106_781_186_547_5, invSqrt2Pi: Float = 0.398_942_280_401_432_7
        let y = x.mapEightLanes { v in v * 0.5 * (1 + vectorErf(v * invSqrt2)) }
        return Tensor.record(y, inputs: [x]) { g, _ in
            [Tensor.zipEightLanes(g, x) { g, v in
                g * (0.5 * (1 + vectorErf(v * invSqrt2)) + v * invSqrt2Pi * vectorExp(-0.5 * v * v))
            }]
        }
    case .tanh:
        let c: Float = 0.797_884_560_802_865_4
        return x.unary(
            { 0.5 * $0 * (1 + Foundation.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) },
            derivative: { x, _ in
                let t = Foundation.tanh(c * (x + 0.044715 * x * x * x))
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
            })
    }
}

/// The hyperbolic tangent elementwise (PyTorch `torch.tanh`).
public func tanh(_ x: Tensor) -> Tensor {
    x.unary({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y })
}

/// The logistic function `1/(1 + e⁻ˣ)` elementwise (PyTorch `torch.sigmoid`).
public func sigmoid(_ x: Tensor) -> Tensor {
    x.unary({ 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) })
}

/// `log(softmax(x))` along `axis`, computed stably as `x − max − log Σ exp(x − max)` (PyTorch `F.log_softmax`).
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let axis = x.normalizedAxis(axis)
    let shifted = x - x.detached.maxUntracked(alongAxis: axis)
    return shifted - shifted.exp().sum(alongAxes: [axis], keepingDimensions: true).log()
}

/// `exp(x)/Σ exp(x)` along `axis` (PyTorch `F.softmax(x, dim=axis)`).
///
/// One primitive over the last axis (another axis is swapped to the end and back): each row is shifted by its
/// maximum, exponentiated eight lanes at a time with ``vectorExp(_:)`` and normalised, with no temporaries; the
/// gradient is `y·(ḡ − Σ ḡ·y)` per row. Rows are split over ``NeuralCoreThreads``.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let axis = x.normalizedAxis(axis)
    if x.rank > 0 && axis != x.rank - 1 {
        var order = Array(0..<x.rank)
        order.swapAt(axis, x.rank - 1)
        return softmax(x.permuted(order), axis: -1).permuted(order)
    }
    let n = x.shape.last ?? 1, rows = x.scalarCount / max(n, 1), rowGrain = elementwiseGrain / max(8 * n, 1) + 1
    let y = Tensor(shape: x.shape, scalars: uninitializedScalars(x.scalarCount) { py in
        x.withUnsafeBufferPointer { px in
            let px = px.baseAddress!
            NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) {
                for r in $0 { softmaxRow(px + r * n, py + r * n, count: n) }
            }
        }
    })
    return Tensor.record(y, inputs: [x]) { g, _ in
        let dx = uninitializedScalars(g.scalarCount) { pd in
            g.withUnsafeBufferPointer { pg in
                y.withUnsafeBufferPointer { py in
                    let (pg, py) = (pg.baseAddress!, py.baseAddress!)
                    NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) {
                        for r in $0 { softmaxRowGradient(pg + r * n, softmax: py + r * n, pd + r * n, count: n) }
                    }
                }
            }
        }
        return [Tensor(shape: g.shape, scalars: dx)]
    }
}

/// Writes the softmax of `count` scalars at `source` to `target` (which may be `source`): shifted by the maximum,
/// exponentiated eight lanes at a time with ``vectorExp(_:)``, normalised.
@inline(__always)
func softmaxRow(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, count n: Int) {
    var maximum = -Float.infinity
    for i in 0..<n { maximum = max(maximum, source[i]) }
    var total: Float = 0
    for i in stride(from: 0, to: n, by: 8) {
        let lanes = min(8, n - i), e = vectorExp(loadLanes(source + i, lanes) - maximum)
        storeLanes(e, target + i, lanes)
        for k in 0..<lanes { total += e[k] }
    }
    let scale = 1 / total
    for i in 0..<n { target[i] *= scale }
}

/// Writes the vector-Jacobian product of a softmax row, `y·(ḡ − Σ ḡ·y)`, for the output gradient `gradient` and the
/// softmax `y` of `count` scalars, to `inputGradient` (which may be `gradient`).
@inline(__always)
func softmaxRowGradient(
    _ gradient: UnsafePointer<Float>, softmax y: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>,
    count n: Int
) {
    let projection = dot(gradient, y, count: n)
    for i in 0..<n { inputGradient[i] = y[i] * (gradient[i] - projection) }
}

/// The mean cross-entropy of `logits` `[N, C]` against class indices `targets` (`N` values in `0..<C`), PyTorch
/// `F.cross_entropy(logits, targets)` with `reduction='mean'`.
///
/// One primitive: each row's loss is `log Σ exp(x) − x[target]`, with the sum shifted by the row's maximum and
/// exponentiated eight lanes at a time with ``vectorExp(_:)`` (relative error about 3e-7), the row losses summed in
/// `Double` in row order (the same result for any thread count); the gradient `ḡ/N · (softmax(x) − onehot(target))`
/// is written in one pass from the kept row log-sums. No full-size temporaries besides the gradient (a WaveNet
/// batch's logits are 16 MB). Rows are split over ``NeuralCoreThreads``.
public func crossEntropy(_ logits: Tensor, targets: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == targets.count, "crossEntropy: \(logits.shape) vs \(targets.count) targets")
    let (rows, classes) = (targets.count, logits.shape[1])
    for t in targets { precondition(t >= 0 && t < classes, "crossEntropy: target \(t) outside 0..<\(classes)") }
    let rowGrain = elementwiseGrain / max(8 * classes, 1) + 1
    var losses = [Float](repeating: 0, count: rows)
    let logSums = uninitializedScalars(rows) { pl in
        losses.withUnsafeMutableBufferPointer { losses in
            logits.withUnsafeBufferPointer { px in
                let (px, losses) = (px.baseAddress!, losses.baseAddress!)
                NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) { range in
                    for r in range {
                        let row = px + r * classes
                        var (maxima, c) = (SIMD8<Float>(repeating: -.infinity), 0)
                        while c + 8 <= classes { (maxima, c) = (pointwiseMax(maxima, loadLanes(row + c, 8)), c + 8) }
                        let maximum = (c..<classes).reduce(maxima.max()) { max($0, row[$1]) }
                        var total = SIMD8<Float>()
                        for c in stride(from: 0, to: classes, by: 8) {
                            let lanes = min(8, classes - c)
                            let e = vectorExp(loadLanes(row + c, lanes) - maximum)
                            total += e.replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(lanes))
                        }
                        pl[r] = maximum + Foundation.log(total.sum())
                        losses[r] = pl[r] - row[targets[r]]
                    }
                }
            }
        }
    }
    let mean = Float(losses.reduce(0.0) { $0 + Double($1) } / Double(rows))
    return Tensor.record(Tensor(mean), inputs: [logits]) { g, _ in
        let scale = g.item / Float(rows)
        let dx = uninitializedScalars(logits.scalarCount) { pd in
            logits.withUnsafeBufferPointer { px in
                logSums.withUnsafeBufferPointer { pl in
                    let (px, pl) = (px.baseAddress!, pl.baseAddress!)
                    NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) { range in
                        for r in range {
                            let (row, out) = (px + r * classes, pd + r * classes)
                            for c in stride(from: 0, to: classes, by: 8) {
                                let lanes = min(8, classes - c)
                                storeLanes(scale * vectorExp(loadLanes(row + c, lanes) - pl[r]), out + c, lanes)
                            }
                            out[targets[r]] -= scale
                        }
                    }
                }
            }
        }
        return [Tensor(shape: logits.shape, scalars: dx)]
    }
}

extension Tensor {
    /// The maximum along `axis`, kept with extent 1 (no recording; used as a constant shift).
    func maxUntracked(alongAxis axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: -.infinity, count: outer * inner)
        for o in 0..<outer {
            for k in 0..<n {
                for i in 0..<inner { out[o * inner + i] = max(out[o * inner + i], storage[(o * n + k) * inner + i]) }
            }
        }
        var outShape = shape
        outShape[axis] = 1
        return Tensor(shape: outShape, scalars: out)
    }
}

/// The mean squared difference `Σ (x − target)² / n` of two tensors of one shape (PyTorch `F.mse_loss` with
/// `reduction='mean'`), as one primitive: the forward pass is a single SIMD pass summed in `Double` blocks, the
/// gradient `±2·(x − target)/n` one pass per tracked input, with no full-size temporaries in between (the content
/// loss of style transfer compares activations of tens of megabytes every step).
public func meanSquaredError(_ x: Tensor, _ target: Tensor) -> Tensor {
    precondition(x.shape == target.shape, "meanSquaredError: shapes \(x.shape) and \(target.shape) differ")
    let count = x.scalarCount
    precondition(count > 0, "meanSquaredError: empty tensors")
    let total = x.withUnsafeBufferPointer { px in
        target.withUnsafeBufferPointer { pt in
            let (px, pt) = (px.baseAddress!, pt.baseAddress!)
            return blockedSum(count: count, lanes: { i in
                let d = UnsafeRawPointer(px + i).loadUnaligned(as: SIMD16<Float>.self)
                    - UnsafeRawPointer(pt + i).loadUnaligned(as: SIMD16<Float>.self)
                return d * d
            }, term: { i in (px[i] - pt[i]) * (px[i] - pt[i]) })
        }
    }
    let out = Tensor(Float(total / Double(count)))
    return Tensor.record(out, inputs: [x, target]) { g, needs in
        /// `scale·(x − target)` elementwise.
        func difference(scaledBy scale: Float) -> Tensor {
            let d = uninitializedScalars(count) { pd in
                x.withUnsafeBufferPointer { px in
                    target.withUnsafeBufferPointer { pt in
                        let (px, pt) = (px.baseAddress!, pt.baseAddress!)
                        NeuralCoreThreads.forEachRange(count, minimumPerThread: elementwiseGrain) { range in
                            for i in range { pd[i] = scale * (px[i] - pt[i]) }
                        }
                    }
                }
            }
            return Tensor(shape: x.shape, scalars: d)
        }
        let scale = 2 * g.item / Float(count)
        return [needs[0] ? difference(scaledBy: scale) : nil, needs[1] ? difference(scaledBy: -scale) : nil]
    }
}
