import AudioDSP

/// Backbone-independent measures of a transfer, computed on spectrograms `[bins, frames]` of one front end, so that
/// results of different backbones and settings can be compared (and presets chosen) on the same scale.
public struct TransferMeasures: Sendable, Equatable {
    /// How far the output's per-band statistics (mean and standard deviation over time of each bin) moved from the
    /// content's toward the style's: `1 − d(output, style) / d(content, style)` with `d` the root-mean-square
    /// difference of those statistics. 0 = unchanged, 1 = the style's statistics.
    public var styleMovement: Float
    /// The Pearson correlation between output and content after removing each bin's mean over time: how much of the
    /// content's time–frequency detail (words, notes) remains. 1 = all of it.
    public var contentRetention: Float

    /// Measures `output` against `content` and `style` (same bin count; the frame counts may differ).
    public init(output: Spectrogram, content: Spectrogram, style: Spectrogram) {
        precondition(output.binCount == content.binCount && content.binCount == style.binCount,
                     "TransferMeasures: spectrograms of different bin counts")
        precondition(output.frameCount == content.frameCount, "TransferMeasures: output and content lengths differ")
        let (o, c, s) = (Self.bandStatistics(output), Self.bandStatistics(content), Self.bandStatistics(style))
        let toStyle = Self.distance(c, s)
        styleMovement = toStyle > 0 ? 1 - Self.distance(o, s) / toStyle : 0
        var product: Double = 0, outputEnergy: Double = 0, contentEnergy: Double = 0
        for bin in 0..<content.binCount {
            for frame in 0..<content.frameCount {
                let a = Double(output[bin: bin, frame: frame] - o.mean[bin])
                let b = Double(content[bin: bin, frame: frame] - c.mean[bin])
                product += a * b
                outputEnergy += a * a
                contentEnergy += b * b
            }
        }
        contentRetention = outputEnergy > 0 && contentEnergy > 0 ? Float(product / (outputEnergy * contentEnergy).squareRoot()) : 0
    }

    /// Each bin's mean and standard deviation over frames.
    private static func bandStatistics(_ spectrogram: Spectrogram) -> (mean: [Float], deviation: [Float]) {
        var mean = [Float](repeating: 0, count: spectrogram.binCount)
        var deviation = mean
        for bin in 0..<spectrogram.binCount {
            var sum: Double = 0, squares: Double = 0
            for frame in 0..<spectrogram.frameCount {
                let v = Double(spectrogram[bin: bin, frame: frame])
                sum += v
                squares += v * v
            }
            let n = Double(spectrogram.frameCount), m = sum / n
            mean[bin] = Float(m)
            deviation[bin] = Float(max(0, squares / n - m * m).squareRoot())
        }
        return (mean, deviation)
    }

    private static func distance(_ a: (mean: [Float], deviation: [Float]), _ b: (mean: [Float], deviation: [Float])) -> Float {
        var total: Float = 0
        for i in a.mean.indices {
            total += (a.mean[i] - b.mean[i]) * (a.mean[i] - b.mean[i]) + (a.deviation[i] - b.deviation[i]) * (a.deviation[i] - b.deviation[i])
        }
        return (total / Float(2 * a.mean.count)).squareRoot()
    }
}
