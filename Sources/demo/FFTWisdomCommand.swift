import ArgumentParser
import AudioDSP
import Foundation

/// `demo fft-wisdom`: measures FFTW wisdom for this machine (what `Scripts/make_fftw_wisdom.sh` bundles).
struct FFTWisdomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fft-wisdom",
        abstract: "Measure FFTW wisdom for the STFT's transforms on this machine and print or save it.",
        discussion: """
            The wisdom is FFTW's own text format; pass it to FFTWisdom.importWisdom(_:) in a program before its \
            first transform. Measuring takes about 0.5-2 s per size at the default rigor.
            """)

    @Option(help: "Comma-separated FFT sizes (n_fft) to measure.")
    var sizes = "64,128,256,512,1024,2048,4096,8192"

    @Option(help: "How widely FFTW searches: \(FFTWisdom.Rigor.allCases.map(\.rawValue).joined(separator: ", ")).")
    var rigor: FFTWisdom.Rigor = .patient

    @Option(help: "Write the wisdom to this file (written whole or not at all) instead of standard output.")
    var out: URL?

    func run() throws {
        try reportingErrors {
            let parsed = try sizes.split(separator: ",").map { field -> Int in
                guard let size = Int(field.trimmingCharacters(in: .whitespaces)), size >= 2 else {
                    throw ValidationError("invalid --sizes entry '\(field)': must be an integer ≥ 2")
                }
                return size
            }
            if let out { try checkOutputFolders([out]) }
            let wisdom = FFTWisdom.measure(sizes: parsed, rigor: rigor)
            if let out {
                try writeAtomically(Data(wisdom.utf8), to: out)
            } else {
                print(wisdom, terminator: "")
            }
        }
    }
}

extension FFTWisdom.Rigor: ExpressibleByArgument {}
