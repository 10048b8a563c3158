import AudioDSP
import Foundation
import TestSupport
import XCTest

/// `demo train-backbone`, `demo train-accent` and `demo transfer --backbone audio`, run as the built executable.
final class BackboneCommandLineTests: XCTestCase {
    func testTrainingWithoutAManifestPrintsOneErrorLine() throws {
        let folder = try makeTemporaryDirectory(self)
        let out = folder.appendingPathComponent("b.safetensors")
        let result = try runDemo(["train-backbone", "--corpus", folder.path, "--out", out.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.standardError.hasPrefix(
                "error: unusable training corpus \(folder.appendingPathComponent("manifest.json").path): "
                    + "cannot read the manifest"
            ),
            result.standardError)
        XCTAssertEqual(result.standardError.filter { $0 == "\n" }.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        let bad = try runDemo(["train-backbone", "--corpus", folder.path, "--out", out.path, "--channels", "8,x"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(
            bad.standardError.contains("--channels must be comma-separated positive integers"), bad.standardError)
    }

    func testAccentTrainingWithoutAManifestPrintsOneErrorLine() throws {
        let folder = try makeTemporaryDirectory(self)
        let out = folder.appendingPathComponent("a.safetensors")
        let result = try runDemo(["train-accent", "--corpus", folder.path, "--out", out.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.standardError.hasPrefix(
                "error: unusable training corpus \(folder.appendingPathComponent("manifest.json").path): "
                    + "cannot read the manifest"),
            result.standardError)
        XCTAssertEqual(result.standardError.filter { $0 == "\n" }.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// `--until-seconds 0` stops after one step with a checkpoint (and the validation accuracy); `--resume` continues.
    func testTrainingStopsAtTheTimeLimitAndResumes() throws {
        let folder = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("clips"), withIntermediateDirectories: true)
        var clips: [[String: String]] = []
        for (index, (gender, frequency)) in [("male", 110.0), ("female", 220.0), ("male", 120.0), ("female", 240.0)]
            .enumerated()
        {
            let tone = (0..<11_025).map { Float(0.3 * sin(2 * Double.pi * frequency * Double($0) / 22_050)) }
            let path = "clips/\(index).wav"
            try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: folder.appendingPathComponent(path))
            clips.append(["path": path, "split": index < 2 ? "train" : "validation", "gender": gender])
        }
        try JSONSerialization.data(withJSONObject: ["labels": ["gender": ["female", "male"]], "clips": clips])
            .write(to: folder.appendingPathComponent("manifest.json"))
        let out = folder.appendingPathComponent("b.safetensors")
        let arguments = [
            "train-backbone", "--corpus", folder.path, "--out", out.path, "--steps", "3", "--batch-size", "2",
            "--crop-frames", "16", "--channels", "4,4", "--dilations", "1,2", "--log-interval", "1",
            "--until-seconds", "0"
        ]
        for step in 1...2 {
            let result = try runDemo(arguments + (step > 1 ? ["--resume"] : []))
            XCTAssertEqual(result.status, 0, result.standardError)
            let lines = result.standardOutput.split(separator: "\n")
            XCTAssertEqual(lines.count, 3, result.standardOutput)
            XCTAssertTrue(
                lines[0].hasPrefix("corpus: 2 training and 2 validation clips, labels gender (2)"), String(lines[0]))
            XCTAssertTrue(lines[1].hasPrefix("step \(step)/3  loss "), String(lines[1]))
            XCTAssertTrue(
                lines[1].contains(" crops/s  ETA ") && lines[1].contains("  validation gender ")
                    && lines[1].hasSuffix("→ \(out.path)"), String(lines[1]))
            XCTAssertEqual(lines[2], "stopped at the time limit after step \(step); continue with --resume")
        }
        // The checkpoint works as a transfer backbone.
        let transferred = folder.appendingPathComponent("out.wav")
        let clip = folder.appendingPathComponent("clips/0.wav").path,
            style = folder.appendingPathComponent("clips/1.wav").path
        let transfer = try runDemo([
            "transfer", "--content", clip, "--style", style, "--backbone", "audio",
            "--weights", out.path, "--steps", "2", "--out", transferred.path
        ])
        XCTAssertEqual(transfer.status, 0, transfer.standardError)
        XCTAssertEqual(try AudioFile.read(transferred).sampleCount, 11_025)
    }
}
