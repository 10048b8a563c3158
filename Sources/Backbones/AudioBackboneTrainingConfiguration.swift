import Foundation
import NeuralCore

extension AudioBackbone {
    /// Everything a training run of ``AudioBackbone/train(on:configuration:checkpoint:resume:timeLimit:progress:)``
    /// needs besides the corpus. The labels and the input normalisation come from the corpus.
    public struct TrainingConfiguration: Sendable, Equatable, Codable {
        /// The architecture (``Configuration/labels``, ``Configuration/inputOffset`` and
        /// ``Configuration/inputScale`` are replaced by the corpus's). Default: the default ``Configuration``.
        public var model: Configuration
        /// Total optimiser steps, ≥ 1 (a resumed run continues up to this count). Default 1500.
        public var steps: Int
        /// Crops per step, ≥ 1. The crops are spread evenly over the corpus's clip kinds (clips with the same set of
        /// labels: speech, instruments), so every head learns at every step. Default 16.
        public var batchSize: Int
        /// Frames per crop, ≥ 8. Default 96 (1.1 s at hop 256).
        public var cropFrames: Int
        /// Adam's peak learning rate, > 0. Default 2e-3.
        public var learningRate: Float
        /// The learning rate at the last step. Default 1e-4.
        public var finalLearningRate: Float
        /// Linear warm-up steps, ≥ 0. Default 50.
        public var warmupSteps: Int
        /// Steps between checkpoints (and validations), ≥ 1. Default 250.
        public var checkpointInterval: Int
        /// Validation clips measured at each checkpoint (evenly spaced over the corpus's validation clips), ≥ 1.
        /// Default 240.
        public var validationClips: Int
        /// Seed of the initial weights and of the crops (step `s`'s crops depend on `seed` and `s` only). Default 0.
        public var seed: UInt64

        /// Makes a configuration.
        public init(
            model: Configuration = Configuration(), steps: Int = 1500, batchSize: Int = 16, cropFrames: Int = 96,
            learningRate: Float = 2e-3, finalLearningRate: Float = 1e-4, warmupSteps: Int = 50,
            checkpointInterval: Int = 250, validationClips: Int = 240, seed: UInt64 = 0
        ) {
            self.model = model
            self.steps = steps
            self.batchSize = batchSize
            self.cropFrames = cropFrames
            self.learningRate = learningRate
            self.finalLearningRate = finalLearningRate
            self.warmupSteps = warmupSteps
            self.checkpointInterval = checkpointInterval
            self.validationClips = validationClips
            self.seed = seed
        }

        /// The learning-rate schedule.
        public var schedule: WarmupCosineSchedule {
            WarmupCosineSchedule(
                peakRate: learningRate, finalRate: finalLearningRate, warmupSteps: warmupSteps, steps: steps)
        }

        /// Checks every value.
        ///
        /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            try model.validate()
            for (name, value, minimum) in [
                ("batchSize", batchSize, 1), ("cropFrames", cropFrames, 8),
                ("checkpointInterval", checkpointInterval, 1),
                ("validationClips", validationClips, 1)
            ] where value < minimum {
                throw BackbonesError.invalidConfiguration(name: name, value: "\(value)", reason: "must be ≥ \(minimum)")
            }
            do {
                try schedule.validate()
            } catch let NeuralCoreError.invalidParameter(name, value, reason) {
                throw BackbonesError.invalidConfiguration(name: name, value: value, reason: reason)
            }
        }
    }

    /// Where a training run stood when it wrote a checkpoint.
    public struct TrainingState: Sendable, Equatable, Codable {
        /// Steps completed (a resumed run continues with `step + 1`).
        public var step: Int
        /// The mean training loss (sum over heads of the mean cross-entropy, nats) since the previous checkpoint.
        public var loss: Float
        /// Wall-clock seconds of training so far, over all resumed runs.
        public var seconds: Double
        /// The run's settings.
        public var configuration: TrainingConfiguration
        /// Adam's step count; its moments are in the same file.
        public var optimizerStepCount: Int
        /// The fraction of validation clips classified correctly, per label name, at this checkpoint.
        public var validationAccuracy: [String: Double]

        /// Makes a state.
        public init(
            step: Int, loss: Float, seconds: Double, configuration: TrainingConfiguration, optimizerStepCount: Int,
            validationAccuracy: [String: Double]
        ) {
            self.step = step
            self.loss = loss
            self.seconds = seconds
            self.configuration = configuration
            self.optimizerStepCount = optimizerStepCount
            self.validationAccuracy = validationAccuracy
        }
    }

    /// One training step's report.
    public struct TrainingProgress: Sendable {
        /// The step just completed (from 1) and the run's total.
        public let step: Int, steps: Int
        /// This step's loss (sum over heads of the mean cross-entropy, nats).
        public let loss: Float
        /// The learning rate used.
        public let learningRate: Float
        /// Wall-clock seconds of training so far, including earlier runs of a resumed training.
        public let seconds: Double
        /// Crops per wall-clock second over this run's steps.
        public let cropsPerSecond: Double
        /// Estimated wall-clock seconds until the last step (a time limit may stop the run sooner).
        public let secondsRemaining: Double
        /// `true` when the run stops after this step at its time limit (with a checkpoint, if it writes any).
        public let stoppedAtTimeLimit: Bool
        /// The checkpoint written after this step, or `nil`.
        public let checkpoint: URL?
        /// The validation accuracy per label when this step was validated (at checkpoints), else `nil`.
        public let validationAccuracy: [String: Double]?
    }
}
