import CFFTW
import Foundation

/// The short-time Fourier transform and its inverse over FFTW, with librosa's semantics (`librosa.stft` /
/// `librosa.istft`).
///
/// A transform object fixes the parameters, precomputes the window and fetches its FFTW plans once (plans are cached
/// per size for the whole process, see `FFTPlan`), so calling ``forward(_:)`` or ``inverse(_:length:)`` many times
/// (as ``GriffinLim`` does) costs only the transforms. Frames are processed in batches of
/// ``framesPerBatch`` with `fftwf_plan_many_dft_r2c`, spread over ``AudioDSPThreads/threadCount`` threads.
///
/// Output layout: a ``ComplexSpectrogram`` of `[1 + fftSize/2, frameCount]`, frames contiguous (NumPy C order of
/// librosa's result). The object is immutable and safe to share between threads.
public final class ShortTimeFourierTransform: Sendable {
    /// How the signal is extended by `fftSize / 2` samples on each side when ``center`` is true (librosa `pad_mode`).
    public enum PadMode: String, Sendable, CaseIterable {
        /// Zeros (`'constant'`), librosa's default since 0.9.
        case constant
        /// Mirror without repeating the edge sample (`'reflect'`, NumPy's `np.pad(mode='reflect')`; `torch.stft`'s default).
        case reflect
    }

    /// Frames transformed per batched FFTW call.
    public static let framesPerBatch = 16

    /// FFT length in samples (librosa `n_fft`), ≥ 2. Default 2048.
    public let fftSize: Int
    /// Samples between the starts of consecutive frames (librosa `hop_length`), `1 ... windowLength`.
    public let hopLength: Int
    /// Length of the window before it is zero-padded centrally to `fftSize` (librosa `win_length`), `1 ... fftSize`.
    public let windowLength: Int
    /// The window function (librosa `window`). Default ``WindowFunction/hann``.
    public let window: WindowFunction
    /// Whether frame `t` is centred on sample `t · hopLength` (librosa `center`), by padding `fftSize / 2` samples
    /// on each side. Default `true`.
    public let center: Bool
    /// The padding used when ``center`` is true (librosa `pad_mode`). Default ``PadMode/constant``.
    public let padMode: PadMode
    /// The window zero-padded to `fftSize` (librosa `util.pad_center(get_window(window, win_length), size=n_fft)`).
    public let windowValues: [Float]

    private let forwardPlan: FFTPlan
    private let inversePlan: FFTPlan

    /// The number of frequency bins, `1 + fftSize / 2`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// librosa's default hop for a window length: `windowLength / 4` (rounded down, at least 1).
    public static func defaultHopLength(windowLength: Int) -> Int { max(1, windowLength / 4) }

    /// Makes a transform.
    ///
    /// - Parameters:
    ///   - fftSize: FFT length in samples (`n_fft`), ≥ 2. Default 2048 (librosa's).
    ///   - hopLength: hop in samples (`hop_length`), `1 ... windowLength`; `nil` means
    ///     ``defaultHopLength(windowLength:)`` (`windowLength / 4`), librosa's default.
    ///   - windowLength: window length (`win_length`), `1 ... fftSize`; `nil` means `fftSize`.
    ///   - window: the window function. Default Hann (periodic).
    ///   - center: centre frames on `t · hopLength` by padding `fftSize / 2` on each side. Default `true`.
    ///   - padMode: the padding when centring. Default zeros, as librosa ≥ 0.9.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a parameter out of range.
    public init(fftSize: Int = 2048, hopLength: Int? = nil, windowLength: Int? = nil, window: WindowFunction = .hann,
                center: Bool = true, padMode: PadMode = .constant) throws {
        guard fftSize >= 2 else {
            throw AudioDSPError.invalidParameter(name: "fftSize", value: "\(fftSize)", reason: "must be at least 2")
        }
        let windowLength = windowLength ?? fftSize
        guard windowLength >= 1, windowLength <= fftSize else {
            throw AudioDSPError.invalidParameter(name: "windowLength", value: "\(windowLength)",
                                                 reason: "must be in 1...fftSize (\(fftSize))")
        }
        let hopLength = hopLength ?? Self.defaultHopLength(windowLength: windowLength)
        guard hopLength >= 1, hopLength <= windowLength else {
            throw AudioDSPError.invalidParameter(name: "hopLength", value: "\(hopLength)",
                                                 reason: "must be in 1...windowLength (\(windowLength))")
        }
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.windowLength = windowLength
        self.window = window
        self.center = center
        self.padMode = padMode
        windowValues = window.values(length: windowLength, paddedTo: fftSize)
        forwardPlan = FFTPlan.shared(.realToComplex, size: fftSize, batch: Self.framesPerBatch)
        inversePlan = FFTPlan.shared(.complexToReal, size: fftSize, batch: Self.framesPerBatch)
    }

    /// The number of frames ``forward(_:)`` produces for `sampleCount` samples: `1 + sampleCount / hopLength` when
    /// centring (for even `fftSize`), `1 + (sampleCount − fftSize) / hopLength` otherwise.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` when ``center`` is false and the signal is
    ///   shorter than `fftSize` (librosa raises `ParameterError` too).
    public func frameCount(sampleCount: Int) throws -> Int {
        let paddedCount = center ? sampleCount + 2 * (fftSize / 2) : sampleCount
        guard paddedCount >= fftSize else {
            throw AudioDSPError.invalidParameter(
                name: "fftSize", value: "\(fftSize)", reason: "longer than the \(sampleCount)-sample signal with center = false")
        }
        return 1 + (paddedCount - fftSize) / hopLength
    }

    /// The STFT of `samples` (librosa `stft(y, n_fft=fftSize, hop_length=hopLength, win_length=windowLength,
    /// window=window, center=center, pad_mode=padMode)`), shape `[1 + fftSize/2, frameCount]`, unnormalised
    /// (`X[k, t] = Σₙ w[n] x[t·hop + n] e^{−2πikn/N}`).
    ///
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)`` for bad samples,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` if the signal is too short (see
    ///   ``frameCount(sampleCount:)``).
    public func forward(_ samples: [Float]) throws -> ComplexSpectrogram {
        try validateFinite(samples, what: "samples")
        let frames = try frameCount(sampleCount: samples.count)
        return transform(padded(samples), frameCount: frames)
    }

    /// The magnitude spectrogram `|STFT(samples)|^power` (librosa `np.abs(stft(...)) ** power`), shape
    /// `[1 + fftSize/2, frameCount]`. `power` 1 (default) gives amplitudes, 2 the power spectrogram.
    ///
    /// - Throws: the errors of ``forward(_:)``.
    public func magnitude(_ samples: [Float], power: Float = 1) throws -> Spectrogram {
        try forward(samples).magnitude(power: power)
    }

    /// The inverse STFT (librosa `istft(stft_matrix, hop_length, win_length, n_fft, window, center, length)`):
    /// inverse FFT of every frame, windowed overlap-add, division by the window sum-square wherever it exceeds the
    /// smallest normal Float, and removal of the `fftSize / 2` centring pad.
    ///
    /// - Parameters:
    ///   - spectrogram: `[1 + fftSize/2, frames]`.
    ///   - length: the exact output length in samples (zero-padded or truncated, librosa `length`); `nil` gives
    ///     `hopLength · (frames − 1)` when centring, `fftSize + hopLength · (frames − 1)` otherwise.
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for the wrong bin count,
    ///   ``AudioDSPError/emptyInput(what:)`` for zero frames, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for `length < 1`.
    public func inverse(_ spectrogram: ComplexSpectrogram, length: Int? = nil) throws -> [Float] {
        guard spectrogram.binCount == binCount else {
            throw AudioDSPError.shapeMismatch(what: "spectrogram", expected: "[\(binCount), frames]",
                                              actual: "[\(spectrogram.binCount), \(spectrogram.frameCount)]")
        }
        if let length, length < 1 {
            throw AudioDSPError.invalidParameter(name: "length", value: "\(length)", reason: "must be at least 1")
        }
        try validateFinite(spectrogram.real, what: "spectrogram (real part)")
        try validateFinite(spectrogram.imag, what: "spectrogram (imaginary part)")
        return inverseTransform(spectrogram, length: length)
    }

    // MARK: - Unchecked internals (also used by GriffinLim)

    /// `samples` padded by `fftSize / 2` on each side according to ``padMode`` (or returned as is without centring).
    func padded(_ samples: [Float]) -> [Float] {
        guard center else { return samples }
        let pad = fftSize / 2
        var out = [Float](repeating: 0, count: samples.count + 2 * pad)
        for (index, value) in samples.enumerated() { out[pad + index] = value }
        if padMode == .reflect {
            let count = samples.count
            let period = 2 * (count - 1)
            func mirrored(_ index: Int) -> Float {
                guard period > 0 else { return samples[0] }
                var j = abs(index) % period
                if j >= count { j = period - j }
                return samples[j]
            }
            for i in 0..<pad {
                out[i] = mirrored(i - pad)
                out[pad + count + i] = mirrored(count + i)
            }
        }
        return out
    }

    /// The STFT of an already padded signal holding at least `fftSize + hopLength · (frameCount − 1)` samples.
    func transform(_ signal: [Float], frameCount frames: Int) -> ComplexSpectrogram {
        let bins = binCount, n = fftSize, hop = hopLength, batch = Self.framesPerBatch
        let plan = forwardPlan
        var real = [Float](repeating: 0, count: bins * frames)
        var imag = [Float](repeating: 0, count: bins * frames)
        let batches = (frames + batch - 1) / batch
        signal.withUnsafeBufferPointer { signal in
            windowValues.withUnsafeBufferPointer { window in
                real.withUnsafeMutableBufferPointer { realOut in
                    imag.withUnsafeMutableBufferPointer { imagOut in
                        let (signal, window) = (signal.baseAddress!, window.baseAddress!)
                        let (realOut, imagOut) = (realOut.baseAddress!, imagOut.baseAddress!)
                        AudioDSPThreads.forEachRange(batches) { range in
                            let buffers = FFTBuffers(for: plan)
                            let spectrum = UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self)
                            for batchIndex in range {
                                let first = batchIndex * batch
                                let count = min(batch, frames - first)
                                for row in 0..<batch {
                                    let destination = buffers.real + row * plan.realStride
                                    if row < count {
                                        let source = signal + (first + row) * hop
                                        for t in 0..<n { destination[t] = source[t] * window[t] }
                                    } else {
                                        destination.update(repeating: 0, count: n)
                                    }
                                }
                                plan.execute(buffers)
                                for k in 0..<bins {
                                    let offset = k * frames + first
                                    for row in 0..<count {
                                        let source = 2 * (row * plan.complexStride + k)
                                        realOut[offset + row] = spectrum[source]
                                        imagOut[offset + row] = spectrum[source + 1]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ComplexSpectrogram(real: real, imag: imag, binCount: bins, frameCount: frames)
    }

    /// The inverse STFT without input checks (see ``inverse(_:length:)``).
    func inverseTransform(_ spectrogram: ComplexSpectrogram, length: Int?) -> [Float] {
        let bins = binCount, n = fftSize, hop = hopLength, batch = Self.framesPerBatch
        let pad = center ? n / 2 : 0
        var frames = spectrogram.frameCount
        if let length {
            frames = min(frames, (length + 2 * pad + hop - 1) / hop)
        }
        let stored = spectrogram.frameCount
        let outputCount = length ?? (n + hop * (frames - 1) - 2 * pad)
        let plan = inversePlan
        // Windowed time-domain frames, [frames, n], scaled by 1/n as NumPy's irfft.
        var segments = [Float](repeating: 0, count: frames * n)
        let batches = (frames + batch - 1) / batch
        let scale = 1 / Float(n)
        spectrogram.real.withUnsafeBufferPointer { realIn in
            spectrogram.imag.withUnsafeBufferPointer { imagIn in
                windowValues.withUnsafeBufferPointer { window in
                    segments.withUnsafeMutableBufferPointer { segments in
                        let (realIn, imagIn) = (realIn.baseAddress!, imagIn.baseAddress!)
                        let (window, segments) = (window.baseAddress!, segments.baseAddress!)
                        AudioDSPThreads.forEachRange(batches) { range in
                            let buffers = FFTBuffers(for: plan)
                            let spectrum = UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self)
                            for batchIndex in range {
                                let first = batchIndex * batch
                                let count = min(batch, frames - first)
                                for k in 0..<bins {
                                    let offset = k * stored + first
                                    for row in 0..<batch {
                                        let destination = 2 * (row * plan.complexStride + k)
                                        spectrum[destination] = row < count ? realIn[offset + row] : 0
                                        spectrum[destination + 1] = row < count ? imagIn[offset + row] : 0
                                    }
                                }
                                plan.execute(buffers)
                                for row in 0..<count {
                                    let source = buffers.real + row * plan.realStride
                                    let destination = segments + (first + row) * n
                                    for t in 0..<n { destination[t] = source[t] * window[t] * scale }
                                }
                            }
                        }
                    }
                }
            }
        }
        return overlapAdd(segments, frameCount: frames, outputCount: outputCount, offset: pad)
    }

    /// Overlap-adds `[frames, fftSize]` windowed segments, divides by the window sum-square (librosa
    /// `filters.window_sumsquare`) where it exceeds the smallest normal Float, and returns `outputCount` samples
    /// starting at `offset` of the full signal (zeros past its end).
    private func overlapAdd(_ segments: [Float], frameCount frames: Int, outputCount: Int, offset: Int) -> [Float] {
        let n = fftSize, hop = hopLength
        let fullCount = n + hop * (frames - 1)
        var output = [Float](repeating: 0, count: outputCount)
        let squaredWindow = windowValues.map { $0 * $0 }
        let tiny = Float.leastNormalMagnitude
        segments.withUnsafeBufferPointer { segments in
            squaredWindow.withUnsafeBufferPointer { squaredWindow in
                output.withUnsafeMutableBufferPointer { output in
                    let (segments, squaredWindow, output) = (segments.baseAddress!, squaredWindow.baseAddress!, output.baseAddress!)
                    // Each thread owns a range of output samples and sums every frame that overlaps it.
                    AudioDSPThreads.forEachRange(min(outputCount, max(0, fullCount - offset)), minimumPerThread: 4096) { range in
                        let start = offset + range.lowerBound, end = offset + range.upperBound
                        var sum = [Float](repeating: 0, count: range.count)
                        var weight = [Float](repeating: 0, count: range.count)
                        let firstFrame = max(0, (start - n) / hop)
                        let lastFrame = min(frames - 1, (end - 1) / hop)
                        if firstFrame <= lastFrame {
                            for frame in firstFrame...lastFrame {
                                let frameStart = frame * hop
                                let from = max(start, frameStart), to = min(end, frameStart + n)
                                guard from < to else { continue }
                                let segment = segments + frame * n
                                for i in from..<to {
                                    sum[i - start] += segment[i - frameStart]
                                    weight[i - start] += squaredWindow[i - frameStart]
                                }
                            }
                        }
                        for i in 0..<range.count {
                            output[range.lowerBound + i] = weight[i] > tiny ? sum[i] / weight[i] : sum[i]
                        }
                    }
                }
            }
        }
        return output
    }
}
