import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// One PyTorch parity case written by `Tests/Fixtures/make_backbone_fixtures.py` or
/// `Scripts/export_random_torchvision_weights.py`: weights under torchvision keys, the input, the captured outputs
/// (`output.<layer>`), a cotangent for the last captured layer and the input gradient of Σ last·cotangent.
struct ParityCase {
    let file: SafeTensors

    init(url: URL) throws { file = try SafeTensors(contentsOf: url) }

    init(fixture name: String) throws { try self.init(url: Fixtures.url("backbones/\(name).safetensors")) }

    func tensor(_ name: String) throws -> Tensor {
        guard let shape = file.shape(of: name) else { throw NeuralCoreError.missingKey(name) }
        return Tensor(shape: shape, scalars: try file.scalars(named: name))
    }

    /// The weights whose keys start with `prefix`, with the prefix removed.
    func weights(prefix: String = "") throws -> [String: Tensor] {
        let reserved = ["input", "cotangent", "input_gradient", "spectrogram", "spectrogram_gradient"]
        var result: [String: Tensor] = [:]
        for name in file.tensorNames where name.hasPrefix(prefix) && !reserved.contains(name) && !name.hasPrefix("output.") {
            result[String(name.dropFirst(prefix.count))] = try tensor(name)
        }
        return result
    }

    /// The captured layers' names (`output.<layer>` entries).
    var outputLayers: [String] { file.tensorNames.filter { $0.hasPrefix("output.") }.map { String($0.dropFirst(7)) } }

    /// Runs `forward` on the case's input, compares every stored output within `relative` (of the largest reference
    /// magnitude), and the input gradient of Σ `last`·cotangent within `gradientRelative`. Returns the maximum
    /// error per output (relative to the output's largest magnitude) and for the gradient.
    @discardableResult
    func check(
        last: String, relative: Float = 1e-4, gradientRelative: Float = 1e-3,
        file callerFile: StaticString = #filePath, line: UInt = #line,
        _ forward: (Tensor) throws -> [String: Tensor]
    ) throws -> [String: Float] {
        let input = try tensor("input"), cotangent = try tensor("cotangent")
        var outputs: [String: Tensor] = [:]
        let (_, gradient) = try valueWithGradient(at: input) { x in
            outputs = try forward(x)
            return (outputs[last]! * cotangent).sum()
        }
        var errors: [String: Float] = [:]
        for layer in outputLayers {
            let expected = try tensor("output.\(layer)")
            guard let actual = outputs[layer] else {
                XCTFail("no output \(layer)", file: callerFile, line: line)
                continue
            }
            XCTAssertEqual(actual.shape, expected.shape, layer, file: callerFile, line: line)
            assertClose(actual.scalars, expected.scalars, relative: relative, layer, file: callerFile, line: line)
            errors[layer] = relativeError(actual.scalars, expected.scalars)
        }
        let expectedGradient = try tensor("input_gradient")
        assertClose(gradient.scalars, expectedGradient.scalars, relative: gradientRelative, "input gradient",
                    file: callerFile, line: line)
        errors["input_gradient"] = relativeError(gradient.scalars, expectedGradient.scalars)
        return errors
    }
}

/// max |a − e| / max |e|.
func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
    let worst = zip(actual, expected).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
    return worst / max(scale, .leastNormalMagnitude)
}
