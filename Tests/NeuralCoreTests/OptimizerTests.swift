import Foundation
import NeuralCore
import TestSupport
import XCTest

/// Optimiser trajectories on a 6-d Rosenbrock function against `torch.optim` (fixture `optimizers.json`), every step
/// within 1e-5 of the largest coordinate.
final class OptimizerTests: XCTestCase {
    private struct Trajectory: Decodable { let points: [[Float]]; let losses: [Float]; let a: Float
        let func_evals: Int?; let n_iter: Int?
    }
    private struct Fixture: Decodable { let start: [Float]; let cases: [String: Trajectory] }

    private static let fixture: Fixture = {
        let data = try! Data(contentsOf: Fixtures.url("neuralcore/modules/optimizers.json"))
        return try! JSONDecoder().decode(Fixture.self, from: data)
    }()

    /// Σ over pairs (x, y) of (1 − x)² + a (y − x²)², and its gradient.
    private func rosenbrock(_ p: [Float], a: Float) -> (loss: Float, gradient: [Float]) {
        var loss: Float = 0
        var gradient = [Float](repeating: 0, count: p.count)
        for i in stride(from: 0, to: p.count, by: 2) {
            let (x, y) = (p[i], p[i + 1])
            let r = y - x * x
            loss += (1 - x) * (1 - x) + a * r * r
            gradient[i] = -2 * (1 - x) - 4 * a * x * r
            gradient[i + 1] = 2 * a * r
        }
        return (loss, gradient)
    }

    private func checkFirstOrder(_ name: String, _ optimizer: some Optimizer, file: StaticString = #filePath, line: UInt = #line) {
        let expected = Self.fixture.cases[name]!
        var parameters = [Tensor(shape: [6], scalars: Self.fixture.start)]
        for (step, point) in expected.points.enumerated() {
            let (loss, gradient) = rosenbrock(parameters[0].scalars, a: expected.a)
            assertClose([loss], [expected.losses[step]], relative: 1e-5, "\(name) loss, step \(step)", file: file, line: line)
            optimizer.step(parameters: &parameters, gradients: [Tensor(shape: [6], scalars: gradient)])
            assertClose(parameters[0].scalars, point, relative: 1e-5, "\(name) step \(step)", file: file, line: line)
        }
    }

    func testSGDMatchesPyTorch() throws {
        checkFirstOrder("sgd_plain", try SGD(learningRate: 1e-4))
        checkFirstOrder("sgd_momentum", try SGD(learningRate: 1e-4, momentum: 0.9, dampening: 0.1, weightDecay: 0.01))
        checkFirstOrder("sgd_nesterov", try SGD(learningRate: 1e-4, momentum: 0.9, weightDecay: 0.01, nesterov: true))
    }

    func testAdamMatchesPyTorch() throws {
        checkFirstOrder("adam", try Adam(learningRate: 0.01))
        checkFirstOrder("adam_weight_decay_amsgrad",
                        try Adam(learningRate: 0.02, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1, amsgrad: true))
    }

    private func checkLBFGS(_ name: String, _ optimizer: LBFGS, file: StaticString = #filePath, line: UInt = #line) {
        let expected = Self.fixture.cases[name]!
        // Two tensors, so the flattening across parameters is exercised too.
        var parameters = [Tensor(shape: [2, 2], scalars: Array(Self.fixture.start[..<4])),
                          Tensor(shape: [2], scalars: Array(Self.fixture.start[4...]))]
        for (step, point) in expected.points.enumerated() {
            let loss = optimizer.step(parameters: &parameters) { xs in
                let (loss, gradient) = rosenbrock(xs.flatMap(\.scalars), a: expected.a)
                return (loss, [Tensor(shape: [2, 2], scalars: Array(gradient[..<4])), Tensor(shape: [2], scalars: Array(gradient[4...]))])
            }
            assertClose([loss], [expected.losses[step]], relative: 1e-5, "\(name) loss, step \(step)", file: file, line: line)
            assertClose(parameters.flatMap(\.scalars), point, relative: 1e-5, "\(name) step \(step)", file: file, line: line)
        }
        XCTAssertEqual(optimizer.evaluationCount, expected.func_evals, "closure evaluations", file: file, line: line)
        XCTAssertEqual(optimizer.iterationCount, expected.n_iter, "iterations", file: file, line: line)
    }

    func testLBFGSMatchesPyTorch() throws {
        checkLBFGS("lbfgs", try LBFGS(learningRate: 0.05, maxIterations: 5, maxEvaluations: 6, historySize: 4))
    }

    func testLBFGSWithStrongWolfeMatchesPyTorch() throws {
        checkLBFGS("lbfgs_strong_wolfe", try LBFGS(maxIterations: 10, maxEvaluations: 12, historySize: 5, lineSearch: .strongWolfe))
    }

    func testUpdatingAModuleStepsItsTrainableParametersByKey() throws {
        let model = Sequential(Linear(inputFeatures: 2, outputFeatures: 1, seed: 1), Linear(inputFeatures: 1, outputFeatures: 1, seed: 2))
        let before = model.stateDict()
        let gradients = ["0.weight": Tensor(shape: [1, 2], scalars: [1, -2]), "1.bias": Tensor(shape: [1], scalars: [4])]
        let sgd = try SGD(learningRate: 0.5)
        sgd.update(model, gradients: gradients)
        let after = model.stateDict()
        XCTAssertEqual(after["0.weight"]!.scalars, zip(before["0.weight"]!.scalars, [1, -2]).map { $0 - 0.5 * $1 })
        XCTAssertEqual(after["1.bias"]!.scalars, [before["1.bias"]!.scalars[0] - 2])
        XCTAssertEqual(after["0.bias"]!.scalars, before["0.bias"]!.scalars, "no gradient, no change")
        model.freeze()
        try SGD(learningRate: 0.5).update(model, gradients: gradients)
        XCTAssertEqual(model.stateDict().mapValues(\.scalars), after.mapValues(\.scalars), "frozen parameters are not updated")
    }

    func testSingleTensorStepsEqualTheArrayForm() throws {
        var x = Tensor(shape: [6], scalars: Self.fixture.start)
        let adam = try Adam(learningRate: 0.01)
        for step in Self.fixture.cases["adam"]!.points {
            adam.step(&x, gradient: Tensor(shape: [6], scalars: rosenbrock(x.scalars, a: 100).gradient))
            assertClose(x.scalars, step, relative: 1e-5)
        }
        var y = Tensor(shape: [6], scalars: Self.fixture.start)
        let lbfgs = try LBFGS(learningRate: 0.05, maxIterations: 5, maxEvaluations: 6, historySize: 4)
        for step in Self.fixture.cases["lbfgs"]!.points {
            lbfgs.step(&y) { y in
                let (loss, gradient) = rosenbrock(y.scalars, a: 100)
                return (loss, Tensor(shape: [6], scalars: gradient))
            }
            assertClose(y.scalars, step, relative: 1e-5)
        }
    }

    /// Three steps, then the state handed to a fresh optimiser that takes three more, give bit-identical parameters to
    /// six steps of one optimiser (plain and AMSGrad); an inconsistent state is refused by name.
    func testAdamStateContinuesExactly() throws {
        for amsgrad in [false, true] {
            func makeAdam() throws -> Adam { try Adam(learningRate: 0.01, weightDecay: 0.1, amsgrad: amsgrad) }
            func run(_ optimizer: Adam, _ parameters: inout [Tensor], steps: Range<Int>) {
                for _ in steps {
                    let (_, gradient) = rosenbrock(parameters[0].scalars, a: 100)
                    optimizer.step(parameters: &parameters, gradients: [Tensor(shape: [2, 3], scalars: gradient)])
                }
            }
            let start = [Tensor(shape: [2, 3], scalars: Self.fixture.start)]
            var straight = start, split = start
            run(try makeAdam(), &straight, steps: 0..<6)
            let first = try makeAdam()
            XCTAssertEqual(first.state.stepCount, 0)
            XCTAssertTrue(first.state.firstMoments.isEmpty)
            run(first, &split, steps: 0..<3)
            let second = try makeAdam()
            try second.load(state: first.state)
            XCTAssertEqual(second.stepCount, 3)
            run(second, &split, steps: 3..<6)
            XCTAssertEqual(split[0].scalars, straight[0].scalars, "amsgrad \(amsgrad)")
            XCTAssertEqual(second.state.maximumSecondMoments.count, amsgrad ? 1 : 0)
        }
        func rejected(_ state: Adam.State, amsgrad: Bool = false) -> String? {
            do {
                try Adam(amsgrad: amsgrad).load(state: state)
                return nil
            } catch let NeuralCoreError.invalidParameter(name, _, _) {
                return name
            } catch {
                return "\(error)"
            }
        }
        let moment = Tensor(zeros: [2, 3])
        XCTAssertEqual(rejected(Adam.State(stepCount: -1, firstMoments: [], secondMoments: [])), "state.stepCount")
        XCTAssertEqual(rejected(Adam.State(stepCount: 2, firstMoments: [], secondMoments: [])), "state.firstMoments")
        XCTAssertEqual(rejected(Adam.State(stepCount: 2, firstMoments: [moment], secondMoments: [Tensor(zeros: [6])])),
                       "state.secondMoments")
        XCTAssertEqual(rejected(Adam.State(stepCount: 2, firstMoments: [moment], secondMoments: [moment]), amsgrad: true),
                       "state.maximumSecondMoments")
        XCTAssertEqual(rejected(Adam.State(stepCount: 2, firstMoments: [moment], secondMoments: [moment],
                                           maximumSecondMoments: [moment])), "state.maximumSecondMoments")
        XCTAssertNil(rejected(Adam.State(stepCount: 2, firstMoments: [moment], secondMoments: [moment])))
    }

    func testInvalidSettingsThrow() {
        XCTAssertThrowsError(try SGD(learningRate: -1)) {
            guard case .invalidParameter(name: "learningRate", value: "-1.0", _)? = $0 as? NeuralCoreError else {
                return XCTFail("\($0)")
            }
        }
        func parameterName(_ error: Error) -> String? {
            guard case let .invalidParameter(name, _, _)? = error as? NeuralCoreError else { return nil }
            return name
        }
        XCTAssertThrowsError(try SGD(momentum: 0, nesterov: true)) { XCTAssertEqual(parameterName($0), "nesterov") }
        XCTAssertThrowsError(try Adam(betas: (0.9, 1))) { XCTAssertEqual(parameterName($0), "betas.1") }
        XCTAssertThrowsError(try LBFGS(historySize: 0)) { XCTAssertEqual(parameterName($0), "historySize") }
    }
}
