import Foundation

/// Linear prediction from a power spectrum: the all-pole envelope an LPCNet / ExcitNet vocoder takes from its
/// conditioning, so that its network models only the excitation (`Docs/Vocoders.md`, "Design bounds").
///
/// For each frame, the autocorrelation is the inverse real FFT of the power spectrum (Wiener–Khinchin, numpy
/// `fft.irfft(power)[:order + 1]`), optionally multiplied by a Gaussian lag window and with a white-noise correction
/// on lag 0 (as speech codecs do, to keep the recursion stable), then the Levinson–Durbin recursion gives the
/// prediction-error filter `A(z) = 1 + a₁z⁻¹ + … + a_p z⁻ᵖ` whose output `e[n] = Σₖ aₖ x[n − k]` (a₀ = 1) is the
/// residual. Computed in double precision.
public struct LinearPrediction: Sendable, Equatable {
    /// The predictor order `p`, ≥ 1. Default 16.
    public let order: Int
    /// Standard deviation in Hz of the Gaussian lag window `exp(−½ (2π f₀ k / sampleRate)²)`, or `nil` for none.
    /// Default 60.
    public let lagWindowHertz: Double?
    /// Lag 0 is multiplied by `1 + whiteNoiseCorrection` (−40 dB of white noise for the default 1e-4). ≥ 0.
    public let whiteNoiseCorrection: Double

    /// Configures the analysis.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for an order below 1, a lag window that is
    ///   not positive and finite, or a negative or non-finite correction.
    public init(order: Int = 16, lagWindowHertz: Double? = 60, whiteNoiseCorrection: Double = 1e-4) throws {
        guard order >= 1 else {
            throw AudioDSPError.invalidParameter(name: "order", value: "\(order)", reason: "must be at least 1")
        }
        if let lagWindowHertz, !(lagWindowHertz > 0 && lagWindowHertz.isFinite) {
            throw AudioDSPError.invalidParameter(
                name: "lagWindowHertz", value: "\(lagWindowHertz)", reason: "must be positive and finite, or nil")
        }
        guard whiteNoiseCorrection >= 0 && whiteNoiseCorrection.isFinite else {
            throw AudioDSPError.invalidParameter(
                name: "whiteNoiseCorrection", value: "\(whiteNoiseCorrection)", reason: "must be finite and ≥ 0")
        }
        self.order = order
        self.lagWindowHertz = lagWindowHertz
        self.whiteNoiseCorrection = whiteNoiseCorrection
    }

    /// The error filter `[1, a₁, …, a_p]` of every frame of a power spectrogram `[bins, frames]` (bins `0 … N/2` of an
    /// `N = 2 (bins − 1)`-point FFT at `sampleRate` Hz), frame-major `[frames, order + 1]`. A silent frame gets the
    /// identity filter `[1, 0, …, 0]`.
    ///
    /// - Precondition: at least two bins and `order < N`.
    public func errorFilters(powerSpectrogram power: Spectrogram, sampleRate: Int) -> [Double] {
        precondition(power.rowCount >= 2, "LinearPrediction: a spectrum needs at least two bins")
        let size = 2 * (power.rowCount - 1)
        precondition(order < size, "LinearPrediction: order \(order) needs an FFT longer than \(size)")
        let window = (0...order).map { lag -> Double in
            guard let lagWindowHertz else { return 1 }
            let x = 2 * Double.pi * lagWindowHertz * Double(lag) / Double(sampleRate)
            return exp(-0.5 * x * x)
        }
        // irfft's cosine basis for lags 0…order: bins 0 and N/2 count once, the others twice.
        var basis = [Double](repeating: 0, count: (order + 1) * power.rowCount)
        for lag in 0...order {
            for bin in 0..<power.rowCount {
                let weight = bin == 0 || bin == power.rowCount - 1 ? 1.0 : 2.0
                basis[lag * power.rowCount + bin] =
                    weight * cos(2 * Double.pi * Double(bin * lag % size) / Double(size)) / Double(size)
            }
        }
        var filters = [Double](repeating: 0, count: power.frameCount * (order + 1))
        var autocorrelation = [Double](repeating: 0, count: order + 1)
        for frame in 0..<power.frameCount {
            for lag in 0...order {
                var sum = 0.0
                for bin in 0..<power.rowCount {
                    sum += basis[lag * power.rowCount + bin] * Double(power.values[bin * power.frameCount + frame])
                }
                autocorrelation[lag] = sum * window[lag]
            }
            autocorrelation[0] *= 1 + whiteNoiseCorrection
            let filter = Self.levinsonDurbin(autocorrelation, order: order).filter
            for k in 0...order { filters[frame * (order + 1) + k] = filter[k] }
        }
        return filters
    }

    /// The Levinson–Durbin recursion: the error filter `[1, a₁, …, a_order]` that minimises the prediction error
    /// for autocorrelation `r[0…order]` (the solution of the Toeplitz normal equations, scipy
    /// `linalg.solve_toeplitz(r[:order], −r[1:order + 1])`), and that minimum error. A non-positive `r[0]` gives the
    /// identity filter and error 0; the recursion stops early (the rest of the filter 0) if the error stops being
    /// positive.
    public static func levinsonDurbin(_ r: [Double], order: Int) -> (filter: [Double], error: Double) {
        precondition(r.count > order, "levinsonDurbin: \(r.count) autocorrelation lags for order \(order)")
        var filter = [Double](repeating: 0, count: order + 1)
        filter[0] = 1
        var error = r[0]
        guard error > 0 else { return (filter, 0) }
        for i in 1...order {
            var accumulated = r[i]
            for j in 1..<i { accumulated += filter[j] * r[i - j] }
            let reflection = -accumulated / error
            let previous = filter
            for j in 1..<i { filter[j] = previous[j] + reflection * previous[i - j] }
            filter[i] = reflection
            let next = error * (1 - reflection * reflection)
            guard next > 0 else { break }
            error = next
        }
        return (filter, error)
    }
}
