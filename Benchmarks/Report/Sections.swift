// The report's sections beyond goals (a)-(d): the ratios to each baseline,
// the batch pattern, minor and major collections, translate and loops, and
// the figures drawn by `tenure plot`.
import BenchKernels
import Foundation
import Tenure
import TenureWorkloads

/// A pause in milliseconds with two decimals, or microseconds when `micro`.
func milliseconds(_ seconds: Double) -> String { fixed(seconds * 1000, 2) }
func microseconds(_ seconds: Double) -> String { fixed(seconds * 1e6, 1) }

/// `a / b` with two decimals and an x, or a dash when either is missing.
func ratio(_ a: Double?, _ b: Double?, _ decimals: Int = 2) -> String {
    guard let a, let b, b > 0, a.isFinite, b.isFinite else { return "–" }
    return fixed(a / b, decimals) + "x"
}

extension ReportData {
    /// "p50 / p99 / max" pause cell of a workload result, in ms.
    func pauseCell(_ r: WorkloadResult) -> String {
        "\(milliseconds(r.pauseP50Seconds)) / \(milliseconds(r.pauseP99Seconds)) / \(milliseconds(r.maxPauseSeconds))"
    }

    /// A sentence naming the sections this run left out, or nothing.
    var skippedNote: String {
        let skipped = Options.sections.filter { options.skipped.contains($0) }
        guard !skipped.isEmpty else { return "" }
        return "\n\nSections left out of this run (`--skip`): \(skipped.joined(separator: ", ")). "
            + "A run without options measures them all."
    }

    // MARK: Ratios to each baseline

    /// The table of Tenure against each baseline, and Tenure against itself.
    var baselineSummary: String {
        var rows: [String] = []
        func row(_ what: String, _ unit: String, tenure: Double?, malloc: Double?, arc: Double?, arena: Double?,
                 decimals: Int = 2, scale: Double = 1) {
            func cell(_ v: Double?) -> String { v.map { fixed($0 * scale, decimals) } ?? "–" }
            rows.append("| \(what) | \(unit) | \(cell(tenure)) | \(cell(malloc)) | \(cell(arc)) | \(cell(arena)) | "
                + "\(ratio(tenure, malloc)) | \(ratio(tenure, arc)) | \(ratio(tenure, arena)) |")
        }
        let a = allocation
        row("allocation, one object at a time, dropped at once (a)", "ns/object", tenure: a.tenure.median,
            malloc: a.malloc.median, arc: a.swiftClass.median, arena: a.arena.median)
        if let b = batch {
            row("allocation, batches of \(b.batch) dropped together", "ns/object", tenure: b.tenure.median,
                malloc: b.malloc.median, arc: b.arc.median, arena: b.arena.median)
        }
        for s in survival {
            row("minor collections, \(s.nominalPercent) % of the nursery surviving", "ns/object", tenure: s.tenure.median,
                malloc: s.malloc.median, arc: s.arc.median, arena: s.arena.median)
        }
        for l in liveHeaps {
            let r = l.reports
            row("building a \(l.liveMiB) MiB live heap of 24-byte nodes", "s CPU", tenure: r["tenure"]?.buildCPUSeconds,
                malloc: r["malloc"]?.buildCPUSeconds, arc: r["arc"]?.buildCPUSeconds, arena: r["arena"]?.buildCPUSeconds,
                decimals: 3)
            func growth(_ report: LiveHeapReport?) -> Double? { report.map { Double($0.peakRSSBytes - $0.startRSSBytes) } }
            row("holding a \(l.liveMiB) MiB live heap: peak RSS growth", "MiB", tenure: growth(r["tenure"]),
                malloc: growth(r["malloc"]), arc: growth(r["arc"]), arena: growth(r["arena"]),
                decimals: 1, scale: 1.0 / 1_048_576)
        }
        if let bt = binaryTrees {
            row("binary-trees depth \(options.depth) (c)", "s CPU", tenure: bt.cpuSeconds("tenure").median, malloc: nil,
                arc: bt.cpuSeconds("arc").median, arena: bt.cpuSeconds("arena").median, decimals: 3)
            row("binary-trees depth \(options.depth): peak RSS", "MiB", tenure: bt.peakRSS("tenure").median, malloc: nil,
                arc: bt.peakRSS("arc").median, arena: bt.peakRSS("arena").median, decimals: 1, scale: 1.0 / 1_048_576)
        }
        if let gc = gcBench {
            row("GCBench (d)", "s CPU", tenure: gc.cpuSeconds("tenure").median, malloc: nil, arc: gc.cpuSeconds("arc").median,
                arena: nil, decimals: 3)
            row("GCBench: peak RSS", "MiB", tenure: gc.peakRSS("tenure").median, malloc: nil, arc: gc.peakRSS("arc").median,
                arena: nil, decimals: 1, scale: 1.0 / 1_048_576)
        }

        var own: [String] = []
        for l in liveHeaps where l.tenure != nil {
            own.append("| major collection of a \(l.liveMiB) MiB live heap against a walk of it | "
                + "\(fixed(l.collectCPU.median * 1000, 1)) ms CPU | \(fixed(l.walkCPU.median * 1000, 1)) ms CPU (walk) | "
                + "\(ratio(l.collectCPU.median, l.walkCPU.median)) |")
        }
        for w in [translate, loops].compactMap({ $0 }) {
            let d = w.medianRun("default")?.result, z = w.medianRun("longevity-0")?.result
            own.append("| \(w.workload): peak RSS, loop longevity 0 against default | "
                + "\(mebibytes(w.peakRSS("longevity-0").median)) MiB | \(mebibytes(w.peakRSS("default").median)) MiB | "
                + "\(ratio(w.peakRSS("longevity-0").median, w.peakRSS("default").median)) |")
            own.append("| \(w.workload): CPU time, loop longevity 0 against default | "
                + "\(fixed(w.cpuSeconds("longevity-0").median, 3)) s | \(fixed(w.cpuSeconds("default").median, 3)) s | "
                + "\(ratio(w.cpuSeconds("longevity-0").median, w.cpuSeconds("default").median)) |")
            if let dj = d?.jit, let zj = z?.jit {
                own.append("| \(w.workload): JIT code at the end, loop longevity 0 against default | "
                    + "\(kibibytes(zj.codeBytesEnd)) KiB, \(zj.loopsAliveEnd) loops | \(kibibytes(dj.codeBytesEnd)) KiB, \(dj.loopsAliveEnd) loops | "
                    + "\(ratio(Double(zj.codeBytesEnd), Double(dj.codeBytesEnd))) |")
            }
        }
        guard !rows.isEmpty || !own.isEmpty else { return "" }
        var text = """
            ## Ratios to each baseline

            Tenure against the memory managers a program would use instead, each measured in the same run \
            (medians; the sections below give the spread and the details). Ratios are Tenure ÷ baseline: \
            below 1 Tenure takes less time or memory. malloc/free is glibc's; ARC is Swift `final class` \
            instances; the bump arena is released in one piece (the lower bound). A dash: the baseline does \
            not apply (binary-trees and GCBench have no malloc variant, GCBench no arena one).

            | comparison | unit | Tenure | malloc/free | ARC | bump arena | ÷ malloc | ÷ ARC | ÷ arena |
            |---|---|---|---|---|---|---|---|---|
            \(rows.joined(separator: "\n"))

            """
        if !own.isEmpty {
            text += """

                Tenure against itself: a major collection against the walk that is its lower bound, and the JIT \
                workloads with loop longevity 0 (compiled loops never freed) against the default (1000 generations).

                | comparison | measured | baseline | ratio |
                |---|---|---|---|
                \(own.joined(separator: "\n"))

                """
        }
        return text
    }

    // MARK: Batch pattern

    func batchSection(_ b: BatchFigures) -> String {
        func row(_ s: Series, _ count: Int) -> String {
            "| \(s.name) | \(fixed(s.median, 2)) | \(fixed(s.min, 2)) – \(fixed(s.max, 2)) | "
                + "\(ratio(s.median, b.malloc.median)) | \(ratio(s.median, b.arena.median)) | \(count) |"
        }
        let a = allocation
        return """
            ## Allocation against malloc/free

            Two patterns, 24-byte objects (a header and two references), CPU time per object. One at a time: \
            each object is dropped (freed, released) as soon as it is allocated: (a)'s figures, repeated here. \
            In batches: \(b.batch) objects are allocated and kept in a buffer of \(b.batch) slots, then all \
            dropped together, \(options.microRepetitions) repetitions, interleaved as in (a) \
            (BenchKernels, `AllocationKernels.*Batch`). With malloc the batch is \(b.batch) mallocs then \
            \(b.batch) frees in allocation order; with ARC, \(b.batch) instances then \(b.batch) releases; \
            with the arena, \(b.batch) bumps then one reset. Tenure stores each object into a rooted \
            reference array, promoted, so each store goes through the write barrier of an old object; an \
            old array of more than 256 bytes is a large object with a card table, so every one of these \
            stores calls the barrier's out-of-line path to mark a card (`rememberItemSlowly`), which the \
            one-at-a-time loop of (a) never does. Tenure does nothing to drop a batch: the next batch overwrites it, and whatever a minor collection \
            finds in the array (at most one batch) is copied out and dies later in the old generation. \
            Tenure ran \(b.minorCollectionsPerRun) minor collections per repetition.

            | pattern and allocator | ns per object (median, CPU time) | min – max | vs malloc | vs arena | objects per repetition |
            |---|---|---|---|---|---|
            | *one at a time (from (a))* | | | | | |
            | Tenure allocate | \(fixed(a.tenure.median, 2)) | \(fixed(a.tenure.min, 2)) – \(fixed(a.tenure.max, 2)) | \(ratio(a.tenure.median, a.malloc.median)) | \(ratio(a.tenure.median, a.arena.median)) | \(a.tenureAllocations) |
            | malloc + free | \(fixed(a.malloc.median, 2)) | \(fixed(a.malloc.min, 2)) – \(fixed(a.malloc.max, 2)) | 1.00x | \(ratio(a.malloc.median, a.arena.median)) | \(a.mallocAllocations) |
            | Swift final class alloc + release | \(fixed(a.swiftClass.median, 2)) | \(fixed(a.swiftClass.min, 2)) – \(fixed(a.swiftClass.max, 2)) | \(ratio(a.swiftClass.median, a.malloc.median)) | \(ratio(a.swiftClass.median, a.arena.median)) | \(a.swiftAllocations) |
            | bump arena, 4 MiB reused | \(fixed(a.arena.median, 2)) | \(fixed(a.arena.min, 2)) – \(fixed(a.arena.max, 2)) | \(ratio(a.arena.median, a.malloc.median)) | 1.00x | \(a.arenaAllocations) |
            | *batches of \(b.batch)* | | | | | |
            \(row(b.tenure, b.tenureObjects))
            \(row(b.malloc, b.mallocObjects))
            \(row(b.arc, b.arcObjects))
            \(row(b.arena, b.arenaObjects))

            """
    }

    // MARK: Minor collections

    var survivalSection: String {
        guard let first = survival.first else { return "" }
        let reps = first.repetitions
        var costRows: [String] = []
        var gcRows: [String] = []
        for s in survival {
            costRows.append("| \(s.nominalPercent) % | \(fixed(s.tenure.median, 2)) (\(fixed(s.tenure.min, 2)) – \(fixed(s.tenure.max, 2))) | "
                + "\(fixed(s.malloc.median, 2)) | \(fixed(s.arc.median, 2)) | \(fixed(s.arena.median, 2)) | "
                + "\(ratio(s.tenure.median, s.malloc.median)) | \(ratio(s.tenure.median, s.arc.median)) | \(ratio(s.tenure.median, s.arena.median)) |")
            let p = s.pauses
            let minors = max(1, s.minorCollections)
            let gcShare = s.tenureWallSeconds > 0 ? 100 * (p.minorSeconds + p.majorOnlySeconds) / s.tenureWallSeconds : 0
            gcRows.append("| \(s.nominalPercent) % | \(fixed(100 * s.measuredSurvival, 1)) % | \(s.minorCollections) | "
                + "\(microseconds(p.minorPauses.percentile(0.5))) / \(microseconds(p.minorPauses.percentile(0.99))) / \(microseconds(p.minorPauses.maximum)) | "
                + "\(microseconds(p.minorSeconds / Double(minors))) | "
                + "\(fixed(s.nurseryBytesPerMinorSecond / 1_073_741_824, 1)) | "
                + "\(s.promotedBytes > 0 ? fixed(s.copiedBytesPerMinorSecond / 1_048_576, 0) : "–") | "
                + "\(s.majorCollections) (\(fixed(p.majorOnlySeconds * 1000, 1)) ms; max pause \(milliseconds(p.majorPauses.maximum)) ms) | "
                + "\(fixed(gcShare, 0)) % | \(fixed(Double(s.nurseryBytes) / s.tenureCPUSeconds / 1_048_576, 0)) | \(mebibytes(s.oldSpacePeakBytes)) |")
        }
        return """
            ## Minor collections: 0, 10 and 50 % survival

            A loop in BenchKernels (`SurvivalKernels`) allocates 24-byte objects, \(first.objectsPerRepetition) \
            per repetition (50 nurseries' worth), and keeps every k-th of them in a ring of slots sized so that \
            what is reachable when the nursery fills is what was kept since the last minor collection: nothing \
            (0 %), every 10th object (10 %) or every 2nd (50 %). In Tenure the ring is a rooted, promoted reference \
            array stored into through the write barrier (an old array of more than 256 bytes is a large object \
            with a card table: each store marks a card in the barrier's out-of-line path), so the kept objects are copied out by each minor collection; they die one nursery later \
            in the old generation, where major collections, paced as usual, reclaim them. The same pattern \
            runs with malloc/free (a dropped object is freed at once, a kept one when its slot is reused; \
            both fields are zeroed, as Tenure's are), with Swift final class instances (ARC, released the \
            same way), and with two bump arenas of the nursery's size used in turn, each released in one \
            piece when allocation comes back to it (the lower bound: nothing is copied, nothing freed one by \
            one, nothing zeroed). One Tenure heap per rate, default configuration, warmed up by 5 nurseries' \
            worth; \(reps) repetitions per variant, interleaved\(reps < options.microRepetitions ? " (fewer than (a)'s \(options.microRepetitions): a repetition takes up to a second)" : ""). Time per object is the CPU time of the whole loop, collections included.

            | survival | Tenure ns/object (min – max) | malloc + free | ARC | two arenas | Tenure ÷ malloc | Tenure ÷ ARC | Tenure ÷ arena |
            |---|---|---|---|---|---|---|---|
            \(costRows.joined(separator: "\n"))

            Tenure's collections during the measured loops, all \(reps) repetitions together (recorded by a \
            collection hook, so warm-up collections are left out). "Survived" is the bytes copied out of the \
            nursery over the bytes allocated in it. The collection rate is nursery bytes reclaimed per second of \
            minor-collection time: a minor collection never looks at dead objects, so with nothing surviving it \
            costs the roots and the reset of the nursery alone (the zeroing happens later, during allocation, \
            and is in the ns/object figure). Copy rate: survivor bytes copied per second of minor-collection \
            time. Major collections: their own time, without the minor collection that starts each. \
            Allocation rate: nursery bytes per CPU second of the whole loop.

            | survival | survived, measured | minor GCs | minor pause p50 / p99 / max µs | mean minor µs | collection rate GiB/s | copy rate MiB/s | major GCs | GC share of the loop (wall) | allocation rate MiB/s | old space peak MiB |
            |---|---|---|---|---|---|---|---|---|---|---|
            \(gcRows.joined(separator: "\n"))

            """
    }

    // MARK: Major collections

    var liveHeapSection: String {
        guard let first = liveHeaps.first else { return "" }
        var collectRows: [String] = []
        var memoryRows: [String] = []
        for l in liveHeaps {
            if let t = l.tenure {
                let markRate = Double(t.markedBytes) / l.collectPause.median
                let pauseCell = "\(milliseconds(l.collectPausePercentile(0.5))) / \(milliseconds(l.collectPausePercentile(0.99))) / "
                    + "\(milliseconds(l.collectPausePercentile(1)))"
                collectRows.append("| \(l.liveMiB) | \(t.nodes) (\(mebibytes(t.nodeBytes))) | \(mebibytes(t.markedBytes)) | "
                    + pauseCell + " | "
                    + "\(fixed(l.collectCPU.median * 1000, 1)) | \(fixed(markRate / 1_048_576, 0)) | "
                    + "\(fixed(l.walkCPU.median * 1000, 1)) | \(ratio(l.collectCPU.median, l.walkCPU.median)) | "
                    + "\(mebibytes(t.oldSpaceMappedBytes)) |")
            }
            for variant in liveHeapVariants {
                guard let r = l.reports[variant] else { continue }
                let collections = variant == "tenure"
                    ? "\(r.buildMinorCollections) minor, \(r.buildMajorCollections) major; pauses p50 / p99 / max "
                        + "\(milliseconds(r.buildPauseP50Seconds)) / \(milliseconds(r.buildPauseP99Seconds)) / \(milliseconds(r.buildMaxPauseSeconds)) ms"
                    : "–"
                let growth = r.peakRSSBytes - r.startRSSBytes
                memoryRows.append("| \(l.liveMiB) | \(liveHeapVariantName(variant)) | \(fixed(r.buildCPUSeconds, 3)) | "
                    + "\(fixed(r.buildWallSeconds, 3)) | \(mebibytes(r.peakRSSBytes)) | \(mebibytes(growth)) | "
                    + "\(fixed(Double(growth) / Double(max(1, r.nodeBytes)), 2)) | \(collections) |")
            }
        }
        let reps = first.tenure?.collectCPUSeconds.count ?? options.majorRepetitions
        return """
            ## Major collections: live heaps of \(liveHeaps.map { "\($0.liveMiB)" }.joined(separator: ", ")) MiB

            Each size and variant runs in a child process of its own (`--child major-gc VARIANT --live-mib N`), \
            one after the other. The live heap is complete binary trees of depth \(LiveHeapKernels.treeDepth) \
            (\(LiveHeapKernels.nodesPerTree) nodes of 24 bytes: a header and two references) held from one rooted \
            array (BenchKernels, `LiveHeapKernels`). The Tenure child builds them (minor collections promote \
            them as the nursery fills, major collections run as paced), runs one `heap.collect()` to settle, \
            then \(reps) times, alternately, a timed `heap.collect()` — everything is alive, so it marks the \
            whole heap and sweeps it — and a timed walk of the same trees (depth-first, reading both fields \
            of every node, no mark bits: the lower bound of marking). The pause percentiles are exact, by nearest \
            rank over the \(reps) timed collections (so p99 is the longest of them). Mark rate: bytes that survived \
            the collection (the old generation after it) over its median pause.

            | live MiB | nodes (MiB at 24 B) | marked MiB | collect pause p50 / p99 / max ms | collect CPU ms (median) | mark rate MiB/s | walk CPU ms (median) | collect ÷ walk | old space mapped MiB |
            |---|---|---|---|---|---|---|---|---|
            \(collectRows.joined(separator: "\n"))

            The baselines build the same trees with Swift final class instances (ARC: 32-byte objects), \
            malloc'd 24-byte nodes, and one bump arena of exactly their size; they have nothing to collect, so \
            their build time (one run of each) and peak resident set are the comparison. Peak RSS is the \
            child's VmHWM from its start (reset then), so it includes the process's own baseline; "growth" \
            is the peak less the resident set at the child's start (the runtime and libraries, before the \
            build), and "growth ÷ live" divides it by the nodes at 24 bytes each.

            | live MiB | variant | build CPU s | build wall s | peak RSS MiB | growth MiB | growth ÷ live | collections during the build |
            |---|---|---|---|---|---|---|---|
            \(memoryRows.joined(separator: "\n"))

            """
    }

    func liveHeapVariantName(_ variant: String) -> String {
        switch variant {
        case "tenure": return "Tenure"
        case "arc": return "Swift final class (ARC)"
        case "malloc": return "malloc"
        case "arena": return "bump arena"
        default: return variant
        }
    }

    // MARK: translate and loops

    func jitWorkloadSection(_ w: WorkloadFigures) -> String {
        var rows: [String] = []
        for variant in w.variants {
            guard let m = w.medianRun(variant) else { continue }
            let r = m.result
            let cpu = w.cpuSeconds(variant)
            let cpuCell = "\(fixed(cpu.median, 3)) | \(fixed(cpu.min, 3)) – \(fixed(cpu.max, 3))"
            let memoryCell = "\(fixed(w.wallSeconds(variant).median, 3)) | \(mebibytes(w.peakRSS(variant).median)) | "
                + "\(mebibytes(r.peakLiveBytes))"
            let gcCell = "\(r.minorCollections) / \(r.majorCollections) | \(fixed(r.gcSeconds, 3)) | \(pauseCell(r))"
            var jitCell = "– | – | –"
            if let jit = r.jit {
                let compiled = "\(jit.loopsCompiled) (\(jit.loopsFreed))"
                let alive = "\(jit.loopsAliveMax) / \(jit.loopsAliveEnd)"
                let code = "\(kibibytes(jit.codeBytesPeak)) / \(kibibytes(jit.codeBytesEnd))"
                jitCell = compiled + " | " + alive + " | " + code
            }
            let checksumCell = w.outputCorrect(variant) ? "yes" : "**no**"
            rows.append("| \(variant) | " + cpuCell + " | " + memoryCell + " | " + gcCell + " | " + jitCell + " | " + checksumCell + " |")
        }
        let reps = w.runs.values.map(\.count).max() ?? 0
        let what = w.workload == "translate"
            ? """
              The synthetic model of a compiler pipeline (TenureWorkloads, `TranslateWorkload`) at its default \
              scale (1): eight phases named after PyPy's translation, each building or rewriting large \
              long-lived flow graphs, allocating many short-lived temporaries and running JIT loops.
              """
            : """
              The JIT loops workload (TenureWorkloads, `LoopsWorkload`) with its default sizes: 60 phases, each \
              building its own list, compiling its own loops (many in early phases, few in late ones) and running \
              them, with a few core loops entered in every phase.
              """
        var phases = ""
        if w.workload == "translate", let d = w.medianRun("default")?.result.phases,
           let z = w.medianRun("longevity-0")?.result.phases, d.count == z.count {
            let lines = zip(d, z).map { a, b in
                "| \(a.phase) | \(fixed(a.seconds, 3)) | \(mebibytes(a.oldBytesAfter)) | \(a.loopsAlive) | "
                    + "\(fixed(b.seconds, 3)) | \(mebibytes(b.oldBytesAfter)) | \(b.loopsAlive) |"
            }
            phases = """

                Phase by phase (the median run of each variant): seconds, old-generation MiB at the phase's end, loops alive.

                | phase | default s | default old MiB | default loops | longevity-0 s | longevity-0 old MiB | longevity-0 loops |
                |---|---|---|---|---|---|---|
                \(lines.joined(separator: "\n"))

                """
        }
        let rssRatio = ratio(w.peakRSS("longevity-0").median, w.peakRSS("default").median)
        let cpuRatio = ratio(w.cpuSeconds("longevity-0").median, w.cpuSeconds("default").median)
        return """
            ## \(w.workload)

            \(what) Two variants, each run in a child process of the report \(reps) times, interleaved: `default` \
            is Tenure with its default settings (loop longevity 1000 generations), `longevity-0` the same with \
            loop longevity 0 (compiled loops are never freed). The commands that run the same function once \
            and print the same JSON object: `\(tenureCommand(workload: w.workload, variant: "default"))` and \
            `\(tenureCommand(workload: w.workload, variant: "longevity-0"))`. Both variants run the same \
            program, so every run must compute the same checksum ("checksum" column). Collector and JIT \
            figures are from the run with the median wall time; code bytes are the JIT's machine code \
            (peak / at the end).

            | variant | CPU s (median) | min – max | wall s (median) | peak RSS MiB (median) | peak live MiB | minor / major GCs | GC s | pause p50 / p99 / max ms | loops compiled (freed) | loops alive max / end | code KiB peak / end | checksum |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|
            \(rows.joined(separator: "\n"))

            Loop longevity 0 against the default: peak RSS \(rssRatio), CPU time \(cpuRatio).
            \(phases)
            """
    }

    // MARK: Figures

    /// The figures `tenure plot` draws into docs/figures, with what each shows.
    static let figures: [(file: String, alt: String, caption: String)] = [
        ("translate-memory.svg", "translate: memory over time",
         "Memory over a `tenure run translate --scale 3` run (drawn from its event log, e.g. with `tenure run translate --plot DIR`): the resident set, and the old generation before and after each major collection, with the phases as grey bands. The gap between before and after is the garbage each major collection frees; the gap between RSS and the heap is what the process holds besides the old generation's objects (the nursery, free space in arenas, JIT code, the Swift runtime)."),
        ("translate-loops.svg", "translate: loops alive over time",
         "The compiled JIT loops alive over the same run: with loop longevity, the loops of earlier phases are freed once they have not been entered for that many generations, instead of accumulating to the end as with longevity 0."),
        ("tradeoff.svg", "space/time trade-off",
         "Wall time (y) against peak RSS (x) of `translate --scale 3` runs (medians of 3), points labelled GC_NURSERY / GC_MAJOR_COLLECT, over the nursery size and the major-collection factor (`Benchmarks/tuning_sweep.py --tradeoff`, drawn with `tenure plot --tradeoff`): what memory each setting saves and what time it costs."),
    ]

    var figuresSection: String {
        var parts: [String] = ["## Figures", ""]
        parts.append("Drawn by `tenure plot` from event logs and `tenure run ... --json` results, not by this program, "
            + "which embeds the ones present in docs/figures when it runs.")
        parts.append("")
        let fileManager = FileManager.default
        var missing: [String] = []
        for figure in ReportData.figures {
            let present = figuresDirectory.map { fileManager.fileExists(atPath: "\($0)/\(figure.file)") } ?? false
            if present {
                parts.append("![\(figure.alt)](figures/\(figure.file))")
                parts.append("")
                parts.append(figure.caption)
                parts.append("")
            } else {
                missing.append("- `figures/\(figure.file)`: \(figure.caption)")
            }
        }
        if !missing.isEmpty {
            parts.append("Not present in docs/figures when this report ran, so not shown:")
            parts.append("")
            parts.append(contentsOf: missing)
            parts.append("")
        }
        return parts.joined(separator: "\n")
    }
}

/// Bytes as KiB with no decimals.
func kibibytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1024, 0) }
