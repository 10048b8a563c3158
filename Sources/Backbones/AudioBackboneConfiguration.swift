import AudioDSP
import Foundation

extension AudioBackbone {
    /// One classification task of the network: a label name (`speaker`, `gender`, `accent`, `instrument`) and its
    /// classes, in the order of the head's logits.
    public struct LabelSet: Sendable, Equatable, Codable {
        /// The label's name.
        public var name: String
        /// The class names, ≥ 2 (logit `i` is class `classes[i]`).
        public var classes: [String]

        /// Makes a label set.
        public init(name: String, classes: [String]) {
            self.name = name
            self.classes = classes
        }
    }

    /// The shape of a transformer encoder (a small ViT over the bands): the bands cut into patches of
    /// ``patchBands`` × ``patchFrames``, each embedded linearly to ``width`` values, plus a learned embedding of its
    /// band row and a sinusoidal one of its time index, then ``layerCount`` pre-norm encoder blocks (torchvision's
    /// ViT block: self-attention over every patch of the clip, then a GELU MLP of ``mlpDimension``).
    public struct TransformerShape: Sendable, Equatable, Codable {
        /// Bands per patch (divides ``Configuration/bandCount``). Default 8.
        public var patchBands: Int
        /// Frames per patch. Default 4 (46 ms at hop 256).
        public var patchFrames: Int
        /// Encoder blocks, ≥ 1. Default 4.
        public var layerCount: Int
        /// Token width, a multiple of ``headCount``. Default 128.
        public var width: Int
        /// Attention heads. Default 4.
        public var headCount: Int
        /// The MLP's hidden width. Default 256.
        public var mlpDimension: Int

        /// Makes a shape (validated with its configuration).
        public init(
            patchBands: Int = 8, patchFrames: Int = 4, layerCount: Int = 4, width: Int = 128, headCount: Int = 4,
            mlpDimension: Int = 256
        ) {
            self.patchBands = patchBands
            self.patchFrames = patchFrames
            self.layerCount = layerCount
            self.width = width
            self.headCount = headCount
            self.mlpDimension = mlpDimension
        }
    }

    /// The architecture of an ``AudioBackbone`` and the spectrogram it reads.
    ///
    /// The network: the front end's rows pooled into ``bandCount`` mel-spaced bands (fixed triangles that sum to 1,
    /// so a band holds the mean dB of its bins), normalised as `(v − inputOffset) / inputScale`, then one
    /// `Conv2d(3 × 3)` + `LeakyReLU(0.2)` per entry of ``channels``: the first with stride 1, the others halving the
    /// band axis (stride (2, 1)), with ``timeDilations`` spacing the taps in time; every layer keeps the frame count.
    /// Each ``labels`` entry has a linear head on the last layer's mean over frames. With a ``transformer`` shape the
    /// convolutions are replaced by a small transformer encoder (``TransformerShape``).
    public struct Configuration: Sendable, Equatable, Codable {
        /// The analysis of the input spectrogram. Default ``AudioDSP/FrontEnd/decibelMagnitude``, the
        /// style-transfer presets' dB magnitude STFT (513 rows).
        public var frontEnd: FrontEnd
        /// Mel-spaced bands the rows are pooled into, ≥ 8 and at most the row count. Default 64.
        public var bandCount: Int
        /// Output channels of each convolution (≥ 1 layer, each ≥ 1). Default [32, 64, 96, 128].
        public var channels: [Int]
        /// Time dilation of each convolution (as many as ``channels``, each ≥ 1). Default [1, 1, 2, 4]: a receptive
        /// field of ±8 frames (±93 ms at hop 256), about a phone.
        public var timeDilations: [Int]
        /// The classification heads, in order.
        public var labels: [LabelSet]
        /// Subtracted from the band values (dB) before the first layer. Default −40.
        public var inputOffset: Float
        /// The band values are divided by this after the offset, > 0. Default 20.
        public var inputScale: Float
        /// A transformer encoder instead of the convolutions (``channels`` and ``timeDilations`` are then unused), or
        /// `nil` (the default) for the convolutional network.
        public var transformer: TransformerShape?

        /// Makes a configuration (``validate()`` checks it).
        public init(
            frontEnd: FrontEnd = .decibelMagnitude, bandCount: Int = 64, channels: [Int] = [32, 64, 96, 128],
            timeDilations: [Int] = [1, 1, 2, 4], labels: [LabelSet] = [], inputOffset: Float = -40,
            inputScale: Float = 20, transformer: TransformerShape? = nil
        ) {
            self.frontEnd = frontEnd
            self.bandCount = bandCount
            self.channels = channels
            self.timeDilations = timeDilations
            self.labels = labels
            self.inputOffset = inputOffset
            self.inputScale = inputScale
            self.transformer = transformer
        }

        /// The features each head reads: the last layer's channels × its band rows.
        public var headInputCount: Int {
            if let transformer { return transformer.width * (bandCount / transformer.patchBands) }
            return channels.last! * layerHeights.last!
        }

        /// The band count after each convolution (the first keeps ``bandCount``, each further one halves it, rounding
        /// up).
        public var layerHeights: [Int] {
            var height = bandCount
            return channels.indices.map { index in
                if index > 0 { height = (height + 1) / 2 }
                return height
            }
        }

        /// Checks every value.
        ///
        /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            func invalid(_ name: String, _ value: Any, _ reason: String) -> BackbonesError {
                .invalidConfiguration(name: name, value: "\(value)", reason: reason)
            }
            guard (8...frontEnd.rowCount).contains(bandCount) else {
                throw invalid("bandCount", bandCount, "must be in 8...\(frontEnd.rowCount) (the front end's rows)")
            }
            guard !channels.isEmpty, channels.allSatisfy({ $0 >= 1 }) else {
                throw invalid("channels", channels, "must be one or more positive counts")
            }
            guard timeDilations.count == channels.count, timeDilations.allSatisfy({ $0 >= 1 }) else {
                throw invalid(
                    "timeDilations", timeDilations, "must be \(channels.count) positive values, one per layer")
            }
            for label in labels where label.classes.count < 2 || Set(label.classes).count != label.classes.count {
                throw invalid("labels.\(label.name)", label.classes, "must be two or more distinct classes")
            }
            guard Set(labels.map(\.name)).count == labels.count else {
                throw invalid("labels", labels.map(\.name), "must have distinct names")
            }
            if let transformer {
                let t = transformer
                guard t.patchBands >= 1, bandCount % t.patchBands == 0 else {
                    throw invalid("transformer.patchBands", t.patchBands, "must divide bandCount \(bandCount)")
                }
                guard [t.patchFrames, t.layerCount, t.headCount, t.mlpDimension].allSatisfy({ $0 >= 1 }),
                    t.width >= 1, t.width % t.headCount == 0
                else {
                    throw invalid(
                        "transformer", "\(t)", "needs positive sizes and a width that is a multiple of headCount")
                }
            }
            guard inputScale > 0, inputScale.isFinite, inputOffset.isFinite else {
                throw invalid("inputScale", inputScale, "must be positive and finite, with a finite inputOffset")
            }
        }
    }
}
