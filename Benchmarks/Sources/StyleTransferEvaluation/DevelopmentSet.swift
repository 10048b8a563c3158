import Foundation

/// One pair of `pairs.json` (written by `Scripts/make_dev_set.py`), its paths resolved against the manifest's folder.
struct DevelopmentPair: Decodable {
    let id: String
    /// `gender`, `accent` or `instrument`.
    let kind: String
    let content: String
    let style: String
    /// The style voice saying the content's words (the ground truth), when there is one.
    let reference: String?

    /// The pairs of `manifest` of the given kinds (all when `nil`), at most `limit` of each, in the manifest's order.
    ///
    /// - Throws: ``EvaluationError/manifest(path:reason:)`` when it cannot be read or selects nothing.
    static func load(_ manifest: URL, kinds: Set<String>?, limit: Int?) throws -> [DevelopmentPair] {
        let folder = manifest.deletingLastPathComponent()
        let all: [DevelopmentPair]
        do {
            all = try JSONDecoder().decode([DevelopmentPair].self, from: Data(contentsOf: manifest))
        } catch {
            throw EvaluationError.manifest(
                path: manifest.path, reason: "\(error.localizedDescription) (make it with Scripts/make_dev_set.py)")
        }
        var taken: [String: Int] = [:]
        let pairs = all.filter { pair in
            guard kinds?.contains(pair.kind) ?? true, taken[pair.kind, default: 0] < limit ?? .max else { return false }
            taken[pair.kind, default: 0] += 1
            return true
        }.map { pair in
            DevelopmentPair(id: pair.id, kind: pair.kind, content: folder.appendingPathComponent(pair.content).path,
                            style: folder.appendingPathComponent(pair.style).path,
                            reference: pair.reference.map { folder.appendingPathComponent($0).path })
        }
        guard !pairs.isEmpty else { throw EvaluationError.manifest(path: manifest.path, reason: "no pair selected") }
        return pairs
    }
}
