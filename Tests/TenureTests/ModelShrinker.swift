// Replaying and shrinking model runs, and reporting their failures.
//
// A run records every action it performs, so a failure can be replayed from
// the list on a fresh heap of the same setup. The shrinker is delta
// debugging (Zeller's ddmin) over that list: it replays the list with chunks
// left out, keeps any shorter list that still fails (actions whose objects
// or slots no longer exist are skipped on replay, and a replay keeps only
// the actions up to its failure), and halves the chunks until no single
// action can go. Replays verify the heap after every step. The failure
// message then ends with the minimal sequence as a call of
// `ModelRun.replay` that a test can paste (each line with the heap calls it
// makes in a comment). TENURE_MODEL_SHRINK=0 turns shrinking off;
// TENURE_MODEL_SHRINK_SECONDS bounds its time (default 120 s).
import Testing
@testable import Tenure

extension ModelRun {
    /// Replays `actions` on a fresh heap of `setup`, checking after every step; throws the first mismatch.
    static func replay(_ setup: ModelSetup, _ actions: [ModelAction]) throws {
        let (run, failure) = try replayed(setup, actions)
        if let failure { throw failure }
        withExtendedLifetime(run) {}
    }

    /// The replay's run and its first mismatch, if any. `prepare` sees the run before its first step;
    /// `ending`: drop everything at the end and check that it all died.
    static func replayed(_ setup: ModelSetup, _ actions: [ModelAction], ending: Bool = true,
                         prepare: (ModelRun) -> Void = { _ in }) throws -> (ModelRun, ModelMismatch?) {
        let run = try ModelRun(setup: setup, seed: 0)
        run.verifyEvery = 1
        prepare(run)
        do {
            try run.begin()
            for action in actions { try run.perform(action) }
            if ending { try run.end() }
        } catch let mismatch as ModelMismatch {
            return (run, mismatch)
        }
        return (run, nil)
    }
}

enum ModelShrinker {
    struct Result {
        var actions: [ModelAction]
        var failure: ModelMismatch
        var replays: Int
        var outOfTime: Bool
    }

    static var seconds: Int { ModelEnvironment.integer("TENURE_MODEL_SHRINK_SECONDS") ?? 120 }

    /// ddmin: the shortest list `failing` still fails on, found by leaving out chunks
    /// (halved until single elements). `failing` returns the part of a failing
    /// candidate that matters (it may cut it shorter), nil when it passes.
    static func minimize<T>(_ list: [T], deadline: ContinuousClock.Instant,
                            failing: ([T]) -> [T]?) -> (list: [T], outOfTime: Bool) {
        var current = list
        var chunks = 2
        while current.count >= 2 {
            if ContinuousClock.now > deadline { return (current, true) }
            let size = (current.count + chunks - 1) / chunks
            var reduced = false
            var start = 0
            while start < current.count {
                let end = min(start + size, current.count)
                if let smaller = failing(Array(current[..<start] + current[end...])), smaller.count < current.count {
                    current = smaller
                    chunks = max(chunks - 1, 2)
                    reduced = true
                    break
                }
                if ContinuousClock.now > deadline { return (current, true) }
                start = end
            }
            if !reduced {
                if size == 1 { break }
                chunks = min(chunks * 2, current.count)
            }
        }
        return (current, false)
    }

    /// The shortest failing list of actions ddmin finds from `actions`, replayed
    /// on fresh heaps of `setup`; nil when the replay of `actions` does not fail.
    static func shrink(_ setup: ModelSetup, _ actions: [ModelAction],
                       prepare: @escaping (ModelRun) -> Void = { _ in }) -> Result? {
        var replays = 0
        var lastFailure: ModelMismatch?
        /// The applied actions up to the failure, when `list` fails.
        func failing(_ list: [ModelAction]) -> [ModelAction]? {
            replays += 1
            guard let (run, failure) = try? ModelRun.replayed(setup, list, prepare: prepare), let failure else { return nil }
            lastFailure = failure
            return Array(run.recorded.prefix(failure.step))
        }
        guard let start = failing(actions) else { return nil }
        let (list, outOfTime) = minimize(start, deadline: .now + .seconds(seconds), failing: failing)
        // The failure of the list kept (the last replay may have been of a candidate that passed or was longer).
        guard failing(list) != nil, let failure = lastFailure else { return nil }
        return Result(actions: list, failure: failure, replays: replays, outOfTime: outOfTime)
    }

    /// The shrunk list as a Swift call, one action per line with its heap calls in a comment.
    static func swift(_ setup: ModelSetup, _ actions: [ModelAction]) -> String {
        let width = min(72, actions.map { $0.description.count }.max() ?? 0) + 1
        var lines = ["try ModelRun.replay(\(setup.expression ?? "<the setup of \(setup.name)>"), ["]
        for action in actions {
            let code = action.description + ","
            lines.append("    " + code + String(repeating: " ", count: max(1, width - code.count + 1)) + "// " + action.explanation)
        }
        lines.append("])")
        return lines.joined(separator: "\n")
    }
}

enum ModelReport {
    /// Records `mismatch` as an issue, with the shrunk sequence that reproduces it.
    static func record(_ mismatch: ModelMismatch, of run: ModelRun) {
        var text = mismatch.description
        if ModelEnvironment.shrinks {
            text += "\n" + shrunk(run.setup, Array(run.recorded.prefix(mismatch.step)))
        }
        Issue.record(Comment(rawValue: text))
    }

    static func shrunk(_ setup: ModelSetup, _ actions: [ModelAction]) -> String {
        guard let result = ModelShrinker.shrink(setup, actions) else {
            return "the recorded actions do not fail when replayed alone (\(actions.count) actions; a failure that needs the other heap, or the order of checks)"
        }
        return """
            shrunk to \(result.actions.count) of \(actions.count) actions in \(result.replays) replays\
            \(result.outOfTime ? " (stopped at the time limit: not minimal)" : ""); it fails with:
                \(result.failure.what)
            reproducer:
            \(ModelShrinker.swift(setup, result.actions))
            """
    }

    /// Two runs on two heaps at once, a step of each in turn; each one's handles
    /// are the other's foreign handles. A failure is shrunk on its run alone.
    static func runTogether(_ first: ModelRun, _ second: ModelRun) throws {
        first.foreign = ModelForeignHandles(heap: second.heap, objects: second.fixedTypes.map(\.type),
                                            arrays: [second.referenceArray, second.byteArray, second.wordArray])
        second.foreign = ModelForeignHandles(heap: first.heap, objects: first.fixedTypes.map(\.type),
                                             arrays: [first.referenceArray, first.byteArray, first.wordArray])
        var current = first
        do {
            try first.begin()
            try second.begin()
            for _ in 0..<max(first.setup.stepCount, second.setup.stepCount) {
                current = first
                try first.advance()
                current = second
                try second.advance()
            }
            current = first
            try first.end()
            current = second
            try second.end()
        } catch let mismatch as ModelMismatch {
            let other = current === first ? second : first
            var text = mismatch.description + "\nthe other heap: \(other.setup.name), seed \(other.seed), layout: \(other.setup.layout)"
            if ModelEnvironment.shrinks {
                text += "\n" + shrunk(current.setup, Array(current.recorded.prefix(mismatch.step)))
            }
            Issue.record(Comment(rawValue: text))
        }
        // Each run's foreign handles hold the other's heap: let both go with their runs.
        first.foreign = nil
        second.foreign = nil
    }
}
