import Foundation
import StyleTransfer

/// The repository root: this file is `Benchmarks/Sources/StyleTransferEvaluation/EvaluationOptions.swift`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// What to evaluate and where: the pairs, the judge, and the flags of ``TransferSettings``.
struct EvaluationOptions {
    /// An output that is not a transfer, to give every table its scale.
    enum Baseline: String, CaseIterable {
        /// The output is the content (doing nothing).
        case content
        /// The output is the ground truth (the style voice saying the content's words).
        case reference
        /// The output is the content through the configuration's front end and vocoder, not optimised: what the
        /// representation and Griffin-Lim alone do to the measures.
        case vocoder
    }

    var manifest = repositoryRoot.appendingPathComponent("DevSet/pairs.json")
    var output = repositoryRoot.appendingPathComponent("out/evaluation")
    /// Kinds to run (all when `nil`), and at most this many pairs of each.
    var kinds: Set<String>?
    var limit: Int?
    var python = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("judge-venv/bin/python").path
    var judge = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/eval/judge.py").path
    var baseline: Baseline?
    /// `--preset`: one preset for every pair, `kind` for each pair's own, or `nil` for the library's defaults.
    var preset: String?
    /// The ``TransferSettings/flags`` given, in order.
    var configurationFlags: [(name: String, value: String)] = []

    static let usage = """
        usage: StyleTransferEvaluation [--flag value]...
        Runs a transfer for every pair of the development set (Scripts/make_dev_set.py), judges each output with
        ../shared/eval/judge.py, writes <out>/<id>.wav and <out>/results.jsonl, and prints the means per kind.

          --manifest PATH        pairs.json (default DevSet/pairs.json in the repository)
          --out FOLDER           outputs and results.jsonl (default out/evaluation in the repository)
          --kinds LIST           e.g. gender,instrument (default all)
          --limit N              at most N pairs of each kind
          --python PATH          the judge's Python (default ~/judge-venv/bin/python)
          --judge PATH           judge.py (default ../shared/eval/judge.py beside the repository)
          --baseline WHICH       content | reference | vocoder: judge the content, the ground truth, or the content
                                 through the configuration's front end and vocoder, instead of a transfer
          --preset NAME          start from \(presetNames.joined(separator: " | ")) | kind (each pair's
                                 own kind); default the library's StyleTransferConfiguration()

        """ + TransferSettings.flags.map { flag in
            "  " + flag.name.padding(toLength: 22, withPad: " ", startingAt: 0) + " " + flag.help
        }.joined(separator: "\n")
    private static let presetNames = StyleTransferPreset.allCases.map(\.rawValue)

    /// Reads `--flag value` pairs; flags this type does not know are kept for ``TransferSettings``, and checked.
    ///
    /// - Throws: ``EvaluationError/invalidFlag(_:value:reason:)``.
    init(arguments: [String]) throws {
        guard arguments.count.isMultiple(of: 2) else {
            throw EvaluationError.invalidFlag(arguments.last!, value: "", reason: "needs a value")
        }
        for index in stride(from: 0, to: arguments.count, by: 2) {
            let (name, value) = (arguments[index], arguments[index + 1])
            func invalid(_ reason: String) -> EvaluationError { .invalidFlag(name, value: value, reason: reason) }
            switch name {
            case "--manifest": manifest = URL(fileURLWithPath: value)
            case "--out": output = URL(fileURLWithPath: value)
            case "--kinds": kinds = Set(value.split(separator: ",").map(String.init))
            case "--limit":
                guard let count = try? positive(value) else { throw invalid("expected a positive integer") }
                limit = count
            case "--python": python = value
            case "--judge": judge = value
            case "--baseline":
                guard let choice = Baseline(rawValue: value) else {
                    throw invalid("expected \(Baseline.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                baseline = choice
            case "--preset":
                guard value == "kind" || StyleTransferPreset(rawValue: value) != nil else {
                    throw invalid("expected \(Self.presetNames.joined(separator: ", ")) or kind")
                }
                preset = value
            default:
                guard name.hasPrefix("--") else { throw invalid("expected --flag value") }
                configurationFlags.append((name, value))
            }
        }
        var check = TransferSettings(preset: nil)
        try check.apply(configurationFlags)
    }

    /// The settings of a pair of `kind`: its preset (see ``preset``) and then the configuration flags.
    func settings(kind: String) throws -> TransferSettings {
        let name = preset == "kind" ? kind : preset
        var settings = TransferSettings(preset: name.flatMap { StyleTransferPreset(rawValue: $0) })
        try settings.apply(configurationFlags)
        return settings
    }
}
