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
            cropLength: configuration.cropLength)
        // One replica per further thread, for data-parallel steps (see lossAndGradients).
        let replicas = try (1..<max(1, min(NeuralCoreThreads.threadCount, configuration.batchSize))).map { _ in
            try WaveNet(configuration: configuration.model, frontEnd: configuration.frontEnd)
        }
        let samplesPerStep = Double(configuration.batchSize * configuration.cropLength)
        let start = DispatchTime.now().uptimeNanoseconds
        var lossSum: Float = 0, lossCount = 0
        for step in stride(from: firstStep, through: configuration.steps, by: 1) {
            var generator = RandomGenerator(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
            let batch = corpus.batch(count: configuration.batchSize, model: model, generator: &generator)
            let (loss, gradients) = try lossAndGradients(of: model, replicas: replicas, batch: batch)
            optimizer.learningRate = configuration.learningRate(atStep: step)
            optimizer.update(model, gradients: gradients)
            lossSum += loss
            lossCount += 1
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let stopping = step < configuration.steps && timeLimit.map { elapsed >= $0 } ?? false
            var written: URL?
            if let checkpoint, step % configuration.checkpointInterval == 0 || step == configuration.steps || stopping {
                try model.save(
                    to: checkpoint,
                    training: TrainingState(step: step, loss: lossSum / Float(lossCount), seconds: previousSeconds + elapsed,
                                            configuration: configuration, optimizerStepCount: optimizer.stepCount),
                    optimizer: optimizer.state)
                (lossSum, lossCount, written) = (0, 0, checkpoint)
            }
            let stepsRun = Double(step - firstStep + 1)
            progress(TrainingProgress(
                step: step, steps: configuration.steps, loss: loss, learningRate: optimizer.learningRate,
                seconds: previousSeconds + elapsed, samplesPerSecond: stepsRun * samplesPerStep / max(elapsed, 1e-9),
                secondsRemaining: elapsed / stepsRun * Double(configuration.steps - step),
                stoppedAtTimeLimit: stopping, checkpoint: written))
            if stopping { break }
        }
        return model
    }

    /// The mean cross-entropy of `batch` (nats per sample) and its gradient for every parameter of `model`.
    ///
    /// Without replicas, one pass over the batch. With `r` replicas the crops are split into `r + 1` contiguous shards
    /// that run concurrently, one per thread with serial kernels
    /// (``NeuralCoreThreads/forEachIndexWithSerialKernels(_:_:)``): shard 0 on `model`, shard `i` on `replicas[i − 1]`
    /// after loading the model's weights into it. The shards' losses and gradients are averaged, weighted by their
    /// crop counts, in shard order, so a step's result depends on the seed and the thread count only. (On two cores
    /// this runs a step about twice as fast as splitting every kernel over both threads.)
    static func lossAndGradients(
        of model: WaveNet, replicas: [WaveNet], batch: WaveNetTrainingCorpus.Batch
    ) throws -> (loss: Float, gradients: [String: Tensor]) {
        let crops = batch.mel.shape[0], cropLength = batch.previous.shape[2]
        let margin = WaveNetTrainingCorpus.marginFrames * model.frontEnd.hopLength
        /// The loss and gradients of crops `range` on `network`.
        func shard(_ range: Range<Int>, on network: WaveNet) -> (loss: Tensor, gradients: [String: Tensor]) {
            let targets = Array(batch.targets[(range.lowerBound * cropLength)..<(range.upperBound * cropLength)])
            let (mel, previous) = range == 0..<crops ? (batch.mel, batch.previous)
                : (batch.mel.sliced(alongAxis: 0, range: range), batch.previous.sliced(alongAxis: 0, range: range))
            let (loss, gradients) = valueWithGradient(of: network) { network in
                let conditioning = network.conditioning(mel).sliced(alongAxis: 2, range: margin..<(margin + cropLength))
                let logits = network.logits(conditioning: conditioning, previousClasses: previous)
                let flat = logits.permuted([0, 2, 1]).reshaped([targets.count, network.configuration.classCount])
                return crossEntropy(flat, targets: targets)
            }
            return (loss, gradients)
        }
        guard !replicas.isEmpty else {
            let (loss, gradients) = shard(0..<crops, on: model)
            return (loss.item, gradients)
        }
        let networks = [model] + replicas, weights = model.stateDict()
        for replica in replicas { try replica.load(stateDict: weights) }
        let ranges = networks.indices.map { (crops * $0 / networks.count)..<(crops * ($0 + 1) / networks.count) }
        var results = [(loss: Tensor, gradients: [String: Tensor])?](repeating: nil, count: networks.count)
        results.withUnsafeMutableBufferPointer { results in
            let results = results  // each index writes only its own element
            NeuralCoreThreads.forEachIndexWithSerialKernels(networks.count) { index in
                results[index] = shard(ranges[index], on: networks[index])
            }
        }
        var loss: Float = 0, gradients: [String: Tensor] = [:]
        for (range, result) in zip(ranges, results.map { $0! }) {
            let share = Float(range.count) / Float(crops)
            loss += share * result.loss.item
            gradients.merge(result.gradients.mapValues { $0 * share }) { $0 + $1 }
        }
        return (loss, gradients)
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
