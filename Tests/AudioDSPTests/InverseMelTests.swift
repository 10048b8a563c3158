import AudioDSP
import Foundation
import TestSupport
import XCTest

final class InverseMelTests: XCTestCase {
    private func setUpClip() throws -> (bank: MelFilterbank, mel: Spectrogram, power: [Float]) {
        let clip = try FixtureCases.load().clip
        let bank = try MelFilterbank(sampleRate: clip.sample_rate, fftSize: clip.n_fft, melBandCount: clip.n_mels)
        let mel = try fixture("clip_mel_power.npy")
        let magnitude = try fixture("clip_stft_magnitude.npy").values
        return (bank, Spectrogram(values: mel.values, rowCount: mel.shape[0], frameCount: mel.shape[1]),
                magnitude.map { $0 * $0 })
    }

    private func norm(_ values: [Float]) -> Float { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    private func residual(_ bank: MelFilterbank, _ solution: Spectrogram, _ mel: Spectrogram) -> Float {
        norm(zip(bank.apply(solution).values, mel.values).map { $0 - $1 }) / norm(mel.values)
    }

    /// librosa's `mel_to_stft` on the quiet clip returns its starting point (its L-BFGS-B gradient test passes at
    /// once); our start (clipped minimum-norm least squares) matches it within 1e-3 of the maximum.
    func testStartMatchesLibrosa() throws {
        let (bank, mel, _) = try setUpClip()
        let expected = try fixture("clip_mel_to_stft.npy")
        let start = try bank.inverseMagnitude(mel, power: 2, iterations: 0)
        XCTAssertEqual(start.shape, expected.shape)
        assertClose(start.values, expected.values, relative: 1e-3)
    }

    /// With the default iterations the solution is non-negative, fits the mel far better than librosa's, satisfies
    /// the NNLS optimality conditions, and is closer to the true power spectrogram than librosa's answer.
    func testSolutionIsBetterNNLSThanLibrosa() throws {
        let (bank, mel, truePower) = try setUpClip()
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        let librosa = try fixture("clip_mel_to_stft.npy").values.map { $0 * $0 }
        let librosaSpectrogram = Spectrogram(values: librosa, rowCount: bank.binCount, frameCount: mel.frameCount)
        for threads in [1, 2] {
            AudioDSPThreads.threadCount = threads
            let solution = try bank.inverse(mel)
            XCTAssertTrue(solution.values.allSatisfy { $0 >= 0 })
            let ours = residual(bank, solution, mel), theirs = residual(bank, librosaSpectrogram, mel)
            XCTAssertLessThan(ours, theirs / 4, "mel residual: ours \(ours), librosa \(theirs)")
            let ourError = norm(zip(solution.values, truePower).map { $0 - $1 })
            let librosaError = norm(zip(librosa, truePower).map { $0 - $1 })
            XCTAssertLessThan(ourError, librosaError, "distance to the true power spectrogram")
        }
    }

    /// More iterations keep lowering the residual (the solver converges, it does not stall at the start).
    func testResidualDecreasesWithIterations() throws {
        let (bank, mel, _) = try setUpClip()
        let residuals = try [0, 20, 100, 400].map { residual(bank, try bank.inverse(mel, iterations: $0), mel) }
        XCTAssertEqual(residuals, residuals.sorted(by: >))
        XCTAssertLessThan(residuals[3], 1e-3)
    }

    func testBadInputThrows() throws {
        let (bank, mel, _) = try setUpClip()
        XCTAssertThrowsError(try bank.inverse(Spectrogram(values: [1, 2], rowCount: 2, frameCount: 1))) {
            guard case AudioDSPError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try bank.inverse(Spectrogram(values: [], rowCount: bank.melBandCount, frameCount: 0))) {
            guard case AudioDSPError.emptyInput = $0 else { return XCTFail("\($0)") }
        }
        var bad = mel
        bad.values[5] = .nan
        XCTAssertThrowsError(try bank.inverse(bad)) {
            guard case AudioDSPError.nonFiniteInput = $0 else { return XCTFail("\($0)") }
        }
        assertInvalidParameter(try bank.inverse(mel, iterations: -1), named: "iterations")
        assertInvalidParameter(try bank.inverseMagnitude(mel, power: 0), named: "power")
    }
}
