import NeuralCore

/// The losses of Gatys-style transfer on backbone activations.
///
/// The Gram matrix of a layer is the mean over positions, `G = F·Fᵀ / M` for the style matrix `F` `[N, M]`
/// (channels × positions), so clips of different lengths compare. The style loss of one layer is then
/// `E = 1/(4N²) · Σ (G − A)²`, which is exactly Gatys et al.'s `1/(4N²M²) · Σ (F·Fᵀ − S·Sᵀ)²` when both clips
/// have `M` positions. The content loss is the mean squared difference of the activations (Gatys's
/// `½ Σ (F − P)²` divided by the element count, so its weight does not depend on the clip's length).
public enum StyleLosses {
    /// The Gram matrix `F·Fᵀ / M` `[N, N]` of a style matrix `F` `[N, M]`.
    public static func gramMatrix(_ styleMatrix: Tensor) -> Tensor { gram(styleMatrix) }

    /// `1/(4N²) · Σ (G − A)²` for Gram matrices `[N, N]`.
    public static func styleLoss(gram: Tensor, target: Tensor) -> Tensor {
        let n = Float(gram.shape[0])
        return (gram - target).squared().sum() * (1 / (4 * n * n))
    }

    /// `mean((F − P)²)` over all elements of two activations of equal shape.
    public static func contentLoss(_ features: Tensor, target: Tensor) -> Tensor {
        (features - target).squared().mean()
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
