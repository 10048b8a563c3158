import ArgumentParser
import Backbones
import Foundation
import NeuralCore

/// `demo train-backbone`: trains an ``AudioBackbone`` on a labelled corpus, with periodic, resumable checkpoints and
/// the validation accuracy per label at each.
struct TrainBackboneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-backbone",
        abstract: "Train the audio backbone (speaker, gender, accent, instrument heads) on a labelled corpus.",
        discussion: "Make the corpus with: python3 Scripts/make_backbone_corpus.py FOLDER")

    private static let defaults = AudioBackbone.TrainingConfiguration.standard

    @Option(help: "Corpus folder with manifest.json (Scripts/make_backbone_corpus.py).")
    var corpus: URL

    @Option(help: "Frames per crop.")
    var cropFrames: Int = defaults.cropFrames

    @Option(help: "Output channels of each convolution, comma-separated.")
    var channels: String = defaults.model.channels.map(String.init).joined(separator: ",")

    @Option(help: "Time dilation of each convolution, comma-separated.")
    var dilations: String = defaults.model.timeDilations.map(String.init).joined(separator: ",")

    @Flag(help: "Train a small transformer (ViT blocks: patches of 8 bands × 4 frames, 4 blocks, width 128).")
    var transformer = false

    @OptionGroup var training: TrainingOptions<AudioBackbone.TrainingConfiguration>

    func validate() throws {
        for (flag, list) in [("--channels", channels), ("--dilations", dilations)] where integers(list) == nil {
            throw ValidationError("\(flag) must be comma-separated positive integers, got '\(list)'")
        }
    }

    /// The positive integers of a comma-separated list, or `nil`.
    private func integers(_ list: String) -> [Int]? {
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        try reportingErrors {
            var configuration = try training.configuration()
            configuration.cropFrames = cropFrames
            configuration.model.channels = integers(channels)!
            configuration.model.timeDilations = integers(dilations)!
            if transformer { configuration.model.transformer = AudioBackbone.TransformerShape() }
            try configuration.validate()
            let start = Date()
            let corpus = try AudioBackbone.Corpus(
                folder: self.corpus, frontEnd: configuration.model.frontEnd, bandCount: configuration.model.bandCount)
            let validation = corpus.clips.filter(\.isValidation).count
            say(
                String(
                    format: "corpus: %d training and %d validation clips, labels %@, analysed in %.0f s",
                    corpus.clips.count - validation, validation,
                    corpus.labels.map { "\($0.name) (\($0.classes.count))" }.joined(separator: ", "),
                    Date().timeIntervalSince(start)))
            let training = training
            _ = try AudioBackbone.train(
                on: corpus, configuration: configuration, checkpoint: training.out, resume: training.resume,
                timeLimit: training.untilSeconds
            ) { progress in
                guard training.logs(step: progress.step, checkpoint: progress.checkpoint) else { return }
                var line = String(
                    format: "step %d/%d  loss %.4f  lr %.2e  %.0f s  %.1f crops/s  ETA %@",
                    progress.step, progress.steps, progress.loss, progress.learningRate,
                    progress.seconds, progress.cropsPerSecond, duration(progress.secondsRemaining))
                if let accuracy = progress.validationAccuracy {
                    line +=
                        "  validation "
                        + accuracy.keys.sorted().map {
                            String(format: "%@ %.3f", $0, accuracy[$0]!)
                        }.joined(separator: ", ")
                }
                training.report(
                    line, checkpoint: progress.checkpoint, step: progress.step,
                    stoppedAtTimeLimit: progress.stoppedAtTimeLimit)
            }
        }
    }
}
