/// Multi-head self-attention with PyTorch's packed projection layout (`nn.MultiheadAttention`, self-attention,
/// no masks, no dropout).
///
/// Keys as PyTorch: `in_proj_weight` `[3E, E]` (query, key and value projections stacked), `in_proj_bias` `[3E]`,
/// `out_proj.weight` `[E, E]`, `out_proj.bias` `[E]`. Initialised as PyTorch: `in_proj_weight` Xavier-uniform
/// (±√(6/(E + 3E))), biases zero, `out_proj.weight` as a `Linear` (±1/√E).
public final class MultiheadAttention: Module, UnaryLayer {
    /// Model width `E` (`embed_dim`).
    public let embeddingDimension: Int
    /// Heads (`num_heads`); `E` must divide by it.
    public let headCount: Int
    /// `[3E, E]`: rows 0..<E project queries, E..<2E keys, 2E..<3E values.
    @Parameter(key: "in_proj_weight") public var inputProjectionWeight: Tensor
    /// `[3E]`, or nil without bias.
    @Parameter(key: "in_proj_bias") public var inputProjectionBias: Tensor?
    /// The output projection (`out_proj`).
    @Child(key: "out_proj") public var outputProjection: Linear

    /// Creates the layer with PyTorch's initialisation drawn from `seed`.
    public init(embeddingDimension: Int, headCount: Int, bias: Bool = true, seed: UInt64) {
        precondition(headCount > 0 && embeddingDimension % headCount == 0, "embeddingDimension must divide by headCount")
        self.embeddingDimension = embeddingDimension
        self.headCount = headCount
        super.init()
        var generator = RandomGenerator(seed: seed)
        let bound = (6 / Float(4 * embeddingDimension)).squareRoot()
        self.inputProjectionWeight = Tensor.randomUniform(
            shape: [3 * embeddingDimension, embeddingDimension], lowerBound: -bound, upperBound: bound, generator: &generator)
        self.inputProjectionBias = bias ? Tensor(zeros: [3 * embeddingDimension]) : nil
        let projection = Linear(inputFeatures: embeddingDimension, outputFeatures: embeddingDimension, bias: bias,
                                seed: seed &+ 1)
        if bias { projection.bias = Tensor(zeros: [embeddingDimension]) }
        self.outputProjection = projection
    }

    /// Self-attention of `x` `[N, L, E]` (batch first) → `[N, L, E]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        multiHeadSelfAttention(
            x, inProjectionWeight: inputProjectionWeight, inProjectionBias: inputProjectionBias,
            outProjectionWeight: outputProjection.weight, outProjectionBias: outputProjection.bias, headCount: headCount)
    }
}
