import CFFTW
import Foundation

/// The short-time Fourier transform and its inverse over FFTW, with librosa's semantics (`librosa.stft` /
/// `librosa.istft`).
///
/// A transform object fixes the parameters, precomputes the window and fetches its FFTW plans once (plans are cached
/// per size for the whole process, see `FFTPlan`), so calling ``forward(_:)`` or ``inverse(_:sampleCount:)`` many times
/// (as ``GriffinLim`` does) costs only the transforms. Frames are processed in batches of
/// ``framesPerBatch`` with `fftwf_plan_many_dft_r2c`, spread over ``AudioDSPThreads/threadCount`` threads.
///
/// ``forward(_:)`` gives a ``ComplexSpectrogram`` of `[1 + fftSize/2, frameCount]` with split real and imaginary
/// arrays, each bin's frames contiguous (``magnitude(_:power:)`` and ``melSpectrogram(_:stft:filterbank:power:)``
/// skip the complex values). Internally, time stretching and pitch shifting use a frame-major layout, frame after
/// frame of interleaved pairs — librosa's own memory order, which FFTW writes directly without a transpose. The
/// object is immutable and safe to share between threads.
public final class ShortTimeFourierTransform: Sendable {
    /// How the signal is extended by `fftSize / 2` samples on each side when ``center`` is true (librosa `pad_mode`).
    public enum PadMode: String, Sendable, CaseIterable, Codable {
        /// Zeros (`'constant'`), librosa's default since 0.9.
        case constant
        /// Mirror without repeating the edge sample (`'reflect'`, NumPy's `np.pad(mode='reflect')`; `torch.stft`'s default).
        case reflect
    }

    /// Frames transformed per batched FFTW call: 16, one `SIMD16<Float>` per bin when a whole batch is transposed.
    public static let framesPerBatch = 16

    /// Bins per tile when transposing bin-major input into FFTW's rows for the inverse.
    private static let transposeTile = 32

    /// Frames per group written to bin-major outputs (``forward(_:)``, ``magnitude(_:power:)``): eight FFT batches
    /// transposed at once, so each bin's stores are 512-byte runs while the group's complex rows (0.5 MB at n_fft
    /// 1024) stay in L2; smaller groups were slower and larger ones no faster (`Docs/Benchmarks.md`, AudioDSP).
    static let framesPerTransposeGroup = 128

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
    /// Frames of `fftSize` samples every ``hopLength``, centred and padded as ``center`` and ``padMode`` say.
    let framing: Framing
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
        framing = Framing(frameLength: fftSize, hopLength: hopLength, center: center, padMode: padMode,
                          lengthParameter: "fftSize")
        windowValues = window.values(length: windowLength, paddedTo: fftSize)
        forwardPlan = FFTPlan.shared(.realToComplex, size: fftSize, batch: Self.framesPerBatch)
        inversePlan = FFTPlan.shared(.complexToReal, size: fftSize, batch: Self.framesPerBatch)
    }

    /// The number of frames ``forward(_:)`` produces for `sampleCount` samples: `1 + sampleCount / hopLength` when
    /// centring (for even `fftSize`), `1 + (sampleCount − fftSize) / hopLength` otherwise.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` when ``center`` is false and the signal is
    ///   shorter than `fftSize` (librosa raises `ParameterError` too).
    public func frameCount(sampleCount: Int) throws -> Int { try framing.frameCount(sampleCount: sampleCount) }

    /// The STFT of `samples` (librosa `stft(y, n_fft=fftSize, hop_length=hopLength, win_length=windowLength,
    /// window=window, center=center, pad_mode=padMode)`), shape `[1 + fftSize/2, frameCount]`, unnormalised
    /// (`X[k, t] = Σₙ w[n] x[t·hop + n] e^{−2πikn/N}`).
    ///
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)`` for bad samples,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` if the signal is too short (see
    ///   ``frameCount(sampleCount:)``).
    public func forward(_ samples: [Float]) throws -> ComplexSpectrogram {
        var spectrum = ComplexSpectrogram(real: [], imag: [], binCount: 0, frameCount: 0)
        try forward(samples, into: &spectrum)
        return spectrum
    }

    /// ``forward(_:)`` into an existing spectrogram, reusing its arrays when it already has the result's shape
    /// (otherwise they are replaced). Repeated transforms of equal-length signals then allocate nothing, which
    /// saves the cost of fresh pages for two `[bins, frames]` arrays on every call.
    ///
    /// - Throws: the errors of ``forward(_:)``; `spectrum` is unchanged when it throws.
    public func forward(_ samples: [Float], into spectrum: inout ComplexSpectrogram) throws {
        try validateFinite(samples, what: "samples")
        let frames = try frameCount(sampleCount: samples.count)
        if spectrum.binCount != binCount || spectrum.frameCount != frames {
            // Every value is written by the transform below, so the new arrays need no zero fill.
            let count = binCount * frames
            let fresh = { [Float](unsafeUninitializedCapacity: count) { $1 = count } }
            spectrum = ComplexSpectrogram(real: fresh(), imag: fresh(), binCount: binCount, frameCount: frames)
        }
        spectrum.real.withUnsafeMutableBufferPointer { real in
            spectrum.imag.withUnsafeMutableBufferPointer { imag in
                transform(samples, count: samples.count, frameCount: frames,
                          into: .complex(real: real.baseAddress!, imag: imag.baseAddress!))
            }
        }
    }

    /// The magnitude spectrogram `|STFT(samples)|^power` (librosa `np.abs(stft(...)) ** power`), shape
    /// `[1 + fftSize/2, frameCount]`. `power` 1 (default) gives amplitudes, 2 the power spectrogram.
    ///
    /// - Throws: the errors of ``forward(_:)``.
    public func magnitude(_ samples: [Float], power: Float = 1) throws -> Spectrogram {
        try validateFinite(samples, what: "samples")
        let frames = try frameCount(sampleCount: samples.count)
        let values = [Float](unsafeUninitializedCapacity: binCount * frames) { values, initialized in
            transform(samples, count: samples.count, frameCount: frames, into: .magnitude(values.baseAddress!, power: power))
            initialized = binCount * frames
        }
        return Spectrogram(values: values, rowCount: binCount, frameCount: frames)
    }

    /// The inverse STFT (librosa `istft(stft_matrix, hop_length, win_length, n_fft, window, center, length)`):
    /// inverse FFT of every frame, windowed overlap-add, division by the window sum-square wherever it exceeds the
    /// smallest normal Float, and removal of the `fftSize / 2` centring pad.
    ///
    /// - Parameters:
    ///   - spectrogram: `[1 + fftSize/2, frames]`.
    ///   - sampleCount: the exact output length in samples (zero-padded or truncated, librosa `length`); `nil` gives
    ///     `hopLength · (frames − 1)` when centring, `fftSize + hopLength · (frames − 1)` otherwise.
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for the wrong bin count,
    ///   ``AudioDSPError/emptyInput(what:)`` for zero frames, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for `sampleCount < 1`.
    public func inverse(_ spectrogram: ComplexSpectrogram, sampleCount: Int? = nil) throws -> [Float] {
        guard spectrogram.binCount == binCount else {
            throw AudioDSPError.shapeMismatch(what: "spectrogram", expected: "[\(binCount), frames]",
                                              actual: "[\(spectrogram.binCount), \(spectrogram.frameCount)]")
        }
        if let sampleCount, sampleCount < 1 {
            throw AudioDSPError.invalidParameter(name: "sampleCount", value: "\(sampleCount)", reason: "must be at least 1")
        }
        try validateFinite(spectrogram.real, what: "spectrogram (real part)")
        try validateFinite(spectrogram.imag, what: "spectrogram (imaginary part)")
        let (frames, outputCount) = inverseSize(frameCount: spectrogram.frameCount, sampleCount: sampleCount)
        let weights = overlapWeights(frameCount: frames, outputCount: outputCount)
        let segments = UnsafeMutablePointer<Float>.allocate(capacity: frames * fftSize)  // fully written before use
        defer { segments.deallocate() }
        return [Float](unsafeUninitializedCapacity: outputCount) { output, initialized in
            spectrogram.real.withUnsafeBufferPointer { real in
                spectrogram.imag.withUnsafeBufferPointer { imag in
                    inverseTransform(.binMajor(real: real.baseAddress!, imag: imag.baseAddress!, storedFrames: spectrogram.frameCount),
                                     frameCount: frames, weights: weights, segments: segments, into: output.baseAddress!)
                }
            }
            initialized = outputCount
        }
    }

    // MARK: - Unchecked internals (also used by GriffinLim)

    /// Where ``transform(_:frameCount:into:)`` writes each `[bins, frames]` value.
    enum ForwardOutput {
        /// Real and imaginary parts.
        case complex(real: UnsafeMutablePointer<Float>, imag: UnsafeMutablePointer<Float>)
        /// `|X|^power`.
        case magnitude(UnsafeMutablePointer<Float>, power: Float)
        /// `filterbank · |X|^power`, `[filterbank.rowCount, frames]`, without materialising `|X|^power`: each batch's
        /// magnitudes go through the sparse filters while they are in cache.
        case filtered(UnsafeMutablePointer<Float>, filterbank: SparseRows, power: Float)
        /// FFTW's own layout, written in place: frame `t` at `complexStride · t` interleaved pairs (padding zeroed),
        /// for ``frameMajorCount(frames:)`` floats from a `fftwf_malloc`-aligned pointer (see
        /// ``FrameMajorSpectrogram``).
        case frameMajor(UnsafeMutablePointer<Float>)
    }

    /// Where ``inverseTransform(_:frameCount:weights:segments:into:)`` reads the spectrum.
    enum InverseInput {
        /// `[bins, storedFrames]` real and imaginary arrays.
        case binMajor(real: UnsafePointer<Float>, imag: UnsafePointer<Float>, storedFrames: Int)
        /// FFTW's layout (as ``ForwardOutput/frameMajor(_:)``); it is overwritten (FFTW's c2r destroys its input).
        case frameMajor(UnsafeMutablePointer<Float>)
    }

    /// Interleaved floats per frame in the frame-major layout.
    var frameMajorStride: Int { 2 * forwardPlan.complexStride }

    /// Floats needed for `frames` frames in the frame-major layout (rounded up to whole batches).
    func frameMajorCount(frames: Int) -> Int {
        (frames + Self.framesPerBatch - 1) / Self.framesPerBatch * Self.framesPerBatch * frameMajorStride
    }

    /// The STFT of `count` samples (padded on the fly when centring), `frames` frames written as `[binCount, frames]`
    /// to `output`. Frames inside the signal are read in place; only the few edge frames go through the padding.
    func transform(_ samples: UnsafePointer<Float>, count sampleCount: Int, frameCount frames: Int, into output: ForwardOutput) {
        let bins = binCount, n = fftSize, hop = hopLength, batch = Self.framesPerBatch
        let shift = center ? n / 2 : 0
        let plan = forwardPlan, realStride = plan.realStride, complexStride = plan.complexStride
        let group: Int = switch output {
        case .complex, .magnitude: Self.framesPerTransposeGroup
        case .filtered, .frameMajor: batch
        }
        forEachGroup(of: frames, framesPerGroup: group, plan: plan) { buffers, spectrum, window, first, count in
            for offset in stride(from: 0, to: count, by: batch) {
                let rows = min(batch, count - offset)
                for row in 0..<batch {
                    let destination = buffers.real + row * realStride
                    let start = (first + offset + row) * hop - shift
                    if row < rows && start >= 0 && start + n <= sampleCount {
                        let source = samples + start
                        for t in 0..<n { destination[t] = source[t] * window[t] }
                    } else if row < rows {
                        for t in 0..<n {
                            destination[t] = framing.paddedSample(samples, count: sampleCount, at: start + shift + t) * window[t]
                        }
                    } else {
                        destination.update(repeating: 0, count: n)
                    }
                }
                // FFTW writes straight into a frame-major output, otherwise into this thread's rows for the group.
                let transformed: UnsafeMutablePointer<Float>
                if case let .frameMajor(destination) = output {
                    transformed = destination + (first + offset) * 2 * complexStride
                } else {
                    transformed = spectrum + offset * 2 * complexStride
                }
                plan.execute(real: buffers.real, complex: transformed)
                switch output {
                case .frameMajor:
                    for row in 0..<batch {  // FFTW leaves each row's padding as it was
                        (transformed + row * 2 * complexStride + 2 * bins).update(repeating: 0, count: 2 * (complexStride - bins))
                    }
                case let .filtered(values, filterbank, power):
                    filterBatch(transformed, count: rows, filterbank: filterbank, power: power,
                                into: values + first + offset, frames: frames)
                case .complex, .magnitude:
                    break  // transposed below, once the whole group is transformed
                }
            }
            switch output {
            case .complex, .magnitude: transposeGroup(spectrum, first: first, count: count, frames: frames, into: output)
            case .filtered, .frameMajor: break
            }
        }
    }

    /// Writes the `count` frames of a group (FFTW's interleaved rows in `spectrum`, frames `first ..< first + count`)
    /// to a `[bins, frames]` output. Bin by bin, each whole run of 16 frames is gathered into one SIMD vector and
    /// stored contiguously, so a group of ``framesPerTransposeGroup`` frames writes one 512-byte run per bin and array
    /// (an eighth of the pages touched per byte when each batch of 16 frames was transposed on its own); the frames
    /// past the last whole run are copied one by one.
    private func transposeGroup(_ spectrum: UnsafePointer<Float>, first: Int, count: Int, frames: Int,
                                into output: ForwardOutput) {
        let rowStride = 2 * forwardPlan.complexStride, width = Self.framesPerBatch, whole = count / width * width
        for k in 0..<binCount {
            for run in stride(from: 0, to: whole, by: width) {
                var re = SIMD16<Float>(), im = SIMD16<Float>()
                var source = spectrum + run * rowStride + 2 * k
                for row in 0..<width {
                    re[row] = source[0]
                    im[row] = source[1]
                    source += rowStride
                }
                let offset = k * frames + first + run
                switch output {
                case let .complex(real, imag):
                    UnsafeMutableRawPointer(real + offset).storeBytes(of: re, as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(imag + offset).storeBytes(of: im, as: SIMD16<Float>.self)
                case let .magnitude(values, power):
                    UnsafeMutableRawPointer(values + offset).storeBytes(
                        of: spectralMagnitude(re, im, power: power), as: SIMD16<Float>.self)
                case .frameMajor, .filtered:
                    preconditionFailure("written without a transpose")
                }
            }
            for row in whole..<count {
                let source = spectrum + row * rowStride + 2 * k, offset = k * frames + first + row
                switch output {
                case let .complex(real, imag):
                    real[offset] = source[0]
                    imag[offset] = source[1]
                case let .magnitude(values, power):
                    values[offset] = spectralMagnitude(source[0], source[1], power: power)
                case .frameMajor, .filtered:
                    preconditionFailure("written without a transpose")
                }
            }
        }
    }

    /// The frames used and the output length of an inverse STFT of `frameCount` frames (librosa `istft`'s rules:
    /// with `sampleCount`, only the frames that reach into it; without, `fftSize + hop · (frames − 1)` minus the pads).
    func inverseSize(frameCount: Int, sampleCount: Int?) -> (frames: Int, outputCount: Int) {
        let n = fftSize, hop = hopLength, pad = center ? n / 2 : 0
        guard let sampleCount else { return (frameCount, n + hop * (frameCount - 1) - 2 * pad) }
        return (min(frameCount, (sampleCount + 2 * pad + hop - 1) / hop), sampleCount)
    }

    /// The reciprocal of librosa's window sum-square `Σ_t w²[i + offset − t·hop]` for each of `outputCount` output
    /// samples, or 1 where the sum is below the smallest normal Float (librosa leaves those samples undivided).
    func overlapWeights(frameCount frames: Int, outputCount: Int) -> [Float] {
        let squared = windowValues.map { $0 * $0 }
        var sums = [Float](repeating: 0, count: outputCount)
        sums.withUnsafeMutableBufferPointer { sums in
            squared.withUnsafeBufferPointer {
                overlapAdd($0.baseAddress!, segmentStride: 0, frameCount: frames, into: sums.baseAddress!, count: outputCount)
            }
        }
        return sums.map { $0 > Float.leastNormalMagnitude ? 1 / $0 : 1 }
    }

    /// The inverse STFT of the first `frames` frames of `input` into `output` (`weights.count` samples).
    /// `segments` is scratch space of `frames · fftSize` values.
    func inverseTransform(_ input: InverseInput, frameCount frames: Int, weights: [Float],
                          segments: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let n = fftSize
        let plan = inversePlan, realStride = plan.realStride, complexStride = plan.complexStride
        let scale = 1 / Float(n)
        forEachGroup(of: frames, plan: plan) { buffers, spectrum, window, first, count in
            switch input {
            case let .frameMajor(source):
                plan.execute(real: buffers.real, complex: source + first * 2 * complexStride)
            case let .binMajor(real, imag, storedFrames):
                transposeToRows(real: real, imag: imag, storedFrames: storedFrames, first: first, count: count, into: spectrum)
                plan.execute(buffers)
            }
            for row in 0..<count {
                let source = buffers.real + row * realStride
                let destination = segments + (first + row) * n
                for t in 0..<n { destination[t] = source[t] * window[t] * scale }
            }
        }
        overlapAdd(segments, segmentStride: n, frameCount: frames, into: output, count: weights.count)
        weights.withUnsafeBufferPointer { weights in
            for i in 0..<weights.count { output[i] *= weights[i] }
        }
    }

    /// Writes `filterbank · |X|^power` for one batch of `count` frames (FFTW's interleaved rows in `spectrum`) to
    /// columns `0 ..< count` of `output`, a `[filterbank.rowCount, frames]` array offset to the batch's first frame.
    /// Each row's magnitudes are computed eight bins at a time from its contiguous pairs (the rows' padding to
    /// `complexStride` covers the last vector; FFTW never writes it, so it stays zero), then every filter is a dot
    /// product over its contiguous bins — no strided access to FFTW's rows.
    private func filterBatch(_ spectrum: UnsafePointer<Float>, count: Int, filterbank: SparseRows, power: Float,
                             into output: UnsafeMutablePointer<Float>, frames: Int) {
        let vectors = (binCount + 7) / 8, complexStride = forwardPlan.complexStride, width = Self.framesPerBatch
        precondition(8 * vectors <= complexStride, "FFT rows too short for whole SIMD8 vectors")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * vectors * count + filterbank.rowCount * width) { scratch in
            let magnitudes = scratch.baseAddress!, filtered = magnitudes + 8 * vectors * count
            for row in 0..<count {
                let source = UnsafeRawPointer(spectrum + 2 * row * complexStride)
                let destination = UnsafeMutableRawPointer(magnitudes + row * 8 * vectors)
                for v in 0..<vectors {
                    let pairs = source.loadUnaligned(fromByteOffset: 64 * v, as: SIMD16<Float>.self)
                    destination.storeBytes(of: spectralMagnitude(pairs.evenHalf, pairs.oddHalf, power: power),
                                           toByteOffset: 32 * v, as: SIMD8<Float>.self)
                }
            }
            filterbank.multiply(frames: magnitudes, frameStride: 8 * vectors, count: count, filtered, outputStride: width)
            for band in 0..<filterbank.rowCount {
                (output + band * frames).update(from: filtered + band * width, count: count)
            }
        }
    }

    /// Copies frames `first ..< first + count` of `[bins, storedFrames]` arrays into FFTW's interleaved rows
    /// (tiles of bins keep the strided reads in L1); the rest of the batch's rows become zeros.
    private func transposeToRows(real: UnsafePointer<Float>, imag: UnsafePointer<Float>, storedFrames: Int, first: Int,
                                 count: Int, into spectrum: UnsafeMutablePointer<Float>) {
        let bins = binCount, complexStride = inversePlan.complexStride
        for tile in stride(from: 0, to: bins, by: Self.transposeTile) {
            let tileEnd = min(bins, tile + Self.transposeTile)
            for row in 0..<count {
                let destination = spectrum + 2 * row * complexStride
                for k in tile..<tileEnd {
                    destination[2 * k] = real[k * storedFrames + first + row]
                    destination[2 * k + 1] = imag[k * storedFrames + first + row]
                }
            }
        }
        for row in count..<Self.framesPerBatch { (spectrum + 2 * row * complexStride).update(repeating: 0, count: 2 * bins) }
    }

    /// Runs `body(buffers, spectrum, window, first, count)` for every group of up to `framesPerGroup` frames
    /// (`first ..< first + count`; a multiple of ``framesPerBatch``, one batch by default), groups claimed one by one
    /// by up to ``AudioDSPThreads/threadCount`` threads (the calling thread starts at once; a worker joins when it
    /// wakes), each thread with its own FFTW work arrays: one batch of real rows and `framesPerGroup` complex rows
    /// (`spectrum` is the complex array seen as interleaved floats).
    private func forEachGroup(
        of frames: Int, framesPerGroup group: Int = framesPerBatch, plan: FFTPlan,
        _ body: (FFTBuffers, UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int) -> Void
    ) {
        windowValues.withUnsafeBufferPointer { window in
            let window = window.baseAddress!
            AudioDSPThreads.forEachClaimedIndex(
                (frames + group - 1) / group,
                makeState: { FFTBuffers(realCount: plan.realStride * plan.batch, complexCount: plan.complexStride * group) }
            ) { buffers, groupIndex in
                let spectrum = UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self)
                let first = groupIndex * group
                body(buffers, spectrum, window, first, min(group, frames - first))
            }
        }
    }

    /// Sums `frames` segments of `fftSize` samples (segment `t` starts at `segments + t · segmentStride`; stride 0
    /// repeats one segment) placed `hopLength` apart, and writes samples `offset ..< offset + count` of the sum
    /// (`offset = fftSize / 2` when centring; zeros past the end) to `output`. Each thread owns a range of outputs.
    private func overlapAdd(_ segments: UnsafePointer<Float>, segmentStride: Int, frameCount frames: Int,
                            into output: UnsafeMutablePointer<Float>, count: Int) {
        let n = fftSize, hop = hopLength, offset = center ? n / 2 : 0
        AudioDSPThreads.forEachRange(count, minimumPerThread: 8192) { range in
            let start = offset + range.lowerBound, end = offset + range.upperBound
            (output + range.lowerBound).update(repeating: 0, count: range.count)
            let firstFrame = max(0, (start - n) / hop), lastFrame = min(frames - 1, (end - 1) / hop)
            guard firstFrame <= lastFrame else { return }
            for frame in firstFrame...lastFrame {
                let frameStart = frame * hop
                let from = max(start, frameStart), to = min(end, frameStart + n)
                guard from < to else { continue }
                let source = segments + frame * segmentStride - frameStart, destination = output - offset
                for i in from..<to { destination[i] += source[i] }
            }
        }
    }
}

/// `|re + i·im|^power`, with the common powers 1 and 2 computed without `pow`.
@inline(__always)
func spectralMagnitude(_ re: Float, _ im: Float, power: Float) -> Float {
    let squared = re * re + im * im
    if power == 2 { return squared }
    if power == 1 { return squared.squareRoot() }
    return powf(squared, power / 2)
}

/// ``spectralMagnitude(_:_:power:)`` lane by lane, for a vector of values at once.
@inline(__always)
func spectralMagnitude<Vector: SIMD>(_ re: Vector, _ im: Vector, power: Float) -> Vector where Vector.Scalar == Float {
    var squared = re * re + im * im
    if power == 2 { return squared }
    if power == 1 { return squared.squareRoot() }
    for lane in squared.indices { squared[lane] = powf(squared[lane], power / 2) }
    return squared
}
