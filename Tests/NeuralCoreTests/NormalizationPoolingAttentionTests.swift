import NeuralCore
import XCTest

final class NormalizationPoolingAttentionTests: XCTestCase {
    func testNormalizationGradients() {
        let x = randomTensor([2, 3, 4], seed: 41), w = randomTensor([4], seed: 42), b = randomTensor([4], seed: 43)
        checkGradients([x, w, b]) { xs in layerNorm(xs[0], normalizedShape: [4], weight: xs[1], bias: xs[2]) }
        let mean = randomTensor([3], seed: 44), variance = randomTensor([3], seed: 45) + 1.5
        checkGradients([x, b.sliced(alongAxis: 0, range: 0..<3)]) { xs in
            batchNorm(xs[0], runningMean: mean, runningVariance: variance, weight: nil, bias: xs[1])
        }
        // The statistics and the scale too (the inference-mode primitive computes every gradient).
        checkGradients([x, mean, variance, w.sliced(alongAxis: 0, range: 1..<4)]) { xs in
            batchNorm(xs[0], runningMean: xs[1], runningVariance: xs[2], weight: xs[3])
        }
    }

    func testPoolingGradientsAndShapes() {
        let x = randomTensor([1, 2, 5, 7], seed: 46)
        checkGradients([x]) { xs in maxPool2d(xs[0], kernelSize: (2, 3), stride: (2, 2), padding: (1, 1)) }
        checkGradients([x]) { xs in avgPool2d(xs[0], kernelSize: (3, 2), stride: (1, 2), padding: (1, 0)) }
        checkGradients([x]) { xs in adaptiveAvgPool2d(xs[0], outputSize: (3, 4)) }
        XCTAssertEqual(adaptiveAvgPool2d(x, outputSize: (1, 1)).scalars[0], x.scalars[0..<35].reduce(0, +) / 35, accuracy: 1e-5)
        XCTAssertEqual(maxPool2d(Tensor(shape: [1, 1, 2, 2], scalars: [1, 4, 3, 2]), kernelSize: (2, 2)).item, 4)
    }

    func testAttentionGradients() {
        let x = randomTensor([2, 3, 4], seed: 47)
        let inW = randomTensor([12, 4], seed: 48), inB = randomTensor([12], seed: 49)
        let outW = randomTensor([4, 4], seed: 50), outB = randomTensor([4], seed: 51)
        checkGradients([x, inW, inB, outW, outB]) { xs in
            multiHeadSelfAttention(
                xs[0], inProjectionWeight: xs[1], inProjectionBias: xs[2], outProjectionWeight: xs[3],
                outProjectionBias: xs[4], headCount: 2)
        }
    }
}
