import Foundation
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
        assertClose(StyleLosses.gramMatrix(features).scalars, try tensor("gram").scalars, relative: 1e-5, "gram")
        let target = StyleLosses.gramMatrix(style)
        assertClose(target.scalars, try tensor("style_gram").scalars, relative: 1e-5, "style gram")
        let (loss, gradient) = valueWithGradient(at: features) {
            StyleLosses.styleLoss(gram: StyleLosses.gramMatrix($0), target: target)
        }
        XCTAssertEqual(loss.scalars[0], try scalar("style_loss"), accuracy: 1e-5 * abs(try scalar("style_loss")))
        assertClose(gradient.scalars, try tensor("style_loss.grad.features").scalars, relative: 1e-4, "style gradient")
    }

    func testStyleLossIsGatysNormalisationForEqualLengths() throws {
        let features = try tensor("features"), style = try tensor("style_equal")
        let loss = StyleLosses.styleLoss(gram: StyleLosses.gramMatrix(features), target: StyleLosses.gramMatrix(style))
        XCTAssertEqual(loss.scalars[0], try scalar("gatys_loss"), accuracy: 1e-5 * abs(try scalar("gatys_loss")))
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
