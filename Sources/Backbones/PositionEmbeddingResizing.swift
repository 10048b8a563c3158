import NeuralCore

/// How a vision transformer's learned position embeddings, trained for a square patch grid (14×14 for ViT-B/16 at
/// 224×224), are resized to the patch grid of another input size (8×27 for a 128×432 spectrogram).
///
/// The grid `[E, 14, 14]` is resized channel by channel with separable bicubic weights, exactly as PyTorch's
/// `F.interpolate(grid, size=(h, w), mode="bicubic", align_corners=False, antialias=…)`. The class token's
/// embedding is kept as is. Resizing touches only the (frozen) embedding, never the input, so it costs nothing in the
/// backward pass.
public enum PositionEmbeddingResizing: Sendable, Equatable {
    /// `antialias=True`: when shrinking an axis the cubic kernel (a = −0.5) is widened by the scale factor and
    /// renormalised, as PIL does. timm's `resample_abs_pos_embed` (used when timm loads a ViT at a new image size)
    /// resizes this way; the default.
    case bicubicAntialiased
    /// `antialias=False`: the classic four-tap bicubic kernel (a = −0.75) with replicated borders (torchvision's
    /// own `interpolate_embeddings` uses this kernel, with `align_corners=True`).
    case bicubic

    /// The `[outputSize, inputSize]` matrix whose rows hold the weights that resize one axis.
    func weights(from inputSize: Int, to outputSize: Int) -> [[Double]] {
        let scale = Double(inputSize) / Double(outputSize)
        return (0..<outputSize).map { i in
            var row = [Double](repeating: 0, count: inputSize)
            switch self {
            case .bicubic:
                let source = scale * (Double(i) + 0.5) - 0.5
                let floor = source.rounded(.down)
                let t = source - floor
                let taps = [Self.cubic(t + 1, a: -0.75), Self.cubic(t, a: -0.75), Self.cubic(1 - t, a: -0.75),
                            Self.cubic(2 - t, a: -0.75)]
                for (k, weight) in taps.enumerated() {
                    row[min(max(Int(floor) - 1 + k, 0), inputSize - 1)] += weight
                }
            case .bicubicAntialiased:
                let support = scale >= 1 ? 2 * scale : 2
                let inverseScale = scale >= 1 ? 1 / scale : 1
                let center = scale * (Double(i) + 0.5)
                let low = max(Int(center - support + 0.5), 0)
                let high = min(Int(center + support + 0.5), inputSize)
                var total = 0.0
                for j in low..<high {
                    row[j] = Self.cubic((Double(j) - center + 0.5) * inverseScale, a: -0.5)
                    total += row[j]
                }
                if total != 0 { for j in low..<high { row[j] /= total } }
            }
            return row
        }
    }

    /// Keys' cubic convolution kernel with parameter `a`, evaluated at distance `x`.
    private static func cubic(_ x: Double, a: Double) -> Double {
        let x = abs(x)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return 0
    }

    /// Resizes `grid` `[channels, height, width]` to `[channels, size.height, size.width]`.
    public func resized(_ grid: Tensor, to size: (height: Int, width: Int)) -> Tensor {
        precondition(grid.rank == 3, "PositionEmbeddingResizing: grid must be [channels, height, width], got \(grid.shape)")
        let (channels, height, width) = (grid.shape[0], grid.shape[1], grid.shape[2])
        if (height, width) == (size.height, size.width) { return grid }
        let rows = weights(from: height, to: size.height), columns = weights(from: width, to: size.width)
        var out = [Float](repeating: 0, count: channels * size.height * size.width)
        grid.withUnsafeBufferPointer { p in
            var across = [Double](repeating: 0, count: height * size.width)
            for c in 0..<channels {
                let plane = c * height * width
                for y in 0..<height {
                    for x in 0..<size.width {
                        var sum = 0.0
                        for (j, weight) in columns[x].enumerated() where weight != 0 {
                            sum += weight * Double(p[plane + y * width + j])
                        }
                        across[y * size.width + x] = sum
                    }
                }
                for y in 0..<size.height {
                    for x in 0..<size.width {
                        var sum = 0.0
                        for (j, weight) in rows[y].enumerated() where weight != 0 { sum += weight * across[j * size.width + x] }
                        out[(c * size.height + y) * size.width + x] = Float(sum)
                    }
                }
            }
        }
        return Tensor(shape: [channels, size.height, size.width], scalars: out)
    }
}
