import Foundation

extension SpectrogramImageParameters {
    /// The frequencies in Hz at the centres of the bottom and top rows: `0 … sampleRate/2` for linear bins, the first
    /// and last mel band centres for mel bands (librosa `mel_frequencies(n_mels + 2, fmin, fmax)[1]` and `[-2]`).
    public var frequencyRange: ClosedRange<Double> { frequency(atRow: 0)...frequency(atRow: Double(binCount - 1)) }

    /// Where `frequency` (Hz) lies on the image's rows, for drawing a frequency axis: 0 is the centre of row 0 (the
    /// bottom row: bin 0 or the lowest mel band), `binCount − 1` the centre of the top row; fractions interpolate.
    /// Linear bins: `f · fftSize / sampleRate`. Mel bands, whose centres are equally spaced on the mel scale between
    /// `fmin` and `fmax` (`binCount + 2` points): `(mel(f) − mel(fmin)) / Δ − 1` with
    /// `Δ = (mel(fmax) − mel(fmin)) / (binCount + 1)`.
    public func row(ofFrequency frequency: Double) -> Double {
        switch frequencyScale {
        case .linear:
            return frequency * Double(fftSize) / Double(sampleRate)
        case let .mel(bandCount, low, high, scale, _):
            let (lowMel, step) = Self.melCentres(bandCount: bandCount, low: low, high: high, scale: scale)
            return (MelFilterbank.mel(fromHertz: frequency, scale: scale) - lowMel) / step - 1
        }
    }

    /// The inverse of ``row(ofFrequency:)``: the frequency in Hz at row coordinate `row`.
    public func frequency(atRow row: Double) -> Double {
        switch frequencyScale {
        case .linear:
            return row * Double(sampleRate) / Double(fftSize)
        case let .mel(bandCount, low, high, scale, _):
            let (lowMel, step) = Self.melCentres(bandCount: bandCount, low: low, high: high, scale: scale)
            return MelFilterbank.hertz(fromMel: lowMel + (row + 1) * step, scale: scale)
        }
    }

    /// The mel grid of `bandCount` bands between `low` and `high` Hz: `mel(low)` and the spacing of the
    /// `bandCount + 2` equally spaced points, whose inner ones are the band centres.
    private static func melCentres(bandCount: Int, low: Float, high: Float, scale: MelFilterbank.Scale)
        -> (lowMel: Double, step: Double)
    {
        let lowMel = MelFilterbank.mel(fromHertz: Double(low), scale: scale)
        return (lowMel, (MelFilterbank.mel(fromHertz: Double(high), scale: scale) - lowMel) / Double(bandCount + 1))
    }

    /// The time in seconds at the centre of column (frame) `frame`: `frame · hopLength / sampleRate` (frames are
    /// centred on those samples, as a centred STFT makes them).
    public func time(atFrame frame: Double) -> Double { frame * Double(hopLength) / Double(sampleRate) }
}
