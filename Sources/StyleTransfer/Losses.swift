import NeuralCore

/// The losses of Gatys-style transfer on backbone activations.
///
/// ## Style loss
/// A layer's activation becomes a style matrix `F` `[R, M]` (``Backbones/GramAxis``: `[C, H·W]` over channels,
/// `[C·H, W]` over time) whose Gram matrix is the mean over its `M` columns, `G = F·Fᵀ / M`, so clips of different
/// lengths compare. The style loss of one layer is `E = 1/(4R²) · ‖G − A‖²` against the style's Gram matrix `A`
/// (a ``NeuralCore/GramTarget``): a quarter of the mean squared difference of the Gram entries. It is exactly
/// Gatys et al.'s `1/(4N²M²) · Σ (F·Fᵀ − S·Sᵀ)²` when both clips have `M` positions, and it keeps one scale
/// whatever the clip length, the channel count or the spectrogram height, so one style weight serves every
/// backbone, STFT size and clip.
///
/// The random-CNN voice-transfer work (the study's network) writes the Gram over time without the `1/M`,
/// `G' = F·Fᵀ`, and the loss as `1/(4·C²·H·W) · Σ (G'ₛ − G'ₓ)²` (`C` filters, `H` rows, `W` frames): for two
/// clips of `W` frames that is `E · H·W`, so its weights depend on the clip's length and the STFT size; ours do
/// not.
public enum StyleLosses {
    /// `1/(4R²) · ‖F·W²·Fᵀ/M − A‖²` for a style matrix `F` `[R, M]` with optional column weights `W` (e.g. the
    /// content's active frames) and the style's Gram target `A` (`R` rows), differentiable with respect to `F`
    /// (``NeuralCore/gramDistance(_:to:columnWeights:)``: no `R×R` matrix when `R > M`).
    public static func styleLoss(_ styleMatrix: Tensor, target: GramTarget, columnWeights: [Float]? = nil) -> Tensor {
        let rows = Float(target.rowCount)
        return gramDistance(styleMatrix, to: target, columnWeights: columnWeights) * (1 / (4 * rows * rows))
    }

    /// `1/(4R²) · ‖G − A‖²` between two Gram targets (e.g. a whole output clip and the style), without gradient.
    public static func styleLoss(_ gram: GramTarget, target: GramTarget) -> Float {
        let rows = Double(target.rowCount)
        return Float(gram.squaredDistance(to: target) / (4 * rows * rows))
    }

    /// `mean((F − P)²)` over all elements of two activations of equal shape.
    public static func contentLoss(_ features: Tensor, target: Tensor) -> Tensor {
        meanSquaredError(features, target)
    }

    /// The mean squared difference between neighbouring values along both axes of a spectrogram `[bins, frames]`
    /// (a smoothness prior; 0 for a constant spectrogram).
    public static func totalVariation(_ spectrogram: Tensor) -> Tensor {
        let (bins, frames) = (spectrogram.shape[0], spectrogram.shape[1])
        var total = Tensor(0)
        if frames > 1 {
            let dt = spectrogram.sliced(alongAxis: 1, range: 1..<frames) - spectrogram.sliced(alongAxis: 1, range: 0..<(frames - 1))
            total = total + dt.squared().mean()
        }
        if bins > 1 {
            let df = spectrogram.sliced(alongAxis: 0, range: 1..<bins) - spectrogram.sliced(alongAxis: 0, range: 0..<(bins - 1))
            total = total + df.squared().mean()
        }
        return total
    }
}
