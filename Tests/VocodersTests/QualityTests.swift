import AudioDSP
import Foundation
import TestSupport
import Vocoders
import XCTest

final class QualityTests: XCTestCase {
    /// Log-spectral distance, mel-cepstral distortion and spectral convergence equal the float64 numpy/scipy/librosa
    /// reference (`make_vocoder_fixtures.py`) within 1e-5 relative (measured ≤ 3.3e-7) on an 8-iteration Griffin-Lim
    /// reconstruction of the clip, for the default configuration (1024/256, 80 mels, c1…c24, whole band, 80 dB
    /// floor) and a small one (512/128, 40 mels, c1…c13, 0–8 kHz, 60 dB floor).
    func testMatchesPythonReference() throws {
        let clip = try VocoderFixtures.clip()
        let estimate = Waveform(samples: try VocoderFixtures.array("metrics_estimate.npy").values, sampleRate: 22_050)
        for (name, expected) in try VocoderFixtures.cases().quality {
            let measure = try QualityMeasure(fftSize: expected.n_fft, hopLength: expected.hop, melBandCount: expected.n_mels,
                                             cepstralCoefficientCount: expected.n_ceps, maximumFrequency: expected.fmax,
                                             dynamicRange: expected.dynamic_range)
            let report = try measure.measure(estimate, reference: clip)
            XCTAssertEqual(report.frameCount, expected.frame_count, name)
            XCTAssertEqual(report.logSpectralDistance, expected.log_spectral_distance,
                           accuracy: 1e-5 * expected.log_spectral_distance, name)
            XCTAssertEqual(report.melCepstralDistortion, expected.mel_cepstral_distortion,
                           accuracy: 1e-5 * expected.mel_cepstral_distortion, name)
            XCTAssertEqual(report.spectralConvergence, expected.spectral_convergence,
                           accuracy: 1e-5 * expected.spectral_convergence, name)
        }
    }

    /// Identical signals give zeros; the longer signal is cut to the shorter; the distances grow with the error.
    func testIdentityTrimmingAndMonotonicity() throws {
        let clip = try VocoderFixtures.clip()
        let measure = try QualityMeasure()
        let same = try measure.measure(clip, reference: clip)
        XCTAssertEqual(same, QualityReport(logSpectralDistance: 0, melCepstralDistortion: 0, spectralConvergence: 0,
                                           frameCount: 44))
        let estimate = Waveform(samples: try VocoderFixtures.array("metrics_estimate.npy").values, sampleRate: 22_050)
        let padded = Waveform(samples: estimate.samples + [Float](repeating: 0.3, count: 1000), sampleRate: 22_050)
        XCTAssertEqual(try measure.measure(padded, reference: clip), try measure.measure(estimate, reference: clip))
        // A deterministic disturbance of growing level.
        let noisy = { (level: Float) in
            Waveform(samples: clip.samples.enumerated().map { $1 + level * sin(Float($0) * 1.7) * cos(Float($0) * 0.31) },
                     sampleRate: 22_050)
        }
        let small = try measure.measure(noisy(0.001), reference: clip), large = try measure.measure(noisy(0.05), reference: clip)
        XCTAssertLessThan(small.logSpectralDistance, large.logSpectralDistance)
        XCTAssertLessThan(small.melCepstralDistortion, large.melCepstralDistortion)
        XCTAssertLessThan(small.spectralConvergence, large.spectralConvergence)
        XCTAssertGreaterThan(small.logSpectralDistance, 0)
        // Scaling both signals together changes nothing (the log floor follows the reference's peak).
        let quiet = { (waveform: Waveform) in Waveform(samples: waveform.samples.map { $0 / 64 }, sampleRate: 22_050) }
        let scaled = try measure.measure(quiet(estimate), reference: quiet(clip))
        let unscaled = try measure.measure(estimate, reference: clip)
        XCTAssertEqual(scaled.logSpectralDistance, unscaled.logSpectralDistance, accuracy: 1e-4)
        XCTAssertEqual(scaled.melCepstralDistortion, unscaled.melCepstralDistortion, accuracy: 1e-4)
        XCTAssertEqual(scaled.spectralConvergence, unscaled.spectralConvergence, accuracy: 1e-6)
    }

    func testBadInputThrows() throws {
        let clip = try VocoderFixtures.clip()
        let measure = try QualityMeasure()
        XCTAssertThrowsError(try measure.measure(Waveform(samples: clip.samples, sampleRate: 16_000), reference: clip)) { error in
            guard case .invalidInput(what: "estimate", _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try measure.measure(Waveform(channels: [clip.samples, clip.samples], sampleRate: 22_050),
                                                 reference: clip)) { error in
            guard case .invalidInput(what: "estimate", _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try QualityMeasure(melBandCount: 24, cepstralCoefficientCount: 24)) { error in
            guard case .invalidParameter(name: "cepstralCoefficientCount", _, _)? = error as? VocodersError else {
                return XCTFail("\(error)")
            }
        }
        XCTAssertThrowsError(try QualityMeasure(hopLength: 0)) { error in
            guard case .invalidParameter(name: "hopLength", _, _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try QualityMeasure(dynamicRange: 0)) { error in
            guard case .invalidParameter(name: "dynamicRange", _, _)? = error as? VocodersError else {
                return XCTFail("\(error)")
            }
        }
        let silence = Waveform(samples: [Float](repeating: 0, count: clip.sampleCount), sampleRate: 22_050)
        XCTAssertThrowsError(try measure.measure(clip, reference: silence)) { error in
            guard case .invalidInput(what: "reference", _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try QualityMeasure(maximumFrequency: 12_000).measure(clip, reference: clip)) { error in
            guard case .invalidParameter(name: "maximumFrequency", _, _)? = error as? VocodersError else {
                return XCTFail("\(error)")
            }
        }
    }
}
