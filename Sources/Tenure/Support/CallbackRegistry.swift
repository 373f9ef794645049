// Callbacks a runtime registers and removes by token: collection hooks and
// root scanners. They are called in registration order.
//
// A registry is a class so that a callback may add or remove callbacks
// while the registry is being walked (a hook that drops the last reference
// to a JIT host, whose deinit removes the host's own hook): a callback
// removed during a walk is not called again, even later in the same walk,
// and one added during a walk is called from the next walk on.

final class CallbackRegistry<Callback> {
    private var entries: [(id: Int, callback: Callback, removed: Bool)] = []
    private var nextID = 0
    /// Walks in progress: removal only marks entries while one runs.
    private var walking = 0

    /// Adds a callback; returns the id that removes it.
    func add(_ callback: Callback) -> Int {
        nextID += 1
        entries.append((nextID, callback, false))
        return nextID
    }

    /// Removes the callback with `id`; returns whether there was one.
    @discardableResult
    func remove(_ id: Int) -> Bool {
        guard let index = entries.firstIndex(where: { $0.id == id && !$0.removed }) else { return false }
        if walking > 0 { entries[index].removed = true } else { entries.remove(at: index) }
        return true
    }

    /// Whether no callback is registered.
    var isEmpty: Bool { !entries.contains { !$0.removed } }

    /// Calls `body` with each callback, in registration order.
    func forEach(_ body: (Callback) -> Void) {
        walking += 1
        let count = entries.count
        var i = 0
        while i < count {
            let entry = entries[i]
            if !entry.removed { body(entry.callback) }
            i += 1
        }
        walking -= 1
        if walking == 0 { entries.removeAll { $0.removed } }
    }
}
