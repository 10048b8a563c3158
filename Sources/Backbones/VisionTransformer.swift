import Foundation
import NeuralCore

/// A vision transformer (Dosovitskiy et al. 2020) with torchvision's `VisionTransformer` layout and keys; ViT-B/16
/// (`vit_b_16()`) by default.
///
/// ## Layout and keys
/// `class_token` `[1, 1, E]`, `conv_proj` (a `patch × patch` convolution with stride `patch`, 3 → E),
/// `encoder.pos_embedding` `[1, 1 + g², E]` for the pretraining grid `g = imageSize / patch` (14 for 224/16),
/// `encoder.layers.encoder_layer_{i}.*` (``ViTEncoderBlock``), `encoder.ln`, and `heads.head` (Linear E → classes):
/// the final norm and the head are held only so that torchvision files load with full verification.
///
/// ## Any input size
/// torchvision's model accepts only 224×224. Here an input `[N, 3, H, W]` gives a `⌊H/16⌋ × ⌊W/16⌋` patch grid
/// (rows and columns beyond the last full patch are ignored, as the strided convolution does), and the 14×14 grid of
/// position embeddings is resized to it with ``positionEmbeddingResizing`` — bicubic with antialiasing by default,
/// exactly as timm resizes ViT position embeddings (`resample_abs_pos_embed`, i.e. `F.interpolate(mode="bicubic",
/// align_corners=False, antialias=True)`). A 128×432 spectrogram becomes 8×27 = 216 patch tokens.
///
/// ## Capturable layers
/// `block_1` … `block_12`: the token features `[N, 1 + tokens, E]` after each encoder block (class token first,
/// then patches row by row), before the final layer norm. The forward pass stops after the last requested block.
/// ``styleMatrix(of:layer:over:)`` drops the class token and returns `[E, tokens]`, so Gram matrices describe the patch
/// tokens only.
public final class VisionTransformer: Module, FeatureExtractor {
    /// The sizes of a vision transformer.
    public struct Configuration: Sendable, Equatable {
        /// The input size the position embeddings were trained for (square), 224 for ViT-B/16.
        public var imageSize: Int
        /// The side of a square patch, 16 for ViT-B/16.
        public var patchSize: Int
        /// Encoder blocks, 12 for ViT-B.
        public var layerCount: Int
        /// Attention heads, 12 for ViT-B.
        public var headCount: Int
        /// Token width `E`, 768 for ViT-B.
        public var hiddenDimension: Int
        /// MLP hidden width, 3072 for ViT-B.
        public var mlpDimension: Int
        /// Classifier outputs, 1000 for ImageNet.
        public var classCount: Int

        /// A configuration; `imageSize` must be a multiple of `patchSize` and `headCount` divide `hiddenDimension`.
        public init(imageSize: Int, patchSize: Int, layerCount: Int, headCount: Int, hiddenDimension: Int,
                    mlpDimension: Int, classCount: Int) {
            precondition(patchSize > 0 && imageSize % patchSize == 0 && layerCount > 0 && headCount > 0
                         && hiddenDimension % headCount == 0 && mlpDimension > 0 && classCount > 0,
                         "VisionTransformer.Configuration: inconsistent sizes")
            (self.imageSize, self.patchSize, self.layerCount, self.headCount) = (imageSize, patchSize, layerCount, headCount)
            (self.hiddenDimension, self.mlpDimension, self.classCount) = (hiddenDimension, mlpDimension, classCount)
        }

        /// torchvision's `vit_b_16`: 224×224 images, 16×16 patches, 12 blocks of 12 heads, width 768, MLP 3072.
        public static let b16 = Configuration(imageSize: 224, patchSize: 16, layerCount: 12, headCount: 12,
                                              hiddenDimension: 768, mlpDimension: 3072, classCount: 1000)
    }

    /// torchvision's `heads`: the classification head `head` (Linear E → classes).
    public final class Heads: Module {
        /// The classifier (`heads.head`).
        public let head: Linear
        init(_ head: Linear) {
            self.head = head
            super.init()
        }
    }

    /// The model's sizes.
    public let configuration: Configuration
    /// The learned class token `[1, 1, E]` (`class_token`).
    @Parameter public var classToken: Tensor
    /// The patch embedding (`conv_proj`): `patch × patch` kernel and stride, 3 → E.
    public let convProj: Conv2d
    /// Position embeddings, blocks and final layer norm (`encoder`).
    public let encoder: ViTEncoder
    /// The classification head (`heads.head`), loaded and verified but not used by ``features(of:layers:)``.
    public let heads: Heads
    /// How spectrograms become this network's input; ImageNet-normalised images by default (the normalisation
    /// torchvision's ViT-B/16 weights were trained with).
    public let spectrogramInput: SpectrogramInput
    /// How the position embeddings are resized to the input's patch grid (timm's antialiased bicubic by default).
    public let positionEmbeddingResizing: PositionEmbeddingResizing
    public let layerNames: [String]

    /// A vision transformer with torchvision's initialisation drawn from `seed`: class token zero, position
    /// embeddings normal(0, 0.02), patch projection normal with standard deviation √(1/fan-in) (torchvision
    /// truncates that normal at ±2; not truncated here), blocks as ``ViTEncoderBlock``, head zero. Frozen.
    ///
    /// - Warning: random deep networks transfer style poorly; load pretrained weights with
    ///   ``init(weightsAt:configuration:spectrogramInput:positionEmbeddingResizing:)``.
    public init(configuration: Configuration = .b16, seed: UInt64 = 0,
                spectrogramInput: SpectrogramInput = .image(.imageNet),
                positionEmbeddingResizing: PositionEmbeddingResizing = .bicubicAntialiased) {
        let c = configuration
        var generator = RandomGenerator(seed: seed)
        self.configuration = c
        classToken = Tensor(zeros: [1, 1, c.hiddenDimension])
        convProj = Conv2d(inputChannels: 3, outputChannels: c.hiddenDimension, kernelSize: (c.patchSize, c.patchSize),
                          stride: (c.patchSize, c.patchSize), seed: seed)
        convProj.weight = Tensor.randomNormal(
            shape: convProj.weight.shape, standardDeviation: (1 / Float(3 * c.patchSize * c.patchSize)).squareRoot(),
            generator: &generator)
        convProj.bias = Tensor(zeros: [c.hiddenDimension])
        let grid = c.imageSize / c.patchSize
        encoder = ViTEncoder(tokenCount: 1 + grid * grid, layerCount: c.layerCount, embeddingDimension: c.hiddenDimension,
                             headCount: c.headCount, mlpDimension: c.mlpDimension, seed: seed &+ 1)
        let head = Linear(inputFeatures: c.hiddenDimension, outputFeatures: c.classCount, seed: seed &+ 2)
        head.weight = Tensor(zeros: head.weight.shape)
        head.bias = Tensor(zeros: [c.classCount])
        heads = Heads(head)
        self.spectrogramInput = spectrogramInput
        self.positionEmbeddingResizing = positionEmbeddingResizing
        layerNames = (1...c.layerCount).map { "block_\($0)" }
        super.init()
        freeze()
    }

    /// Loads torchvision vision-transformer weights (`vit_b_16().state_dict()` as safetensors) with full
    /// verification. Frozen.
    ///
    /// - Throws: ``BackbonesError/wrongModel(path:model:expectedKey:foundKey:)`` for another network's file,
    ///   ``BackbonesError/weights(path:_:)`` for a missing, truncated or invalid file, a missing or unexpected key or
    ///   a wrong shape (for instance ViT-L weights in a ViT-B model).
    public convenience init(weightsAt url: URL, configuration: Configuration = .b16,
                            spectrogramInput: SpectrogramInput = .image(.imageNet),
                            positionEmbeddingResizing: PositionEmbeddingResizing = .bicubicAntialiased) throws {
        self.init(configuration: configuration, seed: 0, spectrogramInput: spectrogramInput,
                  positionEmbeddingResizing: positionEmbeddingResizing)
        try loadBackboneWeights(from: url, model: "VisionTransformer")
    }

    /// One patch: `patchSize × patchSize` (16×16).
    public var minimumInputSize: (height: Int, width: Int) { (configuration.patchSize, configuration.patchSize) }

    /// The position embeddings `[1, 1 + rows·columns, E]` for a `rows × columns` patch grid: the class token's
    /// embedding, then the pretraining grid resized with ``positionEmbeddingResizing``.
    public func positionEmbedding(rows: Int, columns: Int) -> Tensor {
        let e = configuration.hiddenDimension, grid = configuration.imageSize / configuration.patchSize
        let embedding = encoder.posEmbedding
        let patches = embedding.sliced(alongAxis: 1, range: 1..<(1 + grid * grid))
            .reshaped([grid, grid, e]).permuted([2, 0, 1])
        let resized = positionEmbeddingResizing.resized(patches, to: (rows, columns))
            .permuted([1, 2, 0]).reshaped([1, rows * columns, e])
        return concatenated([embedding.sliced(alongAxis: 1, range: 0..<1), resized], alongAxis: 1)
    }

    /// The encoder's input `[N, 1 + tokens, E]`: patch embeddings after the class token, plus position embeddings.
    ///
    /// - Throws: ``BackbonesError/inputTooSmall(height:width:minimumHeight:minimumWidth:)`` below one patch and
    ///   ``BackbonesError/inputNotFourDimensional(shape:)`` or ``BackbonesError/inputChannels(expected:shape:)``
    ///   unless the input is `[N, 3, H, W]`.
    public func tokens(of modelInput: Tensor) throws -> Tensor {
        _ = try validateImageRequest(modelInput, layers: [layerNames[0]])
        let (n, e) = (modelInput.shape[0], configuration.hiddenDimension)
        let (rows, columns) = (modelInput.shape[2] / configuration.patchSize, modelInput.shape[3] / configuration.patchSize)
        let patches = convProj(modelInput).reshaped([n, e, rows * columns]).permuted([0, 2, 1])
        let sequence = concatenated([classToken.broadcasted(to: [n, 1, e]), patches], alongAxis: 1)
        return sequence + positionEmbedding(rows: rows, columns: columns)
    }

    public func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor] {
        let last = try validateRequest(modelInput, layers: layers)
        let requested = Set(layers)
        var captured: [String: Tensor] = [:]
        var x = try tokens(of: modelInput)
        for (index, block) in encoder.layers.blocks.enumerated() where index <= last {
            x = block(x)
            if requested.contains(layerNames[index]) { captured[layerNames[index]] = x }
        }
        return captured
    }

    /// The patch tokens of a block's output `[1, 1 + tokens, E]` as `[E, tokens]`: the class token is dropped (it
    /// summarises the whole input and would dominate a Gram matrix of only a few hundred tokens).
    public var supportedGramAxes: [GramAxis] { [.channels] }

    public func styleMatrix(of feature: Tensor, layer: String, over axis: GramAxis) -> Tensor {
        precondition(axis == .channels, "styleMatrix: a ViT's tokens have no time axis (GramAxis.channels only)")
        precondition(feature.rank == 3 && feature.shape[0] == 1, "styleMatrix: expected [1, tokens, E], got \(feature.shape)")
        let tokens = feature.shape[1] - 1
        return feature.sliced(alongAxis: 1, range: 1..<(1 + tokens)).reshaped([tokens, feature.shape[2]]).transposed
    }
}
