import ArgumentParser
import Foundation
import NeuralCore

/// The options `demo train-wavenet` and `demo train-backbone` share: threads, logging, and running in resumable
/// pieces.
struct TrainingRunOptions: ParsableArguments {
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

    /// Sets the thread count, if given.
    func applyThreads() {
        if let threads { NeuralCoreThreads.threadCount = threads }
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
