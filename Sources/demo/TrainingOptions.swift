import ArgumentParser
import Backbones
import Foundation
import NeuralCore
import Vocoders

/// A training configuration whose schedule the training commands set from the command line (the library's
/// `WaveNet.TrainingConfiguration` and `AudioBackbone.TrainingConfiguration` name these settings alike).
protocol CommandLineTrainingConfiguration {
    /// The library's defaults.
    static var standard: Self { get }
    var steps: Int { get set }
    var batchSize: Int { get set }
    var learningRate: Float { get set }
    var finalLearningRate: Float { get set }
    var checkpointInterval: Int { get set }
    var seed: UInt64 { get set }
}

extension WaveNet.TrainingConfiguration: CommandLineTrainingConfiguration {
    static var standard: Self { .init() }
}

extension AudioBackbone.TrainingConfiguration: CommandLineTrainingConfiguration {
    static var standard: Self { .init() }
}

extension AccentConverter.TrainingConfiguration: CommandLineTrainingConfiguration {
    static var standard: Self { .init() }
}

/// The options `demo train-wavenet`, `demo train-backbone` and `demo train-accent` share: the checkpoint, the
/// schedule (with the library's defaults for `Configuration`), threads, logging, and running in resumable pieces.
struct TrainingOptions<Configuration: CommandLineTrainingConfiguration>: ParsableArguments {
    @Option(help: "Checkpoint to write (.safetensors; a .json description is written beside it).")
    var out: URL

    @Option(help: "Total optimiser steps.")
    var steps = Configuration.standard.steps

    @Option(help: "Examples per step (crops, or aligned frames for train-accent).")
    var batchSize = Configuration.standard.batchSize

    @Option(help: "Peak Adam learning rate.")
    var learningRate = Configuration.standard.learningRate

    @Option(help: "Steps between checkpoints.")
    var checkpointInterval = Configuration.standard.checkpointInterval

    @Option(help: "Seed of the initial weights and the crops.")
    var seed = Configuration.standard.seed

    @Option(help: "Threads, each training on a share of every batch's crops (default: all processors).")
    var threads: Int?

    @Option(help: "Print a progress line every N steps.")
    var logInterval: Int = 10

    @Flag(help: "Continue exactly from --out if it exists (same settings; weights, Adam's moments, step).")
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

    /// The library's defaults with these options' schedule (the final learning rate capped at the peak), after
    /// checking that `--out`'s folder exists and setting the thread count.
    func configuration() throws -> Configuration {
        try checkOutputFolders([out])
        if let threads { NeuralCoreThreads.threadCount = threads }
        var configuration = Configuration.standard
        configuration.steps = steps
        configuration.batchSize = batchSize
        configuration.learningRate = learningRate
        configuration.finalLearningRate = min(configuration.finalLearningRate, learningRate)
        configuration.checkpointInterval = checkpointInterval
        configuration.seed = seed
        return configuration
    }

    /// Whether step `step` gets a progress line: every `--log-interval` steps and at every checkpoint.
    func logs(step: Int, checkpoint: URL?) -> Bool { step % logInterval == 0 || checkpoint != nil }

    /// Prints a progress line: the line, the checkpoint written (if any), and a note when the run stopped at its time
    /// limit.
    func report(_ line: String, checkpoint: URL?, step: Int, stoppedAtTimeLimit: Bool) {
        say(line + (checkpoint.map { "  → \($0.path)" } ?? ""))
        if stoppedAtTimeLimit { say("stopped at the time limit after step \(step); continue with --resume") }
    }
}

/// Writes a line to standard output unbuffered, so a log file shows progress while training runs.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
