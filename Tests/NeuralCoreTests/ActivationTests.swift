import NeuralCore
import XCTest

final class ActivationTests: XCTestCase {
    func testActivationGradients() {
        let x = randomTensor([3, 5], seed: 21) * 3
        checkGradients([x]) { xs in leakyReLU(xs[0], negativeSlope: 0.2) }
        checkGradients([x]) { xs in gelu(xs[0]) }
        checkGradients([x]) { xs in gelu(xs[0], approximation: .tanh) }
        checkGradients([x]) { xs in tanh(xs[0]) }
        checkGradients([x]) { xs in sigmoid(xs[0]) }
        checkGradients([x]) { xs in softmax(xs[0], axis: 1) }
        checkGradients([x]) { xs in logSoftmax(xs[0], axis: 0) }
        checkGradients([x]) { xs in crossEntropy(xs[0], targets: [4, 0, 2]) }
    }

    func testKnownValues() {
        let x = Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 2])
        XCTAssertEqual(relu(x).scalars, [0, 0, 0.5, 2])
        // torch.nn.functional.gelu(torch.tensor([-2., -.5, .5, 2.])) and approximate='tanh'
        assertCloseScalars(gelu(x).scalars, [-0.04550027, -0.15426877, 0.34573123, 1.9544997])
        assertCloseScalars(gelu(x, approximation: .tanh).scalars, [-0.04540231, -0.15428599, 0.34571401, 1.9545977])
        let p = softmax(Tensor(shape: [1, 3], scalars: [1, 2, 3]))
        assertCloseScalars(p.scalars, [0.09003057, 0.24472847, 0.66524096])
        XCTAssertEqual(crossEntropy(Tensor(shape: [1, 3], scalars: [1, 2, 3]), targets: [2]).item, 0.40760596, accuracy: 1e-6)
    }

    /// The fused gated unit against finite differences (odd inner extents, so the eight-lane blocks have tails) and
    /// against the composition it replaces, `tanh(first half) · σ(second half)`: values and gradients within 1e-6.
    func testGatedActivation() {
        checkGradients([randomTensor([2, 6, 5], seed: 3) * 3]) { xs in gatedActivation(xs[0]) }
        checkGradients([randomTensor([3, 2, 4], seed: 4) * 3]) { xs in gatedActivation(xs[0], alongAxis: -1) }
        let x = randomTensor([3, 16, 37], seed: 5) * 6, weights = randomTensor([3, 8, 37], seed: 6)
        let composed: (Tensor) -> Tensor = { x in
            tanh(x.sliced(alongAxis: 1, range: 0..<8)) * sigmoid(x.sliced(alongAxis: 1, range: 8..<16))
        }
        let (fused, fusedGradient) = valueWithGradient(at: x) { (gatedActivation($0) * weights).sum() }
        let (reference, referenceGradient) = valueWithGradient(at: x) { (composed($0) * weights).sum() }
        XCTAssertEqual(gatedActivation(x).shape, [3, 8, 37])
        for (a, b) in zip(gatedActivation(x).scalars, composed(x).scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        for (a, b) in zip(fusedGradient.scalars, referenceGradient.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(fused.item, reference.item, accuracy: 1e-4)
    }

    /// The fused cross-entropy against the composition `−mean(logSoftmax · onehot)`: value and gradient within 1e-6
    /// on rows with an eight-lane tail (21 classes), for one and two threads.
    func testCrossEntropyEqualsTheLogSoftmaxComposition() {
        let logits = randomTensor([13, 21], seed: 8) * 5
        let targets = (0..<13).map { ($0 * 7) % 21 }
        let oneHot = Tensor(shape: [13, 21], scalars: (0..<(13 * 21)).map { $0 % 21 == targets[$0 / 21] ? 1 : 0 })
        let (reference, referenceGradient) = valueWithGradient(at: logits) { -(logSoftmax($0, axis: 1) * oneHot).sum() / 13 }
        for threads in [1, 2] {
            let saved = NeuralCoreThreads.threadCount
            NeuralCoreThreads.threadCount = threads
            defer { NeuralCoreThreads.threadCount = saved }
            let (loss, gradient) = valueWithGradient(at: logits) { crossEntropy($0, targets: targets) }
            XCTAssertEqual(loss.item, reference.item, accuracy: 1e-6)
            for (a, b) in zip(gradient.scalars, referenceGradient.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        }
    }

    private func assertCloseScalars(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) {
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6 * max(1, abs(y)), file: file, line: line) }
    }
}
