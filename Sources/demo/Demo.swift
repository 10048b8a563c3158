import ArgumentParser

/// `demo`: try StyleTransfer for Swift from the command line. Each subcommand is a thin layer over the library.
@main
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Audio style transfer on spectrograms: analysis, reconstruction and transfer.",
        subcommands: [
            SpectrogramCommand.self, ReconstructCommand.self, TransferCommand.self, FeaturesCommand.self,
            TrainWaveNetCommand.self, TrainBackboneCommand.self, TrainAccentCommand.self, FFTWisdomCommand.self,
        ]
    )
}
