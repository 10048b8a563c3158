import Foundation

extension Module {
    /// Every parameter and buffer under its PyTorch `state_dict` key (`features.0.weight`, `bn1.running_mean`).
    public func stateDict() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedSlots().map { ($0.key, $0.slot.tensor!) })
    }

    /// The state-dict keys in PyTorch's order (declaration order, depth first), with each tensor's shape.
    public var stateDictShapes: [(key: String, shape: [Int])] {
        namedSlots().map { ($0.key, $0.slot.tensor!.shape) }
    }

    /// The trainable parameters (not buffers, not frozen) under their state-dict keys, in state-dict order.
    public var trainableParameters: [(key: String, value: Tensor)] {
        namedSlots().filter { $0.slot.isTrainable }.map { ($0.key, $0.slot.tensor!) }
    }

    /// Freezes every parameter of this module and its children: they stay in the state dictionary but
    /// ``valueWithGradient(of:_:)`` does not track them (a frozen backbone records nothing on the tape) and
    /// optimizers' ``Optimizer/update(_:gradients:)`` skips them. PyTorch: `requires_grad_(False)`.
    public func freeze() { for (_, slot) in namedSlots() { slot.setFrozen(true) } }

    /// Makes every parameter of this module and its children trainable again (PyTorch: `requires_grad_(True)`).
    public func unfreeze() { for (_, slot) in namedSlots() { slot.setFrozen(false) } }

    /// Replaces every parameter and buffer with the tensor of the same key, after verifying the whole dictionary.
    ///
    /// Verification is strict and happens before anything changes, so a failed load leaves the module as it was:
    /// every key of the module must be present, no other key may be (keys ending in `num_batches_tracked`, which
    /// PyTorch's batch norm saves, are read and ignored), and each shape must equal the module's.
    ///
    /// - Throws: ``NeuralCoreError/missingKey(_:)`` (first missing key in state-dict order),
    ///   ``NeuralCoreError/unexpectedKey(_:)`` (first in sorted order), or
    ///   ``NeuralCoreError/shapeMismatch(key:expected:actual:)`` (first in state-dict order).
    public func load(stateDict: [String: Tensor]) throws {
        try load(keys: Set(stateDict.keys), shape: { stateDict[$0]?.shape }, tensor: { stateDict[$0]! })
    }

    /// Loads a safetensors file written by PyTorch (`safetensors.torch.save_file(model.state_dict(), …)`) or by
    /// ``save(safetensors:metadata:)``, with the verification of ``load(stateDict:)``. The file is memory-mapped
    /// and each tensor converted to `Float` once.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - ignoredPrefixes: tensors whose names start with one of these prefixes are not model state (for example an
    ///     optimiser's moments stored in the same checkpoint) and are neither verified nor read. Default none.
    /// - Throws: the errors of ``SafeTensors/init(contentsOf:)`` and of ``load(stateDict:)``.
    public func load(safetensors url: URL, ignoringKeysWithPrefixes ignoredPrefixes: [String] = []) throws {
        let file = try SafeTensors(contentsOf: url)
        let keys = file.tensorNames.filter { name in !ignoredPrefixes.contains(where: name.hasPrefix) }
        try load(keys: Set(keys), shape: { file.shape(of: $0) }) { key in
            Tensor(shape: file.shape(of: key)!, scalars: try file.scalars(named: key))
        }
    }

    /// Writes the state dictionary as an F32 safetensors file (atomically) that `safetensors.torch.load_file` and
    /// ``load(safetensors:)`` read back. BatchNorm's `num_batches_tracked` is not written; PyTorch's
    /// `load_state_dict` fills it in.
    ///
    /// - Throws: ``NeuralCoreError/writeFailed(path:reason:)``.
    public func save(safetensors url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateDict().mapValues { ($0.shape, $0.scalars) }, metadata: metadata, to: url)
    }

    private func load(keys: Set<String>, shape: (String) -> [Int]?, tensor: (String) throws -> Tensor) throws {
        let slots = namedSlots()
        if let missing = slots.first(where: { !keys.contains($0.key) }) { throw NeuralCoreError.missingKey(missing.key) }
        let known = Set(slots.map(\.key))
        if let unexpected = keys.filter({ !known.contains($0) && !Module.isIgnoredKey($0) }).sorted().first {
            throw NeuralCoreError.unexpectedKey(unexpected)
        }
        for (key, slot) in slots where shape(key) != slot.tensor!.shape {
            throw NeuralCoreError.shapeMismatch(key: key, expected: slot.tensor!.shape, actual: shape(key)!)
        }
        let loaded = try slots.map { try tensor($0.key) }
        for ((_, slot), value) in zip(slots, loaded) { slot.assign(value) }
    }

    /// Keys PyTorch saves that hold no model state NeuralCore uses (BatchNorm's `num_batches_tracked` counter).
    static func isIgnoredKey(_ key: String) -> Bool {
        key == "num_batches_tracked" || key.hasSuffix(".num_batches_tracked")
    }
}
