import NeuralCore
import XCTest

final class AutodiffTests: XCTestCase {
    func testSquareSumGradientIsTwiceTheInput() {
        let x = Tensor(shape: [2, 3], scalars: [1, -2, 3, 4, 5, -6])
        let (value, gradient) = valueWithGradient(at: x) { x in (x * x).sum() }
        XCTAssertEqual(value.item, 91)
        XCTAssertEqual(gradient.scalars, x.scalars.map { 2 * $0 })
    }

    func testReusedValueAccumulatesGradient() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3])
        let (_, gradient) = valueWithGradient(at: x) { x in
            let y = x * 3
            return (y + y * x).sum()
        }
        XCTAssertEqual(gradient.scalars, [3 + 6 * 1, 3 + 6 * 2, 3 + 6 * 3].map(Float.init))
    }

    func testConstantsAreNotTrackedAndUnusedInputsGetZeros() {
        let x = Tensor(shape: [2], scalars: [1, 2]), unused = Tensor(shape: [3], scalars: [1, 1, 1])
        let constant = Tensor(shape: [2], scalars: [5, 7])
        let (_, gradients) = valueWithGradient(at: [x, unused]) { xs in (xs[0] * constant).sum() }
        XCTAssertEqual(gradients[0].scalars, [5, 7])
        XCTAssertEqual(gradients[1].scalars, [0, 0, 0])
    }

    func testTenThousandOperationChainDoesNotOverflowTheStack() {
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        let (value, gradient) = valueWithGradient(at: x) { x in
            var y = x
            for _ in 0..<10_000 { y = y + 0.001 }
            return y.sum()
        }
        XCTAssertEqual(value.item, 10 + 40, accuracy: 0.05)
        XCTAssertEqual(gradient.scalars, [1, 1, 1, 1])
    }

    func testArithmeticGradientsWithBroadcasting() {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2)
        let positive = randomTensor([4], seed: 3) + 2
        checkGradients([a, b]) { xs in xs[0] + xs[1] }
        checkGradients([a, b]) { xs in xs[0] - xs[1] }
        checkGradients([a, b]) { xs in xs[0] * xs[1] }
        checkGradients([a, positive]) { xs in xs[0] / xs[1] }
        checkGradients([positive]) { xs in xs[0].squareRoot() + xs[0].log() + xs[0].exp() + xs[0].squared() }
    }

    func testShapeOperationGradients() {
        let a = randomTensor([2, 3, 4], seed: 4), b = randomTensor([2, 2, 4], seed: 5)
        checkGradients([a]) { xs in xs[0].reshaped([4, -1]) }
        checkGradients([a]) { xs in xs[0].permuted([2, 0, 1]) }
        checkGradients([a]) { xs in xs[0].transposed(0, 2) }
        checkGradients([a]) { xs in xs[0].sliced(alongAxis: 1, range: 1..<3) }
        checkGradients([a]) { xs in xs[0].padded([(0, 1), (2, 0), (1, 1)], value: 0.5) }
        checkGradients([a, b]) { xs in concatenated([xs[0], xs[1]], alongAxis: 1) }
        checkGradients([b]) { xs in xs[0].sliced(alongAxis: 0, range: 0..<1).broadcasted(to: [3, 2, 2, 4]) }
    }

    func testTiledTransposeMovesEveryScalar() {
        // 3 matrices of 37 × 70: ragged 32×32 tiles in both directions, and tiles split over threads.
        let x = randomTensor([3, 37, 70], seed: 8), t = x.transposed
        XCTAssertEqual(t.shape, [3, 70, 37])
        for b in 0..<3 {
            for r in 0..<37 {
                for c in 0..<70 { XCTAssertEqual(t.scalars[(b * 70 + c) * 37 + r], x.scalars[(b * 37 + r) * 70 + c]) }
            }
        }
        checkGradients([randomTensor([2, 3, 5], seed: 9)]) { xs in xs[0].transposed }
    }

    func testReductionGradients() {
        let a = randomTensor([2, 3, 4], seed: 6)
        checkGradients([a]) { xs in xs[0].sum(alongAxes: [0, 2]) }
        checkGradients([a]) { xs in xs[0].mean(alongAxes: [-1], keepingDimensions: true) }
        checkGradients([a]) { xs in xs[0].mean() }
    }

    func testMatmulLinearAndGramGradients() {
        let a = randomTensor([2, 3, 4], seed: 7), b = randomTensor([2, 4, 5], seed: 8), m = randomTensor([4, 5], seed: 9)
        checkGradients([a, b]) { xs in matmul(xs[0], xs[1]) }
        checkGradients([a, m]) { xs in matmul(xs[0], xs[1]) }
        checkGradients([m, a]) { xs in matmul(xs[1].sliced(alongAxis: 2, range: 0..<4), xs[0]) }
        let w = randomTensor([6, 4], seed: 10), bias = randomTensor([6], seed: 11)
        checkGradients([a, w, bias]) { xs in linear(xs[0], weight: xs[1], bias: xs[2]) }
        checkGradients([m]) { xs in gram(xs[0]) }
    }

    func testGramDistanceMatchesExplicitGramMatrices() {
        let x = randomTensor([6, 4], seed: 12), s = randomTensor([6, 4], seed: 13)
        let explicit = (gram(x) - gram(s)).squared().sum()
        let target = GramTarget(pieces: [s])
        XCTAssertEqual(gramDistance(x, to: target).item, explicit.item, accuracy: 1e-5 * max(1, explicit.item))
        checkGradients([x]) { xs in gramDistance(xs[0], to: target) }
    }

    func testMatmulMatchesHandComputedProduct() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 1], scalars: [5, 6])
        XCTAssertEqual(matmul(a, b).scalars, [17, 39])
    }
}
