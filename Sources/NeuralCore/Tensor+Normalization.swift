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
public func batchNorm(
    _ x: Tensor, runningMean: Tensor, runningVariance: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
    epsilon: Float = 1e-5
) -> Tensor {
    let c = x.shape[1]
    let channelShape = [c] + [Int](repeating: 1, count: x.rank - 2)
    var y = (x - runningMean.reshaped(channelShape)) / (runningVariance.reshaped(channelShape) + epsilon).squareRoot()
    if let weight { y = y * weight.reshaped(channelShape) }
    if let bias { y = y + bias.reshaped(channelShape) }
    return y
}
