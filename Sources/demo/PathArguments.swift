import ArgumentParser
import Foundation

/// File and folder arguments are file URLs (relative paths against the current folder), shown as paths in help.
extension URL: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(fileURLWithPath: argument)
    }

    public var defaultValueDescription: String { relativePath }
}
