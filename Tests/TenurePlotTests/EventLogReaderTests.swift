// The event-log reader against docs/logging.md: every category, unknown keys
// and categories ignored, malformed lines reported by number, a truncated
// last line tolerated, no events an error; and the derived series and phases.
import Foundation
import Testing
@testable import TenurePlot

@Suite struct EventLogReaderTests {
    @Test func parsesEveryCategory() throws {
        let log = try EventLogReader.parse(sampleLog)
        #expect(log.events.count == 14)
        #expect(log.malformedLines.isEmpty)
        #expect(log.truncatedLastLine == nil)
        #expect(log.categoryCounts == [.phase: 4, .memory: 3, .jitMem: 4, .gcMinor: 1, .gcCollect: 2])
        let minor = try #require(log.events(.gcMinor).first)
        #expect(minor.line == 5)
        #expect(minor.tsc == 140)
        #expect(minor.nanoseconds == 4_000_000)
        #expect(minor.integer("promoted") == 1_048_576)
        let collect = try #require(log.events(.gcCollect).first)
        #expect(collect.integer("heap_before") == 8_388_608)
        #expect(collect.integer("next_threshold") == 16_777_216)
        let jit = log.events(.jitMem)
        #expect(jit.map(\.kind) == ["compiled", "compiled", "generation", "freed"])
        #expect(jit[2].integer("dropped") == 1)
        let memory = try #require(log.events(.memory).last)
        #expect(memory.integer("raw_bytes") == 1376)
        #expect(memory.seconds == 0.012)
        let phase = try #require(log.events(.phase).first)
        #expect(phase.fields == ["name": "build", "event": "start"])
    }

    @Test func ignoresUnknownKeysAndCategories() throws {
        let text = """
            1 10 gc-collect pause_ns=5 heap_before=100 heap_after=40 colour=blue future_field=x rss=500
            2 20 gc-sweep pause_ns=7
            3 30 jit-mem compiled loop=1 alive=1 new_thing=yes
            4 40 jit-backend something=1

            """
        let log = try EventLogReader.parse(text)
        #expect(log.events.map(\.line) == [1, 3])
        #expect(log.unknownCategoryLines == 2)
        #expect(log.malformedLines.isEmpty)
        #expect(log.events[0].fields["colour"] == "blue")
        #expect(log.heapBefore == [TimedValue(nanoseconds: 10, value: 100)])
        #expect(log.rss == [TimedValue(nanoseconds: 10, value: 500)])
        #expect(log.loopsAlive == [TimedValue(nanoseconds: 30, value: 1)])
    }

    @Test func fieldsKeepTheirOrderAndTheLastOfARepeatedKeyCounts() throws {
        let log = try EventLogReader.parse("1 10 jit-mem compiled extra alive=1 loop=7 alive=2\n")
        let e = try #require(log.events.first)
        #expect(e.words == ["compiled", "extra"])
        #expect(e.fieldList.map(\.key) == ["alive", "loop", "alive"])
        #expect(e.field("alive") == "2")
        #expect(e.fields == ["alive": "2", "loop": "7"])
        #expect(log.loopsAlive.map(\.value) == [2])
    }

    @Test func reportsMalformedLinesByNumber() throws {
        let text = """
            1 10 memory rss=100
            not a log line
            2 x memory rss=100
            3 -5 memory rss=100
            4 40
            5 50 memory rss=12MB
            6 60 jit-mem compiled =3 alive=2
            7 70 phase event=start
            8 80 phase name=a
            9 90 memory rss=200
            """ + "\n"
        let log = try EventLogReader.parse(text)
        #expect(log.events.map(\.line) == [1, 10])
        #expect(log.malformedLines.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9])
        let reasons = log.malformedLines.map(\.reason)
        #expect(reasons[0].contains("time-stamp counter 'not'"))
        #expect(reasons[1].contains("time 'x'"))
        #expect(reasons[2].contains("time '-5'"))
        #expect(reasons[3].contains("expected '<tsc> <ns> <category>"))
        #expect(reasons[4] == "memory field rss=12MB is not an integer")
        #expect(reasons[5].contains("'=3' has no key"))
        #expect(reasons[6] == "phase line without name=")
        #expect(reasons[7].contains("without event="))
        #expect(log.malformedLines[4].description == "line 6: memory field rss=12MB is not an integer")
    }

    @Test func toleratesATruncatedLastLine() throws {
        // A process killed while writing: the last line has no newline and does not parse.
        let text = "1 10 memory rss=100\n2 20 memory rss=200\n3 30 gc-collect pause_ns=1 heap_before=12"
        let cut = try EventLogReader.parse(text + "MB")
        #expect(cut.events.count == 2)
        #expect(cut.malformedLines.isEmpty)
        #expect(cut.truncatedLastLine == 3)
        let cutInHeader = try EventLogReader.parse("1 10 memory rss=100\n2 2")
        #expect(cutInHeader.truncatedLastLine == 2)
        #expect(cutInHeader.malformedLines.isEmpty)
        // A last line without a newline that parses is kept.
        let whole = try EventLogReader.parse(text)
        #expect(whole.events.count == 3)
        #expect(whole.truncatedLastLine == nil)
        // The same broken line with a newline after it is reported.
        let reported = try EventLogReader.parse(text + "MB\n")
        #expect(reported.malformedLines.map(\.line) == [3])
        #expect(reported.truncatedLastLine == nil)
    }

    @Test func readsWindowsLineEndingsAndBlankLines() throws {
        let log = try EventLogReader.parse("1 10 memory rss=100\r\n\r\n  \n2 20 memory rss=200\r\n")
        #expect(log.rss.map(\.value) == [100, 200])
        #expect(log.malformedLines.isEmpty)
    }

    @Test func noEventsIsAnError() {
        #expect(throws: EventLogError.noEvents(path: nil, reason: "it is empty")) { try EventLogReader.parse("") }
        #expect(throws: EventLogError.noEvents(path: nil, reason: "it is empty")) { try EventLogReader.parse("\n\n") }
        do {
            _ = try EventLogReader.parse("hello\nworld\n", source: "/tmp/x.log")
            Issue.record("expected an error")
        } catch let error as EventLogError {
            let message = error.description
            #expect(message.contains("'/tmp/x.log' has no events"))
            #expect(message.contains("2 malformed; first: line 1"))
            #expect(message.contains("'<tsc> <ns> <category> key=value ...'"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try EventLogReader.parse("1 2 gc-sweep a=1\n1 2 other\n")
            Issue.record("expected an error")
        } catch let error as EventLogError {
            #expect(error.description.contains("unknown categories (gc-sweep, other)"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: EventLogError.self) { try EventLogReader.parse("1 2") }
    }

    @Test func readNamesThePathOfAMissingOrUnreadableFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.log").path
        #expect(throws: EventLogError.unreadable(path: missing, reason: "no such file")) {
            try EventLogReader.read(path: missing)
        }
        #expect(throws: EventLogError.unreadable(path: directory.path, reason: "it is a directory")) {
            try EventLogReader.read(path: directory.path)
        }
        #expect(EventLogError.unreadable(path: missing, reason: "no such file").description
            == "cannot read event log '\(missing)': no such file; expected a file written with TENURE_LOG=CATEGORIES:PATH")
    }

    @Test func derivesTheSeries() throws {
        let log = try EventLogReader.parse(sampleLog)
        #expect(log.loopsAlive.map(\.value) == [1, 2, 1, 1])
        #expect(log.loopsAlive.map(\.nanoseconds) == [2_000_000, 3_000_000, 7_000_000, 7_500_000])
        // RSS from memory and gc-collect lines, in order of time.
        #expect(log.rss.map(\.nanoseconds) == [1_000_000, 5_000_000, 5_000_000, 9_000_000, 12_000_000])
        #expect(log.rss.map(\.value) == [10_485_760, 20_971_520, 20_971_520, 31_457_280, 25_165_824])
        #expect(log.heapBefore == [TimedValue(nanoseconds: 5_000_000, value: 8_388_608),
                                   TimedValue(nanoseconds: 9_000_000, value: 12_582_912)])
        #expect(log.heapAfter.map(\.value) == [2_097_152, 3_145_728])
        #expect(log.endNanoseconds == 12_000_000)
    }

    @Test func seriesAreInTimeOrderWhateverTheLineOrder() throws {
        let log = try EventLogReader.parse("1 30 jit-mem compiled alive=3\n2 10 jit-mem compiled alive=1\n3 20 jit-mem freed alive=2\n4 20 jit-mem compiled alive=5\n")
        #expect(log.loopsAlive.map(\.nanoseconds) == [10, 20, 20, 30])
        // Ties keep the order of the text.
        #expect(log.loopsAlive.map(\.value) == [1, 2, 5, 3])
        #expect(log.events.map(\.line) == [1, 2, 3, 4])
    }

    @Test func phaseIntervals() throws {
        let log = try EventLogReader.parse(sampleLog)
        #expect(log.phases == [
            Phase(name: "build", startNanoseconds: 1_000_000, endNanoseconds: 6_000_000, endedBy: .nextPhase),
            Phase(name: "run", startNanoseconds: 6_000_000, endNanoseconds: 8_000_000, endedBy: .end),
            Phase(name: "report", startNanoseconds: 10_000_000, endNanoseconds: 12_000_000, endedBy: .endOfLog),
        ])
    }

    @Test func phaseEndsOfOtherPhasesAndUnknownEventsAreIgnored() throws {
        let text = """
            1 100 phase name=a event=start
            2 150 phase name=b event=end
            3 160 phase name=a event=pause
            4 200 phase name=a event=end
            5 250 phase name=a event=end
            6 300 phase name=b event=start
            7 400 phase name=c event=start
            8 500 memory rss=1
            """ + "\n"
        let log = try EventLogReader.parse(text)
        #expect(log.malformedLines.isEmpty)
        #expect(log.phases == [
            Phase(name: "a", startNanoseconds: 100, endNanoseconds: 200, endedBy: .end),
            Phase(name: "b", startNanoseconds: 300, endNanoseconds: 400, endedBy: .nextPhase),
            Phase(name: "c", startNanoseconds: 400, endNanoseconds: 500, endedBy: .endOfLog),
        ])
    }

    @Test func aLogWithoutPhasesHasNone() throws {
        let log = try EventLogReader.parse("1 10 memory rss=100\n")
        #expect(log.phases.isEmpty)
        #expect(log.loopsAlive.isEmpty)
    }
}
