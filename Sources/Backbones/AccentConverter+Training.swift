import AudioDSP
import Foundation
import NeuralCore

extension AccentConverter {
    /// Parallel speech for training: every ordered pair of clips that say the same sentence in the same voice variant
    /// with different accents, their active frames aligned by ``DynamicTimeWarping`` on `c1 … c24`.
    ///
    /// Read from the corpus folder `Scripts/make_backbone_corpus.py` writes (`manifest.json` with `path`, `split`,
    /// `speaker`, `accent` and `source` per clip; the manifest's `labels.accent` list gives the accents' order).
    /// Clips are grouped by sentence and voice variant: a speaker `engine:accent+variant` (espeak-ng) has variant
    /// `variant`, `engine:accent` the default variant, and any other voice (festival's) is its own group.
    public struct ParallelCorpus: Sendable {
        /// One aligned frame pair: frame `sourceFrame` of utterance `source` said as frame `targetFrame` of `target`.
        struct AlignedFrame: Sendable {
            let source: Int32, sourceFrame: Int32, target: Int32, targetFrame: Int32
        }

        /// One analysed clip.
        struct Utterance: Sendable {
            /// Mel-cepstra, frame-major `[frames, 25]`.
            let cepstra: [Float]
            let frameCount: Int
            let accent: Int
        }

        /// The accents, in the manifest's order.
        public let accents: [String]
        /// Ordered clip pairs aligned, for training and for validation (the manifest's `validation` split).
        public let trainingPairCount: Int, validationPairCount: Int
        let utterances: [Utterance]
        let training: [AlignedFrame], validation: [AlignedFrame]

        /// Aligned frames for training and for validation.
        public var trainingFrameCount: Int { training.count }
        public var validationFrameCount: Int { validation.count }

        /// Reads `folder/manifest.json`, analyses every speech clip that has an accent and a source sentence, and
        /// aligns every parallel pair.
        ///
        /// - Throws: ``BackbonesError/invalidCorpus(path:problem:)`` for a missing or undecodable manifest, fewer
        ///   than two accents, an accent not in the label list, or no parallel training or validation pair; AudioDSP's
        ///   and ``BackbonesError/invalidClip(problem:)`` errors for an unreadable or silent clip.
        public init(folder: URL) throws {
            let (manifestURL, manifest) = try CorpusManifest.read(folder: folder)
            let accents = manifest.labels["accent"] ?? []
            guard accents.count >= 2 else {
                throw BackbonesError.invalidCorpus(path: manifestURL.path, problem: "fewer than two accents")
            }
            self.accents = accents
            let analyser = try AccentConverter(configuration: Configuration(accents: accents))
            var groups: [String: [(utterance: Int, isValidation: Bool)]] = [:]
            // Per utterance: its active frames, and their c1 … c24 (what DTW aligns), made once for all its pairs.
            var utterances: [Utterance] = [], active: [[Int]] = [], envelopes: [[Float]] = []
            for entry in manifest.clips {
                guard let path = entry["path"] ?? nil, let accent = entry["accent"] ?? nil,
                    let speaker = entry["speaker"] ?? nil, let source = entry["source"] ?? nil
                else { continue }
                guard let accentIndex = accents.firstIndex(of: accent) else {
                    throw BackbonesError.invalidCorpus(
                        path: manifestURL.path, problem: "\(path): accent '\(accent)' is not in the label list")
                }
                let waveform = try AudioFile.read(folder.appendingPathComponent(path), sampleRate: Analysis.sampleRate)
                let clip = try analyser.analyse(waveform.samples)
                groups[source + "\n" + Self.variant(of: speaker, accent: accent), default: []].append(
                    (utterances.count, (entry["split"] ?? nil) == "validation"))
                utterances.append(Utterance(cepstra: clip.cepstra, frameCount: clip.frameCount, accent: accentIndex))
                let frames = clip.isActive.indices.filter { clip.isActive[$0] }
                let count = Analysis.coefficientCount
                active.append(frames)
                envelopes.append(frames.flatMap { clip.cepstra[($0 * count + 1)..<(($0 + 1) * count)] })
            }
            var training: [AlignedFrame] = [], validation: [AlignedFrame] = []
            var pairs = (training: 0, validation: 0)
            for key in groups.keys.sorted() {
                let members = groups[key]!
                for source in members {
                    for target in members
                    where utterances[target.utterance].accent
                        != utterances[source.utterance].accent
                    {
                        let aligned = Self.aligned(
                            active, envelopes, source: source.utterance, target: target.utterance)
                        if source.isValidation {
                            validation += aligned
                            pairs.validation += 1
                        } else {
                            training += aligned
                            pairs.training += 1
                        }
                    }
                }
            }
            guard !training.isEmpty, !validation.isEmpty else {
                throw BackbonesError.invalidCorpus(
                    path: manifestURL.path,
                    problem: "no parallel \(training.isEmpty ? "training" : "validation") pair (the same sentence "
                        + "and voice variant in two accents)")
            }
            (self.utterances, self.training, self.validation) = (utterances, training, validation)
            (trainingPairCount, validationPairCount) = (pairs.training, pairs.validation)
        }

        /// The voice variant of `speaker` (`engine:voice`) that clips of other accents share.
        static func variant(of speaker: String, accent: String) -> String {
            let parts = speaker.split(separator: ":", maxSplits: 1).map(String.init)
            let (engine, voice) = parts.count == 2 ? (parts[0], parts[1]) : ("", speaker)
            if let plus = voice.firstIndex(of: "+") { return engine + ":+" + voice[voice.index(after: plus)...] }
            return voice == accent ? engine + ":default" : engine + ":" + voice
        }

        /// The DTW alignment of two utterances' active frames (`envelopes`: their c1 … c24), as full-clip frame
        /// indices.
        private static func aligned(
            _ active: [[Int]], _ envelopes: [[Float]], source: Int, target: Int
        ) -> [AlignedFrame] {
            guard !active[source].isEmpty, !active[target].isEmpty else { return [] }
            let dimension = Analysis.coefficientCount - 1
            return DynamicTimeWarping.path(envelopes[source], envelopes[target], dimension: dimension).map { i, j in
                AlignedFrame(
                    source: Int32(source), sourceFrame: Int32(active[source][i]), target: Int32(target),
                    targetFrame: Int32(active[target][j]))
            }
        }

        /// The mean and standard deviation of each coefficient over every frame of the training pairs' sources.
        var trainingStatistics: (mean: [Float], scale: [Float]) {
            let count = Analysis.coefficientCount
            var sums = [Double](repeating: 0, count: count), squares = sums
            for frame in training {
                let utterance = utterances[Int(frame.source)]
                for k in 0..<count {
                    let value = Double(utterance.cepstra[Int(frame.sourceFrame) * count + k])
                    sums[k] += value
                    squares[k] += value * value
                }
            }
            let n = Double(training.count)
            return (
                sums.map { Float($0 / n) },
                zip(sums, squares).map { Float(max($1 / n - ($0 / n) * ($0 / n), 1e-12).squareRoot()) }
            )
        }
    }

    /// Trains a converter on a parallel corpus: batches of aligned frames drawn at random, the mean squared error of
    /// the predicted change of `c1 … c24` against the aligned target frame's, Adam with a warm-up + cosine learning
    /// rate, data parallel over ``NeuralCoreThreads/threadCount`` replicas.
    ///
    /// The accents and the input normalisation come from the corpus. With a `checkpoint` URL the model, Adam's
    /// moments and the run's state are saved there (atomically) every ``TrainingConfiguration/checkpointInterval``
    /// steps, after the last step and after a step that reaches `timeLimit`, each after measuring the validation
    /// error; with `resume`, training continues exactly from that checkpoint.
    ///
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for a bad configuration;
    ///   ``BackbonesError/invalidCheckpoint(path:problem:)`` for a checkpoint to resume that does not match;
    ///   `NeuralCoreError.invalidParameter` for a negative or infinite time limit; errors writing checkpoints.
    public static func train(
        on corpus: ParallelCorpus, configuration: TrainingConfiguration, checkpoint: URL? = nil, resume: Bool = false,
        timeLimit: Double? = nil, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> AccentConverter {
        try configuration.validate()
        let statistics = corpus.trainingStatistics
        let modelConfiguration = Configuration(
            accents: corpus.accents, contextFrames: configuration.contextFrames,
            hiddenWidth: configuration.hiddenWidth, inputMean: statistics.mean, inputScale: statistics.scale)
        let optimizer = try Adam(learningRate: configuration.learningRate)
        var model = try AccentConverter(configuration: modelConfiguration, seed: configuration.seed)
        var done: TrainingState?
        if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
            let description = try checkpointDescription(at: checkpoint)
            let training = try trainingStateToResume(
                at: checkpoint, stored: description.configuration, training: description.training,
                model: modelConfiguration, difference: "another corpus or size")
            model = try AccentConverter(contentsOf: checkpoint)
            model.unfreeze()
            try loadOptimizerState(
                of: model, from: checkpoint, stepCount: training.optimizerStepCount, into: optimizer)
            done = training
        }
        let replicas = try (1..<max(1, min(NeuralCoreThreads.threadCount, configuration.batchSize))).map { _ in
            try AccentConverter(configuration: modelConfiguration)
        }
        let previousSeconds = done?.seconds ?? 0
        var lossSum: Float = 0, lossCount = 0
        try runTrainingSteps(from: (done?.step ?? 0) + 1, through: configuration.steps, timeLimit: timeLimit) { step in
            var generator = RandomGenerator(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
            let batch = (0..<configuration.batchSize).map { _ in
                corpus.training[Int(generator.next() % UInt64(corpus.training.count))]
            }
            let (loss, gradients) = try dataParallelLossAndGradients(
                of: model, replicas: replicas, itemCount: batch.count
            ) { range, network in
                let (input, target) = network.examples(Array(batch[range]), corpus: corpus)
                let (loss, gradients) = valueWithGradient(of: network) { meanSquaredError($0.network(input), target) }
                return (loss, gradients)
            }
            optimizer.learningRate = configuration.schedule.rate(atStep: step)
            optimizer.update(model, gradients: gradients)
            return loss
        } after: { outcome in
            lossSum += outcome.loss
            lossCount += 1
            var written: URL?, ratio: Double?
            if let checkpoint, outcome.isCheckpoint(every: configuration.checkpointInterval) {
                let measured = model.validationErrorRatio(on: corpus)
                try model.save(
                    to: checkpoint,
                    training: TrainingState(
                        step: outcome.step, loss: lossSum / Float(lossCount),
                        seconds: previousSeconds + outcome.seconds, configuration: configuration,
                        optimizerStepCount: optimizer.stepCount, validationErrorRatio: measured),
                    optimizer: optimizer.state)
                (lossSum, lossCount, written, ratio) = (0, 0, checkpoint, measured)
            }
            progress(
                TrainingProgress(
                    step: outcome.step, steps: configuration.steps, loss: outcome.loss,
                    learningRate: optimizer.learningRate, seconds: previousSeconds + outcome.seconds,
                    secondsRemaining: outcome.secondsRemaining, stoppedAtTimeLimit: outcome.stoppingAtTimeLimit,
                    checkpoint: written, validationErrorRatio: ratio))
        }
        return model
    }

    /// The network inputs `[frames, inputCount]` (each source frame with the target's accent, one-hot) and the
    /// targets `[frames, 24]` (the aligned target frame's `c1 … c24` minus the source frame's) of aligned frames.
    private func examples(
        _ frames: [ParallelCorpus.AlignedFrame], corpus: ParallelCorpus
    ) -> (input: Tensor, target: Tensor) {
        let count = Analysis.coefficientCount
        var input: [Float] = [], target: [Float] = []
        input.reserveCapacity(frames.count * configuration.inputCount)
        target.reserveCapacity(frames.count * (count - 1))
        for frame in frames {
            let source = corpus.utterances[Int(frame.source)], goal = corpus.utterances[Int(frame.target)]
            var accent = [Float](repeating: 0, count: configuration.accents.count)
            accent[goal.accent] = 1
            input += self.input(
                cepstra: source.cepstra, frameCount: source.frameCount, frames: [Int(frame.sourceFrame)],
                accent: accent)
            let (s, t) = (Int(frame.sourceFrame) * count, Int(frame.targetFrame) * count)
            for k in 1..<count { target.append(goal.cepstra[t + k] - source.cepstra[s + k]) }
        }
        return (
            Tensor(shape: [frames.count, configuration.inputCount], scalars: input),
            Tensor(shape: [frames.count, count - 1], scalars: target)
        )
    }

    /// The validation frames' mean squared error of the predicted change over that of predicting no change (lower is
    /// better; 1 means nothing was learnt).
    public func validationErrorRatio(on corpus: ParallelCorpus) -> Double {
        var error = 0.0, baseline = 0.0
        for start in stride(from: 0, to: corpus.validation.count, by: 4096) {
            let frames = Array(corpus.validation[start..<min(start + 4096, corpus.validation.count)])
            let (input, target) = examples(frames, corpus: corpus)
            let difference = network(input) - target
            error += Double(difference.squared().sum().item)
            baseline += Double(target.squared().sum().item)
        }
        return baseline > 0 ? error / baseline : 1
    }
}
