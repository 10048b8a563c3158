import Foundation

/// A learning rate that warms up linearly from 0, then follows a half cosine down to a final rate: the schedule of
/// the package's training commands (`demo train-wavenet`, `demo train-backbone`).
///
/// Step `s` (from 1) gets `peak · s / warmupSteps` while `s ≤ warmupSteps`, then
/// `final + (peak − final) · ½(1 + cos(π · p))` with `p = (s − warmupSteps) / (steps − warmupSteps)` clamped to 1, so
/// step ``steps`` (and any later one) gets ``finalRate``.
public struct WarmupCosineSchedule: Sendable, Equatable {
    /// The rate after the warm-up, > 0.
    public var peakRate: Float
    /// The rate at step ``steps``, `0 ... peakRate`.
    public var finalRate: Float
    /// Linear warm-up steps, ≥ 0.
    public var warmupSteps: Int
    /// The run's total steps, ≥ 1.
    public var steps: Int

    /// Makes a schedule (``validate()`` checks it).
    public init(peakRate: Float, finalRate: Float, warmupSteps: Int, steps: Int) {
        self.peakRate = peakRate
        self.finalRate = finalRate
        self.warmupSteps = warmupSteps
        self.steps = steps
    }

    /// The learning rate of step `step` (from 1).
    public func rate(atStep step: Int) -> Float {
        if step <= warmupSteps { return peakRate * Float(step) / Float(warmupSteps) }
        let progress = Double(step - warmupSteps) / Double(max(1, steps - warmupSteps))
        let cosine = Float(0.5 * (1 + cos(Double.pi * min(1, progress))))
        return finalRate + (peakRate - finalRate) * cosine
    }

    /// Checks every value.
    ///
    /// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` naming the first bad value (`steps`,
    ///   `warmupSteps`, `learningRate` for the peak, `finalLearningRate`).
    public func validate() throws {
        func invalid(_ name: String, _ value: Any, _ reason: String) -> NeuralCoreError {
            .invalidParameter(name: name, value: "\(value)", reason: reason)
        }
        guard steps >= 1 else { throw invalid("steps", steps, "must be ≥ 1") }
        guard warmupSteps >= 0 else { throw invalid("warmupSteps", warmupSteps, "must be ≥ 0") }
        guard peakRate > 0, peakRate.isFinite else {
            throw invalid("learningRate", peakRate, "must be positive and finite")
        }
        guard finalRate >= 0, finalRate <= peakRate else {
            throw invalid("finalLearningRate", finalRate, "must be in 0...learningRate")
        }
    }
}
