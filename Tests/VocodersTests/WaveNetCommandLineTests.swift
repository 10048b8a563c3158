import AudioDSP
import Foundation
import TestSupport
import XCTest

/// `demo train-wavenet` and `demo reconstruct --vocoder wavenet`, run as the built executable.
final class WaveNetCommandLineTests: XCTestCase {
    /// Runs the `demo` built beside this test bundle; returns the exit status, standard output and standard error.
    private func demo(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("demo")
        process.arguments = arguments
        let (output, error) = (Pipe(), Pipe())
        (process.standardOutput, process.standardError) = (output, error)
        try process.run()
        let text = (output.fileHandleForReading.readDataToEndOfFile(), error.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text.0, as: UTF8.self), String(decoding: text.1, as: UTF8.self))
    }

    func testTrainingOnAFolderWithoutAudioPrintsOneErrorLine() throws {
        let folder = try makeTemporaryFolder(self)
        let result = try demo(["train-wavenet", "--data", folder.path, "--out", folder.appendingPathComponent("m.safetensors").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.error, "error: no training audio in \(folder.path): no aif/aiff/flac/ogg/wav files\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }

    func testReconstructWithTheBundledWaveNet() throws {
        let folder = try makeTemporaryFolder(self)
        let clip = folder.appendingPathComponent("clip.wav"), out = folder.appendingPathComponent("out.wav")
        let tone = (0..<400).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 22_050)) }
        try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: clip)
        let result = try demo(["reconstruct", clip.path, "--out", out.path, "--vocoder", "wavenet", "--seed", "3"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.hasPrefix("\(out.path): 22050 Hz, 400 samples, WaveNet in"), result.output)
        XCTAssertEqual(try AudioFile.read(out).frameCount, 400)

        let missing = try demo(["reconstruct", clip.path, "--out", out.path, "--vocoder", "wavenet",
                                "--checkpoint", folder.appendingPathComponent("none.safetensors").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.hasPrefix("error: unusable WaveNet checkpoint"), missing.error)
        XCTAssertNotEqual(try demo(["reconstruct", clip.path, "--out", out.path, "--checkpoint", "x"]).status, 0)
    }
}
