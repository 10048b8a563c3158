/// Layer normalisation over the trailing `normalizedShape` axes (PyTorch `F.layer_norm`): `(x − mean)/√(var + ε)`
/// with the biased variance, then `· weight + bias` (each of shape `normalizedShape`, or `nil`). Default ε 1e-5.
///
/// One primitive: per row of `m = normalizedShape` scalars the mean and the variance (sums in `Double`), then
/// `x̂·weight + bias` in one pass; the row's mean and `1/√(var + ε)` are kept, and the input gradient is
/// `(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/√(var + ε)` with `ĝ = ḡ·weight`, one pass per row. The weight and bias
/// gradients (`Σ ḡ·x̂`, `Σ ḡ` over rows) are computed only when tracked. Rows are split over ``NeuralCoreThreads``.
public func layerNorm(
    _ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5
) -> Tensor {
    precondition(Array(x.shape.suffix(normalizedShape.count)) == normalizedShape, "layerNorm: \(x.shape) vs \(normalizedShape)")
    for p in [weight, bias].compactMap({ $0 }) {
        precondition(p.shape == normalizedShape, "layerNorm: parameter shape \(p.shape) ≠ \(normalizedShape)")
    }
    let m = normalizedShape.reduce(1, *), rows = x.scalarCount / max(m, 1), rowGrain = elementwiseGrain / max(m, 1) + 1
    let gamma = weight?.scalars, beta = bias?.scalars
    var means = [Float](repeating: 0, count: rows), inverseDeviations = [Float](repeating: 0, count: rows)
    let out = uninitializedScalars(x.scalarCount) { py in
        x.withUnsafeBufferPointer { px in
            means.withUnsafeMutableBufferPointer { pm in
                inverseDeviations.withUnsafeMutableBufferPointer { pr in
                    let (px, pm, pr) = (px.baseAddress!, pm.baseAddress!, pr.baseAddress!)
                    NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) {
                        for r in $0 {
                            let source = px + r * m, target = py + r * m
                            let mean = Float(contiguousSum(source, count: m) / Double(m))
                            for i in 0..<m { target[i] = source[i] - mean }
                            let variance = Float(blockedDot(target, target, count: m) / Double(m))
                            let inverse = 1 / (variance + epsilon).squareRoot()
                            (pm[r], pr[r]) = (mean, inverse)
                            for i in 0..<m { target[i] *= inverse }
                            if let gamma { for i in 0..<m { target[i] *= gamma[i] } }
                            if let beta { for i in 0..<m { target[i] += beta[i] } }
                        }
                    }
                }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.record(Tensor(shape: x.shape, scalars: out), inputs: inputs) { g, needs in
        /// `x̂` of row `r` into `target`.
        func normalized(_ px: UnsafePointer<Float>, row r: Int, _ target: UnsafeMutablePointer<Float>) {
            let (source, mean, inverse) = (px + r * m, means[r], inverseDeviations[r])
            for i in 0..<m { target[i] = (source[i] - mean) * inverse }
        }
        var grads: [Tensor?] = []
        grads.append(needs[0] ? Tensor(shape: x.shape, scalars: uninitializedScalars(x.scalarCount) { pd in
            x.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    let (px, pg) = (px.baseAddress!, pg.baseAddress!)
                    NeuralCoreThreads.forEachRange(rows, minimumPerThread: rowGrain) { range in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * m) { buffer in
                            let (xhat, ghat) = (buffer.baseAddress!, buffer.baseAddress! + m)
                            for r in range {
                                normalized(px, row: r, xhat)
                                let gr = pg + r * m
                                if let gamma { for i in 0..<m { ghat[i] = gr[i] * gamma[i] } } else { ghat.update(from: gr, count: m) }
                                let meanG = Float(contiguousSum(ghat, count: m) / Double(m))
                                let meanGX = Float(blockedDot(ghat, xhat, count: m) / Double(m))
                                let inverse = inverseDeviations[r], target = pd + r * m
                                for i in 0..<m { target[i] = (ghat[i] - meanG - xhat[i] * meanGX) * inverse }
                            }
                        }
                    }
                }
            }
        }) : nil)
        let needsWeight = weight != nil && needs[1], needsBias = bias != nil && needs[inputs.count - 1]
        guard needsWeight || needsBias else { return grads + [Tensor?](repeating: nil, count: inputs.count - 1) }
        var weightSum = [Double](repeating: 0, count: m), biasSum = [Double](repeating: 0, count: m)
        x.withUnsafeBufferPointer { px in
            g.withUnsafeBufferPointer { pg in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: m) { buffer in
                    let xhat = buffer.baseAddress!
                    for r in 0..<rows {
                        normalized(px.baseAddress!, row: r, xhat)
                        let gr = pg.baseAddress! + r * m
                        for i in 0..<m {
                            weightSum[i] += Double(gr[i] * xhat[i])
                            biasSum[i] += Double(gr[i])
                        }
                    }
                }
            }
        }
        if weight != nil { grads.append(needsWeight ? Tensor(shape: normalizedShape, scalars: weightSum.map { Float($0) }) : nil) }
        if bias != nil { grads.append(needsBias ? Tensor(shape: normalizedShape, scalars: biasSum.map { Float($0) }) : nil) }
        return grads
    }
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
