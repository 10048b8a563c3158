import AudioDSP
import Foundation
import TestSupport
import XCTest

final class MelGriffinLimTests: XCTestCase {
    private func setUpClip() throws -> (stft: ShortTimeFourierTransform, bank: MelFilterbank, count: Int) {
        let clip = try FixtureCases.load().clip
        let stft = try ShortTimeFourierTransform(fftSize: clip.n_fft, hopLength: clip.hop_length)
        let bank = try MelFilterbank(sampleRate: clip.sample_rate, fftSize: clip.n_fft, melBandCount: clip.n_mels)
        return (stft, bank, try fixture("clip.npy").values.count)
    }

    private func mel(_ name: String) throws -> Spectrogram {
        let mel = try fixture(name)
        return Spectrogram(values: mel.values, rowCount: mel.shape[0], frameCount: mel.shape[1])
    }

    /// Four iterations from zero phase match the fixture script's float64 loop, for an amplitude and a power mel, to
    /// 3e-4 of the largest sample (float32 rounding grows through the momentum: 2.2e-4 measured).
    func testMatchesTheReference() throws {
        let (stft, bank, count) = try setUpClip()
        let reconstruction = try GriffinLim(stft: stft, iterations: 4, initialPhase: .zero)
        for (power, melName, expectedName) in [(Float(1), "clip_mel_magnitude.npy", "clip_mel_griffinlim_amplitude_4.npy"),
                                               (2, "clip_mel_power.npy", "clip_mel_griffinlim_power_4.npy")] {
            let audio = try reconstruction.reconstruct(mel: mel(melName), filterbank: bank, power: power, sampleCount: count)
            assertClose(audio, try fixture(expectedName).values, relative: 3e-4, "power \(power)")
        }
    }

    /// With no iterations the result is the inverse mel's reconstruction; with 32 the output's mel is closer to the
    /// target than that of Griffin-Lim holding the inverse fixed, which is the point of the method.
    func testMatchesTheMelBetterThanAFixedInverse() throws {
        let (stft, bank, count) = try setUpClip()
        let target = try mel("clip_mel_magnitude.npy")
        let start = try bank.inverseMagnitude(target, power: 1, method: .smooth)
        let none = try GriffinLim(stft: stft, iterations: 0)
        XCTAssertEqual(try none.reconstruct(mel: target, filterbank: bank, sampleCount: count),
                       try none.reconstruct(magnitude: start, sampleCount: count))
        func melError(_ audio: [Float]) throws -> Float {
            let rebuilt = bank.apply(try stft.magnitude(audio))
            return GriffinLim.spectralConvergence(rebuilt, reference: target)
        }
        let reconstruction = try GriffinLim(stft: stft, iterations: 32)
        let matched = try melError(reconstruction.reconstruct(mel: target, filterbank: bank, sampleCount: count))
        let fixed = try melError(reconstruction.reconstruct(magnitude: start, sampleCount: count))
        XCTAssertLessThan(matched, fixed * 0.8, "mel error: matched \(matched), fixed inverse \(fixed)")
    }

    /// Same input, same samples, whatever the thread count; negative mel values count as 0.
    func testDeterministicAcrossThreadsAndNegatives() throws {
        let (stft, bank, count) = try setUpClip()
        let target = try mel("clip_mel_magnitude.npy")
        let reconstruction = try GriffinLim(stft: stft, iterations: 6, initialPhase: .phaseGradient())
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        let results = try [1, 2].map { threads in
            AudioDSPThreads.threadCount = threads
            return try reconstruction.reconstruct(mel: target, filterbank: bank, sampleCount: count)
        }
        XCTAssertEqual(results[0], results[1])
        var negative = target, clamped = target
        for index in stride(from: 3, to: target.values.count, by: 11) {
            negative.values[index] = -2
            clamped.values[index] = 0
        }
        XCTAssertEqual(try reconstruction.reconstruct(mel: negative, filterbank: bank, sampleCount: count),
                       try reconstruction.reconstruct(mel: clamped, filterbank: bank, sampleCount: count))
    }

    func testBadInputThrows() throws {
        let (stft, bank, _) = try setUpClip()
        let target = try mel("clip_mel_magnitude.npy")
        let reconstruction = try GriffinLim(stft: stft, iterations: 2)
        let otherBank = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: bank.melBandCount)
        XCTAssertThrowsError(try reconstruction.reconstruct(mel: target, filterbank: otherBank)) {
            guard case AudioDSPError.shapeMismatch(what: "filterbank", _, _) = $0 else { return XCTFail("\($0)") }
        }
        let wrongBands = Spectrogram(values: [Float](repeating: 1, count: 12), rowCount: 3, frameCount: 4)
        XCTAssertThrowsError(try reconstruction.reconstruct(mel: wrongBands, filterbank: bank)) {
            guard case AudioDSPError.shapeMismatch(what: "mel spectrogram", _, _) = $0 else { return XCTFail("\($0)") }
        }
        var notFinite = target
        notFinite.values[5] = .nan
        XCTAssertThrowsError(try reconstruction.reconstruct(mel: notFinite, filterbank: bank)) {
            guard case AudioDSPError.nonFiniteInput = $0 else { return XCTFail("\($0)") }
        }
        assertInvalidParameter(try reconstruction.reconstruct(mel: target, filterbank: bank, power: 0), named: "power")
        assertInvalidParameter(try reconstruction.reconstruct(mel: target, filterbank: bank,
                                                              inversion: .kullbackLeibler(iterations: 0)),
                               named: "iterations")
    }
}
