import Foundation

extension FrontEnd {
    /// The exact input a vocoder with this front end expects, computed from audio: ``magnitude(_:)``, then
    /// ``scaled(_:)``.
    ///
    /// librosa equivalent for the ``default`` front end: `np.log(np.maximum(librosa.feature.melspectrogram(y=y,
    /// sr=22050, n_fft=1024, hop_length=256, n_mels=80, fmax=8000, power=1), 1e-5))`.
    ///
    /// - Parameter waveform: mono audio at ``sampleRate``.
    /// - Returns: features `[rowCount, frames]` (`frames = 1 + samples / hopLength` when centring) carrying this front
    ///   end and the sample count, so a vocoder can return audio of the original length.
    /// - Throws: the errors of ``magnitude(_:)``.
    public func analyze(_ waveform: Waveform) throws -> AcousticFeatures {
        try AcousticFeatures(spectrogram: scaled(magnitude(waveform)), frontEnd: self,
                             sampleCount: waveform.sampleCount)
    }

    /// The (mel) magnitude `|S|^magnitudePower` of audio, before the ``valueScale``: the STFT magnitude to
    /// ``magnitudePower``, through the mel filters for a mel axis (librosa `np.abs(stft(y, ...)) ** power`, or
    /// `feature.melspectrogram(y=y, ..., power=magnitudePower)`).
    ///
    /// - Parameter waveform: mono audio at ``sampleRate``.
    /// - Returns: `[rowCount, frames]`.
    /// - Throws: ``AudioDSPError/frontEndMismatch(field:expected:actual:)`` (field `sampleRate`) for audio at another
    ///   rate (resample it first, e.g. `waveform.resampled(to:)`),
    ///   ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for more than one channel (downmix it first,
    ///   ``Waveform/downmixed()``), and the errors of
    ///   ``ShortTimeFourierTransform/magnitude(_:power:)`` for empty, non-finite or too-short audio.
    public func magnitude(_ waveform: Waveform) throws -> Spectrogram {
        guard waveform.sampleRate == sampleRate else {
            throw AudioDSPError.frontEndMismatch(field: .sampleRate, expected: "\(sampleRate)",
                                                 actual: "\(waveform.sampleRate)")
        }
        guard waveform.channelCount == 1 else {
            throw AudioDSPError.shapeMismatch(what: "waveform", expected: "1 channel (downmix to mono first)",
                                              actual: "\(waveform.channelCount) channels")
        }
        let samples = waveform.samples
        let transform = try makeTransform()
        return if let filterbank = try makeFilterbank() {
            try melSpectrogram(samples, stft: transform, filterbank: filterbank, power: magnitudePower)
        } else {
            try transform.magnitude(samples, power: magnitudePower)
        }
    }

    /// Applies the ``valueScale`` to a (mel) magnitude spectrogram `|S|^magnitudePower` (any shape).
    ///
    /// - ``ValueScale/decibels(amin:topDB:)``: `Decibels.powerToDecibels` (power 2) or
    ///   `Decibels.amplitudeToDecibels` (power 1), reference 1.
    /// - ``ValueScale/log1p``: `log(1 + x)`; ``ValueScale/logClamp(minimum:)``: `log(max(x, minimum))`.
    public func scaled(_ magnitude: Spectrogram) -> Spectrogram {
        var result = magnitude
        switch valueScale {
        case .linear:
            break
        case let .decibels(amin, topDB):
            result = magnitudePower == 2
                ? Decibels.powerToDecibels(magnitude, reference: .value(1), amin: amin, topDB: topDB)
                : Decibels.amplitudeToDecibels(magnitude, reference: .value(1), amin: amin, topDB: topDB)
        case .log1p:
            for index in result.values.indices { result.values[index] = Foundation.log1p(result.values[index]) }
        case let .logClamp(minimum):
            for index in result.values.indices { result.values[index] = log(max(result.values[index], minimum)) }
        }
        return result
    }

    /// Undoes the ``valueScale``: the (mel) magnitude `|S|^magnitudePower` that ``scaled(_:)`` maps to `values`.
    ///
    /// Exact up to Float rounding for values above the scale's floors (`amin`, `max − topDB`, `minimum`); a floored
    /// value comes back as the floor. `Decibels.decibelsToPower` / `decibelsToAmplitude` undo decibels,
    /// `exp(x) − 1` undoes `log1p` (clamped at 0), `exp(x)` undoes `logClamp`.
    public func unscaled(_ values: Spectrogram) -> Spectrogram {
        var result = values
        switch valueScale {
        case .linear:
            break
        case .decibels:
            result = magnitudePower == 2 ? Decibels.decibelsToPower(values) : Decibels.decibelsToAmplitude(values)
        case .log1p:
            for index in result.values.indices { result.values[index] = max(0, expm1(result.values[index])) }
        case .logClamp:
            for index in result.values.indices { result.values[index] = exp(result.values[index]) }
        }
        return result
    }
}
