import ArgumentParser
import Foundation
import NeuralCore
import Vocoders

/// `demo train-wavenet`: trains a WaveNet vocoder on a folder of audio, with periodic, resumable checkpoints.
struct TrainWaveNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-wavenet",
        abstract: "Train a mel-conditioned WaveNet vocoder on a folder of audio (default front end and sizes).")

    private static let defaults = WaveNet.TrainingConfiguration.standard

    @Option(help: "Folder of training audio (.wav, .flac, .ogg, .aiff).")
    var data: URL

    @Option(help: "Samples per crop, a multiple of the hop.")
    var cropLength: Int = defaults.cropLength

    @Flag(help: "Refine a Griffin-Lim guide instead of generating the whole waveform (see Docs/Vocoders.md).")
    var guide = false

    @Option(help: "Griffin-Lim iterations of a guided model's guide.")
    var guideIterations: Int = WaveNet.Guide().iterations

    @Option(help: "Plain Griffin-Lim iterations from the true magnitude that make a guided model's target.")
    var guideTargetIterations: Int = WaveNet.Guide().targetIterations

    @Option(help: "Standard deviation of the noise on a guided model's previous-correction input in training.")
    var guideInputNoise: Float = WaveNet.Guide().inputNoise

    @OptionGroup var training: TrainingOptions<WaveNet.TrainingConfiguration>

    func run() throws {
        try reportingErrors {
            var configuration = try training.configuration()
            configuration.cropLength = cropLength
            if guide {
                configuration.model.guide = WaveNet.Guide(iterations: guideIterations,
                                                          targetIterations: guideTargetIterations,
                                                          inputNoise: guideInputNoise)
            }
            let model = configuration.model
            let guided = model.guide.map { ", refining a Griffin-Lim \($0.iterations) guide (kernel \($0.kernelSize))" }
            say("WaveNet: \(model.layerCount) layers in \(model.stackCount) stacks, residual \(model.residualChannels), "
                + "gate \(model.gateChannels), skip \(model.skipChannels), receptive field \(model.receptiveField) samples"
                + (guided ?? ""))
            let training = training
            _ = try WaveNet.train(
                on: data, configuration: configuration, checkpoint: training.out, resume: training.resume,
                timeLimit: training.untilSeconds
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
