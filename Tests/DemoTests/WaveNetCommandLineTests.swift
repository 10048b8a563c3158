import AudioDSP
import Foundation
import TestSupport
import XCTest

/// `demo train-wavenet` and `demo reconstruct --vocoder wavenet`, run as the built executable.
final class WaveNetCommandLineTests: XCTestCase {
    func testTrainingOnAFolderWithoutAudioPrintsOneErrorLine() throws {
        let folder = try makeTemporaryDirectory(self)
        let result = try runDemo(["train-wavenet", "--data", folder.path, "--out", folder.appendingPathComponent("m.safetensors").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.standardError, "error: no training audio in \(folder.path): no aif/aiff/flac/ogg/wav files\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }

    func testReconstructWithTheBundledWaveNet() throws {
        let folder = try makeTemporaryDirectory(self)
        let clip = folder.appendingPathComponent("clip.wav"), out = folder.appendingPathComponent("out.wav")
        let tone = (0..<400).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 22_050)) }
        try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: clip)
        let result = try runDemo(["reconstruct", clip.path, "--out", out.path, "--vocoder", "wavenet", "--seed", "3"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasPrefix("\(out.path): 22050 Hz, 400 samples, WaveNet in"), result.standardOutput)
        XCTAssertEqual(try AudioFile.read(out).sampleCount, 400)

        let missing = try runDemo(["reconstruct", clip.path, "--out", out.path, "--vocoder", "wavenet",
                                "--checkpoint", folder.appendingPathComponent("none.safetensors").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.standardError.hasPrefix("error: unusable WaveNet checkpoint"), missing.standardError)
        // --checkpoint belongs to --vocoder wavenet: with Griffin-Lim it is a usage error, and nothing is written.
        let misplaced = try runDemo(["reconstruct", clip.path, "--out", out.path + ".gl.wav", "--checkpoint", "x"])
        XCTAssertNotEqual(misplaced.status, 0)
        XCTAssertTrue(misplaced.standardError.contains("--checkpoint"), misplaced.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path + ".gl.wav"))
    }
}
