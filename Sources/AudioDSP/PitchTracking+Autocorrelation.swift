import Foundation

/// Autocorrelations of batches of frames through FFTW, and YIN's cumulative mean normalised difference function
/// computed from them as librosa does (`librosa.core.pitch._cumulative_mean_normalized_difference`).
///
/// A frame of `frameLength` samples, zero-padded to ``fftSize``, is transformed, its power spectrum transformed back:
/// lag `k` of the result is `Σₙ x[n] x[n + k]` without wrap-around for every `k ≤ maximumLag`, because ``fftSize`` ≥
/// `frameLength + maximumLag`. (librosa pads to `next_fast_len(2 · frameLength − 1)`, which gives the same lags.)
struct BatchedAutocorrelation: Sendable {
    let frameLength: Int
    let maximumLag: Int
    /// Frames per FFTW call.
    let batch: Int
    /// The FFT length: the smallest even 2ᵃ3ᵇ5ᶜ ≥ `frameLength + maximumLag`.
    let fftSize: Int
    private let forwardPlan: FFTPlan
    private let inversePlan: FFTPlan

    init(frameLength: Int, maximumLag: Int, batch: Int) {
        self.frameLength = frameLength
        self.maximumLag = maximumLag
        self.batch = batch
        fftSize = Self.fastSize(atLeast: frameLength + maximumLag)
        forwardPlan = FFTPlan.shared(.realToComplex, size: fftSize, batch: batch)
        inversePlan = FFTPlan.shared(.complexToReal, size: fftSize, batch: batch)
    }

    /// The smallest even number ≥ `count` with no prime factor above 5 (sizes FFTW transforms fastest).
    static func fastSize(atLeast count: Int) -> Int {
        var size = max(2, count + count % 2)
        while true {
            var rest = size
            for factor in [2, 3, 5] { while rest % factor == 0 { rest /= factor } }
            if rest == 1 { return size }
            size += 2
        }
    }

    /// Work arrays for one thread: `batch` rows at the plans' strides.
    func makeBuffers() -> FFTBuffers {
        FFTBuffers(realCount: forwardPlan.realStride * batch, complexCount: forwardPlan.complexStride * batch)
    }

    /// Fills the real rows of `buffers` with `fftSize` times the autocorrelations of `frameCount` (≤ `batch`) frames,
    /// frame `i` being the `frameLength` samples from `frames + i · hopLength`.
    func compute(_ frames: UnsafePointer<Float>, hopLength: Int, frameCount: Int, buffers: FFTBuffers) {
        let realStride = forwardPlan.realStride, complexStride = forwardPlan.complexStride
        for row in 0..<frameCount {
            let destination = buffers.real + row * realStride
            destination.update(from: frames + row * hopLength, count: frameLength)
            (destination + frameLength).update(repeating: 0, count: fftSize - frameLength)
        }
        forwardPlan.execute(buffers)
        let complex = UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self)
        for row in 0..<frameCount {
            let bins = complex + 2 * row * complexStride
            for bin in 0...(fftSize / 2) {
                let re = bins[2 * bin], im = bins[2 * bin + 1]
                bins[2 * bin] = re * re + im * im
                bins[2 * bin + 1] = 0
            }
        }
        inversePlan.execute(buffers)
    }

    /// YIN's `d′(τ)` for `τ = minimumPeriod … maximumLag` of row `row` after ``compute(_:hopLength:frameCount:buffers:)``,
    /// whose samples start at `frame`, written to `output[τ − minimumPeriod]`.
    ///
    /// As librosa, in single precision: `d(τ) = 2 · (r(0) − r(τ)) − Σ_{n<τ} x[n]²` (the classic difference function
    /// without its tail-energy term) and the running sum of `d`; then, in double precision,
    /// `d′(τ) = d(τ) / (Σ_{j=1…τ} d(j) / τ + tiny)`, tiny being the smallest normal Double.
    func normalisedDifference(row: Int, frame: UnsafePointer<Float>, buffers: FFTBuffers, minimumPeriod: Int,
                              into output: UnsafeMutablePointer<Double>) {
        let correlation = buffers.real + row * forwardPlan.realStride
        let scale = 1 / Float(fftSize)
        let zeroLag = correlation[0] * scale
        var energy: Float = 0, cumulative: Float = 0
        for lag in 1...maximumLag {
            let sample = frame[lag - 1]
            energy += sample * sample
            let difference = 2 * (zeroLag - correlation[lag] * scale) - energy
            cumulative += difference
            if lag >= minimumPeriod {
                output[lag - minimumPeriod] = Double(difference) / (Double(cumulative) / Double(lag) + .leastNormalMagnitude)
            }
        }
    }
}

/// One thread's work arrays for ``PitchTracker``'s first stage, reused for every frame it processes.
final class FrameScratch {
    let buffers: FFTBuffers
    /// `d′(τ)` of the current frame, one value per searched period.
    let difference: UnsafeMutablePointer<Double>
    /// The current frame's troughs: lag index, index of the first threshold they are below, probability.
    var troughLags: [Int] = []
    var troughFirstThresholds: [Int] = []
    var troughProbabilities: [Double] = []

    init(autocorrelation: BatchedAutocorrelation, lagCount: Int) {
        buffers = autocorrelation.makeBuffers()
        difference = .allocate(capacity: lagCount)
        difference.initialize(repeating: 0, count: lagCount)
        troughLags.reserveCapacity(lagCount)
        troughFirstThresholds.reserveCapacity(lagCount)
        troughProbabilities.reserveCapacity(lagCount)
    }

    deinit { difference.deallocate() }
}
