import Foundation
import StyleTransfer

/// Progress of a transfer on standard error: a redrawn bar on a terminal, plain lines (every 10 %) otherwise.
final class ProgressDisplay {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastTenth = -1

    func show(_ report: StepReport) {
        let fraction = report.fractionComplete
        let chunk = report.chunkCount > 1 ? " chunk \(report.chunk)/\(report.chunkCount)" : ""
        let numbers = String(format: "step %d/%d%@  content %.3g  style %.3g  %.1f s", report.step, report.stepCount,
                             chunk, report.contentLoss, report.styleLoss, report.elapsed)
        if isTerminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            write("\r[\(bar)] \(Int(fraction * 100))%  \(numbers)\u{1B}[K")
        } else {
            let tenth = Int(fraction * 10)
            if tenth != lastTenth {
                lastTenth = tenth
                write("\(Int(fraction * 100))%  \(numbers)\n")
            }
        }
    }

    func finish() { if isTerminal { write("\n") } }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// `seconds` as `1h02m`, `3m05s` or `42s` (rounded to whole seconds).
func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
    if hours > 0 { return String(format: "%dh%02dm", hours, minutes) }
    return minutes > 0 ? String(format: "%dm%02ds", minutes, rest) : "\(rest)s"
}
