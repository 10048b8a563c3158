import AudioDSP
import Foundation
import TestSupport
import XCTest

final class MelFrequencyCepstrumTests: XCTestCase {
    /// `librosa.feature.mfcc` number for number on a bundled clip: the judge's call (21 coefficients, n_fft 1024,
    /// hop 256, 128 mels, top_db 80) and a small one without the top-dB floor.
    func testCoefficientsMatchLibrosa() throws {
        let cases = try TransferMeasureFeatureCases.load()
        let samples = try cases.clipSamples()
        for c in cases.mfcc {
            let cepstrum = try MelFrequencyCepstrum(
                sampleRate: cases.sample_rate, coefficientCount: c.n_mfcc, fftSize: c.n_fft, hopLength: c.hop_length,
                melBandCount: c.n_mels, topDB: c.top_db)
            let expected = try TransferMeasureFeatureCases.array("mfcc_\(c.name).npy")
            let coefficients = try cepstrum(samples)
            XCTAssertEqual(coefficients.shape, expected.shape, c.name)
            // Absolute: MFCC values are dB-scaled (c0 here is about −300 … −600, the others ±100).
            assertClose(coefficients.values, expected.values, relative: 0, absolute: 1e-3, c.name)
            // c1 alone (row 1), so the large c0 cannot hide an error in the envelope coefficients.
            let frames = coefficients.frameCount
            assertClose(Array(coefficients.values[frames..<(2 * frames)]), Array(expected.values[frames..<(2 * frames)]),
                        relative: 0, absolute: 5e-4, "\(c.name) c1")
        }
    }

    /// Scaling the signal changes only c0 (by 10·log10(gain²)·√128), as long as no floor applies (broadband noise).
    func testGainMovesOnlyTheFirstCoefficient() throws {
        var state: UInt64 = 12_345
        let samples = (0..<8192).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 53)
        }
        let cepstrum = try MelFrequencyCepstrum(coefficientCount: 13, fftSize: 1024, hopLength: 256, topDB: nil)
        let a = try cepstrum(samples), b = try cepstrum(samples.map { $0 * 0.5 })
        let frames = a.frameCount
        let shift = Float(20 * log10(0.5) * (128.0).squareRoot())
        assertClose(Array(b.values[..<frames]), Array(a.values[..<frames]).map { $0 + shift }, relative: 1e-5, absolute: 1e-3)
        assertClose(Array(b.values[frames...]), Array(a.values[frames...]), relative: 1e-5, absolute: 1e-3)
    }

    func testInvalidParametersThrow() {
        assertInvalidParameter(try MelFrequencyCepstrum(coefficientCount: 0), named: "coefficientCount")
        assertInvalidParameter(try MelFrequencyCepstrum(coefficientCount: 41, melBandCount: 40), named: "coefficientCount")
        assertInvalidParameter(try MelFrequencyCepstrum(topDB: -1), named: "topDB")
        assertInvalidParameter(try MelFrequencyCepstrum(hopLength: 0), named: "hopLength")
        assertAudioDSPError(try MelFrequencyCepstrum()([Float.nan, 0, 1])) { if case .nonFiniteInput = $0 { true } else { false } }
        assertAudioDSPError(try MelFrequencyCepstrum()([])) { if case .emptyInput = $0 { true } else { false } }
    }

    /// The full DCT-II (ortho) is an orthogonal matrix, and its first rows match the closed form.
    func testCosineTransformIsOrthonormal() throws {
        let n = 12
        let dct = try DiscreteCosineTransform(inputCount: n, outputCount: n)
        for i in 0..<n {
            for j in 0..<n {
                let dot = (0..<n).reduce(0.0) { $0 + dct.basis[i * n + $1] * dct.basis[j * n + $1] }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-12, "rows \(i), \(j)")
            }
        }
        // A constant column has only a DC coefficient: √N · value.
        let constant = Spectrogram(values: [Float](repeating: 2, count: n), rowCount: n, frameCount: 1)
        let coefficients = try DiscreteCosineTransform(inputCount: n, outputCount: 3).apply(constant)
        assertClose(coefficients.values, [2 * Float(n).squareRoot(), 0, 0], relative: 0, absolute: 1e-5)
        assertInvalidParameter(try DiscreteCosineTransform(inputCount: 4, outputCount: 5), named: "outputCount")
        assertInvalidParameter(try DiscreteCosineTransform(inputCount: 0, outputCount: 0), named: "inputCount")
    }
}
