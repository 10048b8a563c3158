/// Batch normalisation of NCHW input with running statistics, in inference mode (PyTorch `nn.BatchNorm2d` after
/// `model.eval()`): `y = (x − running_mean) / √(running_var + ε) · weight + bias`, per channel.
///
/// Keys `weight`, `bias` (parameters) and `running_mean`, `running_var` (buffers), all `[featureCount]`, initialised
/// to 1, 0, 0, 1 as PyTorch does. PyTorch's `num_batches_tracked` counter is read and ignored when loading.
/// Statistics are never updated (no training mode).
public final class BatchNorm2d: Module, UnaryLayer {
    /// Channels `C` (`num_features`).
    public let featureCount: Int
    /// Added to the variance (`eps`), 1e-5 by default.
    public let epsilon: Float
    /// Per-channel scale γ.
    @Parameter public var weight: Tensor
    /// Per-channel shift β.
    @Parameter public var bias: Tensor
    /// Per-channel mean used for normalisation.
    @Buffer public var runningMean: Tensor
    /// Per-channel variance used for normalisation (key `running_var`).
    @Buffer(key: "running_var") public var runningVariance: Tensor

    /// Creates the layer with identity statistics and affine parameters.
    public init(featureCount: Int, epsilon: Float = 1e-5) {
        precondition(featureCount > 0 && epsilon >= 0, "BatchNorm2d needs featureCount > 0 and epsilon ≥ 0")
        self.featureCount = featureCount
        self.epsilon = epsilon
        self.weight = Tensor(repeating: 1, shape: [featureCount])
        self.bias = Tensor(zeros: [featureCount])
        self.runningMean = Tensor(zeros: [featureCount])
        super.init()
        self.runningVariance = Tensor(repeating: 1, shape: [featureCount])
    }

    /// `[N, featureCount, H, W]` normalised per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        batchNorm(x, runningMean: runningMean, runningVariance: runningVariance, weight: weight, bias: bias, epsilon: epsilon)
    }

    public override var extraDescription: String { "\(featureCount), eps=\(epsilon)" }
}

/// Layer normalisation over the trailing dimensions (PyTorch `nn.LayerNorm`): each sample's last
/// `normalizedShape.count` axes are normalised to zero mean and unit (biased) variance, then scaled and shifted.
///
/// Keys `weight` (ones) and `bias` (zeros) of shape `normalizedShape` when `elementwiseAffine`.
public final class LayerNorm: Module, UnaryLayer {
    /// The trailing shape normalised over (`normalized_shape`).
    public let normalizedShape: [Int]
    /// Added to the variance (`eps`), 1e-5 by default.
    public let epsilon: Float
    /// Elementwise scale, or nil without affine parameters.
    @Parameter public var weight: Tensor?
    /// Elementwise shift, or nil without affine parameters.
    @Parameter public var bias: Tensor?

    /// Creates the layer (`elementwise_affine` defaults to true, as in PyTorch).
    public init(normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 }, "LayerNorm needs a positive shape")
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        self.weight = elementwiseAffine ? Tensor(repeating: 1, shape: normalizedShape) : nil
        self.bias = elementwiseAffine ? Tensor(zeros: normalizedShape) : nil
    }

    /// `x` normalised over its last `normalizedShape.count` axes, which must equal `normalizedShape`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, epsilon: epsilon)
    }

    public override var extraDescription: String {
        "\(pythonTuple(normalizedShape)), eps=\(epsilon), elementwise_affine=\(pythonBool(weight != nil))"
    }
}
