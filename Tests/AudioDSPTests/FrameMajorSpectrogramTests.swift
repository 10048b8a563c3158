import TestSupport
import XCTest

@testable import AudioDSP

final class FrameMajorSpectrogramTests: XCTestCase {
    /// Over librosa's grid, on one and two threads: magnitudes match `np.abs(librosa.stft(...))` within 1e-4 of the
    /// maximum, the values are bit for bit those of the bin-major `forward(_:)`, each frame sits at `frameStride`
    /// with zero padding, and the inverse equals the bin-major inverse.
    func testMatchesLibrosaAndTheBinMajorTransformOverGrid() throws {
        let signal = try fixture("signal.npy").values
        let savedThreads = AudioDSPThreads.threadCount
        defer { AudioDSPThreads.threadCount = savedThreads }
        for c in try FixtureCases.load().stft {
            let stft = try c.transform()
            let expected = try fixture("stft_\(c.name).npy")
            for threads in [1, 2] {
                AudioDSPThreads.threadCount = threads
                let frames = try stft.forwardFrameMajor(signal)
                XCTAssertEqual(frames.magnitude().shape, expected.shape, c.name)
                assertClose(frames.magnitude().values, expected.values, relative: 1e-4, "\(c.name), \(threads) threads")
                let binMajor = try stft.forward(signal)
                XCTAssertEqual(ComplexSpectrogram(frames), binMajor, c.name)
                XCTAssertGreaterThanOrEqual(frames.frameStride, 2 * frames.binCount)
                let last = frames.frameCount - 1, bin = frames.binCount / 3
                XCTAssertEqual(frames[bin: bin, frame: last].real, binMajor.real[bin * binMajor.frameCount + last])
                XCTAssertEqual(frames[bin: bin, frame: last].imag, binMajor.imag[bin * binMajor.frameCount + last])
                frames.withUnsafeBufferPointer { values in
                    XCTAssertEqual(values.count, frames.frameCount * frames.frameStride)
                    XCTAssertEqual(values[last * frames.frameStride + 2 * bin], binMajor.real[bin * binMajor.frameCount + last])
                    let padding = (0..<frames.frameCount).flatMap { t in
                        values[(t * frames.frameStride + 2 * frames.binCount)..<((t + 1) * frames.frameStride)]
                    }
                    XCTAssertTrue(padding.allSatisfy { $0 == 0 }, "padding is zero, \(c.name)")
                }
                assertClose(try stft.inverse(frames, sampleCount: signal.count), try stft.inverse(binMajor, sampleCount: signal.count),
                            relative: 0, absolute: 1e-6, c.name)
            }
        }
    }

    /// The inverse leaves its input as it was (FFTW's c2r would overwrite it), and reconstructs the signal.
    func testInverseKeepsItsInputAndRoundTrips() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 512, hopLength: 128)
        let signal = (0..<5000).map { Float(sin(Double($0) * 0.031) + 0.3 * sin(Double($0) * 0.7)) }
        let frames = try stft.forwardFrameMajor(signal)
        let before = frames.withUnsafeBufferPointer { Array($0) }
        let rebuilt = try stft.inverse(frames, sampleCount: signal.count)
        XCTAssertEqual(frames.withUnsafeBufferPointer { Array($0) }, before)
        assertClose(rebuilt, signal, relative: 0, absolute: 1e-5)
    }

    /// `forwardFrameMajor(_:into:)` reuses unshared storage of the right shape, never writes into storage another
    /// copy still holds, and leaves the spectrogram unchanged when it throws.
    func testForwardIntoReusesOnlyUnsharedStorage() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 256, hopLength: 64)
        let a = (0..<3000).map { Float(sin(Double($0) * 0.05)) }, b = (0..<3000).map { Float(cos(Double($0) * 0.11)) }
        var spectrogram = try stft.forwardFrameMajor(a)
        let address = spectrogram.withUnsafeBufferPointer { $0.baseAddress }
        try stft.forwardFrameMajor(b, into: &spectrogram)
        XCTAssertEqual(spectrogram.withUnsafeBufferPointer { $0.baseAddress }, address, "storage reused")
        XCTAssertEqual(ComplexSpectrogram(spectrogram), try stft.forward(b))

        let kept = spectrogram
        try stft.forwardFrameMajor(a, into: &spectrogram)
        XCTAssertEqual(ComplexSpectrogram(kept), try stft.forward(b), "the copy keeps its values")
        XCTAssertEqual(ComplexSpectrogram(spectrogram), try stft.forward(a))

        let before = ComplexSpectrogram(spectrogram)
        assertAudioDSPError(try stft.forwardFrameMajor([1, .infinity, 0], into: &spectrogram)) {
            if case .nonFiniteInput(what: "samples") = $0 { true } else { false }
        }
        XCTAssertEqual(ComplexSpectrogram(spectrogram), before)
    }

    /// A mutated copy does not change the original, and a spectrogram from another FFT size or with NaN is refused.
    func testMutationCopiesAndBadSpectrogramsThrow() throws {
        let stft = try ShortTimeFourierTransform(fftSize: 256, hopLength: 64)
        let signal = (0..<2000).map { Float(sin(Double($0) * 0.05)) }
        let original = try stft.forwardFrameMajor(signal)
        var changed = original
        changed.withUnsafeMutableBufferPointer { $0[0] = .nan }
        XCTAssertEqual(original[bin: 0, frame: 0].real, try stft.forward(signal).real[0])
        assertAudioDSPError(try stft.inverse(changed)) {
            if case .nonFiniteInput(what: "spectrogram") = $0 { true } else { false }
        }
        let other = try ShortTimeFourierTransform(fftSize: 512, hopLength: 64)
        assertAudioDSPError(try other.inverse(original)) {
            if case .shapeMismatch(what: "spectrogram", _, _) = $0 { true } else { false }
        }
        assertInvalidParameter(try stft.inverse(original, sampleCount: 0), named: "sampleCount")
    }
}

/// Readings of the internal frame-major layout, to compare it with the public bin-major one.
extension FrameMajorSpectrogram {
    /// Real and imaginary part of bin `bin` in frame `frame`.
    subscript(bin bin: Int, frame frame: Int) -> (real: Float, imag: Float) {
        precondition(bin >= 0 && bin < binCount && frame >= 0 && frame < frameCount)
        let pair = storage.pointer + frame * frameStride + 2 * bin
        return (pair[0], pair[1])
    }

    /// `|S|` of every value, bin-major `[binCount, frameCount]` (librosa `np.abs(S)`).
    func magnitude() -> Spectrogram {
        let values = (0..<binCount).flatMap { bin in
            (0..<frameCount).map { frame in
                let (real, imag) = self[bin: bin, frame: frame]
                return spectralMagnitude(real, imag, power: 1)
            }
        }
        return Spectrogram(values: values, rowCount: binCount, frameCount: frameCount)
    }
}

extension ComplexSpectrogram {
    /// The same values in the bin-major split layout.
    init(_ spectrogram: FrameMajorSpectrogram) {
        let pairs = (0..<spectrogram.binCount).flatMap { bin in
            (0..<spectrogram.frameCount).map { spectrogram[bin: bin, frame: $0] }
        }
        self.init(real: pairs.map(\.real), imag: pairs.map(\.imag), binCount: spectrogram.binCount,
                  frameCount: spectrogram.frameCount)
    }
}
