import CFFTW
import Foundation

/// Band-limited resampling by one real FFT of the whole signal: librosa `resample(y, orig_sr, target_sr,
/// res_type='fft')`, which is `scipy.signal.resample(y, ceil(len(y) · target_sr / orig_sr))`.
///
/// The spectrum of the `N` input samples is cut (downsampling) or zero-extended (upsampling) to the `M/2 + 1` bins of
/// the output and transformed back, scaled by `1/N`. As scipy does, the Nyquist bin of the shorter length `K =
/// min(N, M)`, when `K` is even, is doubled when downsampling and halved when upsampling. The filter is an ideal
/// brick wall at the lower Nyquist frequency, but the signal is treated as periodic: its two ends leak into each
/// other (ringing over the first and last few milliseconds when they differ). The cost is two FFTs of the whole
/// signal's lengths (FFTW handles any length; lengths with large prime factors are slower).
enum FFTResampling {
    /// `input` resampled to `outputCount` samples (both ≥ 1).
    static func resample(_ input: [Float], to outputCount: Int) -> [Float] {
        let n = input.count, m = outputCount, shorter = min(n, m)
        let signal = fftwf_alloc_real(n)!, spectrum = fftwf_alloc_complex(n / 2 + 1)!
        let resized = fftwf_alloc_complex(m / 2 + 1)!, output = fftwf_alloc_real(m)!
        defer {
            fftwf_free(signal)
            fftwf_free(spectrum)
            fftwf_free(resized)
            fftwf_free(output)
        }
        // FFTW's planner is not thread-safe; FFTW_ESTIMATE plans read and write no array.
        FFTPlan.plannerLock.lock()
        let forward = fftwf_plan_dft_r2c_1d(Int32(n), signal, spectrum, UInt32(FFTW_ESTIMATE))!
        let inverse = fftwf_plan_dft_c2r_1d(Int32(m), resized, output, UInt32(FFTW_ESTIMATE))!
        FFTPlan.plannerLock.unlock()
        defer {
            FFTPlan.plannerLock.lock()
            fftwf_destroy_plan(forward)
            fftwf_destroy_plan(inverse)
            FFTPlan.plannerLock.unlock()
        }

        input.withUnsafeBufferPointer { signal.update(from: $0.baseAddress!, count: n) }
        fftwf_execute(forward)
        let kept = shorter / 2 + 1
        resized.update(from: spectrum, count: kept)
        (resized + kept).update(repeating: (0, 0), count: m / 2 + 1 - kept)
        if shorter % 2 == 0 && n != m {
            let factor: Float = m < n ? 2 : 0.5
            resized[shorter / 2] = (resized[shorter / 2].0 * factor, resized[shorter / 2].1 * factor)
        }
        fftwf_execute(inverse)  // destroys `resized`
        let scale = 1 / Float(n)
        return [Float](unsafeUninitializedCapacity: m) { values, initialized in
            for i in 0..<m { values[i] = output[i] * scale }
            initialized = m
        }
    }
}
