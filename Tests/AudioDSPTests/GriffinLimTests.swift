import AudioDSP
import Foundation
import TestSupport
import XCTest

final class GriffinLimTests: XCTestCase {
    /// After 32 iterations from a random phase, the spectral convergence is within 5 % of librosa's (its mean over
    /// three seeds; ours also averaged over three seeds), or better.
    func testSpectralConvergenceMatchesLibrosa() throws {
        let (stft, magnitude, count) = try clipMagnitude()
        let librosa = try FixtureCases.load().griffinlim_32_spectral_convergence.values
        let librosaMean = librosa.reduce(0, +) / Float(librosa.count)
        var ours: [Float] = []
        for seed in [UInt64(0), 1, 2] {
            let audio = try GriffinLim(stft: stft, initialPhase: .random(seed: seed)).reconstruct(magnitude: magnitude, sampleCount: count)
            XCTAssertEqual(audio.count, count)
            ours.append(GriffinLim.spectralConvergence(try stft.magnitude(audio), reference: magnitude))
        }
        let mean = ours.reduce(0, +) / Float(ours.count)
        XCTAssertLessThanOrEqual(mean, librosaMean * 1.05, "ours \(ours), librosa \(librosa)")
    }

    /// The same seed gives the same audio; momentum 0 (classic Griffin-Lim) converges more slowly than 0.99.
    func testDeterministicAndMomentumHelps() throws {
        let (stft, magnitude, count) = try clipMagnitude()
        let a = try GriffinLim(stft: stft, iterations: 8, initialPhase: .random(seed: 7)).reconstruct(magnitude: magnitude)
        let b = try GriffinLim(stft: stft, iterations: 8, initialPhase: .random(seed: 7)).reconstruct(magnitude: magnitude)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, stft.hopLength * (magnitude.frameCount - 1))
        func convergence(momentum: Float) throws -> Float {
            let audio = try GriffinLim(stft: stft, iterations: 32, momentum: momentum).reconstruct(magnitude: magnitude, sampleCount: count)
            return GriffinLim.spectralConvergence(try stft.magnitude(audio), reference: magnitude)
        }
        XCTAssertLessThan(try convergence(momentum: 0.99), try convergence(momentum: 0))
    }

    /// Starting from the true phase, zero iterations give back the original signal.
    func testGivenPhaseReconstructsExactly() throws {
        let (stft, magnitude, count) = try clipMagnitude()
        let samples = try fixture("clip.npy").values
        let spectrum = try stft.forward(samples)
        let audio = try GriffinLim(stft: stft, iterations: 0, initialPhase: .given(spectrum))
            .reconstruct(magnitude: magnitude, sampleCount: count)
        assertClose(audio, samples, relative: 0, absolute: 1e-4)
        let refined = try GriffinLim(stft: stft, iterations: 4, initialPhase: .given(spectrum))
            .reconstruct(magnitude: magnitude, sampleCount: count)
        XCTAssertLessThan(GriffinLim.spectralConvergence(try stft.magnitude(refined), reference: magnitude), 1e-3)
    }

    func testBadInputThrows() throws {
        let (stft, magnitude, _) = try clipMagnitude()
        assertInvalidParameter(try GriffinLim(stft: stft, iterations: -1), named: "iterations")
        assertInvalidParameter(try GriffinLim(stft: stft, momentum: -0.5), named: "momentum")
        let gl = try GriffinLim(stft: stft, iterations: 1)
        XCTAssertThrowsError(try gl.reconstruct(magnitude: Spectrogram(values: [1], rowCount: 1, frameCount: 1))) {
            guard case AudioDSPError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        var bad = magnitude
        bad.values[10] = .infinity
        XCTAssertThrowsError(try gl.reconstruct(magnitude: bad)) {
            guard case AudioDSPError.nonFiniteInput = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try gl.reconstruct(magnitude: Spectrogram(values: [], rowCount: stft.binCount, frameCount: 0))) {
            guard case AudioDSPError.emptyInput = $0 else { return XCTFail("\($0)") }
        }
        let wrongPhase = ComplexSpectrogram(real: [0], imag: [0], binCount: 1, frameCount: 1)
        assertAudioDSPError(try GriffinLim(stft: stft, initialPhase: .given(wrongPhase)).reconstruct(magnitude: magnitude)) {
            if case .shapeMismatch(what: "initial phase", _, _) = $0 { true } else { false }
        }
    }
}
