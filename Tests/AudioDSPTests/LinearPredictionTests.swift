import AudioDSP
import Foundation
import TestSupport
import XCTest

final class LinearPredictionTests: XCTestCase {
    private func array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(Fixtures.url("linear_prediction/\(name)"))
    }

    /// Levinson–Durbin solves the Toeplitz normal equations as scipy's `solve_toeplitz` does.
    func testLevinsonDurbinMatchesScipy() throws {
        let r = try array("toeplitz_r.npy").values.map(Double.init)
        let expected = try array("toeplitz_filter.npy").values
        let (filter, error) = LinearPrediction.levinsonDurbin(r, order: 16)
        assertClose(filter.map(Float.init), expected, relative: 0, absolute: 2e-4)
        // The minimum error is r₀ + Σ aₖ rₖ.
        XCTAssertEqual(error, zip(filter, r).map(*).reduce(0, +), accuracy: 1e-6 * r[0])
        XCTAssertLessThan(error, 0.5 * r[0])
    }

    /// Each frame's filter from a speech power spectrogram, as `Scripts/lpc_from_mel.py` computes it (irfft
    /// autocorrelation, 60 Hz lag window, 1e-4 white-noise correction).
    func testErrorFiltersMatchTheReference() throws {
        let power = try array("clip_power.npy"), expected = try array("clip_filters.npy")
        let spectrogram = Spectrogram(values: power.values, rowCount: power.shape[0], frameCount: power.shape[1])
        let filters = try LinearPrediction(order: 16).errorFilters(powerSpectrogram: spectrogram, sampleRate: 22_050)
        XCTAssertEqual(filters.count, expected.values.count)
        assertClose(filters.map(Float.init), expected.values, relative: 0, absolute: 5e-3)
    }

    /// The spectrum of a known all-pole filter gives that filter back; silence gives the identity.
    func testAnAllPoleSpectrumGivesItsFilterBack() throws {
        let a: [Double] = [1, -1.3, 0.6]  // poles inside the unit circle
        let bins = 513
        let values = (0..<bins).map { bin -> Float in
            let w = Double.pi * Double(bin) / Double(bins - 1)
            let re = a[0] + a[1] * cos(w) + a[2] * cos(2 * w), im = -(a[1] * sin(w) + a[2] * sin(2 * w))
            return Float(1 / (re * re + im * im))
        }
        // Frame 0 is the all-pole spectrum, frame 1 silence (`[bins, frames]`, frames contiguous).
        let spectrogram = Spectrogram(values: values.flatMap { [$0, 0] }, rowCount: bins, frameCount: 2)
        let analysis = try LinearPrediction(order: 4, lagWindowHertz: nil, whiteNoiseCorrection: 0)
        let filters = analysis.errorFilters(powerSpectrogram: spectrogram, sampleRate: 22_050)
        assertClose(Array(filters[0..<5]).map(Float.init), [1, -1.3, 0.6, 0, 0], relative: 0, absolute: 1e-3)
        XCTAssertEqual(Array(filters[5..<10]), [1, 0, 0, 0, 0])
    }

    func testInvalidParametersThrow() {
        assertInvalidParameter(try LinearPrediction(order: 0), named: "order")
        assertInvalidParameter(try LinearPrediction(lagWindowHertz: 0), named: "lagWindowHertz")
        assertInvalidParameter(try LinearPrediction(whiteNoiseCorrection: -1), named: "whiteNoiseCorrection")
    }
}
