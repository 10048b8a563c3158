import Foundation
import TestSupport
import XCTest

@testable import AudioDSP

final class ShortTimeFourierTransformTests: XCTestCase {
    /// Magnitudes match `np.abs(librosa.stft(...))` over the fixture grid within 1e-4 of the maximum.
    func testMagnitudeMatchesLibrosaOverGrid() throws {
        let signal = try fixture("signal.npy").values
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        for c in try FixtureCases.load().stft {
            let expected = try fixture("stft_\(c.name).npy")
            for threads in [1, 2] {
                AudioDSPThreads.threadCount = threads
                let magnitude = try c.transform().magnitude(signal)
                XCTAssertEqual(magnitude.shape, expected.shape, c.name)
                assertClose(magnitude.values, expected.values, relative: 1e-4, "\(c.name), \(threads) threads")
            }
        }
    }

    /// The bundled speech clip's STFT magnitude matches librosa's within 1e-4 of the maximum.
    func testClipMagnitudeMatchesLibrosa() throws {
        let clip = try FixtureCases.load().clip
        let stft = try ShortTimeFourierTransform(fftSize: clip.n_fft, hopLength: clip.hop_length)
        let expected = try fixture("clip_stft_magnitude.npy")
        let magnitude = try stft.magnitude(try fixture("clip.npy").values)
        XCTAssertEqual(magnitude.shape, expected.shape)
        assertClose(magnitude.values, expected.values, relative: 1e-4)
    }

    /// iSTFT(STFT(x)) = x within 1e-5 for every grid case whose window satisfies the overlap-add condition, with
    /// the exact requested length.
    func testInverseRoundTripOverGrid() throws {
        let signal = try fixture("signal.npy").values
        for c in try FixtureCases.load().stft {
            let stft = try c.transform()
            let spectrum = try stft.forward(signal)
            let rebuilt = try stft.inverse(spectrum, sampleCount: signal.count)
            XCTAssertEqual(rebuilt.count, signal.count, c.name)
            // Without centring, the first and last samples are covered by no full window overlap: compare the middle.
            let margin = c.center ? 0 : c.n_fft
            let covered = c.center ? signal.count : min(signal.count, c.hop_length * (spectrum.frameCount - 1) + c.n_fft)
            assertClose(Array(rebuilt[margin..<(covered - margin)]), Array(signal[margin..<(covered - margin)]),
                        relative: 0, absolute: 1e-5, c.name)
        }
    }

    /// Without `length` the output has librosa's implied length, and a shorter `length` truncates exactly.
    func testInverseLengths() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 256, hopLength: 64)
        let signal = (0..<1000).map { Float(sin(Double($0) * 0.05)) }
        let spectrum = try stft.forward(signal)
        XCTAssertEqual(spectrum.frameCount, 1 + 1000 / 64)
        XCTAssertEqual(try stft.inverse(spectrum).count, 64 * (spectrum.frameCount - 1))
        let short = try stft.inverse(spectrum, sampleCount: 500)
        XCTAssertEqual(short.count, 500)
        assertClose(short, Array(signal[..<500]), relative: 0, absolute: 1e-5)
        let long = try stft.inverse(spectrum, sampleCount: 1100)
        XCTAssertEqual(long.count, 1100)
        XCTAssertEqual(long[1090], 0)
    }

    /// `forward(_:into:)` gives the same values as `forward(_:)`, reuses a same-shaped spectrogram and reshapes
    /// a different one.
    func testForwardIntoReusesArrays() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 256, hopLength: 64, padMode: .reflect)
        let signal = try fixture("signal.npy").values
        var spectrum = ComplexSpectrogram(real: [], imag: [], binCount: 0, frameCount: 0)
        try stft.forward(signal, into: &spectrum)
        XCTAssertEqual(spectrum, try stft.forward(signal))
        let shorter = Array(signal[..<1000])
        try stft.forward(shorter, into: &spectrum)
        XCTAssertEqual(spectrum, try stft.forward(shorter))
        let before = spectrum
        assertAudioDSPError(try stft.forward([.nan], into: &spectrum)) {
            if case .nonFiniteInput(what: "samples") = $0 { true } else { false }
        }
        XCTAssertEqual(spectrum, before)
    }

    /// Transforms started from several threads at once (the worker pool runs one loop at a time; the others run
    /// on their callers) give the same values as one call alone.
    func testConcurrentCallersGetTheSameResults() throws {
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        AudioDSPThreads.threadCount = 2
        let stft = try ShortTimeFourierTransform(fftSize: 512, hopLength: 128)
        let signal = (0..<40_000).map { Float(sin(Double($0) * 0.013) * cos(Double($0) * 0.0007)) }
        let expected = try stft.forward(signal)
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let spectrum = index.isMultiple(of: 2)
                ? try? stft.forward(signal) : (try? stft.forwardFrameMajor(signal)).map(ComplexSpectrogram.init)
            results.append(spectrum)
        }
        XCTAssertEqual(results.values.count, 8)
        for spectrum in results.values { XCTAssertEqual(spectrum, expected) }
    }

    func testThreadCountIsAtLeastOne() {
        let saved = AudioDSPThreads.threadCount
        AudioDSPThreads.threadCount = 0
        XCTAssertEqual(AudioDSPThreads.threadCount, 1)
        AudioDSPThreads.threadCount = saved
    }

    func testDefaults() throws {
        let stft = try ShortTimeFourierTransform()
        XCTAssertEqual(stft.fftSize, 2048)
        XCTAssertEqual(stft.hopLength, 512)
        XCTAssertEqual(stft.windowLength, 2048)
        XCTAssertEqual(stft.window, .hann)
        XCTAssertTrue(stft.center)
        XCTAssertEqual(stft.padMode, .constant)
        XCTAssertEqual(ShortTimeFourierTransform.defaultHopLength(windowLength: 1000), 250)
    }

    func testInvalidParametersThrow() {
        func expectInvalid(_ name: String, _ make: () throws -> ShortTimeFourierTransform) {
            XCTAssertThrowsError(try make()) { error in
                guard case let AudioDSPError.invalidParameter(parameter, _, _) = error else {
                    return XCTFail("expected invalidParameter, got \(error)")
                }
                XCTAssertEqual(parameter, name)
            }
        }
        expectInvalid("fftSize") { try ShortTimeFourierTransform(fftSize: 1) }
        expectInvalid("hopLength") { try ShortTimeFourierTransform(fftSize: 512, hopLength: 600) }
        expectInvalid("hopLength") { try ShortTimeFourierTransform(fftSize: 512, hopLength: 300, windowLength: 256) }
        expectInvalid("hopLength") { try ShortTimeFourierTransform(fftSize: 512, hopLength: 0) }
        expectInvalid("windowLength") { try ShortTimeFourierTransform(fftSize: 512, windowLength: 1024) }
    }

    func testBadSamplesThrow() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 64, hopLength: 16)
        XCTAssertThrowsError(try stft.forward([])) { XCTAssertEqual($0 as? AudioDSPError, .emptyInput(what: "samples")) }
        for bad in [Float.nan, .infinity, -.infinity] {
            var samples = [Float](repeating: 0.1, count: 200)
            samples[117] = bad
            XCTAssertThrowsError(try stft.forward(samples)) {
                XCTAssertEqual($0 as? AudioDSPError, .nonFiniteInput(what: "samples"))
            }
        }
        let uncentred = try ShortTimeFourierTransform(fftSize: 64, hopLength: 16, center: false)
        assertInvalidParameter(try uncentred.forward([Float](repeating: 0, count: 63)), named: "fftSize")
    }

    func testBadSpectrogramThrows() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 64, hopLength: 16)
        let wrongBins = ComplexSpectrogram(real: [0, 0], imag: [0, 0], binCount: 2, frameCount: 1)
        XCTAssertThrowsError(try stft.inverse(wrongBins)) {
            guard case AudioDSPError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        var spectrum = try stft.forward([Float](repeating: 0.5, count: 100))
        assertInvalidParameter(try stft.inverse(spectrum, sampleCount: 0), named: "sampleCount")
        spectrum.imag[3] = .nan
        XCTAssertThrowsError(try stft.inverse(spectrum)) {
            guard case AudioDSPError.nonFiniteInput = $0 else { return XCTFail("\($0)") }
        }
    }
}

/// Results collected from concurrent closures.
private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ComplexSpectrogram?] = []

    func append(_ value: ComplexSpectrogram?) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [ComplexSpectrogram?] { lock.lock(); defer { lock.unlock() }; return stored }
}
