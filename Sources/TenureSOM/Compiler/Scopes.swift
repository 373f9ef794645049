// Where each variable lives, decided when a method is compiled.
//
// An activation (a method, or a block that is not inlined) keeps its
// arguments and locals in frame slots on Tenure's shadow stack, unless it
// creates a block: then they live in a *context*, a heap object the block
// closes over (a block may outlive the activation). The variables of inlined
// blocks (the bodies of ifTrue:, whileTrue:, to:do: ...) belong to the
// activation they are inlined into. Most methods create no block, so most
// calls allocate nothing: their frame is a run of shadow-stack slots that the
// caller's pushed receiver and arguments already start.
//
// Frame slots: a method's are self, the arguments, then locals; a block's
// are the block, the arguments, self (copied from its context), then
// locals. An activation with a context keeps its variables there and one
// frame slot for the context itself.

/// Where a name resolves, seen from the activation that reads it.
enum VariableLocation {
    case slot(Int32)
    /// Variable `index` of the context `depth` activations out (0: this one's own).
    case context(depth: Int32, index: Int32)
    case field(Int32)
    case global(SymbolID)
}

/// One activation being compiled.
final class ActivationScope {
    let parent: ActivationScope?
    let isBlock: Bool
    let hasContext: Bool
    let argumentCount: Int
    /// Lexical scopes of this activation, innermost last: its own, then inlined blocks'.
    private var lexical: [[String: Int32]] = [[:]]
    /// Frame slots used so far, and context variables.
    private(set) var slotCount: Int32
    private(set) var contextSize: Int32 = 0
    /// The frame slot of self.
    let selfSlot: Int32
    /// The frame slot of the context (when `hasContext`).
    private(set) var contextSlot: Int32 = -1

    init(parent: ActivationScope?, isBlock: Bool, parameters: [String], hasContext: Bool) {
        self.parent = parent
        self.isBlock = isBlock
        self.hasContext = hasContext
        argumentCount = parameters.count
        selfSlot = isBlock ? Int32(parameters.count + 1) : 0
        // A method's slots start with self and the arguments, a block's with the block,
        // the arguments and self.
        slotCount = Int32(parameters.count) + (isBlock ? 2 : 1)
        if hasContext {
            contextSlot = slotCount
            slotCount += 1
        }
        for (i, name) in parameters.enumerated() {
            if hasContext {
                lexical[0][name] = declareContext()
            } else {
                lexical[0][name] = Int32(i + 1)
            }
        }
    }

    private func declareContext() -> Int32 {
        contextSize += 1
        return contextSize - 1
    }

    /// Declares `name` in the innermost lexical scope; returns its index (slot or context variable).
    @discardableResult
    func declare(_ name: String) -> Int32 {
        let index: Int32
        if hasContext {
            index = declareContext()
        } else {
            index = slotCount
            slotCount += 1
        }
        lexical[lexical.count - 1][name] = index
        return index
    }

    /// Where the variable with `index` (as `declare` returned it) lives in this activation.
    func location(ofOwn index: Int32) -> VariableLocation {
        hasContext ? .context(depth: 0, index: index) : .slot(index)
    }

    func enterInlined() { lexical.append([:]) }
    func leaveInlined() { lexical.removeLast() }

    /// The variable `name` as seen from this activation, if it is one of its own or an outer one's.
    func resolve(_ name: String) -> VariableLocation? {
        var scope: ActivationScope? = self
        var depth: Int32 = 0
        while let s = scope {
            for names in s.lexical.reversed() {
                if let index = names[name] {
                    if depth == 0 { return s.location(ofOwn: index) }
                    return .context(depth: depth, index: index)
                }
            }
            depth += 1
            scope = s.parent
        }
        return nil
    }

    /// Activations out to the enclosing method (0 for a method).
    var depthToMethod: Int32 {
        var depth: Int32 = 0
        var scope = self
        while let p = scope.parent {
            depth += 1
            scope = p
        }
        return depth
    }
}
