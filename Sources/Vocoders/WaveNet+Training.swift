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

        /// The learning rate of step `step` (from 1).
        public func learningRate(atStep step: Int) -> Float {
            if step <= warmupSteps { return learningRate * Float(step) / Float(warmupSteps) }
            let progress = Double(step - warmupSteps) / Double(max(1, steps - warmupSteps))
            let cosine = Float(0.5 * (1 + Foundation.cos(Double.pi * min(1, progress))))
            return finalLearningRate + (learningRate - finalLearningRate) * cosine
        }

        /// Checks every value (and the model against the front end).
        ///
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            try model.validate(frontEnd: frontEnd)
            func invalid(_ name: String, _ value: Any, _ reason: String) -> VocodersError {
                .invalidParameter(name: name, value: "\(value)", reason: reason)
            }
            for (name, value) in [("steps", steps), ("batchSize", batchSize), ("checkpointInterval", checkpointInterval)]
            where value < 1 {
                throw invalid(name, value, "must be ≥ 1")
            }
            guard warmupSteps >= 0 else { throw invalid("warmupSteps", warmupSteps, "must be ≥ 0") }
            guard cropLength > 0, cropLength % frontEnd.hopLength == 0 else {
                throw invalid("cropLength", cropLength, "must be a positive multiple of the hop length \(frontEnd.hopLength)")
            }
            guard learningRate > 0, learningRate.isFinite else {
                throw invalid("learningRate", learningRate, "must be positive and finite")
            }
            guard finalLearningRate >= 0, finalLearningRate <= learningRate else {
                throw invalid("finalLearningRate", finalLearningRate, "must be in 0...learningRate")
            }
        }
    }

    /// One training step's report.
    public struct TrainingProgress: Sendable {
        /// The step just completed (from 1).
        public let step: Int
        /// The run's total steps.
        public let steps: Int
        /// This step's loss: mean cross-entropy in nats per sample (ln 256 ≈ 5.55 is a uniform guess).
        public let loss: Float
        /// The learning rate used.
        public let learningRate: Float
        /// Wall-clock seconds of training so far (including earlier runs of a resumed training).
        public let seconds: Double
        /// Training samples (crop samples) processed per second in this run.
        public let samplesPerSecond: Double
        /// The checkpoint written after this step, or `nil`.
        public let checkpoint: URL?
    }

    /// Trains a WaveNet on every audio file of `folder` with teacher forcing: random crops with their mel frames,
    /// cross-entropy of the next sample's µ-law class, Adam with a warm-up + cosine learning-rate schedule.
    ///
    /// With a `checkpoint` URL the model is saved there (``save(to:training:)``) every
    /// ``TrainingConfiguration/checkpointInterval`` steps and after the last one. With `resume`, training restarts
    /// from that checkpoint's weights and step (so an interruption loses at most one checkpoint interval); Adam's
    /// moment estimates are not stored and restart from zero (with bias correction, as at step 1).
    ///
    /// - Parameters:
    ///   - folder: a folder of audio files (`.wav`, `.flac`, `.ogg`, `.aiff`), resampled to the front end's rate.
    ///   - configuration: the model and the run.
    ///   - checkpoint: where to write checkpoints, or `nil`.
    ///   - resume: continue from `checkpoint` when it exists. Default `false`.
    ///   - progress: called after every step.
    /// - Returns: the trained model.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a bad configuration, or a resumed
    ///   checkpoint whose model or front end differs from `configuration`;
    ///   ``VocodersError/noTrainingAudio(folder:reason:)``; ``VocodersError/invalidCheckpoint(path:reason:)``;
    ///   errors reading audio or writing checkpoints.
    public static func train(
        on folder: URL, configuration: TrainingConfiguration, checkpoint: URL? = nil, resume: Bool = false,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> WaveNet {
        try configuration.validate()
        var model = try WaveNet(configuration: configuration.model, frontEnd: configuration.frontEnd,
                                seed: configuration.seed)
        var firstStep = 1, previousSeconds = 0.0
        if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
            let description = try checkpointDescription(at: checkpoint)
            guard description.configuration == configuration.model else {
                throw VocodersError.invalidParameter(
                    name: "configuration.model", value: "\(configuration.model)",
                    reason: "the checkpoint to resume has \(description.configuration)")
            }
            try configuration.frontEnd.requireMatch(description.frontEnd)
            model = try WaveNet(contentsOf: checkpoint)
            firstStep = (description.training?.step ?? 0) + 1
            previousSeconds = description.training?.seconds ?? 0
        }
        let corpus = try WaveNetTrainingCorpus(
            folder: folder, frontEnd: configuration.frontEnd, mu: MuLaw(mu: configuration.model.mu),
            cropLength: configuration.cropLength)
        let optimizer = try Adam(learningRate: configuration.learningRate)
        let start = DispatchTime.now().uptimeNanoseconds
        var lossSum: Float = 0, lossCount = 0
        for step in stride(from: firstStep, through: configuration.steps, by: 1) {
            var generator = RandomGenerator(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
            let batch = corpus.batch(count: configuration.batchSize, model: model, generator: &generator)
            let (loss, gradients) = valueWithGradient(of: model) { model in
                let conditioning = model.conditioning(batch.mel).sliced(
                    alongAxis: 2, range: (WaveNetTrainingCorpus.marginFrames * corpus.hopLength)
                        ..< (WaveNetTrainingCorpus.marginFrames * corpus.hopLength + configuration.cropLength))
                let logits = model.logits(conditioning: conditioning, previousClasses: batch.previous)
                let flat = logits.permuted([0, 2, 1]).reshaped([batch.targets.count, configuration.model.classCount])
                return crossEntropy(flat, targets: batch.targets)
            }
            optimizer.learningRate = configuration.learningRate(atStep: step)
            optimizer.update(model, gradients: gradients)
            lossSum += loss.item
            lossCount += 1
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var written: URL?
            if let checkpoint, step % configuration.checkpointInterval == 0 || step == configuration.steps {
                try model.save(to: checkpoint, training: TrainingState(
                    step: step, loss: lossSum / Float(lossCount), seconds: previousSeconds + elapsed,
                    configuration: configuration))
                (lossSum, lossCount, written) = (0, 0, checkpoint)
            }
            progress(TrainingProgress(
                step: step, steps: configuration.steps, loss: loss.item, learningRate: optimizer.learningRate,
                seconds: previousSeconds + elapsed,
                samplesPerSecond: Double((step - firstStep + 1) * configuration.batchSize * configuration.cropLength)
                    / max(elapsed, 1e-9),
                checkpoint: written))
        }
        return model
    }
}
