// The identity hash: what `Heap.identityHash(of:)` costs on each kind of
// object, and what hashing costs the minor collection that copies a hashed
// object, in this process, interleaved as in (a).
//
// Two heaps (BenchKernels, IdentityHashKernels.swift). One holds 1024 old,
// 1024 young and 1024 moved objects and is never collected while the loops
// hash them, against a loop that reads each one's header word. The other
// holds a rooted array of 100,000 young objects, filled anew before each
// timed minor collection: in one variant nothing hashes them, in the other
// every one is hashed first (the first hash and a second one are timed on
// the way, against a pass reading the headers). The minor collection is
// timed alone (`heap.collectMinor()`, thread CPU time); an untimed major
// collection before each fill frees the survivors of the fill before last,
// so the old generation stays at two fills' worth, one of each variant.
// Each repetition runs every loop once, in an order rotated per repetition,
// and the collections in pairs, one of each variant, in alternating order:
// the difference between the variants (about a tenth of a collection) is
// less than what a slow phase of a shared machine moves a run, so each slow
// phase must fall on both.
import BenchKernels
import Foundation
import Tenure

/// What the identity-hash loops measured.
struct IdentityHashFigures {
    /// ns per object, over the L1-resident sets.
    var headerRead = Series(name: "read of the header word (baseline)")
    var old = Series(name: "old object (promoted before any hash: its address's)")
    var young = Series(name: "young object, hashed before (flag already set)")
    var moved = Series(name: "moved object (hashed young, then copied: hash kept in the copy)")
    /// ns per object, over the fresh objects of each fill.
    var freshHeaderRead = Series(name: "read of the header word (baseline)")
    var firstHash = Series(name: "first hash (sets the `hashed` flag)")
    var secondHash = Series(name: "second hash of the same objects")
    /// ns per copied object, the minor collection's CPU time over the survivors.
    var copyPlain = Series(name: "none hashed")
    var copyHashed = Series(name: "all hashed")
    /// All hashed less none hashed, in the same repetition.
    var copyDifference = Series(name: "difference (all hashed − none hashed, repetition by repetition)")
    /// Old-generation and promoted bytes per survivor (the same at every collection).
    var oldBytesPlain = 0
    var oldBytesHashed = 0
    var promotedPlain = 0
    var promotedHashed = 0
    /// Objects in each L1-resident set, passes over them per repetition.
    var objects = 0
    var rounds = 0
    /// Objects copied by each timed minor collection, and timed collections per variant and repetition.
    var survivors = 0
    var collections = 0
    var repetitions = 0

    /// What hashing adds to a minor collection, ns per copied object: the median of the differences.
    var copyExtra: Double { copyDifference.median }
}

/// Runs the identity-hash loops and the two minor-collection variants `repetitions` times each.
func measureIdentityHash(repetitions: Int, log: (String) -> Void) -> IdentityHashFigures {
    var figures = IdentityHashFigures()
    let fixture = IdentityHashFixture()
    let heap = fixture.heap
    let survivors = HashedSurvivors()
    let rounds = 10_000
    let collections = 5
    let objects = fixture.old.count
    let hashes = Double(rounds * objects)
    let copied = Double(collections * survivors.count)
    figures.objects = objects
    figures.rounds = rounds
    figures.survivors = survivors.count
    figures.collections = collections
    var checksum = 0
    var headers: UInt64 = 0

    /// One timed minor collection of the array's objects; checks what it copied and returns its CPU seconds.
    func collect(hashed: Bool) -> Double {
        let before = survivors.heap.statistics
        let oldBefore = survivors.heap.oldGenerationBytes
        let seconds = timedCPU { survivors.heap.collectMinor() }
        let after = survivors.heap.statistics
        precondition(after.minorCollections == before.minorCollections + 1
                     && after.majorCollections == before.majorCollections,
                     "identity hash: the timed collection was not one minor collection")
        let promoted = (after.bytesPromoted - before.bytesPromoted) / survivors.count
        let oldBytes = (survivors.heap.oldGenerationBytes - oldBefore) / survivors.count
        let copy = survivors.slots.object.loadItem(survivors.count - 1)!
        precondition(!survivors.heap.isYoung(copy)
                     && survivors.heap.size(of: copy) == AllocationKernels.objectSize + (hashed ? 8 : 0),
                     "identity hash: a survivor was not copied at the expected size")
        if hashed {
            figures.promotedHashed = promoted
            figures.oldBytesHashed = oldBytes
        } else {
            figures.promotedPlain = promoted
            figures.oldBytesPlain = oldBytes
        }
        return seconds
    }

    // Warm-up: every loop, and two collections of each variant in turn, so that the old generation
    // has reached its peak (a fill of each kind) and the timed collections fault in no pages.
    headers &+= IdentityHashKernels.readHeaders(objects: fixture.old, rounds: rounds / 10)
    for set in [fixture.old, fixture.young, fixture.moved] {
        checksum &+= IdentityHashKernels.hash(heap: heap, objects: set, rounds: rounds / 10)
    }
    for hashed in [false, true, false, true] {
        survivors.fill()
        if hashed { checksum &+= IdentityHashKernels.hash(heap: survivors.heap, objects: survivors.objects, rounds: 1) }
        _ = collect(hashed: hashed)
    }

    for repetition in 0..<repetitions {
        for step in 0..<5 {
            switch (step + repetition) % 5 {
            case 0:
                let s = timedCPU { headers &+= IdentityHashKernels.readHeaders(objects: fixture.old, rounds: rounds) }
                figures.headerRead.values.append(s * 1e9 / hashes)
            case 1:
                let s = timedCPU { checksum &+= IdentityHashKernels.hash(heap: heap, objects: fixture.old, rounds: rounds) }
                figures.old.values.append(s * 1e9 / hashes)
            case 2:
                let s = timedCPU { checksum &+= IdentityHashKernels.hash(heap: heap, objects: fixture.young, rounds: rounds) }
                figures.young.values.append(s * 1e9 / hashes)
            case 3:
                let s = timedCPU { checksum &+= IdentityHashKernels.hash(heap: heap, objects: fixture.moved, rounds: rounds) }
                figures.moved.values.append(s * 1e9 / hashes)
            default:
                // The two variants in pairs, one collection of each, the order alternating from one pair to
                // the next: a slow phase of the machine falls on both.
                var read = 0.0, first = 0.0, second = 0.0, plain = 0.0, hashed = 0.0
                func plainRound() {
                    survivors.fill()
                    read += timedCPU { headers &+= IdentityHashKernels.readHeaders(objects: survivors.objects, rounds: 1) }
                    plain += collect(hashed: false)
                }
                func hashedRound() {
                    survivors.fill()
                    first += timedCPU {
                        checksum &+= IdentityHashKernels.hash(heap: survivors.heap, objects: survivors.objects, rounds: 1)
                    }
                    second += timedCPU {
                        checksum &+= IdentityHashKernels.hash(heap: survivors.heap, objects: survivors.objects, rounds: 1)
                    }
                    hashed += collect(hashed: true)
                }
                for pair in 0..<collections {
                    if (pair + repetition) % 2 == 0 {
                        plainRound()
                        hashedRound()
                    } else {
                        hashedRound()
                        plainRound()
                    }
                }
                figures.freshHeaderRead.values.append(read * 1e9 / copied)
                figures.firstHash.values.append(first * 1e9 / copied)
                figures.secondHash.values.append(second * 1e9 / copied)
                figures.copyPlain.values.append(plain * 1e9 / copied)
                figures.copyHashed.values.append(hashed * 1e9 / copied)
                figures.copyDifference.values.append((hashed - plain) * 1e9 / copied)
            }
        }
        figures.repetitions += 1
        log(String(format: "  identity hash repetition %d: old %.2f ns, young %.2f ns, moved %.2f ns, first %.2f ns; "
                   + "minor collection %.2f ns/object none hashed, %.2f all hashed",
                   repetition + 1, figures.old.values.last!, figures.young.values.last!, figures.moved.values.last!,
                   figures.firstHash.values.last!, figures.copyPlain.values.last!, figures.copyHashed.values.last!))
    }
    consume(checksum)
    consume(headers)
    func summary(_ s: Series) -> String { String(format: "%.2f (%.2f-%.2f)", s.median, s.min, s.max) }
    log("  identity hash, ns per hash, median (min-max): header read \(summary(figures.headerRead)), "
        + "old \(summary(figures.old)), young \(summary(figures.young)), moved \(summary(figures.moved))")
    log("  fresh objects, ns per object: header read \(summary(figures.freshHeaderRead)), "
        + "first hash \(summary(figures.firstHash)), second hash \(summary(figures.secondHash))")
    log("  minor collection, ns per copied object: none hashed \(summary(figures.copyPlain)), "
        + "all hashed \(summary(figures.copyHashed)), difference \(summary(figures.copyDifference)); "
        + "old-generation bytes per survivor \(figures.oldBytesPlain) and \(figures.oldBytesHashed), "
        + "promoted \(figures.promotedPlain) and \(figures.promotedHashed)")
    return figures
}

extension ReportData {
    // MARK: Identity hash

    func identityHashSection(_ h: IdentityHashFigures) -> String {
        func row(_ s: Series, _ base: Series) -> String {
            "| \(s.name) | \(fixed(s.median, 2)) | \(fixed(s.min, 2)) – \(fixed(s.max, 2)) | "
                + "\(ratio(s.median, base.median)) | \(fixed(s.median - base.median, 2)) |"
        }
        func copyRow(_ s: Series, oldBytes: Int, promoted: Int, versusPlain: Bool = true) -> String {
            "| \(s.name) | \(fixed(s.median, 2)) | \(fixed(s.min, 2)) – \(fixed(s.max, 2)) | "
                + "\(versusPlain ? ratio(s.median, h.copyPlain.median) : "–") | \(oldBytes) | \(promoted) |"
        }
        let extraPercent = 100 * h.copyExtra / h.copyPlain.median
        return """
            ## Identity hash

            `Heap.identityHash(of:)` (Sources/Tenure/Layout/IdentityHash.swift), called across a module \
            boundary from BenchKernels (`IdentityHashKernels`), on 24-byte objects (a header and two \
            references). The first table hashes sets of \(h.objects) objects (L1-resident) \(h.rounds) times \
            per repetition, in a heap that allocates and collects nothing meanwhile: old objects (promoted \
            before anything hashed them), young ones already hashed once, and moved ones (hashed while \
            young, then copied by a minor collection: their copy is one word bigger and holds the hash). \
            The baseline reads each object's header word, the load every path of the hash starts with. \
            \(h.repetitions) repetitions, interleaved with the rest of this section.

            | hash of | ns per hash (median, CPU time) | min – max | vs header read | extra ns |
            |---|---|---|---|---|
            \(row(h.headerRead, h.headerRead))
            \(row(h.old, h.headerRead))
            \(row(h.young, h.headerRead))
            \(row(h.moved, h.headerRead))

            A rooted reference array of \(h.survivors) slots (promoted: a large object with a card table) is \
            filled with fresh young objects, which a timed `heap.collectMinor()` then copies out, all of them: \
            in one variant nothing hashed them, in the other every one was hashed first, so that each copy \
            takes a word more and has the hash stored in it. \(h.collections) collections per variant and \
            repetition, in pairs (one of each variant, in alternating order); the time per copied object \
            is the collection's thread CPU time over the survivors (it includes the collection's fixed \
            costs: the roots, the array's dirty cards, the reset of the nursery). Before each fill an \
            untimed major collection frees the survivors of the fill before last, so both variants copy \
            into cells that collection has just freed. The hashed variant's hashes of the fresh objects are \
            timed on the way, against a pass that reads their headers in the other variant:

            | fresh young objects, \(h.survivors) per fill | ns per object (median, CPU time) | min – max | vs header read | extra ns |
            |---|---|---|---|---|
            \(row(h.freshHeaderRead, h.freshHeaderRead))
            \(row(h.firstHash, h.freshHeaderRead))
            \(row(h.secondHash, h.freshHeaderRead))

            | minor collection, survivors | ns per copied object (median, CPU time) | min – max | vs none hashed | old-generation bytes per survivor | promoted bytes per survivor |
            |---|---|---|---|---|---|
            \(copyRow(h.copyPlain, oldBytes: h.oldBytesPlain, promoted: h.promotedPlain))
            \(copyRow(h.copyHashed, oldBytes: h.oldBytesHashed, promoted: h.promotedHashed))
            \(copyRow(h.copyDifference, oldBytes: h.oldBytesHashed - h.oldBytesPlain,
                      promoted: h.promotedHashed - h.promotedPlain, versusPlain: false))

            An object nobody hashed pays one flag test when it is copied: \(fixed(h.copyPlain.median, 2)) ns \
            per copied object against \(fixed(h.copyHashed.median, 2)) ns when every survivor was hashed \
            (\(h.copyExtra >= 0 ? "+" : "")\(fixed(h.copyExtra, 2)) ns, \(fixed(extraPercent, 0)) %, the median of the \
            differences), and a hashed \
            survivor takes \(h.oldBytesHashed - h.oldBytesPlain) bytes more in the old generation \
            (\(h.oldBytesHashed) instead of \(h.oldBytesPlain)). A hash costs \(fixed(h.old.median, 2)) ns \
            on an old object, \(fixed(h.moved.median, 2)) ns on a moved one (the hash is read from the \
            word past its fields), \(fixed(h.young.median, 2)) ns on a young one already hashed (the \
            nursery's hash also mixes in the number of minor collections), and \
            \(fixed(h.firstHash.median, 2)) ns the first time on a fresh one, which sets the flag \
            (\(fixed(h.secondHash.median, 2)) ns for a second hash of the same \(h.survivors) objects).

            """
    }
}
