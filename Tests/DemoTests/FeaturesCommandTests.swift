import AudioDSP
import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// `demo features`, run as the built executable: activations written as .npy files equal the library's, and bad
/// input is one error line with nothing written.
final class FeaturesCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory(self) }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func writeInput(_ shape: [Int], name: String, seed: UInt64) throws -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor.randomNormal(shape: shape, generator: &generator)
        try NPY.write(x.scalars, shape: shape, to: URL(fileURLWithPath: path(name)))
        return x
    }

    private func read(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(URL(fileURLWithPath: path(name)))
    }

    func testRawInputGivesTheLibrarysActivations() throws {
        let x = try writeInput([1, 1, 9, 7], name: "x.npy", seed: 1)
        let outcome = try runDemo(["features", "--backbone", "random-cnn", "--seed", "4", "--layers", "conv1,relu1",
                               "--input-npy", path("x.npy"), "--npy-dir", path("out")])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let expected = try RandomCNN(seed: 4).features(of: x, layers: ["conv1", "relu1"])
        for layer in ["conv1", "relu1"] {
            let written = try read("out/\(layer).npy")
            XCTAssertEqual(written.shape, [32, 7, 7])
            XCTAssertEqual(written.values, expected[layer]!.scalars)
        }
        XCTAssertTrue(outcome.standardOutput.contains("relu1: [32, 7, 7]"), outcome.standardOutput)

        let y = try writeInput([1, 3, 32, 40], name: "y.npy", seed: 2)
        let deep = try runDemo(["features", "--backbone", "resnet50", "--seed", "3", "--layers", "layer1.1,stem",
                            "--input-npy", path("y.npy"), "--npy-dir", path("deep")])
        XCTAssertEqual(deep.status, 0, deep.standardError)
        XCTAssertTrue(deep.standardError.hasPrefix("warning: random resnet50 weights"), deep.standardError)
        let reference = try ResNet50(seed: 3).features(of: y, layers: ["stem", "layer1.1"])
        for layer in ["stem", "layer1.1"] {
            let written = try read("deep/\(layer).npy")
            XCTAssertEqual(written.shape, Array(reference[layer]!.shape.dropFirst()))
            XCTAssertEqual(written.values, reference[layer]!.scalars)
        }
    }

    func testAudioGoesThroughTheSessionsFrontEnd() throws {
        let tone = (0..<22_050).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / 22_050)) }
        try AudioFile.write(Waveform(samples: tone, sampleRate: 22_050), to: URL(fileURLWithPath: path("tone.wav")),
                            format: .wavFloat)
        let outcome = try runDemo(["features", path("tone.wav"), "--backbone", "random-cnn", "--layers", "relu1",
                               "--npy-dir", path("out")])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        // log1p STFT magnitude, fftSize 1024, hop 256: 513 bins, 1 + 22050/256 = 87 frames; the (3, 1) kernel → 511.
        let written = try read("out/relu1.npy")
        XCTAssertEqual(written.shape, [32, 511, 87])
        XCTAssertTrue(written.values.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(written.values.max()!, 0)
    }

    func testBadInputIsOneErrorLineAndWritesNothing() throws {
        _ = try writeInput([1, 3, 40, 40], name: "x.npy", seed: 3)
        _ = try writeInput([40, 40], name: "flat.npy", seed: 3)
        _ = try writeInput([1, 1, 2, 40], name: "short.npy", seed: 3)
        let cases: [([String], String)] = [
            (["--backbone", "random-cnn", "--layers", "relu9", "--input-npy", path("short.npy")], "unknown layer 'relu9'"),
            (["--backbone", "random-cnn", "--layers", "relu1", "--input-npy", path("short.npy")], "smaller than the network's minimum 3×1"),
            (["--backbone", "random-cnn", "--layers", "relu1", "--input-npy", path("flat.npy")], "must be [N, C, H, W]"),
            (["--backbone", "random-cnn", "--layers", "relu1", "--input-npy", path("x.npy")], "expected 1 input channel(s), got 3"),
            (["--backbone", "resnet50", "--layers", "stem", "--input-npy", path("x.npy"),
              "--weights", Fixtures.url("backbones/vgg_block.safetensors").path], "does not hold ResNet50 weights"),
            (["--backbone", "random-cnn", "--layers", "relu1", "--input-npy", path("x.npy"),
              "--weights", path("absent.safetensors")], "file not found"),
            (["--backbone", "random-cnn", "--layers", "relu1", path("absent.wav")], "file not found: \(path("absent.wav"))"),
        ]
        for (arguments, fragment) in cases {
            let before = fileNames(in: folder)
            let outcome = try runDemo(["features"] + arguments + ["--npy-dir", path("out")])
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            let lines = outcome.standardError.split(separator: "\n").filter { !$0.hasPrefix("warning: ") }
            XCTAssertEqual(lines.count, 1, outcome.standardError)
            XCTAssertTrue(lines.first?.hasPrefix("error: ") == true && lines[0].contains(fragment),
                          "\(outcome.standardError) lacks \(fragment)")
            XCTAssertEqual(fileNames(in: folder), before)
        }
    }
}
