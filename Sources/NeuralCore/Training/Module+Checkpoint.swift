import Foundation

extension Module {
    /// Writes a training checkpoint: the state dictionary and, optionally, Adam's moments (``adamStateTensors(_:)``)
    /// as one F32 safetensors file, with `description` as JSON in its metadata under `metadataKey`, and the same JSON
    /// beside it as `<name>.json` (for people and scripts). Both are written atomically (temporary file, then
    /// rename), the weights and the moments together.
    ///
    /// - Throws: ``NeuralCoreError/writeFailed(path:reason:)`` when a file cannot be written; encoding errors.
    public func saveCheckpoint<Description: Encodable>(
        to url: URL, description: Description, metadataKey: String, optimizer: Adam.State? = nil
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(description)
        let tensors = stateDict().mapValues { ($0.shape, $0.scalars) }
            .merging(optimizer.map(adamStateTensors) ?? [:]) { weight, _ in weight }
        try SafeTensors.write(tensors, metadata: [metadataKey: String(decoding: json, as: UTF8.self)], to: url)
        try writeFileAtomically(json, to: url.deletingPathExtension().appendingPathExtension("json"))
    }
}
