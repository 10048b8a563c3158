import NeuralCore

/// How a spectrogram `[bins, frames]` becomes a backbone's NCHW input. Every mapping is affine and recorded on the
/// autodiff tape, so gradients flow back to the spectrogram.
public enum SpectrogramInput: Sendable, Equatable {
    /// `[1, 1, bins, frames]`, values unchanged: frequency is the image height, time its width (the study's
    /// random CNN).
    case singleChannel
    /// `[1, bins, 1, frames]`: frequency bins as channels, time as width (Ulyanov's wide random CNN).
    case binsAsChannels
    /// An image backbone's input `[1, 3, bins, frames]`: values scaled from the session's value range to [0, 1],
    /// replicated to three channels, then normalised per channel as `(v − mean[c]) / std[c]`. Row 0 is the lowest
    /// frequency bin (the tensor is not flipped; convolutions and patch embeddings do not care which way is up).
    case image(ImageNormalization)

    /// Per-channel normalisation of an image backbone's input.
    public struct ImageNormalization: Sendable, Equatable {
        /// Channel means (three values).
        public var mean: [Float]
        /// Channel standard deviations (three positive values).
        public var standardDeviation: [Float]

        /// A normalisation with the given per-channel statistics.
        public init(mean: [Float], standardDeviation: [Float]) {
            precondition(mean.count == 3 && standardDeviation.count == 3 && standardDeviation.allSatisfy { $0 > 0 },
                         "ImageNormalization: three means and three positive standard deviations")
            self.mean = mean
            self.standardDeviation = standardDeviation
        }

        /// torchvision's ImageNet statistics, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225): what the
        /// pretrained VGG19, ResNet50 and ViT-B/16 weights expect.
        public static let imageNet = ImageNormalization(mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])
    }

    /// The range that ``image(_:)`` maps to [0, 1] for a spectrogram holding `values`: their minimum…maximum, or
    /// `v…v+1` when every value is `v` (or there are none: `0…1`). A style-transfer session takes it from the content
    /// and uses it for style and output too.
    public static func valueRange(of values: [Float]) -> ClosedRange<Float> {
        let low = values.min() ?? 0, high = values.max() ?? 1
        return low < high ? low...high : low...(low + 1)
    }

    /// Maps `spectrogram` (`[bins, frames]`) to the model input; `valueRange` is used by ``image(_:)`` only.
    public func modelInput(from spectrogram: Tensor, valueRange: ClosedRange<Float>) -> Tensor {
        precondition(spectrogram.rank == 2, "modelInput: spectrogram must be [bins, frames], got \(spectrogram.shape)")
        let (bins, frames) = (spectrogram.shape[0], spectrogram.shape[1])
        switch self {
        case .singleChannel:
            return spectrogram.reshaped([1, 1, bins, frames])
        case .binsAsChannels:
            return spectrogram.reshaped([1, bins, 1, frames])
        case let .image(normalization):
            let span = max(valueRange.upperBound - valueRange.lowerBound, Float.leastNormalMagnitude)
            let unit = (spectrogram - valueRange.lowerBound) * (1 / span)
            let channels = unit.reshaped([1, 1, bins, frames]).broadcasted(to: [1, 3, bins, frames])
            let mean = Tensor(shape: [1, 3, 1, 1], scalars: normalization.mean)
            let scale = Tensor(shape: [1, 3, 1, 1], scalars: normalization.standardDeviation.map { 1 / $0 })
            return (channels - mean) * scale
        }
    }
}
