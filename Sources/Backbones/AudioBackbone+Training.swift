import Foundation
import NeuralCore

extension AudioBackbone {
    /// Trains a network on a labelled corpus: random crops of its training clips' bands, the sum over heads of each
    /// head's mean cross-entropy on the crops that carry its label, Adam with a warm-up + cosine learning rate.
    ///
    /// The model's labels come from the corpus, and its input normalisation from the training clips' band mean and
    /// standard deviation. With a `checkpoint` URL the model, Adam's moments and the run's state are saved there
    /// (atomically) every ``TrainingConfiguration/checkpointInterval`` steps, after the last step, and after a step
    /// that reaches `timeLimit`; each checkpoint first measures the validation accuracy. With `resume`, training
    /// continues exactly from that checkpoint (weights, moments, step: the crops and the learning rate of the steps
    /// that follow are those of an uninterrupted run). With more than one ``NeuralCoreThreads/threadCount``, each step
    /// runs data parallel over model replicas
    /// (``NeuralCore/dataParallelLossAndGradients(of:replicas:itemCount:shard:)``).
    ///
    /// - Parameters:
    ///   - corpus: the clips (made with `configuration.model`'s front end and band count).
    ///   - configuration: the model and the run.
    ///   - checkpoint: where to write checkpoints, or `nil`.
    ///   - resume: continue from `checkpoint` when it exists. Default `false`.
    ///   - timeLimit: wall-clock seconds for this call, or `nil`: the run stops cleanly after the first step that ends
    ///     at or past it.
    ///   - progress: called after every step.
    /// - Returns: the trained model (trainable; `freeze()` it to use it as a backbone).
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for a bad configuration or a corpus with
    ///   another band count; ``BackbonesError/invalidCheckpoint(path:problem:)`` for a checkpoint to resume that
    ///   does not match; `NeuralCoreError.invalidParameter` for a negative or infinite time limit; errors writing
    ///   checkpoints.
    public static func train(
        on corpus: Corpus, configuration: TrainingConfiguration, checkpoint: URL? = nil, resume: Bool = false,
        timeLimit: Double? = nil, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> AudioBackbone {
        try configuration.validate()
        guard corpus.bandCount == configuration.model.bandCount else {
            throw BackbonesError.invalidConfiguration(
                name: "model.bandCount", value: "\(configuration.model.bandCount)",
                reason: "the corpus was analysed into \(corpus.bandCount) bands")
        }
        let statistics = corpus.trainingBandStatistics
        var modelConfiguration = configuration.model
        modelConfiguration.labels = corpus.labels
        (modelConfiguration.inputOffset, modelConfiguration.inputScale) = (
            statistics.mean, statistics.standardDeviation
        )
        let optimizer = try Adam(learningRate: configuration.learningRate)
        var model = try AudioBackbone(configuration: modelConfiguration, seed: configuration.seed)
        var done: TrainingState?
        if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
            (model, done) = try resumed(
                from: checkpoint, configuration: configuration, model: modelConfiguration,
                optimizer: optimizer)
        }
        let replicas = try (1..<max(1, min(NeuralCoreThreads.threadCount, configuration.batchSize))).map { _ in
            try AudioBackbone(configuration: modelConfiguration)
        }
        let sampler = CropSampler(corpus: corpus, cropFrames: configuration.cropFrames)
        let previousSeconds = done?.seconds ?? 0
        var lossSum: Float = 0, lossCount = 0
        try runTrainingSteps(from: (done?.step ?? 0) + 1, through: configuration.steps, timeLimit: timeLimit) { step in
            var generator = RandomGenerator(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
            let crops = sampler.batch(count: configuration.batchSize, shards: replicas.count + 1, generator: &generator)
            var (loss, gradients) = try dataParallelLossAndGradients(
                of: model, replicas: replicas, itemCount: crops.count
            ) { range, network in
                network.lossAndGradients(Array(crops[range]), corpus: corpus, cropFrames: configuration.cropFrames)
            }
            // A head none of the batch's crops had a label for gets a zero gradient, so Adam steps every parameter.
            for (key, parameter) in model.trainableParameters where gradients[key] == nil {
                gradients[key] = Tensor(zeros: parameter.shape)
            }
            optimizer.learningRate = configuration.schedule.rate(atStep: step)
            optimizer.update(model, gradients: gradients)
            return loss
        } after: { outcome in
            lossSum += outcome.loss
            lossCount += 1
            var written: URL?, accuracy: [String: Double]?
            if let checkpoint, outcome.isCheckpoint(every: configuration.checkpointInterval) {
                let measured = model.validationAccuracy(on: corpus, clips: configuration.validationClips)
                try model.save(
                    to: checkpoint,
                    training: TrainingState(
                        step: outcome.step, loss: lossSum / Float(lossCount),
                        seconds: previousSeconds + outcome.seconds, configuration: configuration,
                        optimizerStepCount: optimizer.stepCount, validationAccuracy: measured),
                    optimizer: optimizer.state)
                (lossSum, lossCount, written, accuracy) = (0, 0, checkpoint, measured)
            }
            progress(
                TrainingProgress(
                    step: outcome.step, steps: configuration.steps, loss: outcome.loss,
                    learningRate: optimizer.learningRate,
                    seconds: previousSeconds + outcome.seconds,
                    cropsPerSecond: Double(outcome.stepsRun * configuration.batchSize) / max(outcome.seconds, 1e-9),
                    secondsRemaining: outcome.secondsRemaining, stoppedAtTimeLimit: outcome.stoppingAtTimeLimit,
                    checkpoint: written, validationAccuracy: accuracy))
        }
        return model
    }

    /// The sum over heads of the mean cross-entropy of `crops` (on the crops with that head's label) and its gradient.
    private func lossAndGradients(
        _ crops: [CropSampler.Crop], corpus: Corpus, cropFrames: Int
    ) -> (loss: Tensor, gradients: [String: Tensor]) {
        let bands = configuration.bandCount
        var values: [Float] = []
        values.reserveCapacity(crops.count * bands * cropFrames)
        for crop in crops { values += corpus.crop(corpus.clips[crop.clip], start: crop.start, frames: cropFrames) }
        let input = normalized(Tensor(shape: [crops.count, 1, bands, cropFrames], scalars: values))
        let (loss, gradients) = valueWithGradient(of: self) { network in
            var total = Tensor(0)
            for (head, logits) in network.logits(bands: input).enumerated() {
                let labelled = crops.indices.compactMap { row in
                    corpus.clips[crops[row].clip].classes[head].map { (row, $0) }
                }
                guard !labelled.isEmpty else { continue }
                var selection = [Float](repeating: 0, count: labelled.count * crops.count)
                for (index, (row, _)) in labelled.enumerated() { selection[index * crops.count + row] = 1 }
                let rows =
                    labelled.count == crops.count
                    ? logits
                    : matmul(Tensor(shape: [labelled.count, crops.count], scalars: selection), logits)
                total = total + crossEntropy(rows, targets: labelled.map(\.1))
            }
            return total
        }
        return (loss, gradients)
    }

    /// The fraction of `clips` validation clips (evenly spaced over the corpus's) whose class the head names, per
    /// label; each clip is classified whole (up to 1 024 frames from its start).
    public func validationAccuracy(on corpus: Corpus, clips: Int) -> [String: Double] {
        let validation = corpus.clips.filter(\.isValidation)
        let chosen = (0..<min(clips, validation.count)).map {
            validation[$0 * validation.count / min(clips, validation.count)]
        }
        var correct = [Int](repeating: 0, count: configuration.labels.count), total = correct
        for clip in chosen {
            let frames = min(clip.frameCount, 1024)
            let input = normalized(
                Tensor(shape: [1, 1, corpus.bandCount, frames], scalars: corpus.crop(clip, start: 0, frames: frames)))
            for (head, logits) in logits(bands: input).enumerated() {
                guard let target = clip.classes[head] else { continue }
                let scores = logits.scalars
                total[head] += 1
                if scores.firstIndex(of: scores.max()!) == target { correct[head] += 1 }
            }
        }
        return Dictionary(
            uniqueKeysWithValues: configuration.labels.indices.filter { total[$0] > 0 }.map {
                (configuration.labels[$0].name, Double(correct[$0]) / Double(total[$0]))
            })
    }

    /// The model and training state of the checkpoint to resume, Adam's state loaded into `optimizer`.
    private static func resumed(
        from checkpoint: URL, configuration: TrainingConfiguration, model: Configuration, optimizer: Adam
    ) throws -> (AudioBackbone, TrainingState) {
        let description = try checkpointDescription(at: checkpoint)
        let training = try trainingStateToResume(
            at: checkpoint, stored: description.configuration, training: description.training, model: model,
            difference: "another corpus or architecture")
        let network = try AudioBackbone(contentsOf: checkpoint)
        network.unfreeze()
        try loadOptimizerState(
            of: network, from: checkpoint, stepCount: training.optimizerStepCount, into: optimizer)
        return (network, training)
    }
}

/// Draws a training step's crops: clips grouped by kind (the set of labels they carry), every kind equally often,
/// each shard of the batch getting its share of every kind.
struct CropSampler {
    /// A crop: a clip index and its first frame.
    struct Crop { let clip: Int, start: Int }

    private let kinds: [[Int]]
    private let corpus: AudioBackbone.Corpus
    private let cropFrames: Int

    init(corpus: AudioBackbone.Corpus, cropFrames: Int) {
        var groups: [[Bool]: [Int]] = [:]
        for (index, clip) in corpus.clips.enumerated() where !clip.isValidation {
            groups[clip.classes.map { $0 != nil }, default: []].append(index)
        }
        kinds = groups.keys.sorted { $0.map { $0 ? "1" : "0" }.joined() > $1.map { $0 ? "1" : "0" }.joined() }
            .map { groups[$0]! }
        self.corpus = corpus
        self.cropFrames = cropFrames
    }

    /// `count` crops; the crops of shard `s` (the contiguous range `dataParallelLossAndGradients` gives it) cycle
    /// through the kinds.
    func batch(count: Int, shards: Int, generator: inout RandomGenerator) -> [Crop] {
        let shardCount = min(shards, count)
        return (0..<shardCount).flatMap { shard in
            let size = count * (shard + 1) / shardCount - count * shard / shardCount
            return (0..<size).map { position in
                let kind = kinds[position % kinds.count]
                let clip = kind[Int(generator.next() % UInt64(kind.count))]
                let room = max(1, corpus.clips[clip].frameCount - cropFrames + 1)
                return Crop(clip: clip, start: Int(generator.next() % UInt64(room)))
            }
        }
    }
}
