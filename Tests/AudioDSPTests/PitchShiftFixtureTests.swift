import AudioDSP
import Foundation
import TestSupport
import XCTest

/// Parity with librosa 0.11.0's `time_stretch` and `pitch_shift`, against the arrays written by
/// `Tests/Fixtures/make_pitch_shift_fixtures.py` into `pitch_shift/`.
final class PitchShiftFixtureTests: XCTestCase {
    private struct Cases: Decodable {
        struct Stretch: Decodable {
            let signal: String
            let rate: Double
            let file: String
        }

        struct Shift: Decodable {
            let signal: String
            let n_steps: Double
            let res_type: String
            let file: String
        }

        let sample_rate: Int
        let n_fft: Int
        let hop_length: Int
        let time_stretch: [Stretch]
        let pitch_shift: [Shift]
    }

    private func load() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Fixtures.url("pitch_shift/cases.json")))
    }

    private func array(_ name: String) throws -> [Float] {
        try NPY.read(Fixtures.url("pitch_shift/\(name)")).values
    }

    /// The tolerance of the exact-parity cases, relative to the reference's peak: 3e-4.
    ///
    /// librosa's phase vocoder accumulates the phase in a float32 array (as ours does, to match it), and at the high
    /// bins the phase reaches 10⁴–10⁵ rad, where one float32 step is 1–8 mrad. So the last-bit differences of the
    /// two STFTs (FFTW float32 here, 1e-7 of the peak; NumPy's float64 FFT rounded to float32 there) flip roundings of
    /// the accumulator and grow to ~1e-4 of the peak: replacing librosa's own STFT by a float32 FFT (scipy) moves
    /// librosa's result on the speech case by 1.5e-4 of the peak, the same as our difference. (Accumulating in
    /// float64 instead would differ from librosa by 6.8e-4.)
    private let parityTolerance: Float = 3e-4

    /// STFT, phase vocoder and inverse STFT. Measured max errors (of the peak): tone 1.8e-5 (rate 0.8), 1.6e-5
    /// (1.25); speech 1.3e-4 (0.8), 7.0e-5 (1.25), 1.5e-4 (2^(−1/3)).
    func testTimeStretchMatchesLibrosa() throws {
        let cases = try load()
        let stretch = try TimeStretch(fftSize: cases.n_fft, hopLength: cases.hop_length)
        for item in cases.time_stretch {
            let expected = try array(item.file)
            let actual = try stretch(try array("\(item.signal).npy"), rate: item.rate)
            assertClose(actual, expected, relative: parityTolerance, "\(item.file)")
        }
    }

    /// With `res_type='fft'` librosa resamples by scipy's FFT method, which ``ResampleQuality/fft`` reproduces:
    /// the whole pitch shift matches as the time stretch does. Measured max errors (of the peak): speech 1.5e-4
    /// (+4), 8.4e-5 (−3); tone 1.8e-5 (+7), 6.8e-6 (−12).
    func testPitchShiftWithFFTResamplingMatchesLibrosa() throws {
        let cases = try load()
        let shift = try PitchShift(fftSize: cases.n_fft, hopLength: cases.hop_length, resampleQuality: .fft)
        for item in cases.pitch_shift where item.res_type == "fft" {
            let input = try array("\(item.signal).npy")
            let actual = try shift(input, sampleRate: cases.sample_rate, semitones: item.n_steps)
            XCTAssertEqual(actual.count, input.count)
            assertClose(actual, try array(item.file), relative: parityTolerance, "\(item.file)")
        }
    }

    /// librosa's default resampler is soxr (`soxr_hq`), ours libsamplerate's best sinc: both are band-limited
    /// interpolators, but their filters differ (length, cut-off, phase), so the outputs differ by the resamplers'
    /// difference. Away from the ends, measured on the +4 semitone speech case: max error 1.5e-3 of the peak, RMS
    /// error 1.7e-4 of the peak. The first and last 4 samples are left out: the two resamplers start differently
    /// (6e-3 of the peak on the first sample), and libsamplerate's `src_simple` leaves the last output sample
    /// unwritten (zero), a property of ``Waveform/resampled(to:quality:)`` that this shift inherits.
    func testPitchShiftWithBestResamplingIsCloseToLibrosasDefault() throws {
        let cases = try load()
        let shift = try PitchShift(fftSize: cases.n_fft, hopLength: cases.hop_length, resampleQuality: .best)
        for item in cases.pitch_shift where item.res_type == "soxr_hq" {
            let expected = try array(item.file)
            let actual = try shift(try array("\(item.signal).npy"), sampleRate: cases.sample_rate,
                                   semitones: item.n_steps)
            XCTAssertEqual(actual.count, expected.count)
            let interior = 4 ..< expected.count - 4
            let peak = expected.reduce(0) { max($0, abs($1)) }
            assertClose(Array(actual[interior]), Array(expected[interior]), relative: 0, absolute: 3e-3 * peak,
                        "\(item.file)")
            let squares = interior.reduce(Float(0)) { $0 + (actual[$1] - expected[$1]) * (actual[$1] - expected[$1]) }
            XCTAssertLessThan((squares / Float(interior.count)).squareRoot() / peak, 3e-4, "RMS error, \(item.file)")
        }
    }
}
