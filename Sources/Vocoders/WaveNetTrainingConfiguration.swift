import AudioDSP
import Foundation
import NeuralCore

extension WaveNet {
    /// Everything a training run needs besides the data: the model, its front end, and the optimisation settings.
    ///
    /// The learning rate warms up linearly from 0 over ``warmupSteps``, then follows a cosine from
    /// ``learningRate`` down to ``finalLearningRate`` at step ``steps``.
    public struct TrainingConfiguration: Sendable, Equatable, Codable {
        /// The architecture to train. Default: the shipped model's.
        public var model: Configuration
        /// The analysis of the conditioning mel. Default ``AudioDSP/FrontEnd/default``.
        public var frontEnd: FrontEnd
        /// Total optimiser steps, ≥ 1 (a resumed run continues up to this count). Default 3000.
        public var steps: Int
        /// Crops per step, ≥ 1. Default 4.
        public var batchSize: Int
        /// Samples per crop, a positive multiple of the hop length. Default 2048 (93 ms at 22 050 Hz).
        public var cropLength: Int
        /// Adam's peak learning rate, > 0. Default 1e-3.
        public var learningRate: Float
        /// The learning rate at the last step, `0 ... learningRate`. Default 1e-4.
        public var finalLearningRate: Float
        /// Linear warm-up steps, ≥ 0. Default 100.
        public var warmupSteps: Int
        /// Steps between checkpoints, ≥ 1 (a final checkpoint is always written). Default 100.
        public var checkpointInterval: Int
        /// Seed of the initial weights and of the crops (the crops of step `s` come from `seed` and `s` only, so a
        /// resumed run draws the same crops as an uninterrupted one). Default 0.
        public var seed: UInt64

        /// Makes a configuration; the defaults are the shipped model's run.
        public init(model: Configuration = Configuration(), frontEnd: FrontEnd = .default, steps: Int = 3000,
                    batchSize: Int = 4, cropLength: Int = 2048, learningRate: Float = 1e-3,
                    finalLearningRate: Float = 1e-4, warmupSteps: Int = 100, checkpointInterval: Int = 100,
                    seed: UInt64 = 0) {
            self.model = model
            self.frontEnd = frontEnd
            self.steps = steps
            self.batchSize = batchSize
            self.cropLength = cropLength
            self.learningRate = learningRate
            self.finalLearningRate = finalLearningRate
            self.warmupSteps = warmupSteps
            self.checkpointInterval = checkpointInterval
            self.seed = seed
        }

        /// The learning-rate schedule these settings describe.
        public var schedule: WarmupCosineSchedule {
            WarmupCosineSchedule(peakRate: learningRate, finalRate: finalLearningRate, warmupSteps: warmupSteps, steps: steps)
        }

        /// The learning rate of step `step` (from 1).
        public func learningRate(atStep step: Int) -> Float { schedule.rate(atStep: step) }

        /// Checks every value (and the model against the front end).
        ///
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            try model.validate(frontEnd: frontEnd)
            func invalid(_ name: String, _ value: Any, _ reason: String) -> VocodersError {
                .invalidParameter(name: name, value: "\(value)", reason: reason)
            }
            for (name, value) in [("batchSize", batchSize), ("checkpointInterval", checkpointInterval)] where value < 1 {
                throw invalid(name, value, "must be ≥ 1")
            }
            guard cropLength > 0, cropLength % frontEnd.hopLength == 0 else {
                throw invalid("cropLength", cropLength, "must be a positive multiple of the hop length \(frontEnd.hopLength)")
            }
            do {
                try schedule.validate()
            } catch let NeuralCoreError.invalidParameter(name, value, reason) {
                throw VocodersError.invalidParameter(name: name, value: value, reason: reason)
            }
        }
    }
}
