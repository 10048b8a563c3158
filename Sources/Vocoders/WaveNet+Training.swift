import AudioDSP
import Foundation
import NeuralCore

extension WaveNet {
    /// Trains a WaveNet on every audio file of `folder` with teacher forcing: random crops with their mel frames,
    /// cross-entropy of the next sample's µ-law class, Adam with a warm-up + cosine learning-rate schedule.
    ///
    /// With a `checkpoint` URL the model is saved there (atomically, weights and Adam's moments in one file) every
    /// ``TrainingConfiguration/checkpointInterval`` steps, after the last one, and after a step that reaches
    /// `timeLimit`. With `resume`, training continues from that checkpoint exactly: its weights, Adam's moments and
    /// step count, and the step (which sets the learning rate and the crops), so a run interrupted after step `k` and
    /// resumed ends with the weights of an uninterrupted run, bit for bit (same configuration — `steps` shapes the
    /// cosine schedule — and thread count). With more than one ``NeuralCoreThreads/threadCount``, each step runs data
    /// parallel: the batch's crops are split over that many model replicas, one thread each. A
    /// checkpoint without optimiser state (``TrainingState/optimizerStepCount`` `nil`: written before the moments were
    /// stored, or saved outside training) still loads for inference, but resuming from it throws rather than
    /// continuing inexactly with fresh moments.
    ///
    /// - Parameters:
    ///   - folder: a folder of audio files (`.wav`, `.flac`, `.ogg`, `.aiff`), resampled to the front end's rate.
    ///   - configuration: the model and the run.
    ///   - checkpoint: where to write checkpoints, or `nil`.
    ///   - resume: continue from `checkpoint` when it exists. Default `false`.
    ///   - timeLimit: wall-clock seconds for this call, ≥ 0, or `nil` (the default) for none: the run stops after the
    ///     first step that ends at or past it (so at least one step runs) and writes a checkpoint there.
    ///   - progress: called after every step (and after the checkpoint, if any, of that step is written).
    /// - Returns: the trained model (as after the last step run).
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a bad configuration or time limit, or a
    ///   resumed checkpoint whose model or front end differs from `configuration`;
    ///   ``VocodersError/noTrainingAudio(folder:reason:)``; ``VocodersError/invalidCheckpoint(path:problem:)`` for an
    ///   unusable checkpoint to resume, or one without optimiser state; errors reading audio or writing checkpoints.
    public static func train(
        on folder: URL, configuration: TrainingConfiguration, checkpoint: URL? = nil, resume: Bool = false,
        timeLimit: Double? = nil, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> WaveNet {
        try configuration.validate()
        if let timeLimit, !(timeLimit >= 0 && timeLimit.isFinite) {
            throw VocodersError.invalidParameter(name: "timeLimit", value: "\(timeLimit)", reason: "must be ≥ 0 and finite")
        }
        let optimizer = try Adam(learningRate: configuration.learningRate)
        var model: WaveNet, done: TrainingState?
        if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
            (model, done) = try resumed(from: checkpoint, configuration: configuration, optimizer: optimizer)
        } else {
            model = try WaveNet(configuration: configuration.model, frontEnd: configuration.frontEnd,
                                seed: configuration.seed)
        }
        let firstStep = (done?.step ?? 0) + 1, previousSeconds = done?.seconds ?? 0
        let corpus = try WaveNetTrainingCorpus(
            folder: folder, frontEnd: configuration.frontEnd, mu: MuLaw(mu: configuration.model.mu),
            guide: configuration.model.guide, cropLength: configuration.cropLength)
        // One replica per further thread, for data-parallel steps (see lossAndGradients).
        let replicas = try (1..<max(1, min(NeuralCoreThreads.threadCount, configuration.batchSize))).map { _ in
            try WaveNet(configuration: configuration.model, frontEnd: configuration.frontEnd)
        }
        let samplesPerStep = Double(configuration.batchSize * configuration.cropLength)
        var lossSum: Float = 0, lossCount = 0
        try runTrainingSteps(from: firstStep, through: configuration.steps, timeLimit: timeLimit) { step in
            var generator = RandomGenerator(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
            let batch = corpus.batch(count: configuration.batchSize, model: model, generator: &generator)
            let (loss, gradients) = try lossAndGradients(of: model, replicas: replicas, batch: batch)
            optimizer.learningRate = configuration.learningRate(atStep: step)
            optimizer.update(model, gradients: gradients)
            return loss
        } after: { outcome in
            lossSum += outcome.loss
            lossCount += 1
            var written: URL?
            if let checkpoint, outcome.isCheckpoint(every: configuration.checkpointInterval) {
                try model.save(
                    to: checkpoint,
                    training: TrainingState(step: outcome.step, loss: lossSum / Float(lossCount),
                                            seconds: previousSeconds + outcome.seconds, configuration: configuration,
                                            optimizerStepCount: optimizer.stepCount),
                    optimizer: optimizer.state)
                (lossSum, lossCount, written) = (0, 0, checkpoint)
            }
            progress(TrainingProgress(
                step: outcome.step, steps: configuration.steps, loss: outcome.loss, learningRate: optimizer.learningRate,
                seconds: previousSeconds + outcome.seconds,
                samplesPerSecond: Double(outcome.stepsRun) * samplesPerStep / max(outcome.seconds, 1e-9),
                secondsRemaining: outcome.secondsRemaining, stoppedAtTimeLimit: outcome.stoppingAtTimeLimit,
                checkpoint: written))
        }
        return model
    }

    /// The mean cross-entropy of `batch` (nats per sample) and its gradient for every parameter of `model`, data
    /// parallel over `model` and `replicas` (``NeuralCore/dataParallelLossAndGradients(of:replicas:itemCount:shard:)``),
    /// so a step's result depends on the seed and the thread count only.
    static func lossAndGradients(
        of model: WaveNet, replicas: [WaveNet], batch: WaveNetTrainingCorpus.Batch
    ) throws -> (loss: Float, gradients: [String: Tensor]) {
        let crops = batch.mel.shape[0], cropLength = batch.previous.shape[2]
        let margin = WaveNetTrainingCorpus.marginFrames * model.frontEnd.hopLength
        /// The loss and gradients of crops `range` on `network`.
        func shard(_ range: Range<Int>, on network: WaveNet) -> (loss: Tensor, gradients: [String: Tensor]) {
            let targets = Array(batch.targets[(range.lowerBound * cropLength)..<(range.upperBound * cropLength)])
            let whole = range == 0..<crops
            func part(_ tensor: Tensor) -> Tensor { whole ? tensor : tensor.sliced(alongAxis: 0, range: range) }
            let (mel, previous, guide) = (part(batch.mel), part(batch.previous), batch.guide.map(part))
            let (loss, gradients) = valueWithGradient(of: network) { network in
                var conditioning = network.conditioning(mel).sliced(alongAxis: 2, range: margin..<(margin + cropLength))
                if let guide { conditioning = conditioning + network.guideConditioning(guide) }
                let logits = network.logits(conditioning: conditioning, previousClasses: previous)
                let flat = logits.permuted([0, 2, 1]).reshaped([targets.count, network.configuration.classCount])
                return crossEntropy(flat, targets: targets)
            }
            return (loss, gradients)
        }
        return try dataParallelLossAndGradients(of: model, replicas: replicas, itemCount: crops) { range, network in
            shard(range, on: network)
        }
    }

    /// The model, Adam's state (loaded into `optimizer`) and the training state of the checkpoint to resume.
    ///
    /// - Throws: as ``train(on:configuration:checkpoint:resume:timeLimit:progress:)`` for the checkpoint to resume.
    private static func resumed(
        from checkpoint: URL, configuration: TrainingConfiguration, optimizer: Adam
    ) throws -> (WaveNet, TrainingState) {
        let description = try checkpointDescription(at: checkpoint)
        guard description.configuration == configuration.model else {
            throw VocodersError.invalidParameter(
                name: "configuration.model", value: "\(configuration.model)",
                reason: "the checkpoint to resume has \(description.configuration)")
        }
        try configuration.frontEnd.requireMatch(description.frontEnd)
        guard let training = description.training, let stepCount = training.optimizerStepCount else {
            throw VocodersError.invalidCheckpoint(path: checkpoint.path, problem: .noOptimizerState)
        }
        let model = try WaveNet(contentsOf: checkpoint)
        do {
            try optimizer.load(state: model.optimizerState(at: checkpoint, stepCount: stepCount))
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(path: checkpoint.path, problem: .optimizerStateMismatch(error))
        }
        return (model, training)
    }
}
