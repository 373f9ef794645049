// The error a workload raises for a parameter it cannot run with.
//
// Sizes are checked before any memory is touched, so that a depth of 40
// fails at once with what is accepted instead of exhausting the machine.

/// A workload parameter out of range.
public struct WorkloadError: Error, Equatable, CustomStringConvertible {
    /// The parameter's name.
    public let parameter: String
    /// The value given, as typed.
    public let value: String
    /// What the parameter accepts.
    public let accepted: String

    /// An error for `parameter` = `value`, naming what is `accepted`.
    public init(parameter: String, value: String, accepted: String) {
        self.parameter = parameter
        self.value = value
        self.accepted = accepted
    }

    /// What was wrong and what is accepted, e.g. "invalid depth 40: accepted: 0 to 28".
    public var description: String { "invalid \(parameter) \(value): accepted: \(accepted)" }

    /// Throws unless `value` is in `range`.
    static func check(_ parameter: String, _ value: Int, in range: ClosedRange<Int>) throws(WorkloadError) {
        guard range.contains(value) else {
            throw WorkloadError(parameter: parameter, value: String(value),
                                accepted: "\(range.lowerBound) to \(range.upperBound)")
        }
    }
}
