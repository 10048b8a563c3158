import ArgumentParser
import Backbones
import Foundation
import NeuralCore

/// `demo train-accent`: trains an ``AccentConverter`` on the parallel speech of a corpus, with periodic, resumable
/// checkpoints and the validation error at each.
struct TrainAccentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-accent",
        abstract: "Train the accent converter on parallel speech (one sentence, one voice, several accents).",
        discussion: "Make the corpus with: python3 Scripts/make_backbone_corpus.py FOLDER")

    private static let defaults = AccentConverter.TrainingConfiguration.standard

    @Option(help: "Corpus folder with manifest.json (Scripts/make_backbone_corpus.py).")
    var corpus: URL

    @Option(help: "Frames of context on each side of a frame.")
    var contextFrames: Int = defaults.contextFrames

    @Option(help: "Width of the two hidden layers.")
    var hiddenWidth: Int = defaults.hiddenWidth

    @OptionGroup var training: TrainingOptions<AccentConverter.TrainingConfiguration>

    func run() throws {
        try reportingErrors {
            var configuration = try training.configuration()
            configuration.contextFrames = contextFrames
            configuration.hiddenWidth = hiddenWidth
            try configuration.validate()
            let start = Date()
            let corpus = try AccentConverter.ParallelCorpus(folder: self.corpus)
            say(
                String(
                    format: "corpus: %d training pairs (%d aligned frames), %d validation pairs (%d), accents %@, "
                        + "analysed and aligned in %.0f s",
                    corpus.trainingPairCount, corpus.trainingFrameCount, corpus.validationPairCount,
                    corpus.validationFrameCount, corpus.accents.joined(separator: ", "),
                    Date().timeIntervalSince(start)))
            let training = training
            _ = try AccentConverter.train(
                on: corpus, configuration: configuration, checkpoint: training.out, resume: training.resume,
                timeLimit: training.untilSeconds
            ) { progress in
                guard training.logs(step: progress.step, checkpoint: progress.checkpoint) else { return }
                var line = String(
                    format: "step %d/%d  loss %.5f  lr %.2e  %.0f s  ETA %@", progress.step, progress.steps,
                    progress.loss, progress.learningRate, progress.seconds, duration(progress.secondsRemaining))
                if let ratio = progress.validationErrorRatio {
                    line += String(format: "  validation error / no change %.3f", ratio)
                }
                training.report(
                    line, checkpoint: progress.checkpoint, step: progress.step,
                    stoppedAtTimeLimit: progress.stoppedAtTimeLimit)
            }
        }
    }
}
