import AudioDSP
import Foundation
import NeuralCore

/// A compact convolutional network trained by this package on labelled spectrograms (speaker, gender, accent,
/// instrument), as a style-transfer backbone: the study's "training targeted to the style transfer task".
///
/// Input `[1, 1, rows, frames]`: a spectrogram of the ``Configuration/frontEnd`` (by default the presets' dB
/// magnitude STFT, 513 rows), passed unchanged (``SpectrogramInput/singleChannel``). Layers, in forward order:
/// `bands` (`[1, 1, bandCount, frames]`, the normalised mel-spaced band means), then `conv1`, `relu1`, … `convK`,
/// `reluK` (`[1, channels[k], height[k], frames]`, see ``Configuration/layerHeights``). Every layer keeps the frame
/// count, so the Gram over time applies to each. With a ``Configuration/transformer`` shape the layers after
/// `bands` are `patches` and `block1` … `blockL`, the tokens laid out as `[1, width, rows, patch columns]`. The
/// classification heads are used by training and by ``classify(_:)``; feature extraction stops at the last requested
/// layer.
///
/// State-dict keys: `convolutions.K.weight` / `.bias` (or `patch_embedding.*`, `band_embedding` and `blocks.K.*`
/// with torchvision's ViT block keys) and `heads.J.weight` / `.bias` (PyTorch's for `nn.ModuleList`s). Checkpoints
/// written by ``save(to:training:)`` carry the configuration; ``init(contentsOf:)`` reads them.
///
/// ```swift
/// let backbone = try AudioBackbone(contentsOf: URL(fileURLWithPath: "audio-backbone.safetensors"))
/// let x = backbone.modelInput(from: spectrogram, valueRange: 0...1)        // [1, 1, 513, frames], dB values
/// let features = try backbone.features(of: x, layers: ["relu2"])          // [1, 64, 32, frames]
/// ```
public final class AudioBackbone: Module, FeatureExtractor {
    /// The architecture, front end and labels.
    public let configuration: Configuration
    /// The convolutions, in order (frozen unless training); empty for a transformer.
    public let convolutions: [Conv2d]
    /// A transformer's patch embedding, `Conv2d(1, width, patch, stride patch)`; `nil` for the convolutional network.
    public let patchEmbedding: Conv2d?
    /// A transformer's learned embedding of each patch's band row, `[rows, width]`; `nil` without a transformer.
    @Parameter public var bandEmbedding: Tensor?
    /// A transformer's encoder blocks (torchvision's ViT block), in order; empty for the convolutional network.
    public let blocks: [ViTEncoderBlock]
    /// One linear head per ``Configuration/labels`` entry, on the last layer's mean over frames (`channels · height`
    /// inputs: the heads see which band holds what, as a formant or a pitch needs).
    public let heads: [Linear]
    /// `[bandCount, rows]`: the fixed band-pooling matrix (each row a mel triangle scaled to sum 1).
    let bandWeights: Tensor

    /// Builds the network with PyTorch's default initialisation drawn from `seed` (trainable; call `freeze()` to use it
    /// as a backbone, as ``init(contentsOf:)`` does).
    ///
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for an invalid configuration.
    public init(configuration: Configuration, seed: UInt64 = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        if let shape = configuration.transformer {
            convolutions = []
            let patch = (shape.patchBands, shape.patchFrames)
            patchEmbedding = Conv2d(
                inputChannels: 1, outputChannels: shape.width, kernelSize: patch, stride: patch, seed: seed)
            var generator = RandomGenerator(seed: seed &+ 500)
            bandEmbedding = Tensor.randomNormal(
                shape: [configuration.bandCount / shape.patchBands, shape.width],
                standardDeviation: 0.02, generator: &generator)
            blocks = (0..<shape.layerCount).map {
                ViTEncoderBlock(
                    embeddingDimension: shape.width, headCount: shape.headCount,
                    mlpDimension: shape.mlpDimension, seed: seed &+ 100 &+ 10 &* UInt64($0))
            }
        } else {
            var inputChannels = 1
            convolutions = configuration.channels.enumerated().map { index, channels in
                defer { inputChannels = channels }
                let dilation = configuration.timeDilations[index]
                return Conv2d(
                    inputChannels: inputChannels, outputChannels: channels, kernelSize: (3, 3),
                    stride: (index == 0 ? 1 : 2, 1), padding: (1, dilation), dilation: (1, dilation),
                    seed: seed &+ UInt64(index))
            }
            (patchEmbedding, bandEmbedding, blocks) = (nil, nil, [])
        }
        heads = configuration.labels.enumerated().map { index, label in
            Linear(
                inputFeatures: configuration.headInputCount, outputFeatures: label.classes.count,
                seed: seed &+ 1000 &+ UInt64(index))
        }
        bandWeights = try Self.bandPooling(frontEnd: configuration.frontEnd, bandCount: configuration.bandCount)
        super.init()
    }

    /// Mel triangles over the front end's rows, each scaled to sum 1 (`[bandCount, rows]`). A linear front end
    /// gets Slaney mel triangles over its STFT bins; a mel front end gets triangles over its band indices.
    static func bandPooling(frontEnd: FrontEnd, bandCount: Int) throws -> Tensor {
        let rows = frontEnd.rowCount
        var weights: [Float]
        if case .linear = frontEnd.frequencyAxis {
            weights = try MelFilterbank(
                sampleRate: frontEnd.sampleRate, fftSize: frontEnd.fftSize,
                melBandCount: bandCount, normalization: .none
            ).weights
        } else {
            weights = [Float](repeating: 0, count: bandCount * rows)
            let spacing = Float(rows - 1) / Float(bandCount + 1)
            for band in 0..<bandCount {
                let centre = Float(band + 1) * spacing
                for row in 0..<rows { weights[band * rows + row] = max(0, 1 - abs(Float(row) - centre) / spacing) }
            }
        }
        for band in 0..<bandCount {
            let sum = weights[(band * rows)..<((band + 1) * rows)].reduce(0, +)
            // A band narrower than one bin takes its nearest bin.
            if sum > 0 {
                for row in 0..<rows { weights[band * rows + row] /= sum }
            } else {
                let centre = min(rows - 1, Int((Float(band) + 0.5) * Float(rows) / Float(bandCount)))
                weights[band * rows + centre] = 1
            }
        }
        return Tensor(shape: [bandCount, rows], scalars: weights)
    }

    public var layerNames: [String] { ["bands"] + stages.map(\.name) }

    /// The layers after `bands`, in forward order, each mapping `[N, C, H, frames]` to the next such tensor: `convK`
    /// and `reluK`, or a transformer's `patches` (the embedded patches with their positions, `[N, width, rows,
    /// ⌈frames / patchFrames⌉]`) and `blockK` (the tokens of block `K`, laid out on the same grid).
    private var stages: [(name: String, apply: (Tensor) -> Tensor)] {
        guard let patchEmbedding, let bandEmbedding, let shape = configuration.transformer else {
            return convolutions.enumerated().flatMap { index, convolution in
                [("conv\(index + 1)", { convolution($0) }), ("relu\(index + 1)", { leakyReLU($0, negativeSlope: 0.2) })]
            }
        }
        let patches: (Tensor) -> Tensor = { bands in
            let frames = bands.shape[3], missing = (shape.patchFrames - frames % shape.patchFrames) % shape.patchFrames
            let padded =
                missing == 0
                ? bands
                : bands.padded([(0, 0), (0, 0), (0, 0), (0, missing)], value: bands.scalars.min() ?? 0)
            let grid = patchEmbedding(padded)
            let (rows, columns) = (grid.shape[2], grid.shape[3])
            let band = bandEmbedding.permuted([1, 0]).reshaped([1, shape.width, rows, 1])
            return grid + band + Self.timeEmbedding(width: shape.width, frames: columns)
        }
        return [("patches", patches)]
            + blocks.enumerated().map { index, block in
                (
                    "block\(index + 1)",
                    { grid in
                        let (count, width, rows, columns) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3])
                        let tokens = grid.reshaped([count, width, rows * columns]).permuted([0, 2, 1])
                        return block(tokens).permuted([0, 2, 1]).reshaped([count, width, rows, columns])
                    }
                )
            }
    }

    /// The transformer's fixed sinusoidal embedding of the patch column `t`, `[1, width, 1, frames]`: channel `2i`
    /// holds `sin(t / 10000^(2i / width))`, channel `2i + 1` the cosine.
    private static func timeEmbedding(width: Int, frames: Int) -> Tensor {
        var values = [Float](repeating: 0, count: width * frames)
        for channel in 0..<width {
            let rate = pow(10_000, -Double(channel - channel % 2) / Double(width))
            for frame in 0..<frames {
                let angle = Double(frame) * rate
                values[channel * frames + frame] = Float(channel % 2 == 0 ? sin(angle) : cos(angle))
            }
        }
        return Tensor(shape: [1, width, 1, frames], scalars: values)
    }

    public var spectrogramInput: SpectrogramInput { .singleChannel }

    public var minimumInputSize: (height: Int, width: Int) { (configuration.frontEnd.rowCount, 1) }

    /// The normalised bands `[N, 1, bandCount, frames]` of spectrograms `[N, 1, rows, frames]`.
    public func bands(of modelInput: Tensor) -> Tensor {
        let (count, rows, frames) = (modelInput.shape[0], modelInput.shape[2], modelInput.shape[3])
        let columns = modelInput.reshaped([count, rows, frames]).permuted([1, 0, 2]).reshaped([rows, count * frames])
        let pooled = matmul(bandWeights, columns)
            .reshaped([configuration.bandCount, count, frames]).permuted([1, 0, 2])
            .reshaped([count, 1, configuration.bandCount, frames])
        return normalized(pooled)
    }

    /// Band means in dB (``Corpus/Clip/bands``) as the first layer's values: `(v − inputOffset) / inputScale`.
    func normalized(_ pooled: Tensor) -> Tensor {
        (pooled - configuration.inputOffset) * (1 / configuration.inputScale)
    }

    public func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor] {
        let last = try validateRequest(modelInput, layers: layers)
        try requireChannels(1, of: modelInput)
        guard modelInput.shape[2] == configuration.frontEnd.rowCount else {
            throw BackbonesError.inputRows(expected: configuration.frontEnd.rowCount, shape: modelInput.shape)
        }
        var captured: [String: Tensor] = [:]
        var x = bands(of: modelInput)
        if layers.contains("bands") { captured["bands"] = x }
        for (index, stage) in stages.enumerated() where index < last {
            x = stage.apply(x)
            if layers.contains(stage.name) { captured[stage.name] = x }
        }
        return captured
    }

    /// Every head's logits `[N, classes]` for normalised bands
    /// `[N, 1, bandCount, frames]` (``bands(of:)``): the training forward pass.
    public func logits(bands: Tensor) -> [Tensor] {
        let x = stages.reduce(bands) { $1.apply($0) }
        let pooled = x.mean(alongAxes: [3]).reshaped([x.shape[0], x.shape[1] * x.shape[2]])
        return heads.map { $0(pooled) }
    }

    /// The probability of every class of every label for one spectrogram `[rows, frames]` of the front end: for each
    /// of ``Configuration/labels``, in order, its name and one probability per class (in the label's class order).
    ///
    /// - Throws: ``BackbonesError/inputRows(expected:shape:)`` for a spectrogram of another row count.
    public func classProbabilities(_ spectrogram: Tensor) throws -> [(label: String, probabilities: [Float])] {
        guard spectrogram.rank == 2, spectrogram.shape[0] == configuration.frontEnd.rowCount else {
            throw BackbonesError.inputRows(expected: configuration.frontEnd.rowCount, shape: spectrogram.shape)
        }
        let input = spectrogram.reshaped([1, 1, spectrogram.shape[0], spectrogram.shape[1]])
        return zip(configuration.labels, logits(bands: bands(of: input))).map { label, logits in
            (label.name, softmax(logits).scalars)
        }
    }

    /// The most likely class of every label for one spectrogram `[rows, frames]` of the front end, with its
    /// probability.
    ///
    /// - Throws: ``BackbonesError/inputRows(expected:shape:)`` for a spectrogram of another row count.
    public func classify(_ spectrogram: Tensor) throws -> [(label: String, className: String, probability: Float)] {
        try zip(configuration.labels, classProbabilities(spectrogram)).map { label, scores in
            let best = scores.probabilities.firstIndex(of: scores.probabilities.max()!)!
            return (label.name, label.classes[best], scores.probabilities[best])
        }
    }

    public override var extraDescription: String {
        "bands=\(configuration.bandCount), labels=\(configuration.labels.map(\.name))"
    }
}
