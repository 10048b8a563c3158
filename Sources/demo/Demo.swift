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

    /// Parses the command line and runs the subcommand, as `AsyncParsableCommand.main()` does, except that a command
    /// line the parser refuses (an unknown option, a value outside a choice list) prints one line,
    /// `error: <what is wrong>`, and exits with the parser's code (64), like every other error of `demo`; `--help`
    /// and errors from a subcommand's work pass through unchanged.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is ExitCode) else { exit(withError: error) }
            let first = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            writeErrorLine(first.hasPrefix("Error: ") ? String(first.dropFirst("Error: ".count)) : first)
            exit(withError: code)
        }
    }
}
