import AudioDSP
import Foundation
import TestSupport
import XCTest

final class MelInversionTests: XCTestCase {
    private func setUpClip() throws -> (bank: MelFilterbank, mel: Spectrogram) {
        let clip = try FixtureCases.load().clip
        let bank = try MelFilterbank(sampleRate: clip.sample_rate, fftSize: clip.n_fft, melBandCount: clip.n_mels)
        let mel = try fixture("clip_mel_magnitude.npy")
        return (bank, Spectrogram(values: mel.values, rowCount: mel.shape[0], frameCount: mel.shape[1]))
    }

    /// The generalised Kullback–Leibler divergence `Σ M ln(M / Wx) − M + Wx` of the solution's mel from `mel`.
    private func divergence(_ bank: MelFilterbank, _ solution: Spectrogram, _ mel: Spectrogram) -> Double {
        zip(mel.values, bank.apply(solution).values).reduce(0.0) { total, pair in
            let (target, projected) = (Double(pair.0), Double(pair.1))
            return total + (target > 0 ? target * log(target / projected) : 0) - target + projected
        }
    }

    /// One update and fifty match the float64 numpy reference (the fixture script's loop).
    func testMatchesTheReferenceUpdates() throws {
        let (bank, mel) = try setUpClip()
        for updates in [1, 50] {
            let expected = try fixture("clip_mel_kl_inverse_\(updates).npy")
            let ours = try bank.inverse(mel, method: .kullbackLeibler(iterations: updates))
            XCTAssertEqual(ours.shape, expected.shape)
            assertClose(ours.values, expected.values, relative: 1e-5, "\(updates) updates")
        }
    }

    /// Every update lowers the divergence (the multiplicative update is a majorise–minimise step), the solution is
    /// non-negative, and bins no filter covers stay 0.
    func testDivergenceFallsAndUncoveredBinsStayZero() throws {
        let (bank, mel) = try setUpClip()
        let solutions = try [1, 2, 5, 20, 100].map { try bank.inverse(mel, method: .kullbackLeibler(iterations: $0)) }
        let divergences = solutions.map { divergence(bank, $0, mel) }
        XCTAssertEqual(divergences, divergences.sorted(by: >), "\(divergences)")
        XCTAssertLessThan(divergences[4], divergences[0] / 10)
        let uncovered = (0..<bank.binCount).filter { bin in
            (0..<bank.melBandCount).allSatisfy { bank.weights[$0 * bank.binCount + bin] == 0 }
        }
        XCTAssertFalse(uncovered.isEmpty, "the clip's filterbank leaves DC uncovered")
        for solution in solutions {
            XCTAssertTrue(solution.values.allSatisfy { $0 >= 0 })
            for bin in uncovered {
                XCTAssertTrue((0..<solution.frameCount).allSatisfy { solution[row: bin, frame: $0] == 0 }, "bin \(bin)")
            }
        }
    }

    /// Scaling the mel scales the inverse (the update is homogeneous of degree one); negative mel values count as 0;
    /// the thread count changes nothing.
    func testScalingNegativesAndThreads() throws {
        let (bank, mel) = try setUpClip()
        let method = MelInversion.kullbackLeibler(iterations: 30)
        let base = try bank.inverse(mel, method: method)
        var scaled = mel
        for index in scaled.values.indices { scaled.values[index] *= 8 }
        assertClose(try bank.inverse(scaled, method: method).values, base.values.map { $0 * 8 }, relative: 1e-5)
        var negative = mel, clamped = mel
        for index in stride(from: 0, to: mel.values.count, by: 7) {
            negative.values[index] = -1
            clamped.values[index] = 0
        }
        XCTAssertEqual(try bank.inverse(negative, method: method), try bank.inverse(clamped, method: method))
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        let results = try [1, 2].map { threads in
            AudioDSPThreads.threadCount = threads
            return try bank.inverse(mel, method: method)
        }
        XCTAssertEqual(results[0], results[1])
    }

    /// The least-squares method is ``MelFilterbank/inverse(_:iterations:)``; `inverseMagnitude` takes the root.
    func testLeastSquaresAndMagnitude() throws {
        let (bank, mel) = try setUpClip()
        XCTAssertEqual(try bank.inverse(mel, method: .leastSquares(iterations: 20)), try bank.inverse(mel, iterations: 20))
        let power = try bank.inverse(mel, method: .smooth)
        let amplitude = try bank.inverseMagnitude(mel, power: 2, method: .smooth)
        assertClose(amplitude.values, power.values.map { $0.squareRoot() }, relative: 1e-6)
        XCTAssertEqual(MelInversion.smooth, .kullbackLeibler(iterations: 50))
        XCTAssertEqual(MelInversion.librosa.iterations, 100)
    }

    func testCodableRoundTrip() throws {
        for method in [MelInversion.librosa, .smooth, .kullbackLeibler(iterations: 3)] {
            let data = try JSONEncoder().encode(method)
            XCTAssertEqual(try JSONDecoder().decode(MelInversion.self, from: data), method)
        }
        let json = #"{"kullbackLeibler":{"iterations":7}}"#
        XCTAssertEqual(try JSONDecoder().decode(MelInversion.self, from: Data(json.utf8)), .kullbackLeibler(iterations: 7))
    }

    func testBadInputThrows() throws {
        let (bank, mel) = try setUpClip()
        XCTAssertThrowsError(try bank.inverse(Spectrogram(values: [1, 2], rowCount: 2, frameCount: 1), method: .smooth)) {
            guard case AudioDSPError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try bank.inverse(Spectrogram(values: [], rowCount: bank.melBandCount, frameCount: 0),
                                              method: .smooth)) {
            guard case AudioDSPError.emptyInput = $0 else { return XCTFail("\($0)") }
        }
        var bad = mel
        bad.values[5] = .infinity
        XCTAssertThrowsError(try bank.inverse(bad, method: .smooth)) {
            guard case AudioDSPError.nonFiniteInput = $0 else { return XCTFail("\($0)") }
        }
        assertInvalidParameter(try bank.inverse(mel, method: .kullbackLeibler(iterations: 0)), named: "iterations")
        assertInvalidParameter(try bank.inverse(mel, method: .leastSquares(iterations: -1)), named: "iterations")
        assertInvalidParameter(try bank.inverseMagnitude(mel, power: -1, method: .smooth), named: "power")
    }
}
