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

    /// A temporary folder holding half a second of a 220 Hz tone at 22 050 Hz.
    private func makeToneFolder() throws -> URL {
        let folder = try makeTemporaryDirectory(self)
        let tone = (0..<11_025).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 22_050)) }
        try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: folder.appendingPathComponent("tone.wav"))
        return folder
    }

    /// `--until-seconds 0` stops after one step with a checkpoint and a note; `--resume` continues at the next step.
    func testTrainingStopsAtTheTimeLimitAndResumes() throws {
        let folder = try makeToneFolder()
        let out = folder.appendingPathComponent("m.safetensors")
        let arguments = ["train-wavenet", "--data", folder.path, "--out", out.path, "--steps", "3", "--batch-size", "1",
                         "--crop-length", "256", "--log-interval", "1", "--until-seconds", "0"]
        for step in 1...2 {
            let result = try runDemo(arguments + (step > 1 ? ["--resume"] : []))
            XCTAssertEqual(result.status, 0, result.standardError)
            let lines = result.standardOutput.split(separator: "\n")
            XCTAssertEqual(lines.count, 3, result.standardOutput)
            XCTAssertTrue(lines[1].hasPrefix("step \(step)/3  loss "), String(lines[1]))
            XCTAssertTrue(lines[1].contains(" samples/s  ETA ") && lines[1].hasSuffix("→ \(out.path)"), String(lines[1]))
            XCTAssertEqual(lines[2], "stopped at the time limit after step \(step); continue with --resume")
            let description = try JSONDecoder().decode(
                TrainingDescription.self, from: Data(contentsOf: folder.appendingPathComponent("m.json")))
            XCTAssertEqual(description.training.step, step)
            XCTAssertEqual(description.training.optimizerStepCount, step)
        }
        let negative = try runDemo(Array(arguments.dropLast(2)) + ["--until-seconds=-1"])
        XCTAssertNotEqual(negative.status, 0)
        XCTAssertTrue(negative.standardError.contains("--until-seconds must be ≥ 0"), negative.standardError)
    }

    /// `--guide` trains a model that refines Griffin-Lim, says so, and records the guide; a bad guide option is one
    /// error line.
    func testGuidedTraining() throws {
        let folder = try makeToneFolder()
        let out = folder.appendingPathComponent("g.safetensors")
        let arguments = ["train-wavenet", "--data", folder.path, "--out", out.path, "--steps", "1", "--batch-size", "1",
                         "--crop-length", "256", "--guide", "--guide-target-iterations", "2"]
        let result = try runDemo(arguments)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasPrefix("WaveNet: 16 layers") && result.standardOutput.contains(
            "refining a Griffin-Lim 32 guide (kernel 65)"), result.standardOutput)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("g.json")))
        let guide = ((json as? [String: Any])?["configuration"] as? [String: Any])?["guide"] as? [String: Any]
        XCTAssertEqual(guide?["targetIterations"] as? Int, 2)
        XCTAssertEqual(guide?["kernelSize"] as? Int, 65)

        let bad = try runDemo(arguments + ["--guide-input-noise=-1"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.standardError.split(separator: "\n").count, 1, bad.standardError)
        XCTAssertTrue(bad.standardError.contains("guide.inputNoise"), bad.standardError)
    }

    /// The fields of the checkpoint's `.json` description this test reads.
    private struct TrainingDescription: Decodable {
        struct Training: Decodable { let step: Int; let optimizerStepCount: Int? }
        let training: Training
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
