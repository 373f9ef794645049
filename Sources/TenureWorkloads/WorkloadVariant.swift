// The ways a workload can manage its memory.
//
// Each workload is written once per memory manager so that Tenure is always
// measured against something: Swift's own reference counting (what a Swift
// runtime gets for free) and, where the workload allows it, a hand-managed
// arena freed in one step (the lower bound no general collector can beat).

/// How a workload run manages memory.
public enum WorkloadVariant: String, CaseIterable, Sendable, Codable {
    /// Objects in a Tenure heap, collected by the generational collector.
    case tenure
    /// Swift `final class` instances, freed by automatic reference counting.
    case arc
    /// Plain structs bump-allocated in raw memory released in one step when the
    /// program knows they are dead: manual memory management with perfect knowledge.
    case arena
}
