import AudioDSP
import Foundation
import StyleTransfer

/// Runs the pairs one after the other: transfer (or baseline), write `<id>.wav`, judge it, append the judge's line
/// to `results.jsonl`; a failing pair is reported and the run goes on.
struct Evaluation {
    let options: EvaluationOptions

    /// Evaluates every selected pair, prints a line per pair and the table per kind.
    ///
    /// - Returns: the number of pairs that failed.
    /// - Throws: errors that concern every pair: the manifest, the settings, the output folder, a missing judge.
    func run() async throws -> Int {
        let pairs = try DevelopmentPair.load(options.manifest, kinds: options.kinds, limit: options.limit)
        for (path, what) in [(options.python, "--python"), (options.judge, "--judge")]
        where !FileManager.default.fileExists(atPath: path) {
            throw EvaluationError.invalidFlag(what, value: path, reason: "no such file (see ../shared/eval/README.md)")
        }
        let folder = options.output
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let resultsURL = folder.appendingPathComponent("results.jsonl")
        try Data().write(to: resultsURL)
        let results = try FileHandle(forWritingTo: resultsURL)
        defer { try? results.close() }

        let description = try describe(kinds: pairs.map(\.kind))
        emit(description)
        try (CommandLine.arguments.joined(separator: " ") + "\n" + description + "\n")
            .write(to: folder.appendingPathComponent("run.txt"), atomically: true, encoding: .utf8)

        let judge = Judge(python: options.python, script: options.judge)
        var sessions: [String: StyleTransferSession] = [:]
        var rows: [PairResult] = []
        for (index, pair) in pairs.enumerated() {
            let output = folder.appendingPathComponent("\(pair.id).wav")
            var row = PairResult(pair: pair)
            do {
                row.transferSeconds = try await produce(pair, at: output, sessions: &sessions)
                let start = ContinuousClock.now
                var values = try judge.judge(pair, output: output.path)
                row.judgeSeconds = (ContinuousClock.now - start) / .seconds(1)
                values["id"] = pair.id
                values["kind"] = pair.kind
                values["transfer_seconds"] = row.transferSeconds
                row.values = values
                let line = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
                try results.write(contentsOf: line + Data("\n".utf8))
            } catch {
                row.error = "\(error)".replacingOccurrences(of: "\n", with: " ")
            }
            emit(progressLine(row, index: index + 1, count: pairs.count))
            rows.append(row)
        }
        emit("\n" + SummaryTable.markdown(rows))
        let judgeTimes = rows.compactMap(\.judgeSeconds)
        emit(String(format: "\njudge: %.1f s per pair (mean of %d); results in %@", SummaryTable.mean(judgeTimes),
                     judgeTimes.count, resultsURL.path))
        return rows.filter { $0.error != nil }.count
    }

    /// Writes the pair's output to `url`: the transfer or the vocoder baseline (timed, the library's work only), or
    /// the baseline's file.
    private func produce(_ pair: DevelopmentPair, at url: URL, sessions: inout [String: StyleTransferSession])
        async throws -> Double
    {
        try? FileManager.default.removeItem(at: url)
        switch options.baseline {
        case .content:
            try FileManager.default.copyItem(atPath: pair.content, toPath: url.path)
            return 0
        case .reference:
            guard let reference = pair.reference else {
                throw EvaluationError.manifest(path: options.manifest.path, reason: "\(pair.id) has no reference")
            }
            try FileManager.default.copyItem(atPath: reference, toPath: url.path)
            return 0
        case .vocoder, nil:
            let key = options.preset == "kind" ? pair.kind : ""
            let session = try sessions[key] ?? options.settings(kind: pair.kind).session()
            sessions[key] = session
            let content = try AudioFile.read(URL(fileURLWithPath: pair.content))
            let style = try AudioFile.read(URL(fileURLWithPath: pair.style))
            let start = ContinuousClock.now
            let waveform: Waveform
            if options.baseline == .vocoder {
                waveform = try session.vocoder.synthesize(session.analyze(content, what: "content"))
            } else {
                let result = try await session.run(content: content, style: style)
                waveform = result.waveform
                if let accent = result.targetAccent, let (name, weight) = accent.max(by: { $0.value < $1.value }) {
                    emit(String(format: "         %@ converted toward %@ (weight %.2f)", pair.id, name, weight))
                }
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            try AudioFile.write(waveform, to: url, format: .wav16)
            return seconds
        }
    }

    /// What runs: the baseline, or the settings (one line per kind when each kind has its own preset).
    private func describe(kinds: [String]) throws -> String {
        if let baseline = options.baseline, baseline != .vocoder {
            return "baseline: the output is the \(baseline.rawValue)"
        }
        let prefix = options.baseline == .vocoder ? "baseline: the content through the front end and vocoder of " : ""
        guard options.preset == "kind" else {
            let preset = options.preset.map { "preset \($0): " } ?? "no preset (library defaults): "
            return prefix + preset + (try options.settings(kind: "").summary())
        }
        var seen: [String] = []
        for kind in kinds where !seen.contains(kind) { seen.append(kind) }
        return try seen.map { prefix + "preset \($0): " + (try options.settings(kind: $0).summary()) }
            .joined(separator: "\n")
    }

    private func progressLine(_ row: PairResult, index: Int, count: Int) -> String {
        let id = row.pair.id.padding(toLength: 14, withPad: " ", startingAt: 0)
        let head = String(format: "[%2d/%d] %@", index, count, id)
        if let error = row.error { return head + " error: " + error }
        let numbers = ["gram_ratio", "timbre_progress", "f0_shift_toward_style_st", "stoi"].map { key in
            key + " " + (row.value(key).map { String(format: "%.2f", $0) } ?? "null")
        }
        let times = String(format: " transfer %.1f s, judge %.1f s: ", row.transferSeconds ?? 0, row.judgeSeconds ?? 0)
        return head + times + numbers.joined(separator: ", ")
    }
}

/// Writes `text` and a newline to standard output at once (unbuffered), so each pair's line appears as it finishes,
/// also in a pipe or file.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
