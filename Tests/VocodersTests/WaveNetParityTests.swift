import AudioDSP
import Foundation
import NeuralCore
import TestSupport
import Vocoders
import XCTest

/// The PyTorch twin (`Benchmarks/Peers/wavenet_torch.py`) and `WaveNet` agree on a checkpoint PyTorch wrote:
/// fixtures from `Tests/Fixtures/make_wavenet_fixtures.py` (torch 2.11.0), kernel size 3, 4 layers, unguided and
/// with a guide.
final class WaveNetParityTests: XCTestCase {
    private func array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(Fixtures.url("wavenet/\(name)"))
    }

    func testLoadsPyTorchCheckpointAndMatchesItsOutputs() throws {
        let model = try WaveNet(contentsOf: Fixtures.url("wavenet/tiny.safetensors"))
        XCTAssertEqual(model.configuration.kernelSize, 3)
        XCTAssertEqual(model.frontEnd.rowCount, 8)
        let mel = try array("mel.npy"), previous = try array("previous.npy")
        let expectedConditioning = try array("conditioning.npy"), expectedLogits = try array("logits.npy")

        let conditioning = model.conditioning(Tensor(shape: mel.shape, scalars: mel.values))
        XCTAssertEqual(conditioning.shape, expectedConditioning.shape)
        assertClose(conditioning.scalars, expectedConditioning.values, relative: 1e-5)

        let length = previous.shape[2]
        let logits = model.logits(conditioning: conditioning.sliced(alongAxis: 2, range: 0..<length),
                                  previousClasses: Tensor(shape: previous.shape, scalars: previous.values))
        XCTAssertEqual(logits.shape, expectedLogits.shape)
        assertClose(logits.scalars, expectedLogits.values, relative: 1e-5)
    }

    func testGuidedModelMatchesPyTorch() throws {
        let model = try WaveNet(contentsOf: Fixtures.url("wavenet/guided.safetensors"))
        XCTAssertEqual(model.configuration.guide?.kernelSize, 5)
        let mel = try array("mel.npy"), guide = try array("guided_guide.npy")
        let previous = try array("guided_previous.npy")
        let expectedConditioning = try array("guided_conditioning.npy"), expectedLogits = try array("guided_logits.npy")
        let length = guide.shape[2], reach = 2
        let window = [Float](repeating: 0, count: reach) + guide.values + [Float](repeating: 0, count: reach)
        let conditioning = model.conditioning(Tensor(shape: mel.shape, scalars: mel.values))
            .sliced(alongAxis: 2, range: 0..<length)
            + model.guideConditioning(Tensor(shape: [1, 1, window.count], scalars: window))
        XCTAssertEqual(conditioning.shape, expectedConditioning.shape)
        assertClose(conditioning.scalars, expectedConditioning.values, relative: 1e-5)
        let logits = model.logits(conditioning: conditioning,
                                  previousClasses: Tensor(shape: previous.shape, scalars: previous.values))
        XCTAssertEqual(logits.shape, expectedLogits.shape)
        assertClose(logits.scalars, expectedLogits.values, relative: 1e-5)
    }
}
