import NeuralCore
import XCTest

/// `gram` and `gramDistance` are primitives with their own products (`ssyrk`) and gradients: checked against the
/// same quantities composed from `matmul`, and by finite differences.
final class GramTests: XCTestCase {
    func assertClose(_ a: Tensor, _ b: Tensor, _ tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        let scale = max(1, b.scalars.map(abs).max() ?? 0)
        for (u, v) in zip(a.scalars, b.scalars) where abs(u - v) > tolerance * scale {
            XCTFail("\(u) vs \(v)", file: file, line: line)
            return
        }
    }

    func testGramMatchesMatmulFormBatchedWithGradients() {
        let x = randomTensor([2, 3, 5, 7], seed: 90)
        assertClose(gram(x), matmul(x, x.transposed) / 7)
        checkGradients([x]) { xs in gram(xs[0]) }
        let (_, ours) = valueWithGradient(at: x) { x in (gram(x) * randomTensor([2, 3, 5, 5], seed: 91)).sum() }
        let (_, composed) = valueWithGradient(at: x) { x in
            (matmul(x, x.transposed) / 7 * randomTensor([2, 3, 5, 5], seed: 91)).sum()
        }
        assertClose(ours, composed)
    }

    func testGramDistanceMatchesMatmulFormWithGradientsForBothInputs() {
        let x = randomTensor([9, 4], seed: 92), s = randomTensor([9, 4], seed: 93)
        let composed = { (x: Tensor, s: Tensor) in
            (matmul(x, x.transposed) - matmul(s, s.transposed)).squared().sum() / 16
        }
        XCTAssertEqual(gramDistance(x, s).item, composed(x, s).item, accuracy: 1e-5 * max(1, composed(x, s).item))
        checkGradients([x, s]) { xs in gramDistance(xs[0], xs[1]) }
        let (_, ours) = valueWithGradient(at: [x, s]) { xs in gramDistance(xs[0], xs[1]) * 3 }
        let (_, reference) = valueWithGradient(at: [x, s]) { xs in composed(xs[0], xs[1]) * 3 }
        assertClose(ours[0], reference[0], 1e-4)
        assertClose(ours[1], reference[1], 1e-4)
    }
}
