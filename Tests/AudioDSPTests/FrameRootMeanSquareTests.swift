import AudioDSP
import Foundation
import TestSupport
import XCTest

final class FrameRootMeanSquareTests: XCTestCase {
    /// `librosa.feature.rms` of a bundled clip, centred (the judge's frames) and not.
    func testLevelsMatchLibrosa() throws {
        let cases = try TransferMeasureFeatureCases.load()
        let samples = try cases.clipSamples()
        for c in cases.rms {
            let expected = try TransferMeasureFeatureCases.array("rms_\(c.name).npy")
            let levels = try frameRootMeanSquare(samples, frameLength: c.frame_length, hopLength: c.hop_length,
                                                 center: c.center)
            XCTAssertEqual([levels.count], expected.shape, c.name)
            assertClose(levels, expected.values, relative: 1e-6, absolute: 1e-9, c.name)
        }
    }

    /// A centred analysis has as many frames as the STFT, and a full-scale sine has RMS 1/√2 away from the ends.
    func testFrameCountAndSineLevel() throws {
        let samples = (0..<5000).map { Float(sin(2 * Double.pi * Double($0) / 32)) }
        let levels = try frameRootMeanSquare(samples, frameLength: 1024, hopLength: 256)
        XCTAssertEqual(levels.count, try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256).frameCount(sampleCount: 5000))
        XCTAssertEqual(levels[8], Float(0.5).squareRoot(), accuracy: 1e-4)
        XCTAssertEqual(levels[0], Float(0.25).squareRoot(), accuracy: 1e-2)  // half the frame is padding
    }

    func testBadInputsThrow() {
        assertInvalidParameter(try frameRootMeanSquare([1, 2, 3], frameLength: 0), named: "frameLength")
        assertInvalidParameter(try frameRootMeanSquare([1, 2, 3], hopLength: 0), named: "hopLength")
        assertInvalidParameter(try frameRootMeanSquare([1, 2, 3], frameLength: 4, center: false), named: "frameLength")
        assertAudioDSPError(try frameRootMeanSquare([])) { if case .emptyInput = $0 { true } else { false } }
        assertAudioDSPError(try frameRootMeanSquare([0, .infinity])) { if case .nonFiniteInput = $0 { true } else { false } }
    }
}
