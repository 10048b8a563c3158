import Foundation

/// Where a run of ``runTrainingSteps(from:through:timeLimit:step:after:)`` stands after one step.
public struct TrainingStepOutcome: Sendable {
    /// The step just run.
    public let step: Int
    /// Its loss, as `step` returned it.
    public let loss: Float
    /// Wall-clock seconds since this run's first step started.
    public let seconds: Double
    /// Steps run so far in this run (1 after the first).
    public let stepsRun: Int
    /// Steps left until the last step.
    public let stepsRemaining: Int
    /// `true` when the run stops after this step because it reached its time limit before the last step.
    public let stoppingAtTimeLimit: Bool

    /// Whether a run that saves every `interval` steps writes a checkpoint after this step: at multiples of `interval`,
    /// after the last step, and when stopping at the time limit (so `resume` continues from here).
    public func isCheckpoint(every interval: Int) -> Bool {
        step % interval == 0 || stepsRemaining == 0 || stoppingAtTimeLimit
    }

    /// Estimated wall-clock seconds for the remaining steps at this run's mean seconds per step.
    public var secondsRemaining: Double { seconds / Double(stepsRun) * Double(stepsRemaining) }
}

/// Runs training steps in order, each followed by `after` (where a caller writes checkpoints and reports progress),
/// and stops early, cleanly after a whole step, once `timeLimit` seconds have passed.
///
/// - Parameters:
///   - first: the first step to run (`k + 1` when resuming after step `k`).
///   - last: the last step to run; none runs when it is below `first`.
///   - timeLimit: wall-clock seconds, ≥ 0 and finite, or `nil` for none: the run stops after the first step that ends
///     at or past it (so at least one step runs), and that step's outcome says so.
///   - step: runs step `s` and returns its loss.
///   - after: called after every step with its outcome.
/// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` for a negative or infinite time limit, and
///   whatever `step` or `after` throw.
public func runTrainingSteps(
    from first: Int, through last: Int, timeLimit: Double?, step: (Int) throws -> Float,
    after: (TrainingStepOutcome) throws -> Void
) throws {
    if let timeLimit, !(timeLimit >= 0 && timeLimit.isFinite) {
        throw NeuralCoreError.invalidParameter(
            name: "timeLimit", value: "\(timeLimit)", reason: "must be ≥ 0 and finite")
    }
    let start = DispatchTime.now().uptimeNanoseconds
    for index in stride(from: first, through: last, by: 1) {
        let loss = try step(index)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stopping = index < last && timeLimit.map { seconds >= $0 } ?? false
        try after(
            TrainingStepOutcome(
                step: index, loss: loss, seconds: seconds, stepsRun: index - first + 1,
                stepsRemaining: last - index, stoppingAtTimeLimit: stopping))
        if stopping { return }
    }
}
