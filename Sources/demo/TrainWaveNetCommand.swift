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

    @Option(help: "Threads, each training on a share of every batch's crops (default: all processors).")
    var threads: Int?

    @Option(help: "Print a progress line every N steps.")
    var logInterval: Int = 10

    @Flag(help: "Continue exactly from --out if it exists (same model and front end; weights, Adam's moments, step).")
    var resume = false

    @Option(help: "Stop after the first step ending this many seconds after the start, writing --out (then --resume).")
    var untilSeconds: Double?

    func validate() throws {
        guard logInterval >= 1 else { throw ValidationError("--log-interval must be ≥ 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if let untilSeconds, !(untilSeconds >= 0 && untilSeconds.isFinite) {
            throw ValidationError("--until-seconds must be ≥ 0")
        }
    }

    func run() throws {
        try reportingErrors {
            try checkOutputFolders([out])
            if let threads { NeuralCoreThreads.threadCount = threads }
            var configuration = Self.defaults
            configuration.steps = steps
            configuration.batchSize = batchSize
            configuration.cropLength = cropLength
            configuration.learningRate = learningRate
            configuration.finalLearningRate = min(configuration.finalLearningRate, learningRate)
            configuration.checkpointInterval = checkpointInterval
            configuration.seed = seed
            let model = configuration.model
            // Unbuffered, so a log file shows progress while training runs.
            func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            say("WaveNet: \(model.layerCount) layers in \(model.stackCount) stacks, residual \(model.residualChannels), "
                + "gate \(model.gateChannels), skip \(model.skipChannels), receptive field \(model.receptiveField) samples")
            let logInterval = logInterval
            _ = try WaveNet.train(
                on: data, configuration: configuration, checkpoint: out, resume: resume, timeLimit: untilSeconds
            ) { progress in
                guard progress.step % logInterval == 0 || progress.checkpoint != nil else { return }
                let line = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f s  %.0f samples/s  ETA %@",
                                  progress.step, progress.steps, progress.loss, progress.learningRate,
                                  progress.seconds, progress.samplesPerSecond, duration(progress.secondsRemaining))
                say(line + (progress.checkpoint.map { "  → \($0.path)" } ?? ""))
                if progress.stoppedAtTimeLimit {
                    say("stopped at the time limit after step \(progress.step); continue with --resume")
                }
            }
        }
    }
}

/// `seconds` as `1h02m`, `3m05s` or `42s` (rounded to whole seconds).
private func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
    if hours > 0 { return String(format: "%dh%02dm", hours, minutes) }
    return minutes > 0 ? String(format: "%dm%02ds", minutes, rest) : "\(rest)s"
}
