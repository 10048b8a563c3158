import Foundation

/// Phase reconstruction from a magnitude spectrogram by the fast Griffin-Lim algorithm (Perraudin, Balazs &
/// Søndergaard 2013), with the semantics of `librosa.griffinlim`.
///
/// Each iteration takes the inverse STFT of `magnitude · angles`, the STFT of that signal (`rebuilt`), and sets
/// `angles = a / (|a| + tiny)` with `a = rebuilt − momentum/(1 + momentum) · previous rebuilt`. The result is the
/// inverse STFT of `magnitude · angles` after the last iteration. All transforms go through the given
/// ``ShortTimeFourierTransform`` (same `fftSize`, hop, window, centring and padding as librosa's arguments).
public struct GriffinLim: Sendable {
    /// The phase the iterations start from (librosa `init`).
    public enum InitialPhase: Sendable, Equatable {
        /// Uniformly random phase in `[0, 2π)` from a generator seeded with `seed` (librosa `init='random'`; the
        /// generator is this library's, so the values differ from NumPy's for the same seed).
        case random(seed: UInt64)
        /// The phase of a given complex spectrogram of the magnitude's shape (e.g. a previous reconstruction);
        /// cells of zero magnitude get phase 0.
        case given(ComplexSpectrogram)
        /// Zero phase everywhere (librosa `init=None`).
        case zero
        /// The phase that Phase Gradient Heap Integration estimates from the magnitude itself
        /// (``ShortTimeFourierTransform/phaseGradientHeapIntegration(_:tolerance:)``; needs a Hann, Hamming or
        /// Blackman window). No randomness. From it, 32 iterations rebuild held-out speech from its linear
        /// magnitude at PESQ-WB 4.12, where a random start reaches 3.80 (`Docs/Vocoders.md`).
        case phaseGradient(tolerance: Float = 1e-5)

        /// The best start `window` allows: `.phaseGradient()`, or `.random(seed: 0)` for a rectangular window.
        public static func preferred(for window: WindowFunction) -> InitialPhase {
            window == .rectangular ? .random(seed: 0) : .phaseGradient()
        }
    }

    /// The default number of iterations, librosa's: 32.
    public static let defaultIterations = 32

    /// The transform used for every analysis/synthesis step.
    public let stft: ShortTimeFourierTransform
    /// Number of iterations (librosa `n_iter`), ≥ 0. Default 32.
    public let iterations: Int
    /// The momentum of fast Griffin-Lim (librosa `momentum`), in `[0, 1]`; 0 is the classic algorithm. Default 0.99.
    public let momentum: Float
    /// The starting phase. Default `.random(seed: 0)`.
    public let initialPhase: InitialPhase

    /// Configures a reconstruction.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for negative `iterations`, a momentum
    ///   outside `[0, 1]` (librosa rejects negative momentum and warns above 1), and a phase-gradient start on a
    ///   rectangular window (`window`) or with a tolerance outside `(0, 1)` (`initialPhase.tolerance`).
    public init(stft: ShortTimeFourierTransform, iterations: Int = defaultIterations, momentum: Float = 0.99,
                initialPhase: InitialPhase = .random(seed: 0)) throws {
        guard iterations >= 0 else {
            throw AudioDSPError.invalidParameter(name: "iterations", value: "\(iterations)", reason: "must be ≥ 0")
        }
        guard momentum >= 0, momentum <= 1 else {
            throw AudioDSPError.invalidParameter(name: "momentum", value: "\(momentum)", reason: "must be in 0...1")
        }
        if case let .phaseGradient(tolerance) = initialPhase {
            _ = try stft.phaseGradientWidthFactor(tolerance: tolerance, toleranceName: "initialPhase.tolerance")
        }
        self.stft = stft
        self.iterations = iterations
        self.momentum = momentum
        self.initialPhase = initialPhase
    }

    /// Reconstructs a signal whose STFT magnitude approximates `magnitude` (librosa `griffinlim(S, n_iter,
    /// hop_length, win_length, n_fft, window, center, length, pad_mode, momentum, init, random_state)`).
    ///
    /// - Parameters:
    ///   - magnitude: an amplitude spectrogram `[1 + fftSize/2, frames]` (not power, not dB).
    ///   - sampleCount: the exact output length in samples (librosa `length`); `nil` gives the inverse STFT's implied length.
    /// - Returns: the samples.
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for a wrong bin count or a given phase of
    ///   another shape, ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   `invalidParameter` for `sampleCount < 1`.
    public func reconstruct(magnitude: Spectrogram, sampleCount: Int? = nil) throws -> [Float] {
        try iterate(from: magnitude, sampleCount: sampleCount, projection: nil)
    }

    /// The iterations from `magnitude` (the start's amplitude and, without a `projection`, the fixed target). With
    /// a projection, each iteration's target is instead the projection of the rebuilt spectrum's magnitude.
    func iterate(from magnitude: Spectrogram, sampleCount: Int?, projection: MelProjection?) throws -> [Float] {
        guard magnitude.rowCount == stft.binCount else {
            throw AudioDSPError.shapeMismatch(what: "magnitude", expected: "[\(stft.binCount), frames]",
                                              actual: "[\(magnitude.rowCount), \(magnitude.frameCount)]")
        }
        try validateFinite(magnitude.values, what: "magnitude")
        if let sampleCount, sampleCount < 1 {
            throw AudioDSPError.invalidParameter(name: "sampleCount", value: "\(sampleCount)", reason: "must be at least 1")
        }
        let bins = magnitude.rowCount, frames = magnitude.frameCount, count = bins * frames
        var spectrum = ComplexSpectrogram(real: magnitude.values, imag: [Float](repeating: 0, count: count),
                                          binCount: bins, frameCount: frames)
        /// `spectrum = magnitude · e^(i·phase(index))`, cell by cell in index order.
        func setPhases(_ phase: (Int) -> Float) {
            for index in 0..<count {
                let angle = phase(index)
                spectrum.real[index] = magnitude.values[index] * cos(angle)
                spectrum.imag[index] = magnitude.values[index] * sin(angle)
            }
        }
        switch initialPhase {
        case .zero:
            break
        case let .random(seed):
            var generator = SplitMix64(seed: seed)
            setPhases { _ in 2 * Float.pi * Float(generator.next() >> 40) * 0x1p-24 }
        case let .phaseGradient(tolerance):
            let phase = try stft.phaseGradientHeapIntegration(magnitude, tolerance: tolerance)
            setPhases { phase.values[$0] }
        case let .given(phase):
            guard phase.binCount == bins, phase.frameCount == frames else {
                throw AudioDSPError.shapeMismatch(what: "initial phase", expected: "[\(bins), \(frames)]",
                                                  actual: "[\(phase.binCount), \(phase.frameCount)]")
            }
            for index in 0..<count {
                let re = phase.real[index], im = phase.imag[index], modulus = (re * re + im * im).squareRoot()
                guard modulus > 0 else { continue }  // phase 0: the magnitude stays real
                spectrum.real[index] = magnitude.values[index] * re / modulus
                spectrum.imag[index] = magnitude.values[index] * im / modulus
            }
        }
        let (usedFrames, outputLength) = stft.inverseSize(frameCount: frames, sampleCount: sampleCount)
        guard try stft.frameCount(sampleCount: outputLength) == frames, usedFrames == frames else {
            throw AudioDSPError.invalidParameter(name: "sampleCount", value: "\(outputLength)",
                                                 reason: "its STFT would not have the magnitude's \(frames) frames")
        }
        let weights = stft.overlapWeights(frameCount: frames, outputCount: outputLength)
        // The loop works in FFTW's frame-major layout (frame t at t · complexStride complex values), so the
        // transforms read and write the spectra in place with no transposes and no allocation.
        let complexStride = stft.frameMajorStride / 2, total = stft.frameMajorCount(frames: frames)
        let target = AlignedFloats(count: total / 2), current = AlignedFloats(count: total)
        var rebuilt = AlignedFloats(count: total), previous = AlignedFloats(count: total)
        for bin in 0..<bins {
            for frame in 0..<frames {
                let index = frame * complexStride + bin
                target.pointer[index] = magnitude.values[bin * frames + frame]
                current.pointer[2 * index] = spectrum.real[bin * frames + frame]
                current.pointer[2 * index + 1] = spectrum.imag[bin * frames + frame]
            }
        }
        var segments = [Float](repeating: 0, count: frames * stft.fftSize)
        var signal = [Float](repeating: 0, count: outputLength)
        let weight = momentum / (1 + momentum)
        for _ in 0..<iterations {
            stft.inverseTransform(.frameMajor(current.pointer), frameCount: frames, weights: weights, segments: &segments,
                                  into: &signal)
            stft.transform(signal, count: outputLength, frameCount: frames, into: .frameMajor(rebuilt.pointer))
            projection?.project(rebuilt: rebuilt.pointer, into: target.pointer, frameStride: complexStride)
            Self.updateAngles(current.pointer, magnitude: target.pointer, rebuilt: rebuilt.pointer,
                              previous: previous.pointer, weight: weight, count: total / 2)
            swap(&rebuilt, &previous)
        }
        stft.inverseTransform(.frameMajor(current.pointer), frameCount: frames, weights: weights, segments: &segments,
                              into: &signal)
        return signal
    }

    /// The spectral convergence `‖|S| − |Ŝ|‖_F / ‖|S|‖_F` between a target magnitude and the magnitude of a
    /// reconstruction (the usual Griffin-Lim quality measure; lower is better).
    ///
    /// - Precondition: both spectrograms have the same shape.
    public static func spectralConvergence(_ estimate: Spectrogram, reference: Spectrogram) -> Float {
        precondition(estimate.shape == reference.shape, "spectralConvergence: shapes differ")
        var difference: Double = 0, total: Double = 0
        for (e, r) in zip(estimate.values, reference.values) {
            difference += Double(e - r) * Double(e - r)
            total += Double(r) * Double(r)
        }
        return Float((difference / total).squareRoot())
    }

    /// `spectrum = magnitude · a / (|a| + tiny)` with `a = rebuilt − weight · previous` (librosa's angle update;
    /// `previous` is all zeros before the first iteration) for `count` interleaved complex values, split over
    /// ``AudioDSPThreads/threadCount`` threads.
    private static func updateAngles(_ spectrum: UnsafeMutablePointer<Float>, magnitude: UnsafePointer<Float>,
                                     rebuilt: UnsafePointer<Float>, previous: UnsafePointer<Float>, weight: Float,
                                     count: Int) {
        let tiny = Float.leastNormalMagnitude
        AudioDSPThreads.forEachRange(count, minimumPerThread: 65536) { range in
            for index in range {
                let re = rebuilt[2 * index] - weight * previous[2 * index]
                let im = rebuilt[2 * index + 1] - weight * previous[2 * index + 1]
                let scale = magnitude[index] / ((re * re + im * im).squareRoot() + tiny)
                spectrum[2 * index] = re * scale
                spectrum[2 * index + 1] = im * scale
            }
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator, so random phases are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
