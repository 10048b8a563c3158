import Foundation

extension Module {
    /// The module tree as PyTorch's `print(model)` shows it:
    ///
    /// ```
    /// ImageModel(
    ///   (features): Sequential(
    ///     (0): Conv2d(1, 4, kernel_size=(3, 1), stride=(1, 1), padding=(1, 0))
    ///     (1): LeakyReLU(negative_slope=0.2)
    ///   )
    /// )
    /// ```
    ///
    /// Each line is ``typeName`` with ``extraDescription`` in parentheses; children are indented by two spaces
    /// and labelled with their keys.
    public var description: String {
        let children = namedChildren
        if children.isEmpty { return "\(typeName)(\(extraDescription))" }
        var lines = ["\(typeName)("]
        if !extraDescription.isEmpty { lines.append("  " + extraDescription) }
        for (key, child) in children {
            let text = child.description.replacingOccurrences(of: "\n", with: "\n  ")
            lines.append("  (\(key)): \(text)")
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }
}
