import Foundation

/// What happened to one pair: the judge's values, or the error that stopped it.
struct PairResult {
    let pair: DevelopmentPair
    /// Seconds of the library's transfer (analysis, optimisation, vocoder; no file I/O), 0 for a baseline.
    var transferSeconds: Double?
    var judgeSeconds: Double?
    /// The judge's JSON object (plus `id`, `kind` and `transfer_seconds`).
    var values: [String: Any]?
    var error: String?

    /// The judge's value for `key`, `nil` when missing or null.
    func value(_ key: String) -> Double? { (values?[key] as? NSNumber)?.doubleValue }
}

/// The table every preset decision cites: one row per kind, each cell the mean over the kind's judged pairs with the
/// minimum and maximum, as Markdown.
enum SummaryTable {
    static func markdown(_ results: [PairResult]) -> String {
        var kinds: [String] = []
        for result in results where !kinds.contains(result.pair.kind) { kinds.append(result.pair.kind) }
        var lines = [
            "| kind | pairs | gram_ratio | timbre_progress | f0_shift_toward_style_st | stoi | s / pair "
                + "| MCD to ground truth, output / content (dB) | closer than content |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for kind in kinds {
            let all = results.filter { $0.pair.kind == kind }
            let judged = all.filter { $0.values != nil }
            let referenced = judged.filter {
                $0.value("ref_mcd_dtw_db") != nil && $0.value("ref_mcd_dtw_db_content") != nil
            }
            let closer = referenced.filter { $0.value("ref_mcd_dtw_db")! < $0.value("ref_mcd_dtw_db_content")! }.count
            let mcd = referenced.isEmpty ? "–" : String(
                format: "%.2f / %.2f", mean(referenced.map { $0.value("ref_mcd_dtw_db")! }),
                mean(referenced.map { $0.value("ref_mcd_dtw_db_content")! }))
            let cells = [
                kind, "\(judged.count)/\(all.count)",
                cell(judged.map { $0.value("gram_ratio") }),
                cell(judged.map { $0.value("timbre_progress") }),
                cell(judged.map { $0.value("f0_shift_toward_style_st") }, alwaysCount: true),
                cell(judged.map { $0.value("stoi") }),
                cell(judged.map(\.transferSeconds), digits: 1),
                mcd, referenced.isEmpty ? "–" : "\(closer)/\(referenced.count)",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// `mean (min – max)` of the non-null values, with `n = count` when some are null (or `alwaysCount`).
    private static func cell(_ values: [Double?], digits: Int = 2, alwaysCount: Bool = false) -> String {
        let present = values.compactMap { $0 }
        guard let low = present.min(), let high = present.max() else { return "– (n = 0)" }
        let format = "%.\(digits)f (%.\(digits)f – %.\(digits)f)"
        let text = String(format: format, mean(present), low, high)
        return alwaysCount || present.count < values.count ? text + " n = \(present.count)" : text
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }
}
