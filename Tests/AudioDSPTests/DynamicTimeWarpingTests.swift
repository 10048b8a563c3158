import AudioDSP
import Foundation
import TestSupport
import XCTest

final class DynamicTimeWarpingTests: XCTestCase {
    private func array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(Fixtures.url("accent/\(name)"))
    }

    /// `librosa.sequence.dtw(X, Y, metric="euclidean")`'s path, step for step, on Gaussian features and on small
    /// integers whose many equal costs test the order in which steps win ties.
    func testPathMatchesLibrosa() throws {
        for name in ["random", "ties"] {
            let a = try array("dtw_\(name)_a.npy"), b = try array("dtw_\(name)_b.npy")
            let expected = try array("dtw_\(name)_path.npy").values.map(Int.init)
            let path = DynamicTimeWarping.path(a.values, b.values, dimension: a.shape[1])
            XCTAssertEqual(path.flatMap { [$0.0, $0.1] }, expected, name)
        }
    }

    /// A sequence aligned with a copy of itself whose frames are each repeated twice maps every frame to its copies.
    func testAStretchedCopyAlignsFrameToFrame() {
        let a: [Float] = [0, 1, 5, 2, 8, 3]
        let b = a.flatMap { [$0, $0] }
        let path = DynamicTimeWarping.path(a, b, dimension: 1)
        XCTAssertEqual(path.map(\.0), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        XCTAssertEqual(path.map(\.1), Array(0..<12))
    }

    /// `librosa.mel_frequencies(n + 2, fmin, fmax, htk)[1:-1]` on both mel scales.
    func testBandCentresMatchLibrosa() throws {
        let slaney = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: 80)
        let htk = try MelFilterbank(
            sampleRate: 16_000, fftSize: 512, melBandCount: 32, minimumFrequency: 50, maximumFrequency: 7000,
            scale: .htk)
        for (filterbank, name) in [(slaney, "slaney_80_22050"), (htk, "htk_32_50_7000")] {
            assertClose(
                filterbank.bandCentres.map(Float.init), try array("band_centres_\(name).npy").values,
                relative: 1e-6, name)
        }
    }
}
