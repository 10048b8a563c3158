import Foundation
import TestSupport
import XCTest

@testable import AudioDSP

/// Runs the built `demo` executable (from this test bundle's build folder) on good and bad inputs.
final class DemoCommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> DemoOutcome { try runDemo(arguments) }

    /// A one-second 440 Hz tone at the standard rate, plus every bad file, in a fresh folder.
    private func inputs() throws -> (folder: URL, files: [String: URL]) {
        let folder = try makeTemporaryDirectory(self)
        var files = try BadInputFiles.make(in: folder)
        let tone = (0..<22_050).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / 22_050)) }
        files["tone.wav"] = folder.appendingPathComponent("tone.wav")
        try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: files["tone.wav"]!, format: .wavFloat)
        files["plain.png"] = folder.appendingPathComponent("plain.png")
        try PNGFile(width: 3, height: 80, pixels: .gray16([UInt16](repeating: 7, count: 240)), text: [:]).encoded()
            .write(to: files["plain.png"]!)
        return (folder, files)
    }

    private func assertFails(
        _ arguments: [String], in folder: URL, mentioning fragment: String, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let before = fileNames(in: folder)
        let outcome = try run(arguments)
        XCTAssertNotEqual(outcome.status, 0, "\(arguments)", file: file, line: line)
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, "stderr: \(outcome.standardError)", file: file, line: line)
        XCTAssert(outcome.standardError.hasPrefix("error: "), outcome.standardError, file: file, line: line)
        XCTAssert(
            outcome.standardError.contains(fragment), "\(outcome.standardError) lacks \(fragment)",
            file: file, line: line)
        XCTAssertEqual(fileNames(in: folder), before, "a failed command left files behind", file: file, line: line)
    }

    func testBadInputsPrintOneErrorLineExitNonZeroAndWriteNothing() throws {
        let (folder, files) = try inputs()
        let npy = folder.appendingPathComponent("out.npy").path
        let wav = folder.appendingPathComponent("out.wav").path
        func path(_ name: String) -> String { files[name]!.path }
        try assertFails(["spectrogram", path("missing.wav"), "--npy", npy], in: folder, mentioning: "file not found")
        try assertFails(["spectrogram", path("text.wav"), "--npy", npy], in: folder, mentioning: "cannot read")
        try assertFails(["spectrogram", path("zero-length.wav"), "--npy", npy], in: folder, mentioning: "is empty")
        try assertFails(["spectrogram", path("no-samples.wav"), "--npy", npy], in: folder, mentioning: "is empty")
        try assertFails(["spectrogram", path("nan.wav"), "--npy", npy], in: folder, mentioning: "NaN")
        try assertFails(["reconstruct", path("silent.wav"), "--out", wav], in: folder, mentioning: "silent")
        try assertFails(
            ["spectrogram", path("tone.wav"), "--hop-length", "2048", "--npy", npy], in: folder,
            mentioning: "hopLength")
        try assertFails(
            ["spectrogram", path("tone.wav"), "--fft-size", "1", "--npy", npy], in: folder,
            mentioning: "fftSize")
        try assertFails(
            ["spectrogram", path("tone.wav"), "--fmax", "20000", "--npy", npy], in: folder,
            mentioning: "maximumFrequency")
        try assertFails(
            ["reconstruct", "--from-image", path("plain.png"), "--out", wav], in: folder,
            mentioning: "no spectrogram metadata")
        try assertFails(
            [
                "spectrogram", path("tone.wav"), "--png", folder.appendingPathComponent("out.png").path,
                "--npy", folder.appendingPathComponent("missing/out.npy").path,
            ], in: folder,
            mentioning: "does not exist")
        try assertFails(
            ["reconstruct", path("tone.wav"), "--out", folder.appendingPathComponent("no/out.wav").path],
            in: folder, mentioning: "does not exist")
    }

    /// A command line the parser refuses fails like any other bad input: one line, a non-zero exit, no file.
    func testRefusedCommandLinesPrintOneErrorLine() throws {
        let (folder, files) = try inputs()
        let wav = folder.appendingPathComponent("out.wav").path
        let tone = files["tone.wav"]!.path
        try assertFails(
            ["reconstruct", tone, "--out", wav, "--magnitude-target", "phase"], in: folder,
            mentioning: "--magnitude-target")
        try assertFails(["reconstruct", tone, "--out", wav, "--iterations", "many"], in: folder, mentioning: "many")
        try assertFails(
            ["reconstruct", tone, "--out", wav, "--no-such-option"], in: folder, mentioning: "no-such-option")
        try assertFails(["no-such-command"], in: folder, mentioning: "no-such-command")
        try assertFails(["reconstruct", tone], in: folder, mentioning: "--out")
        let help = try run(["reconstruct", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssert(help.standardOutput.contains("USAGE: demo reconstruct"), help.standardOutput)
    }

    /// `demo fft-wisdom` writes wisdom that `FFTWisdom.importWisdom` accepts, and refuses bad sizes in one line.
    func testFFTWisdomWritesImportableWisdom() throws {
        let folder = try makeTemporaryDirectory(self)
        let out = folder.appendingPathComponent("wisdom.txt")
        try assertFails(["fft-wisdom", "--sizes", "64,abc", "--out", out.path], in: folder, mentioning: "--sizes")
        try assertFails(["fft-wisdom", "--sizes", "1", "--out", out.path], in: folder, mentioning: "--sizes")
        let outcome = try run(["fft-wisdom", "--sizes", "64", "--rigor", "measure", "--out", out.path])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let wisdom = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(wisdom.hasPrefix("(fftw-3"), wisdom)
        XCTAssertNoThrow(try FFTWisdom.importWisdom(wisdom))
    }

    func testSpectrogramWritesTheLibrarysMelSpectrogramAndImagesThatReconstruct() throws {
        let (folder, files) = try inputs()
        let npy = folder.appendingPathComponent("mel.npy")
        let image = folder.appendingPathComponent("mel16.png")
        let png = folder.appendingPathComponent("mel.png")
        let wav = folder.appendingPathComponent("back.wav")
        let outcome = try run([
            "spectrogram", files["tone.wav"]!.path, "--npy", npy.path, "--image-16bit", image.path,
            "--png", png.path, "--color-map", "magma",
        ])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let (shape, values) = try NPY.read(npy)
        // The CLI's default analysis: librosa.feature.melspectrogram(sr=22050, n_fft=1024, hop_length=256, n_mels=80)
        // in dB (power_to_db with its defaults).
        let standard = try FrontEnd(
            sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
            frequencyAxis: .mel(.init(count: 80, maximumFrequency: 11_025)),
            valueScale: .decibels(amin: 1e-10, topDB: 80))
        let stft = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
        let filterbank = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: 80)
        let expected = try melSpectrogram(
            try AudioFile.read(files["tone.wav"]!).samples, stft: stft,
            filterbank: filterbank)
        XCTAssertEqual(shape, [80, 87])
        // Same code, another process: FFTW may pick other (equally exact) plans, so equal up to rounding.
        assertClose(values, expected.values, relative: 1e-6)
        let decoded = try SpectrogramImage.read(image)
        XCTAssertEqual(decoded.frontEnd, standard)
        assertClose(decoded.decibels.values, Decibels.powerToDecibels(expected).values, relative: 0, absolute: 0.01)
        XCTAssertEqual(try SpectrogramImage.read(png).colorMap, .magma)

        let rebuilt = try run(["reconstruct", "--from-image", image.path, "--out", wav.path, "--iterations", "8"])
        XCTAssertEqual(rebuilt.status, 0, rebuilt.standardError)
        let audio = try AudioFile.read(wav)
        XCTAssertEqual(audio.sampleRate, 22_050)
        XCTAssertEqual(audio.sampleCount, 86 * 256)

        let linear = try run(["spectrogram", files["tone.wav"]!.path, "--linear", "--npy", npy.path])
        XCTAssertEqual(linear.status, 0, linear.standardError)
        XCTAssertEqual(try NPY.read(npy).shape, [513, 87])
    }

    /// With either inverse mel and either magnitude target, the rebuilt tone's level is that of the original (0.5
    /// peak, 0.354 RMS) within 20 %, and each choice gives different audio.
    func testReconstructFromAudioKeepsTheTone() throws {
        let (folder, files) = try inputs()
        var rebuilt: [[Float]] = []
        for (inversion, target) in [("kullback-leibler", "mel"), ("least-squares", "mel"),
                                    ("kullback-leibler", "inverse-mel")] {
            let flac = folder.appendingPathComponent("back-\(inversion)-\(target).flac")
            let outcome = try run(["reconstruct", files["tone.wav"]!.path, "--out", flac.path, "--iterations", "16",
                                   "--mel-inversion", inversion, "--magnitude-target", target])
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
            XCTAssertEqual(try AudioFile.info(flac).container, "FLAC (Free Lossless Audio Codec)")
            let audio = try AudioFile.read(flac)
            XCTAssertEqual(audio.sampleCount, 22_050)
            let middle = audio.samples[2048..<20_000]
            let rms = (middle.reduce(Float(0)) { $0 + $1 * $1 } / Float(middle.count)).squareRoot()
            XCTAssertEqual(rms, 0.354, accuracy: 0.07, "\(inversion), \(target)")
            rebuilt.append(audio.samples)
        }
        XCTAssertNotEqual(rebuilt[0], rebuilt[1])
        XCTAssertNotEqual(rebuilt[0], rebuilt[2])
        let unknown = try run(["reconstruct", files["tone.wav"]!.path, "--out", folder.appendingPathComponent("x.wav").path,
                               "--mel-inversion", "nnls"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssert(unknown.standardError.contains("'kullback-leibler' and 'least-squares'"), unknown.standardError)
    }
}
