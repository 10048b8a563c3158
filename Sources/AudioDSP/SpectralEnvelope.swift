import Foundation

/// The spectral envelope of each STFT frame by cepstral smoothing: the real cepstrum of the frame's log magnitude,
/// liftered to its low quefrencies, transformed back (Oppenheim & Schafer, *Discrete-Time Signal Processing*, ch. 13).
///
/// For a frame's magnitudes `|X[k]|`, `k = 0 … fftSize/2`, the log magnitude `L[k] = ln max(|X[k]|, floor)`
/// (extended evenly to `fftSize` points) has the real cepstrum `c[q] = (1/N) Σₖ L[k] e^{2πikq/N}`. A voiced
/// sound's harmonics, `F0` apart, put a peak at quefrency `q = sampleRate / F0`; the resonances that shape them
/// (formants) vary slowly with frequency and live at low quefrencies. Keeping `c[q]` for `|q| <`
/// ``cepstralCoefficients`` (a rectangular lifter) and transforming back gives the smoothed log envelope
/// `E[k] = c[0] + 2 Σ_{q=1}^{C−1} c[q] cos(2πkq/N)`; the envelope is `exp(E)`.
///
/// Choosing ``cepstralCoefficients`` `C`: the lifter must end below the pitch quefrency, `C < sampleRate / F0`,
/// and the envelope's frequency resolution is about `sampleRate / C`. The default 40 at 22 050 Hz keeps
/// quefrencies below 1.8 ms: it removes the harmonic ripple of voices up to F0 ≈ 550 Hz and resolves
/// envelope features about 550 Hz wide, enough for formants; scale it with the sample rate (e.g. 80 at 44.1 kHz).
/// It does not depend on `fftSize`, since the quefrency axis is in samples.
///
/// The floor keeps silent bins from sending the log to −∞: magnitudes are clamped to ``dynamicRange`` (100 dB)
/// below a reference, the peak magnitude of the spectrogram.
///
/// Cost: two FFTs of `fftSize` per frame (FFTW, batched, threads as the STFT).
public struct SpectralEnvelope: Sendable {
    /// How far below the reference magnitude the log magnitude is floored, in dB: 100.
    public static let dynamicRange: Float = 100

    /// The FFT length of the spectrograms this envelope reads (librosa `n_fft`): `binCount = fftSize / 2 + 1`.
    public let fftSize: Int
    /// The cepstral coefficients kept, `C`: quefrencies `|q| < C` samples, `1 ... fftSize / 2`. Default 40.
    public let cepstralCoefficients: Int

    private let forwardPlan: FFTPlan
    private let inversePlan: FFTPlan

    /// Makes a cepstral smoother.
    ///
    /// - Parameters:
    ///   - fftSize: the FFT length of the spectrograms to smooth, ≥ 2. Default 2048.
    ///   - cepstralCoefficients: the lifter length `C` in samples of quefrency, `1 ... fftSize / 2`. Default 40
    ///     (1.8 ms at 22 050 Hz, see the type's documentation).
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for values out of range.
    public init(fftSize: Int = 2048, cepstralCoefficients: Int = 40) throws {
        guard fftSize >= 2 else {
            throw AudioDSPError.invalidParameter(name: "fftSize", value: "\(fftSize)", reason: "must be at least 2")
        }
        guard cepstralCoefficients >= 1, cepstralCoefficients <= fftSize / 2 else {
            throw AudioDSPError.invalidParameter(
                name: "cepstralCoefficients", value: "\(cepstralCoefficients)",
                reason: "must be in 1...fftSize / 2 (\(fftSize / 2))")
        }
        self.fftSize = fftSize
        self.cepstralCoefficients = cepstralCoefficients
        forwardPlan = FFTPlan.shared(.realToComplex, size: fftSize, batch: ShortTimeFourierTransform.framesPerBatch)
        inversePlan = FFTPlan.shared(.complexToReal, size: fftSize, batch: ShortTimeFourierTransform.framesPerBatch)
    }

    /// The envelope `exp(E)` of every frame of an amplitude spectrogram (`|STFT|`, not power or dB), shape
    /// `[1 + fftSize/2, frames]` in and out, in the input's units; the floor's reference is the input's peak.
    ///
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for another bin count,
    ///   ``AudioDSPError/emptyInput(what:)`` for no frames, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/silentInput(what:)`` for an all-zero spectrogram.
    public func callAsFunction(_ magnitude: Spectrogram) throws -> Spectrogram {
        let bins = fftSize / 2 + 1, frames = magnitude.frameCount
        guard magnitude.rowCount == bins else {
            throw AudioDSPError.shapeMismatch(what: "magnitude", expected: "[\(bins), frames]",
                                              actual: "[\(magnitude.rowCount), \(frames)]")
        }
        try validateFinite(magnitude.values, what: "magnitude")
        let peak = magnitude.values.reduce(0) { max($0, abs($1)) }
        guard peak > 0 else { throw AudioDSPError.silentInput(what: "magnitude") }
        let logEnvelope = logEnvelopes(frameCount: frames, floor: floor(reference: peak)) { frame, bin in
            magnitude.values[bin * frames + frame]
        }
        var values = [Float](repeating: 0, count: bins * frames)
        for frame in 0..<frames {
            for bin in 0..<bins { values[bin * frames + frame] = exp(logEnvelope[frame * bins + bin]) }
        }
        return Spectrogram(values: values, rowCount: bins, frameCount: frames)
    }

    /// The magnitude floor for a reference (peak) magnitude: ``dynamicRange`` dB below it.
    func floor(reference: Float) -> Float { reference * pow(10, -Self.dynamicRange / 20) }

    /// The log envelope `E` of every frame of a complex frame-major spectrogram, `[frames, bins]` (frame after frame).
    func logEnvelopes(of spectrogram: FrameMajorSpectrogram, floor: Float) -> [Float] {
        let stride = spectrogram.frameStride, values = spectrogram.storage.pointer
        return logEnvelopes(frameCount: spectrogram.frameCount, floor: floor) { frame, bin in
            let pair = values + frame * stride + 2 * bin
            return (pair[0] * pair[0] + pair[1] * pair[1]).squareRoot()
        }
    }

    /// The log envelopes `[frames, bins]` of `frames` frames whose magnitudes `magnitude(frame, bin)` gives: per batch
    /// of frames, the floored log magnitudes go through an inverse real FFT (the cepstrum, times `N`), the lifter
    /// (scaled by `1/N`) and a forward real FFT, whose real parts are `E`.
    private func logEnvelopes(frameCount frames: Int, floor: Float, magnitude: (Int, Int) -> Float) -> [Float] {
        let bins = fftSize / 2 + 1, n = fftSize, kept = cepstralCoefficients, batch = ShortTimeFourierTransform.framesPerBatch
        let realStride = forwardPlan.realStride, complexStride = forwardPlan.complexStride
        let logFloor = log(floor), scale = 1 / Float(n)
        return [Float](unsafeUninitializedCapacity: frames * bins) { output, initialized in
            AudioDSPThreads.forEachClaimedIndex(
                (frames + batch - 1) / batch,
                makeState: { FFTBuffers(realCount: realStride * batch, complexCount: complexStride * batch) }
            ) { buffers, batchIndex in
                let first = batchIndex * batch, count = min(batch, frames - first)
                let spectrum = UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self)
                for row in 0..<batch {
                    let destination = spectrum + 2 * row * complexStride
                    for k in 0..<bins {
                        destination[2 * k] = row < count ? max(log(magnitude(first + row, k)), logFloor) : 0
                        destination[2 * k + 1] = 0
                    }
                }
                inversePlan.execute(buffers)  // cepstra (times N) in the real rows
                for row in 0..<batch {
                    let cepstrum = buffers.real + row * realStride
                    for q in 0..<n { cepstrum[q] = q < kept || q > n - kept ? cepstrum[q] * scale : 0 }
                }
                forwardPlan.execute(buffers)
                for row in 0..<count {
                    let source = spectrum + 2 * row * complexStride, destination = output.baseAddress! + (first + row) * bins
                    for k in 0..<bins { destination[k] = source[2 * k] }
                }
            }
            initialized = frames * bins
        }
    }
}

extension FrameMajorSpectrogram {
    /// The largest magnitude `|S|` of any value (0 for no frames): the reference of the envelope floor.
    func magnitudePeak() -> Float {
        var peak: Float = 0
        for frame in 0..<frameCount {
            let row = storage.pointer + frame * frameStride
            for k in 0..<binCount { peak = max(peak, row[2 * k] * row[2 * k] + row[2 * k + 1] * row[2 * k + 1]) }
        }
        return peak.squareRoot()
    }
}
