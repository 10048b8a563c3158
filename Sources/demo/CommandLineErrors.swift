import ArgumentParser
import Foundation

/// Runs a subcommand's work; any error becomes the single line `error: <description>` on standard error and exit
/// code 1 (`ExitCode.failure`), never a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw exitCode(reporting: error) }
}

/// ``reportingErrors(_:)`` for async work.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw exitCode(reporting: error) }
}

/// Prints `error` as one line on standard error and returns the exit code to throw (an `ExitCode` passes through).
private func exitCode(reporting error: any Error) -> ExitCode {
    if let exit = error as? ExitCode { return exit }
    writeErrorLine(String(describing: error))
    return ExitCode.failure
}

/// Writes `description` to standard error as `demo`'s one error line, `error: <description>`, newlines replaced by
/// spaces.
func writeErrorLine(_ description: String) {
    let line = "error: \(description.replacingOccurrences(of: "\n", with: " "))\n"
    FileHandle.standardError.write(Data(line.utf8))
}
