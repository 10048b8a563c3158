import Foundation
import NeuralCore

extension AccentConverter {
    /// The architecture of an ``AccentConverter``, its accents and its input normalisation.
    public struct Configuration: Sendable, Equatable, Codable {
        /// The accents the converter can aim at, in the order of its accent weights (the corpus's accent labels).
        public var accents: [String]
        /// Frames of context on each side of the converted frame, ≥ 0. Default 8 (±93 ms, about a phone).
        public var contextFrames: Int
        /// Width of the two hidden layers, ≥ 1. Default 512.
        public var hiddenWidth: Int
        /// The training frames' mean of each coefficient c0…c24, subtracted before the network.
        public var inputMean: [Float]
        /// The training frames' standard deviation of each coefficient, divided by before the network.
        public var inputScale: [Float]

        /// Makes a configuration; the normalisation defaults to none (mean 0, scale 1).
        public init(
            accents: [String], contextFrames: Int = 8, hiddenWidth: Int = 512, inputMean: [Float]? = nil,
            inputScale: [Float]? = nil
        ) {
            self.accents = accents
            self.contextFrames = contextFrames
            self.hiddenWidth = hiddenWidth
            self.inputMean = inputMean ?? Array(repeating: 0, count: Analysis.coefficientCount)
            self.inputScale = inputScale ?? Array(repeating: 1, count: Analysis.coefficientCount)
        }

        /// Inputs of the network: the context's coefficients and the accent weights.
        public var inputCount: Int { (2 * contextFrames + 1) * Analysis.coefficientCount + accents.count }

        /// Checks every value.
        ///
        /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            func invalid(_ name: String, _ value: Any, _ reason: String) -> BackbonesError {
                .invalidConfiguration(name: name, value: "\(value)", reason: reason)
            }
            guard accents.count >= 2, Set(accents).count == accents.count else {
                throw invalid("accents", accents, "must be at least two distinct accents")
            }
            guard contextFrames >= 0 else { throw invalid("contextFrames", contextFrames, "must be ≥ 0") }
            guard hiddenWidth >= 1 else { throw invalid("hiddenWidth", hiddenWidth, "must be ≥ 1") }
            guard inputMean.count == Analysis.coefficientCount, inputMean.allSatisfy(\.isFinite) else {
                throw invalid("inputMean", inputMean.count, "must be \(Analysis.coefficientCount) finite values")
            }
            guard inputScale.count == Analysis.coefficientCount, inputScale.allSatisfy({ $0 > 0 && $0.isFinite })
            else {
                throw invalid("inputScale", inputScale.count, "must be \(Analysis.coefficientCount) positive values")
            }
        }
    }

    /// Everything a run of ``AccentConverter/train(on:configuration:checkpoint:resume:timeLimit:progress:)`` needs
    /// besides the corpus (the accents and the normalisation come from the corpus).
    public struct TrainingConfiguration: Sendable, Equatable, Codable {
        /// Frames of context on each side, ≥ 0. Default 8.
        public var contextFrames: Int
        /// Width of the hidden layers, ≥ 1. Default 512.
        public var hiddenWidth: Int
        /// Total optimiser steps, ≥ 1. Default 30 000 (about two passes over the aligned frames of the parallel
        /// corpus with 40 sentences per voice).
        public var steps: Int
        /// Aligned frames per step, ≥ 1. Default 512.
        public var batchSize: Int
        /// Adam's peak learning rate, > 0. Default 1e-3.
        public var learningRate: Float
        /// The learning rate at the last step. Default 5e-5.
        public var finalLearningRate: Float
        /// Linear warm-up steps, ≥ 0. Default 100.
        public var warmupSteps: Int
        /// Steps between checkpoints (and validations), ≥ 1. Default 10 000.
        public var checkpointInterval: Int
        /// Seed of the initial weights and of the batches (step `s`'s batch depends on `seed` and `s` only).
        /// Default 0.
        public var seed: UInt64

        /// Makes a configuration.
        public init(
            contextFrames: Int = 8, hiddenWidth: Int = 512, steps: Int = 30000, batchSize: Int = 512,
            learningRate: Float = 1e-3, finalLearningRate: Float = 5e-5, warmupSteps: Int = 100,
            checkpointInterval: Int = 10000, seed: UInt64 = 0
        ) {
            self.contextFrames = contextFrames
            self.hiddenWidth = hiddenWidth
            self.steps = steps
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.finalLearningRate = finalLearningRate
            self.warmupSteps = warmupSteps
            self.checkpointInterval = checkpointInterval
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
            for (name, value, minimum) in [
                ("contextFrames", contextFrames, 0), ("hiddenWidth", hiddenWidth, 1), ("batchSize", batchSize, 1),
                ("checkpointInterval", checkpointInterval, 1)
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
        /// The mean training loss (mean squared cepstral error) since the previous checkpoint.
        public var loss: Float
        /// Wall-clock seconds of training so far, over all resumed runs.
        public var seconds: Double
        /// The run's settings.
        public var configuration: TrainingConfiguration
        /// Adam's step count; its moments are in the same file.
        public var optimizerStepCount: Int
        /// The validation frames' mean squared error of the prediction over that of predicting no change (1: the
        /// network has learnt nothing; lower is better).
        public var validationErrorRatio: Double

        /// Makes a state.
        public init(
            step: Int, loss: Float, seconds: Double, configuration: TrainingConfiguration,
            optimizerStepCount: Int, validationErrorRatio: Double
        ) {
            self.step = step
            self.loss = loss
            self.seconds = seconds
            self.configuration = configuration
            self.optimizerStepCount = optimizerStepCount
            self.validationErrorRatio = validationErrorRatio
        }
    }

    /// One training step's report.
    public struct TrainingProgress: Sendable {
        /// The step just completed (from 1) and the run's total.
        public let step: Int, steps: Int
        /// This step's loss (mean squared cepstral error).
        public let loss: Float
        /// The learning rate used.
        public let learningRate: Float
        /// Wall-clock seconds of training so far, including earlier runs of a resumed training.
        public let seconds: Double
        /// Estimated wall-clock seconds until the last step.
        public let secondsRemaining: Double
        /// `true` when the run stops after this step at its time limit.
        public let stoppedAtTimeLimit: Bool
        /// The checkpoint written after this step, or `nil`.
        public let checkpoint: URL?
        /// ``TrainingState/validationErrorRatio`` when this step was validated (at checkpoints), else `nil`.
        public let validationErrorRatio: Double?
    }

    /// What a checkpoint says about its tensors: the configuration and, for one written by training, where training
    /// stood. Stored as JSON in the safetensors metadata (key ``metadataKey``) and beside the file as `<name>.json`.
    public struct CheckpointDescription: Sendable, Equatable, Codable {
        /// The network the tensors belong to.
        public var configuration: Configuration
        /// The training run that wrote the checkpoint, or `nil`.
        public var training: TrainingState?
    }
}
