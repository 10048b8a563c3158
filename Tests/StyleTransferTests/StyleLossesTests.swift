import Foundation
import Backbones
import NeuralCore
import StyleTransfer
import TestSupport
import XCTest

/// `StyleLosses` against PyTorch (`Tests/Fixtures/make_style_transfer_fixtures.py`, float64 references).
final class StyleLossesTests: XCTestCase {
    private let fixture = try! SafeTensors(contentsOf: Fixtures.url("style_transfer/losses.safetensors"))

    private func tensor(_ name: String) throws -> Tensor {
        Tensor(shape: try XCTUnwrap(fixture.shape(of: name), name), scalars: try fixture.scalars(named: name))
    }

    private func scalar(_ name: String) throws -> Float { try fixture.scalars(named: name)[0] }

    func testGramAndStyleLossMatchPyTorchForStylesOfAnotherLength() throws {
        let features = try tensor("features"), style = try tensor("style")
        assertClose(GramTarget(pieces: [features]).matrix.scalars, try tensor("gram").scalars, relative: 1e-5, "gram")
        let target = GramTarget(pieces: [style])
        assertClose(target.matrix.scalars, try tensor("style_gram").scalars, relative: 1e-5, "style gram")
        let (loss, gradient) = valueWithGradient(at: features) { StyleLosses.styleLoss($0, target: target) }
        XCTAssertEqual(loss.scalars[0], try scalar("style_loss"), accuracy: 1e-5 * abs(try scalar("style_loss")))
        assertClose(gradient.scalars, try tensor("style_loss.grad.features").scalars, relative: 1e-4, "style gradient")
    }

    func testStyleLossIsGatysNormalisationForEqualLengths() throws {
        let loss = StyleLosses.styleLoss(GramTarget(pieces: [try tensor("features")]),
                                         target: GramTarget(pieces: [try tensor("style_equal")]))
        XCTAssertEqual(loss, try scalar("gatys_loss"), accuracy: 1e-5 * abs(try scalar("gatys_loss")))
    }

    /// The Gram over time of the study's network: activations `[1, C, H, W]` as `[C·H, W]` (more rows than frames,
    /// so the target keeps the style's frames, given here in two pieces), against PyTorch's explicit
    /// `(C·H)×(C·H)` Gram matrices; and the study's own normalisation `1/(4·C²·H·W)·Σ(F·Fᵀ − S·Sᵀ)²` equals ours
    /// times `H·W` for clips of equal length.
    func testGramOverTimeMatchesPyTorchAndTheStudyNormalisation() throws {
        let activation = try tensor("time.activation"), style = try tensor("time.style")
        let (channels, height, width) = (activation.shape[1], activation.shape[2], activation.shape[3])
        let cnn = RandomCNN(seed: 0)
        let matrix = { (a: Tensor) in cnn.styleMatrix(of: a, layer: "relu1", over: .time) }
        let styleMatrix = matrix(style)
        let half = styleMatrix.shape[1] / 2
        let target = GramTarget(pieces: [styleMatrix.sliced(alongAxis: 1, range: 0..<half),
                                         styleMatrix.sliced(alongAxis: 1, range: half..<styleMatrix.shape[1])])
        XCTAssertEqual(target.rowCount, channels * height)
        let (loss, gradient) = valueWithGradient(at: activation) { StyleLosses.styleLoss(matrix($0), target: target) }
        XCTAssertEqual(loss.item, try scalar("time.style_loss"), accuracy: 1e-4 * abs(try scalar("time.style_loss")))
        assertClose(gradient.scalars, try tensor("time.style_loss.grad.activation").scalars, relative: 1e-4,
                    "time-Gram gradient")

        let equal = try tensor("time.style_equal")
        let ours = StyleLosses.styleLoss(GramTarget(pieces: [matrix(activation)]), target: GramTarget(pieces: [matrix(equal)]))
        XCTAssertEqual(ours * Float(height * width), try scalar("time.study_loss"),
                       accuracy: 1e-4 * abs(try scalar("time.study_loss")))
    }

    func testContentLossAndTotalVariationMatchPyTorch() throws {
        let features = try tensor("features"), content = try tensor("content")
        let (loss, gradient) = valueWithGradient(at: features) { StyleLosses.contentLoss($0, target: content) }
        XCTAssertEqual(loss.scalars[0], try scalar("content_loss"), accuracy: 1e-5 * abs(try scalar("content_loss")))
        assertClose(gradient.scalars, try tensor("content_loss.grad.features").scalars, relative: 1e-5, "content gradient")

        let spectrogram = try tensor("spectrogram")
        let (variation, variationGradient) = valueWithGradient(at: spectrogram) { StyleLosses.totalVariation($0) }
        XCTAssertEqual(variation.scalars[0], try scalar("total_variation"),
                       accuracy: 1e-5 * abs(try scalar("total_variation")))
        assertClose(variationGradient.scalars, try tensor("total_variation.grad.spectrogram").scalars, relative: 1e-5,
                    "total-variation gradient")
        XCTAssertEqual(StyleLosses.totalVariation(Tensor(shape: [3, 4], scalars: [Float](repeating: 2, count: 12)))
            .scalars[0], 0)
    }
}
