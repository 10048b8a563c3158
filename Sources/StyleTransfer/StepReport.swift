import Foundation

/// One optimisation step, as reported to the progress callback and kept in the loss history.
public struct StepReport: Sendable, Equatable, Codable {
    /// The chunk being optimised, from 1 (content longer than the chunk duration is processed in chunks).
    public var chunk: Int
    /// The number of chunks.
    public var chunkCount: Int
    /// The step within the chunk, from 1.
    public var step: Int
    /// Steps per chunk.
    public var stepCount: Int
    /// Weighted content loss α·Σ wₗ·Eₗ at the start of the step.
    public var contentLoss: Float
    /// Weighted style loss β·Σ wₗ·Eₗ at the start of the step.
    public var styleLoss: Float
    /// Weighted total-variation loss.
    public var totalVariationLoss: Float
    /// The sum of the three.
    public var totalLoss: Float
    /// Seconds since the transfer started.
    public var elapsed: Double

    /// Overall progress in [0, 1].
    public var fractionComplete: Double {
        (Double(chunk - 1) * Double(stepCount) + Double(step)) / Double(chunkCount * stepCount)
    }
}
