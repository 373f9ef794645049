// Hooks: a runtime can be told of every collection.
//
// A hook runs after a collection has finished, before the call that ran it
// returns (CollectionCycle.swift): the heap is consistent, so a hook may read
// statistics and store references, but it must not allocate or collect
// (allocation throws `allocationDuringCollection`).

/// A finished collection, as reported to hooks.
public struct CollectionEvent: Sendable, Equatable {
    /// Which collection ran.
    public enum Kind: Sendable, Equatable { case minor, major }
    public var kind: Kind
    /// Its pause in seconds (a major collection's includes its minor one).
    public var seconds: Double
    /// Old-generation bytes before and after.
    public var oldBytesBefore: Int
    public var oldBytesAfter: Int
}

/// A hook's registration, to remove it.
public struct CollectionHookToken: Hashable, Sendable {
    let id: Int
}

extension Heap {
    /// Registers `hook` to run at the end of every collection (hooks run in registration order).
    public func addCollectionHook(_ hook: @escaping (CollectionEvent) -> Void) -> CollectionHookToken {
        CollectionHookToken(id: state.pointee.collectionHooks.add(hook))
    }

    /// Removes a hook.
    public func removeCollectionHook(_ token: CollectionHookToken) {
        state.pointee.collectionHooks.remove(token.id)
    }
}
