import NeuralCore
import XCTest

final class ConvolutionTests: XCTestCase {
    func testConv2dGradients() {
        let x = randomTensor([2, 4, 6, 5], seed: 31), w = randomTensor([6, 2, 3, 2], seed: 32), b = randomTensor([6], seed: 33)
        checkGradients([x, w, b]) { xs in
            conv2d(xs[0], weight: xs[1], bias: xs[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2)
        }
    }

    func testConv1dAndCausalGradients() {
        let x = randomTensor([1, 3, 9], seed: 34), w = randomTensor([2, 3, 3], seed: 35)
        checkGradients([x, w]) { xs in conv1d(xs[0], weight: xs[1], stride: 2, padding: 1, dilation: 2) }
        checkGradients([x, w]) { xs in causalConv1d(xs[0], weight: xs[1], dilation: 2) }
    }

    func testConvTranspose1dGradientsAndAdjointness() {
        let x = randomTensor([2, 4, 5], seed: 52), w = randomTensor([4, 3, 4], seed: 53), b = randomTensor([6], seed: 54)
        checkGradients([x, w, b]) { xs in
            convTranspose1d(xs[0], weight: xs[1], bias: xs[2], stride: 3, padding: 1, outputPadding: 2, groups: 2)
        }
        // ⟨convT(x), y⟩ = ⟨x, conv(y)⟩ with the same weight: the transposed convolution is conv1d's adjoint.
        let y = convTranspose1d(x, weight: w, stride: 2, padding: 1, dilation: 2, groups: 2)
        let probe = randomTensor(y.shape, seed: 55)
        let back = conv1d(probe, weight: w, stride: 2, padding: 1, dilation: 2, groups: 2)
        XCTAssertEqual(back.shape, x.shape)
        XCTAssertEqual((y * probe).sum().item, (x * back).sum().item, accuracy: 1e-3)
    }

    func testConv2dMatchesDirectSum() {
        let x = randomTensor([1, 2, 4, 4], seed: 36), w = randomTensor([1, 2, 2, 2], seed: 37)
        let y = conv2d(x, weight: w, padding: (1, 0))
        XCTAssertEqual(y.shape, [1, 1, 5, 3])
        // y[0,0,1,1] = Σ_c,i,j x[c, i, 1 + j] · w[c, i, j]
        var expected: Float = 0
        for c in 0..<2 { for i in 0..<2 { for j in 0..<2 { expected += x.scalars[c * 16 + i * 4 + 1 + j] * w.scalars[c * 4 + i * 2 + j] } } }
        XCTAssertEqual(y.scalars[1 * 3 + 1], expected, accuracy: 1e-5)
        XCTAssertEqual(causalConv1d(randomTensor([1, 1, 7], seed: 38), weight: randomTensor([1, 1, 3], seed: 39)).shape, [1, 1, 7])
    }
}
