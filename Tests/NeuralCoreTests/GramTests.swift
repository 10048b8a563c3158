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

    /// `‖X·Xᵀ/Nₓ − S·Sᵀ/Nₛ‖²` built from `matmul`, the definition ``gramDistance(_:to:)`` must equal.
    private func composedDistance(_ x: Tensor, _ pieces: [Tensor]) -> Tensor {
        let styleColumns = Float(pieces.reduce(0) { $0 + $1.shape[1] })
        let style = pieces.map { matmul($0, $0.transposed) }.reduce(Tensor(zeros: [x.shape[0], x.shape[0]]), +) / styleColumns
        return (matmul(x, x.transposed) / Float(x.shape[1]) - style).squared().sum()
    }

    /// Both forms of the target — rows ≤ columns kept as the matrix, rows > columns as column pieces (the Gram over
    /// time) — give the distance of the definition, for outputs and styles of different lengths, with the
    /// gradient checked by finite differences and against the composed form.
    func testGramDistanceToATargetInEitherFormMatchesTheDefinition() {
        for (rows, outputColumns, pieceColumns) in [(6, 9, [7, 5]), (40, 9, [7, 5, 3]), (40, 12, [30])] {
            let x = randomTensor([rows, outputColumns], seed: 92)
            let pieces = pieceColumns.enumerated().map { randomTensor([rows, $1], seed: 93 + UInt64($0)) }
            let target = GramTarget(pieces: pieces)
            XCTAssertEqual(target.columnCount, pieceColumns.reduce(0, +))
            let expected = composedDistance(x, pieces).item
            XCTAssertEqual(gramDistance(x, to: target).item, expected, accuracy: 1e-4 * max(1, expected), "\(rows) rows")
            checkGradients([x]) { xs in gramDistance(xs[0], to: target) }
            let (_, ours) = valueWithGradient(at: x) { gramDistance($0, to: target) * 3 }
            let (_, reference) = valueWithGradient(at: x) { self.composedDistance($0, pieces) * 3 }
            assertClose(ours, reference, 1e-4)
            let whole = concatenated(pieces, alongAxis: 1)
            assertClose(target.matrix, matmul(whole, whole.transposed) / Float(whole.shape[1]))
            XCTAssertEqual(target.squaredNorm, Double(target.matrix.squared().sum().item), accuracy: 1e-4 * target.squaredNorm)
        }
    }

    /// A style of rank 3 (plus noise far below the tolerance) in pieces, 60 rows over 40 frames, is kept as about
    /// three columns, and
    /// distances to it still match the definition.
    func testColumnsAreCompressedToTheDirectionsThatCarryTheGramMatrix() {
        let basis = randomTensor([60, 3], seed: 97)
        let style = matmul(basis, randomTensor([3, 40], seed: 98)) + randomTensor([60, 40], seed: 99) * 1e-4
        let pieces = [style.sliced(alongAxis: 1, range: 0..<25), style.sliced(alongAxis: 1, range: 25..<40)]
        let target = GramTarget(pieces: pieces)
        XCTAssertLessThanOrEqual(target.storedScalarCount, 60 * 4)
        let unstructured = GramTarget(pieces: [randomTensor([60, 10], seed: 101), randomTensor([60, 5], seed: 102)])
        XCTAssertEqual(unstructured.storedScalarCount, 60 * 15)
        let x = randomTensor([60, 25], seed: 100)
        let expected = composedDistance(x, pieces).item
        XCTAssertEqual(gramDistance(x, to: target).item, expected, accuracy: 1e-4 * expected)
        let (_, ours) = valueWithGradient(at: x) { gramDistance($0, to: target) }
        let (_, reference) = valueWithGradient(at: x) { self.composedDistance($0, pieces) }
        assertClose(ours, reference, 1e-4)
    }

    /// Column weights are the Gram matrix of `x·diag(w)`, in either form of the target, with gradients.
    func testColumnWeightsEqualScalingTheColumns() {
        for rows in [6, 40] {
            let x = randomTensor([rows, 9], seed: 103), pieces = [randomTensor([rows, 7], seed: 104)]
            let target = GramTarget(pieces: pieces)
            let weights: [Float] = [1.5, 0, 0, 1.5, 1.5, 0, 1.5, 1.5, 1.5]
            let scale = Tensor(shape: [1, 9], scalars: weights)
            let expected = composedDistance(x * scale, pieces).item
            XCTAssertEqual(gramDistance(x, to: target, columnWeights: weights).item, expected, accuracy: 1e-4 * expected)
            checkGradients([x]) { xs in gramDistance(xs[0], to: target, columnWeights: weights) }
            let (_, ours) = valueWithGradient(at: x) { gramDistance($0, to: target, columnWeights: weights) }
            let (_, reference) = valueWithGradient(at: x) { self.composedDistance($0 * scale, pieces) }
            assertClose(ours, reference, 1e-4)
        }
    }

    /// Rows split over threads (more than 256 rows per part) give the single-threaded result.
    func testLargeRowCountsSplitOverThreadsMatchTheDefinition() {
        let x = randomTensor([1100, 12], seed: 105), pieces = [randomTensor([1100, 10], seed: 106)]
        let target = GramTarget(pieces: pieces)
        let expected = composedDistance(x, pieces).item
        XCTAssertEqual(gramDistance(x, to: target).item, expected, accuracy: 1e-4 * expected)
        let (_, ours) = valueWithGradient(at: x) { gramDistance($0, to: target) }
        let (_, reference) = valueWithGradient(at: x) { self.composedDistance($0, pieces) }
        assertClose(ours, reference, 1e-4)
    }

    func testDistanceBetweenTargetsOfEitherFormAndItselfIsZero() {
        let a = randomTensor([30, 8], seed: 95), b = randomTensor([30, 50], seed: 96)
        let columns = GramTarget(pieces: [a.sliced(alongAxis: 1, range: 0..<3), a.sliced(alongAxis: 1, range: 3..<8)])
        let matrix = GramTarget(pieces: [b])
        let expected = Double(composedDistance(a, [b]).item)
        XCTAssertEqual(columns.squaredDistance(to: matrix), expected, accuracy: 1e-4 * expected)
        XCTAssertEqual(matrix.squaredDistance(to: columns), expected, accuracy: 1e-4 * expected)
        XCTAssertEqual(columns.squaredDistance(to: GramTarget(pieces: [a])), 0, accuracy: 1e-6 * columns.squaredNorm)
    }
}
