import Foundation

extension FrontEnd {
    /// The frequencies in Hz at the centres of the bottom and top rows: `0 … sampleRate/2` for linear bins, the first
    /// and last mel band centres for mel bands (librosa `mel_frequencies(n_mels + 2, fmin, fmax)[1]` and `[-2]`).
    public var frequencyRange: ClosedRange<Double> { frequency(atRow: 0)...frequency(atRow: Double(rowCount - 1)) }

    /// Where `frequency` (Hz) lies on the spectrogram's rows, for drawing a frequency axis: 0 is the centre of row 0
    /// (bin 0 or the lowest mel band, the bottom row of a picture), `rowCount − 1` the centre of the top row;
    /// fractions interpolate. Linear bins: `f · fftSize / sampleRate`. Mel bands, whose centres are equally spaced on
    /// the mel scale between `fmin` and `fmax` (`rowCount + 2` points): `(mel(f) − mel(fmin)) / Δ − 1` with
    /// `Δ = (mel(fmax) − mel(fmin)) / (rowCount + 1)`.
    public func row(ofFrequency frequency: Double) -> Double {
        switch frequencyAxis {
        case .linear:
            return frequency * Double(fftSize) / Double(sampleRate)
        case let .mel(bands):
            let (lowMel, step) = Self.melCentres(bands)
            return (MelFilterbank.mel(fromHertz: frequency, scale: bands.scale) - lowMel) / step - 1
        }
    }

    /// The inverse of ``row(ofFrequency:)``: the frequency in Hz at row coordinate `row`.
    public func frequency(atRow row: Double) -> Double {
        switch frequencyAxis {
        case .linear:
            return row * Double(sampleRate) / Double(fftSize)
        case let .mel(bands):
            let (lowMel, step) = Self.melCentres(bands)
            return MelFilterbank.hertz(fromMel: lowMel + (row + 1) * step, scale: bands.scale)
        }
    }

    /// The mel grid of `bands`: `mel(fmin)` and the spacing of the `count + 2` equally spaced points between `fmin`
    /// and `fmax`, whose inner ones are the band centres.
    private static func melCentres(_ bands: MelBands) -> (lowMel: Double, step: Double) {
        let lowMel = MelFilterbank.mel(fromHertz: Double(bands.minimumFrequency), scale: bands.scale)
        let highMel = MelFilterbank.mel(fromHertz: Double(bands.maximumFrequency), scale: bands.scale)
        return (lowMel, (highMel - lowMel) / Double(bands.count + 1))
    }

    /// The time in seconds at the centre of column (frame) `frame`: `frame · hopLength / sampleRate` (frames are
    /// centred on those samples, as a centred STFT makes them).
    public func time(atFrame frame: Double) -> Double { frame * Double(hopLength) / Double(sampleRate) }
}
