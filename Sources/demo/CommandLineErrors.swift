import ArgumentParser
import Foundation

/// Runs a subcommand's work; any error becomes the single line `error: <description>` on standard error and exit
/// code 1 (`ExitCode.failure`), never a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let line = "error: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))\n"
        FileHandle.standardError.write(Data(line.utf8))
        throw ExitCode.failure
    }
}
