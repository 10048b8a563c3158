/// Layer normalisation over the trailing `normalizedShape` axes (PyTorch `F.layer_norm`): `(x − mean)/√(var + ε)`
/// with the biased variance, then `· weight + bias` (each of shape `normalizedShape`, or `nil`). Default ε 1e-5.
public func layerNorm(
    _ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5
) -> Tensor {
    precondition(Array(x.shape.suffix(normalizedShape.count)) == normalizedShape, "layerNorm: \(x.shape) vs \(normalizedShape)")
    let axes = Array((x.rank - normalizedShape.count)..<x.rank)
    let centered = x - x.mean(alongAxes: axes, keepingDimensions: true)
    let variance = centered.squared().mean(alongAxes: axes, keepingDimensions: true)
    var y = centered / (variance + epsilon).squareRoot()
    if let weight { y = y * weight }
    if let bias { y = y + bias }
    return y
}

/// Batch normalisation in inference mode (PyTorch `F.batch_norm(training=False)`): for `x` `[N, C, …]`,
/// `(x − runningMean)/√(runningVariance + ε) · weight + bias` per channel; all parameters have shape `[C]`
/// (`weight`/`bias` may be `nil`). Default ε 1e-5.
///
/// One primitive: per channel the whole map is the affine `x·s + t` with `s = weight/√(runningVariance + ε)` and
/// `t = bias − runningMean·s`, computed in one pass over `x` (no temporaries), and the input gradient is `ḡ·s` in one
/// pass. Gradients of the statistics and affine parameters (per-channel sums of `ḡ` and `ḡ·(x − runningMean)`) are
/// computed only for those that are tracked. Rounding differs from the four-step formula in the last bits.
public func batchNorm(
    _ x: Tensor, runningMean: Tensor, runningVariance: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
    epsilon: Float = 1e-5
) -> Tensor {
    precondition(x.rank >= 2, "batchNorm: input must be [N, C, …], got \(x.shape)")
    let c = x.shape[1], planes = x.shape[0] * c, plane = x.scalarCount / max(planes, 1)
    for p in [runningMean, runningVariance] + [weight, bias].compactMap({ $0 }) {
        precondition(p.shape == [c], "batchNorm: parameter shape \(p.shape) ≠ [\(c)]")
    }
    let mean = runningMean.scalars
    let inverseDeviation = runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: c)
    let scale = (0..<c).map { gamma[$0] * inverseDeviation[$0] }
    let shift = (0..<c).map { (bias?.scalars[$0] ?? 0) - mean[$0] * scale[$0] }
    let out = Tensor(shape: x.shape, scalars: channelAffine(x, scale: scale, shift: shift, planes: planes, plane: plane))
    let inputs = [x, runningMean, runningVariance] + [weight, bias].compactMap { $0 }
    return Tensor.record(out, inputs: inputs) { g, needs in
        var grads: [Tensor?] = [
            needs[0] ? Tensor(shape: x.shape, scalars: channelAffine(g, scale: scale, shift: nil, planes: planes, plane: plane))
                : nil,
        ]
        guard needs.dropFirst().contains(true) else { return grads + [Tensor?](repeating: nil, count: inputs.count - 1) }
        // Per channel: Σ ḡ and Σ ḡ·(x − mean), in Double.
        var sum = [Double](repeating: 0, count: c), centeredSum = [Double](repeating: 0, count: c)
        g.withUnsafeBufferPointer { pg in
            x.withUnsafeBufferPointer { px in
                for p in 0..<planes {
                    let channel = p % c, m = mean[channel]
                    for i in (p * plane)..<((p + 1) * plane) {
                        sum[channel] += Double(pg[i])
                        centeredSum[channel] += Double(pg[i] * (px[i] - m))
                    }
                }
            }
        }
        func perChannel(_ value: (Int) -> Double) -> Tensor { Tensor(shape: [c], scalars: (0..<c).map { Float(value($0)) }) }
        grads.append(needs[1] ? perChannel { -Double(scale[$0]) * sum[$0] } : nil)
        grads.append(needs[2] ? perChannel {
            let s = Double(inverseDeviation[$0])
            return -0.5 * Double(gamma[$0]) * s * s * s * centeredSum[$0]
        } : nil)
        if weight != nil { grads.append(needs[3] ? perChannel { Double(inverseDeviation[$0]) * centeredSum[$0] } : nil) }
        if bias != nil { grads.append(needs[inputs.count - 1] ? perChannel { sum[$0] } : nil) }
        return grads
    }
}

/// `x·scale[channel] + shift[channel]` (shift 0 when `nil`) over `planes` consecutive planes of `plane` scalars whose
/// channel is `plane index % scale.count`, split over ``NeuralCoreThreads`` for large tensors.
private func channelAffine(_ x: Tensor, scale: [Float], shift: [Float]?, planes: Int, plane: Int) -> [Float] {
    let channels = scale.count
    return uninitializedScalars(x.scalarCount) { po in
        x.withUnsafeBufferPointer { px in
            let px = px.baseAddress!
            NeuralCoreThreads.forEachRange(planes, minimumPerThread: elementwiseGrain / max(plane, 1) + 1) {
                for p in $0 {
                    let a = scale[p % channels], b = shift?[p % channels] ?? 0
                    let source = px + p * plane, target = po + p * plane
                    for i in 0..<plane { target[i] = source[i] * a + b }
                }
            }
        }
    }
}
