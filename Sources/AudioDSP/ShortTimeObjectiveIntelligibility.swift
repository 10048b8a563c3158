import Foundation

/// Short-time objective intelligibility (STOI; Taal, Hendriks, Heusdens and Jensen, ICASSP 2010 and IEEE TASLP
/// 2011): how well the short-time envelopes of a processed signal follow those of the clean one, as the Python
/// package pystoi computes it (`pystoi.stoi(clean, processed, 10000, extended=False)`, pystoi 0.4).
///
/// The algorithm, on two equally long signals at ``sampleRate`` (10 kHz):
/// 1. **Silent frames removed**: frames of ``frameLength`` (256) samples every 128, windowed by
///    `w[n] = 0.5 − 0.5·cos(2π(n + 1)/257)` (MATLAB's `hanning(256)`, pystoi's `np.hanning(258)[1:-1]`), starting
///    at `0, 128, …` while `start < count − 256`; frames whose clean energy `20·log10(‖w·x‖ + ε)` is not above the
///    loudest clean frame's minus ``dynamicRange`` (40 dB) are dropped from both signals, and the rest are
///    overlap-added back (hop 128) into two shorter signals.
/// 2. **Spectra**: the same framing of those signals, each frame zero-padded to ``fftSize`` (512) before its FFT.
/// 3. **One-third-octave bands**: ``bandCount`` (15) bands from a centre of ``lowestCentreFrequency`` (150 Hz);
///    band `j` sums `|X[k]|²` over the FFT bins from the bin nearest `150·2^((2j − 1)/6)` Hz up to (not including) the
///    bin nearest `150·2^((2j + 1)/6)` Hz, and takes the square root: envelopes `x[j, m]`, `y[j, m]`.
/// 4. **Segments** of ``segmentLength`` (30) frames ending at every frame `m ≥ 30`: per band, the processed segment
///    is scaled to the clean segment's norm, `y′ = min(α·y, (1 + 10^(−β/20))·x)` with β =
///    ``lowerSignalToDistortionBound`` (−15 dB) clips it, and the score of the segment and band is the correlation
///    coefficient of `x` and `y′` (means removed, each divided by its norm + ε).
/// 5. **STOI** = the mean over all segments and bands, in [−1, 1]; 1 for identical signals.
///
/// `ε` is double precision's machine epsilon, as pystoi's. Framing and band sums are done in double precision, the
/// FFTs in single precision (FFTW); results agree with pystoi to about 1e-6.
public enum ShortTimeObjectiveIntelligibility {
    /// The sample rate STOI is defined at, 10 000 Hz (pystoi `FS`). Resample other audio first.
    public static let sampleRate = 10_000
    /// Samples per analysis frame, 256 (pystoi `N_FRAME`); frames advance by half of it.
    public static let frameLength = 256
    /// FFT length of each zero-padded frame, 512 (pystoi `NFFT`).
    public static let fftSize = 512
    /// Number of one-third-octave bands, 15 (pystoi `NUMBAND`).
    public static let bandCount = 15
    /// Centre frequency of the lowest band in Hz, 150 (pystoi `MINFREQ`).
    public static let lowestCentreFrequency = 150.0
    /// Frames per segment for the intermediate intelligibility, 30 (pystoi `N`, 384 ms at 10 kHz).
    public static let segmentLength = 30
    /// The lower signal-to-distortion bound β in dB, −15 (pystoi `BETA`).
    public static let lowerSignalToDistortionBound = -15.0
    /// Frames more than this many dB below the loudest clean frame are silent, 40 (pystoi `DYN_RANGE`).
    public static let dynamicRange = 40.0

    private static let hop = frameLength / 2
    private static let epsilon = Double.ulpOfOne

    /// STOI of `processed` against `clean`, both mono at 10 kHz and of equal length.
    ///
    /// - Returns: the mean correlation in [−1, 1] (1 = the same envelopes; a silent `processed` scores 0).
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for different lengths;
    ///   ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``;
    ///   ``AudioDSPError/silentInput(what:)`` for an all-zero `clean`; ``AudioDSPError/tooShort(what:frames:minimumFrames:)``
    ///   when fewer than ``segmentLength`` spectral frames remain after silent frames are removed (about 0.4 s of
    ///   sound; pystoi warns and returns 1e-5 there).
    public static func score(clean: [Float], processed: [Float]) throws -> Double {
        try validateFinite(clean, what: "clean signal")
        try validateFinite(processed, what: "processed signal")
        guard clean.count == processed.count else {
            throw AudioDSPError.shapeMismatch(what: "processed signal", expected: "[\(clean.count)]",
                                              actual: "[\(processed.count)]")
        }
        guard clean.contains(where: { $0 != 0 }) else { throw AudioDSPError.silentInput(what: "clean signal") }
        let window = (0..<frameLength).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0 + 1) / Double(frameLength + 1)) }
        let (x, y) = removingSilentFrames(clean, processed, window: window)
        let xBands = bandEnvelopes(x, window: window), yBands = bandEnvelopes(y, window: window)
        let frames = xBands.count / bandCount
        guard frames >= segmentLength else {
            throw AudioDSPError.tooShort(what: "clean signal (after removing silent frames)", frames: frames,
                                         minimumFrames: segmentLength)
        }
        let clipFactor = 1 + pow(10, -lowerSignalToDistortionBound / 20)
        var total: Double = 0
        var a = [Double](repeating: 0, count: segmentLength), b = a
        for end in segmentLength...frames {
            for band in 0..<bandCount {
                let row = band * frames + end - segmentLength
                var xNorm: Double = 0, yNorm: Double = 0
                for i in 0..<segmentLength {
                    a[i] = xBands[row + i]
                    b[i] = yBands[row + i]
                    xNorm += a[i] * a[i]
                    yNorm += b[i] * b[i]
                }
                let scale = xNorm.squareRoot() / (yNorm.squareRoot() + epsilon)
                var aMean: Double = 0, bMean: Double = 0
                for i in 0..<segmentLength {
                    b[i] = min(b[i] * scale, a[i] * clipFactor)
                    aMean += a[i]
                    bMean += b[i]
                }
                aMean /= Double(segmentLength)
                bMean /= Double(segmentLength)
                var product: Double = 0, aSquares: Double = 0, bSquares: Double = 0
                for i in 0..<segmentLength {
                    let u = a[i] - aMean, v = b[i] - bMean
                    product += u * v
                    aSquares += u * u
                    bSquares += v * v
                }
                total += product / ((aSquares.squareRoot() + epsilon) * (bSquares.squareRoot() + epsilon))
            }
        }
        return total / Double((frames - segmentLength + 1) * bandCount)
    }

    /// Frame starts `0, hop, …` while `start < count − frameLength` (pystoi's `range(0, len(x) − framelen, hop)`).
    private static func frameStarts(count: Int) -> StrideTo<Int> { stride(from: 0, to: count - frameLength, by: hop) }

    /// Step 1: the windowed frames of both signals whose clean energy is within ``dynamicRange`` of the loudest,
    /// overlap-added at the hop (pystoi `remove_silent_frames`).
    private static func removingSilentFrames(_ clean: [Float], _ processed: [Float], window: [Double])
        -> (clean: [Double], processed: [Double]) {
        let starts = Array(frameStarts(count: clean.count))
        let energies = starts.map { start in
            var sum: Double = 0
            for n in 0..<frameLength {
                let v = window[n] * Double(clean[start + n])
                sum += v * v
            }
            return 20 * log10(sum.squareRoot() + epsilon)
        }
        guard let loudest = energies.max() else { return ([], []) }
        let kept = starts.indices.filter { loudest - dynamicRange - energies[$0] < 0 }
        let count = kept.isEmpty ? 0 : (kept.count - 1) * hop + frameLength
        var x = [Double](repeating: 0, count: count), y = x
        for (index, frame) in kept.enumerated() {
            let source = starts[frame], destination = index * hop
            for n in 0..<frameLength {
                x[destination + n] += window[n] * Double(clean[source + n])
                y[destination + n] += window[n] * Double(processed[source + n])
            }
        }
        return (x, y)
    }

    /// Steps 2–3: the one-third-octave band envelopes `[bandCount, frames]` (row-major) of a signal.
    private static func bandEnvelopes(_ signal: [Double], window: [Double]) -> [Double] {
        let starts = Array(frameStarts(count: signal.count)), frames = starts.count
        var envelopes = [Double](repeating: 0, count: bandCount * frames)
        guard frames > 0 else { return envelopes }
        let bands = bandBins
        let plan = FFTPlan.shared(.realToComplex, size: fftSize, batch: ShortTimeFourierTransform.framesPerBatch)
        let buffers = FFTBuffers(realCount: plan.realStride * plan.batch, complexCount: plan.complexStride * plan.batch)
        for first in stride(from: 0, to: frames, by: plan.batch) {
            let rows = min(plan.batch, frames - first)
            for row in 0..<plan.batch {
                let destination = buffers.real + row * plan.realStride
                destination.update(repeating: 0, count: fftSize)
                guard row < rows else { continue }
                let start = starts[first + row]
                for n in 0..<frameLength { destination[n] = Float(window[n] * signal[start + n]) }
            }
            plan.execute(buffers)
            for row in 0..<rows {
                let spectrum = UnsafeRawPointer(buffers.complex + row * plan.complexStride).assumingMemoryBound(to: Float.self)
                for (band, bins) in bands.enumerated() {
                    var power: Double = 0
                    for k in bins {
                        let re = Double(spectrum[2 * k]), im = Double(spectrum[2 * k + 1])
                        power += re * re + im * im
                    }
                    envelopes[band * frames + first + row] = power.squareRoot()
                }
            }
        }
        return envelopes
    }

    /// The FFT bins of each band (pystoi `thirdoct`): from the bin nearest the lower edge up to, not including, the
    /// bin nearest the upper edge (the first of two equally near bins).
    static let bandBins: [Range<Int>] = {
        let binWidth = Double(sampleRate) / Double(fftSize)
        func nearestBin(_ frequency: Double) -> Int {
            var best = 0
            for k in 0...(fftSize / 2) where pow(Double(k) * binWidth - frequency, 2) < pow(Double(best) * binWidth - frequency, 2) {
                best = k
            }
            return best
        }
        return (0..<bandCount).map { band in
            let low = lowestCentreFrequency * pow(2, Double(2 * band - 1) / 6)
            let high = lowestCentreFrequency * pow(2, Double(2 * band + 1) / 6)
            return nearestBin(low)..<nearestBin(high)
        }
    }()
}
