// Stopping the process with a reason, in every build.
//
// Misuse that a non-throwing call cannot report (a store into a weak
// reference, an item index out of range, a collection started from a
// destructor) stops the process, as Swift stops on an array index out of
// range. `precondition` would do that silently in release builds (its
// message is dropped with -O): every such check in Tenure goes through
// `tenureStop`, whose message survives optimisation, so the runtime author
// always learns what was wrong and what is accepted.

/// Stops the process with "Tenure: <message>".
@usableFromInline @inline(never)
func tenureStop(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("Tenure: " + message, file: file, line: line)
}

/// Stops the process with `message` unless `condition` holds.
@inline(__always)
func tenureCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                 file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition) { tenureStop(message(), file: file, line: line) }
}
