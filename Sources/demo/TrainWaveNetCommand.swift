import ArgumentParser
import Foundation
import NeuralCore
import Vocoders

/// `demo train-wavenet`: trains a WaveNet vocoder on a folder of audio, with periodic, resumable checkpoints.
struct TrainWaveNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-wavenet",
        abstract: "Train a mel-conditioned WaveNet vocoder on a folder of audio (default front end and sizes).")

    private static let defaults = WaveNet.TrainingConfiguration()

    @Option(help: "Folder of training audio (.wav, .flac, .ogg, .aiff).")
    var data: URL

    @Option(help: "Checkpoint to write (.safetensors; a .json description is written beside it).")
    var out: URL

    @Option(help: "Total optimiser steps (default \(defaults.steps)).")
    var steps: Int = defaults.steps

    @Option(help: "Crops per step (default \(defaults.batchSize)).")
    var batchSize: Int = defaults.batchSize

    @Option(help: "Samples per crop, a multiple of the hop (default \(defaults.cropLength)).")
    var cropLength: Int = defaults.cropLength

    @Option(help: "Peak Adam learning rate (default \(defaults.learningRate)).")
    var learningRate: Float = defaults.learningRate

    @Option(help: "Steps between checkpoints (default \(defaults.checkpointInterval)).")
    var checkpointInterval: Int = defaults.checkpointInterval

    @Option(help: "Seed of the initial weights and the crops (default \(defaults.seed)).")
    var seed: UInt64 = defaults.seed

    @OptionGroup var training: TrainingRunOptions

    func run() throws {
        try reportingErrors {
            try checkOutputFolders([out])
            training.applyThreads()
            var configuration = Self.defaults
            configuration.steps = steps
            configuration.batchSize = batchSize
            configuration.cropLength = cropLength
            configuration.learningRate = learningRate
            configuration.finalLearningRate = min(configuration.finalLearningRate, learningRate)
            configuration.checkpointInterval = checkpointInterval
            configuration.seed = seed
            let model = configuration.model
            say("WaveNet: \(model.layerCount) layers in \(model.stackCount) stacks, residual \(model.residualChannels), "
                + "gate \(model.gateChannels), skip \(model.skipChannels), receptive field \(model.receptiveField) samples")
            let training = training
            _ = try WaveNet.train(
                on: data, configuration: configuration, checkpoint: out, resume: training.resume, timeLimit: training.untilSeconds
            ) { progress in
                guard training.logs(step: progress.step, checkpoint: progress.checkpoint) else { return }
                let line = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f s  %.0f samples/s  ETA %@",
                                  progress.step, progress.steps, progress.loss, progress.learningRate,
                                  progress.seconds, progress.samplesPerSecond, duration(progress.secondsRemaining))
                training.report(line, checkpoint: progress.checkpoint, step: progress.step,
                           stoppedAtTimeLimit: progress.stoppedAtTimeLimit)
            }
        }
    }
}
