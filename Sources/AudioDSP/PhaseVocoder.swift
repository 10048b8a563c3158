import Foundation

extension FrameMajorSpectrogram {
    /// The spectrogram resampled in time by the phase vocoder (Flanagan & Golden 1966; Ellis 2002), exactly as
    /// `librosa.phase_vocoder(D, rate=rate, hop_length=hopLength, n_fft=fftSize)` (librosa 0.11.0).
    ///
    /// Output frame `t` reads the input at the fractional frame `s = t · rate`, `t = 0 ..< ⌈frameCount / rate⌉`
    /// (NumPy's `arange(0, frameCount, rate)`). Its magnitude interpolates linearly between input frames `⌊s⌋` and
    /// `⌊s⌋ + 1` (the input is padded with two zero frames past its end); its phase is an accumulator that starts
    /// at the phase of input frame 0 and advances, after each output frame, by the bin's expected advance
    /// `φₖ = hopLength · 2πk / fftSize` plus the deviation `Δ = ∠X[⌊s⌋+1] − ∠X[⌊s⌋] − φₖ` wrapped to `[−π, π]`.
    /// The result has `rate` times fewer frames (`rate > 1` speeds up); its inverse STFT with the same hop has the
    /// input's spectral content on a stretched time axis.
    ///
    /// As librosa does, the accumulator is kept in single precision (a `float32` array updated in place by
    /// `float64` increments), so that the result matches librosa's to float rounding: at bin k the phase grows by
    /// about `φₖ` per frame, up to `hopLength · π` radians at the top bin, and its single-precision rounding (a few
    /// milliradians after a hundred frames of a 2048-point, 512-hop transform) is part of librosa's output.
    ///
    /// Cost: one `atan2` and one magnitude per input value, one `sin`/`cos` pair per output value; the bins are
    /// split over ``AudioDSPThreads/threadCount`` threads.
    ///
    /// - Parameters:
    ///   - rate: the speed-up factor (librosa `rate`), finite and in ``TimeStretch/rateRange``: 2 halves the
    ///     number of frames, 0.5 doubles it.
    ///   - hopLength: the hop of the STFT that made the spectrogram, in samples (librosa `hop_length`), ≥ 1.
    ///   - fftSize: the FFT length of that STFT (librosa `n_fft`); `binCount` must be `fftSize / 2 + 1`.
    /// - Returns: `⌈frameCount / rate⌉` frames of `binCount` bins, with this spectrogram's frame stride.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a bad `rate`, `hopLength` or an
    ///   `fftSize` that does not give `binCount`; ``AudioDSPError/emptyInput(what:)`` for zero frames.
    func phaseVocoded(rate: Double, hopLength: Int, fftSize: Int) throws -> FrameMajorSpectrogram {
        try TimeStretch.validate(rate: rate)
        guard hopLength >= 1 else {
            throw AudioDSPError.invalidParameter(name: "hopLength", value: "\(hopLength)", reason: "must be at least 1")
        }
        guard fftSize >= 2, fftSize / 2 + 1 == binCount else {
            throw AudioDSPError.invalidParameter(
                name: "fftSize", value: "\(fftSize)", reason: "does not give the spectrogram's \(binCount) bins")
        }
        guard frameCount > 0 else { throw AudioDSPError.emptyInput(what: "spectrogram") }
        let outputFrames = Int((Double(frameCount) / rate).rounded(.up))
        let batch = ShortTimeFourierTransform.framesPerBatch
        let output = FrameMajorSpectrogram(
            binCount: binCount, frameCount: outputFrames, frameStride: frameStride,
            capacity: (outputFrames + batch - 1) / batch * batch * frameStride)
        output.storage.pointer.initialize(repeating: 0, count: output.storage.count)  // padding and spare rows
        let (magnitudes, angles) = polar()
        // NumPy's fft_frequencies(sr=2π, n_fft) · hop, evaluated in the same order: k · (1 / (n · (1 / 2π))) · hop.
        let binSpacing = 1 / (Double(fftSize) * (1 / (2 * Double.pi)))
        let bins = binCount, inputFrames = frameCount, stride = frameStride, destination = output.storage.pointer
        // The fractional input frame of each output frame: its whole part and fraction (NumPy: `int(step)`,
        // `np.mod(step, 1.0)`), the same for every bin.
        let steps = (0..<outputFrames).map { t in
            let step = Double(t) * rate
            return (first: Int(step), alpha: fmod(step, 1))
        }
        magnitudes.withUnsafeBufferPointer { magnitudes in
            angles.withUnsafeBufferPointer { angles in
                AudioDSPThreads.forEachRange(bins, minimumPerThread: 64) { range in
                    for k in range {
                        let advance = Double(hopLength) * (Double(k) * binSpacing)
                        var phase = angles[k]
                        for t in 0..<outputFrames {
                            let (first, alpha) = steps[t]
                            // Frames past the end are librosa's two zero columns: magnitude 0, angle 0.
                            let (m0, a0) = first < inputFrames ? (magnitudes[first * bins + k], angles[first * bins + k]) : (0, 0)
                            let (m1, a1) = first + 1 < inputFrames
                                ? (magnitudes[(first + 1) * bins + k], angles[(first + 1) * bins + k]) : (0, 0)
                            // librosa: a float64 magnitude times the complex64 phasor of the float32 phase.
                            let magnitude = (1 - alpha) * Double(m0) + alpha * Double(m1)
                            destination[t * stride + 2 * k] = Float(magnitude * Double(cos(phase)))
                            destination[t * stride + 2 * k + 1] = Float(magnitude * Double(sin(phase)))
                            var deviation = Double(a1 - a0) - advance
                            deviation -= 2 * Double.pi * (deviation / (2 * Double.pi)).rounded(.toNearestOrEven)
                            phase = Float(Double(phase) + (advance + deviation))
                        }
                    }
                }
            }
        }
        return output
    }

    /// Magnitudes and angles (`atan2`, NumPy's `np.angle`) of every value, frame after frame (`[frames, bins]`).
    private func polar() -> (magnitudes: [Float], angles: [Float]) {
        let bins = binCount, count = binCount * frameCount, stride = frameStride, source = storage.pointer
        var angles = [Float](repeating: 0, count: count)
        let magnitudes = [Float](unsafeUninitializedCapacity: count) { magnitudes, initialized in
            angles.withUnsafeMutableBufferPointer { angles in
                AudioDSPThreads.forEachRange(frameCount, minimumPerThread: 16) { range in
                    for t in range {
                        let row = source + t * stride
                        for k in 0..<bins {
                            let re = row[2 * k], im = row[2 * k + 1]
                            magnitudes[t * bins + k] = (re * re + im * im).squareRoot()
                            angles[t * bins + k] = atan2(im, re)
                        }
                    }
                }
            }
            initialized = count
        }
        return (magnitudes, angles)
    }
}
