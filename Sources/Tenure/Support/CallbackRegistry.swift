// Callbacks a runtime registers and removes by token: collection hooks and
// root scanners. They are called in registration order.

struct CallbackRegistry<Callback> {
    private(set) var entries: [(id: Int, callback: Callback)] = []
    private var nextID = 0

    /// Adds a callback; returns the id that removes it.
    mutating func add(_ callback: Callback) -> Int {
        nextID += 1
        entries.append((nextID, callback))
        return nextID
    }

    /// Removes the callback with `id`; returns whether there was one.
    @discardableResult
    mutating func remove(_ id: Int) -> Bool {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return false }
        entries.remove(at: index)
        return true
    }

    /// Calls `body` with each callback, in registration order.
    func forEach(_ body: (Callback) -> Void) {
        for entry in entries { body(entry.callback) }
    }
}
