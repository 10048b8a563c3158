/// A fully connected layer `y = x Wᵀ + b` (PyTorch `nn.Linear`).
///
/// Input `[…, inputFeatures]`, output `[…, outputFeatures]`. Keys `weight` `[outputFeatures, inputFeatures]` and
/// `bias` `[outputFeatures]` (absent without bias). Initialised as PyTorch does: both uniform in ±1/√inputFeatures.
public final class Linear: Module, UnaryLayer {
    /// Size of each input sample (`in_features`).
    public let inputFeatures: Int
    /// Size of each output sample (`out_features`).
    public let outputFeatures: Int
    /// `[outputFeatures, inputFeatures]`.
    @Parameter public var weight: Tensor
    /// `[outputFeatures]`, or nil for a layer without bias.
    @Parameter public var bias: Tensor?

    /// Creates the layer with PyTorch's default initialisation drawn from `seed`.
    public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, seed: UInt64) {
        precondition(inputFeatures > 0 && outputFeatures > 0, "Linear needs positive feature counts")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let initial = defaultLayerParameters(
            weightShape: [outputFeatures, inputFeatures], fanIn: inputFeatures, biasCount: bias ? outputFeatures : nil, seed: seed)
        self.weight = initial.weight
        self.bias = initial.bias
    }

    /// `x Wᵀ + b` over the last axis of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }

    public override var extraDescription: String {
        "in_features=\(inputFeatures), out_features=\(outputFeatures), bias=\(pythonBool(bias != nil))"
    }
}
