import NeuralCore

/// One pre-norm transformer encoder block of torchvision's vision transformer
/// (`torchvision.models.vision_transformer.EncoderBlock`), in inference mode (dropouts are identities):
///
/// `x = x + selfAttention(ln_1(x))`, then `x + mlp(ln_2(x))` with `mlp` = Linear(E → mlpDimension), exact GELU,
/// Linear(mlpDimension → E). Layer norms use ε = 1e-6. Keys as torchvision: `ln_1.{weight,bias}`,
/// `self_attention.in_proj_weight` `[3E, E]`, `self_attention.in_proj_bias`, `self_attention.out_proj.{weight,bias}`,
/// `ln_2.*`, `mlp.0.{weight,bias}`, `mlp.3.{weight,bias}`.
///
/// Input and output `[N, tokens, E]`.
public final class ViTEncoderBlock: Module, UnaryLayer {
    /// The layer norm before attention (`ln_1`).
    @Child(key: "ln_1") public var layerNorm1: LayerNorm
    /// Multi-head self-attention (`self_attention`).
    public let selfAttention: MultiheadAttention
    /// The layer norm before the MLP (`ln_2`).
    @Child(key: "ln_2") public var layerNorm2: LayerNorm
    /// Linear, GELU, dropout, linear, dropout (`mlp.0` … `mlp.4`; the dropouts keep torchvision's indices).
    public let mlp: Sequential

    /// A block with torchvision's initialisation drawn from `seed`: attention as PyTorch's `nn.MultiheadAttention`,
    /// MLP weights Xavier-uniform and biases normal(0, 1e-6), layer norms 1 and 0.
    ///
    /// - Parameters:
    ///   - embeddingDimension: the token width `E` (768 for ViT-B).
    ///   - headCount: attention heads (12 for ViT-B); must divide `E`.
    ///   - mlpDimension: the MLP's hidden width (3072 for ViT-B).
    public init(embeddingDimension: Int, headCount: Int, mlpDimension: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        selfAttention = MultiheadAttention(embeddingDimension: embeddingDimension, headCount: headCount, seed: seed &+ 1)
        let linears = [(embeddingDimension, mlpDimension), (mlpDimension, embeddingDimension)].enumerated().map {
            let linear = Linear(inputFeatures: $0.element.0, outputFeatures: $0.element.1, seed: seed &+ 2 &+ UInt64($0.offset))
            linear.weight = Tensor.xavierUniform(shape: linear.weight.shape, generator: &generator)
            linear.bias = Tensor.randomNormal(shape: [$0.element.1], standardDeviation: 1e-6, generator: &generator)
            return linear
        }
        mlp = Sequential(linears[0], GELU(), Dropout(probability: 0), linears[1], Dropout(probability: 0))
        super.init()
        layerNorm1 = LayerNorm(normalizedShape: [embeddingDimension], epsilon: 1e-6)
        layerNorm2 = LayerNorm(normalizedShape: [embeddingDimension], epsilon: 1e-6)
    }

    /// `[N, tokens, E]` → `[N, tokens, E]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let attended = x + selfAttention(layerNorm1(x))
        return attended + mlp(layerNorm2(attended))
    }
}

/// torchvision's `encoder.layers`: an `nn.Sequential` built from an ordered dictionary, so its children's keys are
/// `encoder_layer_0`, `encoder_layer_1`, … rather than indices.
///
/// NeuralCore discovers a module's children through `Mirror`; this module reflects its blocks under those names.
public final class ViTEncoderLayers: Module, CustomReflectable {
    /// The blocks, in forward order.
    public let blocks: [ViTEncoderBlock]

    /// Holds `blocks` under the keys `encoder_layer_{i}`.
    public init(_ blocks: [ViTEncoderBlock]) {
        self.blocks = blocks
        super.init()
    }

    /// The blocks labelled `encoder_layer_0`, `encoder_layer_1`, … (their state-dict keys).
    public var customMirror: Mirror {
        Mirror(self, children: blocks.enumerated().map { (label: "encoder_layer_\($0.offset)", value: $0.element as Any) },
               ancestorRepresentation: .generated)
    }
}

/// torchvision's `encoder`: the position embedding, the blocks and the final layer norm.
///
/// Keys `pos_embedding` `[1, 1 + tokens, E]`, `layers.encoder_layer_{i}.*`, `ln.{weight,bias}`. The final layer
/// norm is loaded for verification; feature extraction captures block outputs before it.
public final class ViTEncoder: Module {
    /// Learned position embeddings for the class token and the pretraining patch grid (`pos_embedding`).
    @Parameter public var posEmbedding: Tensor
    /// The encoder blocks (`layers`).
    public let layers: ViTEncoderLayers
    /// The final layer norm (`ln`, ε = 1e-6).
    public let ln: LayerNorm

    /// An encoder of `layers` blocks with position embeddings for `tokenCount` tokens drawn normal(0, 0.02) from
    /// `seed`, as torchvision initialises them.
    public init(tokenCount: Int, layerCount: Int, embeddingDimension: Int, headCount: Int, mlpDimension: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        posEmbedding = Tensor.randomNormal(shape: [1, tokenCount, embeddingDimension], standardDeviation: 0.02,
                                           generator: &generator)
        layers = ViTEncoderLayers((0..<layerCount).map {
            ViTEncoderBlock(embeddingDimension: embeddingDimension, headCount: headCount, mlpDimension: mlpDimension,
                            seed: seed &+ 10 &* UInt64($0 + 1))
        })
        ln = LayerNorm(normalizedShape: [embeddingDimension], epsilon: 1e-6)
        super.init()
    }
}
