import AudioDSP
import Foundation
import TestSupport
import XCTest

final class MelFilterbankTests: XCTestCase {
    /// The weights match `librosa.filters.mel` within 1e-6 for Slaney/HTK scales with and without Slaney norm.
    func testWeightsMatchLibrosa() throws {
        for c in try FixtureCases.load().mel {
            let bank = try MelFilterbank(
                sampleRate: c.sr, fftSize: c.n_fft, melBandCount: c.n_mels, minimumFrequency: c.fmin,
                maximumFrequency: c.fmax, scale: c.htk ? .htk : .slaney, normalization: c.norm == nil ? .none : .slaney)
            let expected = try fixture("mel_\(c.name).npy")
            XCTAssertEqual([bank.melBandCount, bank.binCount], expected.shape, c.name)
            assertClose(bank.weights, expected.values, relative: 0, absolute: 1e-6, c.name)
        }
    }

    /// The clip's mel spectrogram (power 2 and 1) matches `librosa.feature.melspectrogram` within 1e-4 of the max.
    func testMelSpectrogramMatchesLibrosa() throws {
        let clip = try FixtureCases.load().clip
        let samples = try fixture("clip.npy").values
        let stft = try ShortTimeFourierTransform(fftSize: clip.n_fft, hopLength: clip.hop_length)
        let bank = try MelFilterbank(sampleRate: clip.sample_rate, fftSize: clip.n_fft, melBandCount: clip.n_mels)
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        for (power, name) in [(Float(2), "clip_mel_power.npy"), (1, "clip_mel_magnitude.npy")] {
            let expected = try fixture(name)
            for threads in [1, 2] {
                AudioDSPThreads.threadCount = threads
                let mel = try melSpectrogram(samples, stft: stft, filterbank: bank, power: power)
                XCTAssertEqual(mel.shape, expected.shape)
                assertClose(mel.values, expected.values, relative: 1e-4, "power \(power), \(threads) threads")
            }
        }
    }

    /// The fused mel spectrogram equals applying the filterbank to the stored magnitude, for several powers.
    func testFusedMelSpectrogramEqualsApply() throws {
        let samples = try fixture("signal.npy").values
        let stft = try ShortTimeFourierTransform(fftSize: 400, hopLength: 100, windowLength: 300, padMode: .reflect)
        let bank = try MelFilterbank(sampleRate: 8000, fftSize: 400, melBandCount: 24, scale: .htk)
        for power in [Float(1), 2, 1.5] {
            let fused = try melSpectrogram(samples, stft: stft, filterbank: bank, power: power)
            let separate = bank.apply(try stft.magnitude(samples, power: power))
            XCTAssertEqual(fused.shape, separate.shape)
            assertClose(fused.values, separate.values, relative: 1e-6, "power \(power)")
        }
    }

    func testDefaultsAndNyquist() throws {
        let bank = try MelFilterbank(sampleRate: 16000, fftSize: 512)
        XCTAssertEqual(bank.melBandCount, 128)
        XCTAssertEqual(bank.maximumFrequency, 8000)
        XCTAssertEqual(bank.scale, .slaney)
        XCTAssertEqual(bank.normalization, .slaney)
    }

    func testInvalidParametersThrow() {
        func expectInvalid(_ name: String, _ make: () throws -> MelFilterbank) {
            XCTAssertThrowsError(try make()) { error in
                guard case let AudioDSPError.invalidParameter(parameter, _, _) = error else {
                    return XCTFail("expected invalidParameter, got \(error)")
                }
                XCTAssertEqual(parameter, name)
            }
        }
        expectInvalid("maximumFrequency") { try MelFilterbank(sampleRate: 22050, fftSize: 1024, maximumFrequency: 11026) }
        expectInvalid("maximumFrequency") {
            try MelFilterbank(sampleRate: 22050, fftSize: 1024, minimumFrequency: 500, maximumFrequency: 400)
        }
        expectInvalid("fftSize") { try MelFilterbank(sampleRate: 22050, fftSize: 1) }
        expectInvalid("melBandCount") { try MelFilterbank(sampleRate: 22050, fftSize: 1024, melBandCount: 0) }
        expectInvalid("sampleRate") { try MelFilterbank(sampleRate: 0, fftSize: 1024) }
        expectInvalid("minimumFrequency") { try MelFilterbank(sampleRate: 22050, fftSize: 1024, minimumFrequency: -1) }
        let stft = try! ShortTimeFourierTransform(fftSize: 512)
        let bank = try! MelFilterbank(sampleRate: 22050, fftSize: 1024)
        assertInvalidParameter(try melSpectrogram([0.1, 0.2], stft: stft, filterbank: bank), named: "fftSize")
    }
}
