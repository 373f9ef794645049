// The setting parsers (SettingSyntax, LogSpecification) on the text people type.
//
// Environment values are typed by hand and copied between machines, so the
// parsers must mean exactly one number or refuse with a reason: sizes in every
// unit spelling, percentages, factors and counts; then hostile texts (signs,
// NaN, exponents, Unicode digits, overflow, stray units), each of which must
// be a SettingSyntaxError with a reason rather than a surprise or a trap; then
// a seeded fuzz run over all parsers; and the TENURE_LOG syntax.
import SeededRandom
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure

/// The error a parser throws for `text`, or nil when it accepts it.
private func refusal<T>(_ text: String, _ parse: (String) throws(SettingSyntaxError) -> T) -> SettingSyntaxError? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error
    }
}

@Suite struct SettingSyntaxTests {
    // MARK: Sizes

    static let sizes: [(String, Int)] = [
        ("4194304", 4_194_304),
        ("0", 0),
        ("0K", 0),
        ("512K", 512 << 10),
        ("64mb", 64 << 20),
        ("64MB", 64 << 20),
        ("64MiB", 64 << 20),
        ("1.5GiB", 3 << 29),
        ("1.5GB", 3 << 29),
        ("1.5g", 3 << 29),
        (" 4 M ", 4 << 20),
        ("\t8M\t", 8 << 20),
        ("2T", 2 << 40),
        ("2tb", 2 << 40),
        ("2TiB", 2 << 40),
        ("0.5K", 512),
        ("1.25M", 1_310_720),
        ("0.25T", 1 << 38),
        ("10B", 10),
        ("10 b", 10),
        ("007K", 7 << 10),
        (".5M", 1 << 19),  // a fraction without a whole part is still one number
        ("9223372036854775807", Int.max),
        ("8388607T", 8_388_607 << 40),
        // 8000000000 x 2^30 = 8.59e18 is below Int.max (9.22e18), so it is a size.
        ("8000000000G", 8_000_000_000 << 30),
    ]

    @Test(arguments: sizes)
    func sizesParse(text: String, bytes: Int) throws {
        #expect(try SettingSyntax.parseSize(text) == bytes)
        // A plain size is also an amount of bytes.
        #expect(try SettingSyntax.parseAmount(text) == .bytes(bytes))
    }

    @Test func kilobyteSpellingsAndCaseAreTheSame() throws {
        for unit in ["K", "k", "KB", "kb", "Kb", "kB", "KiB", "kib", "KIB", "kIb"] {
            #expect(try SettingSyntax.parseSize("3" + unit) == 3 << 10, "3\(unit)")
        }
        for (letter, shift) in [("M", 20), ("G", 30), ("T", 40)] {
            let spellings = [letter, letter.lowercased(), letter + "B", letter.lowercased() + "b",
                             letter + "iB", letter.lowercased() + "ib", letter + "IB"]
            for unit in spellings {
                #expect(try SettingSyntax.parseSize("3" + unit) == 3 << shift, "3\(unit)")
                #expect(try SettingSyntax.parseSize("3 " + unit) == 3 << shift, "3 \(unit)")
            }
        }
    }

    /// Every whole number with every unit means exactly number x unit.
    @Test func generatedSizesMeanNumberTimesUnit() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        let units: [(String, Int)] = [("", 1), ("B", 1), ("K", 1 << 10), ("KiB", 1 << 10), ("mb", 1 << 20),
                                      ("G", 1 << 30), ("gib", 1 << 30), ("T", 1 << 40)]
        for _ in 0..<2_000 {
            let (unit, scale) = units[random.below(units.count)]
            let n = random.below(Int.max / scale)
            let space = random.chance(0.3) ? " " : ""
            #expect(try SettingSyntax.parseSize("\(n)\(space)\(unit)") == n * scale, "\(n)\(space)\(unit)")
        }
    }

    static let hostileSizes: [String] = [
        "", " ", "\t", "-0", "-1", "+5", "NaN", "nan", "inf", "Infinity", "1e309", "1E3", "1e-3", "1e+3",
        "٣M", "４M", "٣", "1..5M", ".M", "5.", "5.M", "99999999999999999999",
        "9223372036854775808", "9223372036854775807K", "8388608T", "9000000000G", "5PB", "5P", "5 M B",
        "5MBB", "5 MB B", "1.5", "1.5B", "0x10", "0b101", "1,000", "1_000", "5\u{00A0}M", "5\nM", "M",
        "K5", "5%M", "five", "5 M\u{0301}", "1 2",
    ]

    @Test(arguments: hostileSizes)
    func hostileSizesAreRefusedWithAReason(text: String) {
        let error = refusal(text, SettingSyntax.parseSize)
        #expect(error != nil, "\"\(text)\" was accepted as \((try? SettingSyntax.parseSize(text)).map(String.init) ?? "?")")
        #expect(error.map { !$0.reason.isEmpty } ?? true)
        #expect(error.map { $0.description == $0.reason } ?? true)
        // The same text is no better as an amount.
        #expect(refusal(text, SettingSyntax.parseAmount) != nil)
    }

    @Test func reasonsSayWhatIsWrong() {
        #expect(refusal("", SettingSyntax.parseSize)?.reason == "empty")
        #expect(refusal("-1", SettingSyntax.parseSize)?.reason.contains("negative") == true)
        #expect(refusal("+5", SettingSyntax.parseSize)?.reason.contains("sign") == true)
        #expect(refusal("1e309", SettingSyntax.parseSize)?.reason.contains("exponent") == true)
        #expect(refusal("5PB", SettingSyntax.parseSize)?.reason.contains("\"PB\"") == true)
        #expect(refusal("99999999999999999999", SettingSyntax.parseSize)?.reason.contains("too large") == true)
        #expect(refusal("9223372036854775807K", SettingSyntax.parseSize)?.reason.contains("too large") == true)
        #expect(refusal("1.5", SettingSyntax.parseSize)?.reason.contains("fraction") == true)
        #expect(refusal("5.", SettingSyntax.parseSize)?.reason.contains("decimal point") == true)
    }

    // MARK: Percentages

    @Test func percentagesParse() throws {
        #expect(try SettingSyntax.parseAmount("75%") == .percentOfAvailable(75))
        #expect(try SettingSyntax.parseAmount("12.5 %") == .percentOfAvailable(12.5))
        #expect(try SettingSyntax.parseAmount(" 100% ") == .percentOfAvailable(100))
        #expect(try SettingSyntax.parseAmount("0.5%") == .percentOfAvailable(0.5))
        #expect(try SettingSyntax.parseAmount("2G") == .bytes(2 << 30))
        #expect(MemoryAmount.percentOfAvailable(75).bytes(ofAvailable: 1 << 30) == 805_306_368)
        #expect(MemoryAmount.percentOfAvailable(100).bytes(ofAvailable: 12345) == 12345)
        #expect(MemoryAmount.bytes(42).bytes(ofAvailable: 1 << 30) == 42)
        #expect(MemoryAmount.percentOfAvailable(75).description == "75.0%")
    }

    @Test(arguments: ["0%", "0.0%", "101%", "100.5%", "-5%", "+5%", "%", " % ", "%5", "50%%", "abc%", "5M%",
                      "1e2%", "nan%", "٥٠%", "99999999999999999999%"])
    func hostilePercentagesAreRefusedWithAReason(text: String) {
        let error = refusal(text, SettingSyntax.parseAmount)
        #expect(error != nil, "\"\(text)\" was accepted")
        #expect(error.map { !$0.reason.isEmpty } ?? true)
    }

    // MARK: Factors and counts

    @Test func factorsParse() throws {
        #expect(try SettingSyntax.parseFactor("2") == 2)
        #expect(try SettingSyntax.parseFactor(" 1.5 ") == 1.5)
        #expect(try SettingSyntax.parseFactor("0.25") == 0.25)
        #expect(try SettingSyntax.parseFactor("100") == 100)
        #expect(try SettingSyntax.parseFactor("0") == 0)
        // Decimal fractions are not exact in binary: allow an ulp or two.
        for (text, value) in [("1.82", 1.82), ("1.4", 1.4), ("1.1", 1.1), ("3.14159", 3.14159), ("0.3", 0.3)] {
            let parsed = try SettingSyntax.parseFactor(text)
            #expect(abs(parsed - value) <= 4 * value.ulp, "\(text) parsed as \(parsed)")
        }
    }

    @Test(arguments: ["1.5M", "2x", "1e3", "1E3", "", " ", "abc", "-2", "+2", "nan", "inf", "2.", ".", "1..2",
                      "1,5", "٢", "2 2", "0x2"])
    func hostileFactorsAreRefusedWithAReason(text: String) {
        let error = refusal(text, SettingSyntax.parseFactor)
        #expect(error != nil, "\"\(text)\" was accepted")
        #expect(error.map { !$0.reason.isEmpty } ?? true)
    }

    @Test func countsParse() throws {
        #expect(try SettingSyntax.parseCount("0") == 0)
        #expect(try SettingSyntax.parseCount("1000") == 1000)
        #expect(try SettingSyntax.parseCount(" 7 ") == 7)
        #expect(try SettingSyntax.parseCount("9223372036854775807") == Int.max)
        for text in ["", "1.5", "1.0", "1K", "-1", "+1", "1e3", "abc", "99999999999999999999", "٣", "1 000"] {
            let error = refusal(text, SettingSyntax.parseCount)
            #expect(error != nil, "\"\(text)\" was accepted as a count")
            #expect(error.map { !$0.reason.isEmpty } ?? true)
        }
    }

    // MARK: Fuzz

    /// Random short texts from an alphabet of the characters that matter: every
    /// parser either returns a value in its range or refuses with a reason, and
    /// says the same the second time.
    @Test func randomTextsNeverCrashAnyParser() {
        let alphabet: [String] = ["0", "1", "2", "5", "9", "0", "3", "7", ".", ".", "-", "+", "e", "E", "%", " ", " ",
                                  "\t", "k", "K", "m", "M", "g", "G", "t", "T", "i", "B", "b", "P", "x", "n", "a",
                                  ",", ":", "*", "٣", "４", "é", "\u{00A0}", "\u{0301}", "😀", "\n"]
        var random = SplitMix64(seed: 0x7E4E_2025)
        var accepted = [0, 0, 0, 0, 0, 0]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<random.below(13) { text += alphabet[random.below(alphabet.count)] }

            switch Result(catching: { () throws(SettingSyntaxError) in try SettingSyntax.parseSize(text) }) {
            case .success(let n):
                accepted[0] += 1
                #expect(n >= 0, "size \"\(text)\" -> \(n)")
                #expect((try? SettingSyntax.parseSize(text)) == n)
            case .failure(let e): #expect(!e.reason.isEmpty, "size \"\(text)\"")
            }
            switch Result(catching: { () throws(SettingSyntaxError) in try SettingSyntax.parseAmount(text) }) {
            case .success(.bytes(let n)):
                accepted[1] += 1
                #expect(n >= 0 && n == (try? SettingSyntax.parseSize(text)), "amount \"\(text)\" -> \(n)")
            case .success(.percentOfAvailable(let p)):
                accepted[1] += 1
                #expect(p > 0 && p <= 100, "amount \"\(text)\" -> \(p)%")
            case .failure(let e): #expect(!e.reason.isEmpty, "amount \"\(text)\"")
            }
            switch Result(catching: { () throws(SettingSyntaxError) in try SettingSyntax.parseFactor(text) }) {
            case .success(let x):
                accepted[2] += 1
                #expect(x.isFinite && x >= 0, "factor \"\(text)\" -> \(x)")
            case .failure(let e): #expect(!e.reason.isEmpty, "factor \"\(text)\"")
            }
            switch Result(catching: { () throws(SettingSyntaxError) in try SettingSyntax.parseCount(text) }) {
            case .success(let n):
                accepted[3] += 1
                #expect(n >= 0, "count \"\(text)\" -> \(n)")
            case .failure(let e): #expect(!e.reason.isEmpty, "count \"\(text)\"")
            }
            switch Result(catching: { () throws(SettingSyntaxError) in
                try HeapConfiguration.parseLimit(text, available: 1 << 30)
            }) {
            case .success(let limit):
                accepted[4] += 1
                #expect(limit.map { $0 > 0 } ?? true, "limit \"\(text)\" -> \(String(describing: limit))")
            case .failure(let e): #expect(!e.reason.isEmpty, "limit \"\(text)\"")
            }
            switch Result(catching: { () throws(SettingSyntaxError) in try LogSpecification.parse(text) }) {
            case .success(let log):
                accepted[5] += 1
                #expect(!log.categories.isEmpty && !log.destination.isEmpty, "log \"\(text)\"")
            case .failure(let e): #expect(!e.reason.isEmpty, "log \"\(text)\"")
            }
        }
        // The alphabet is rich enough that the parsers accept something.
        #expect(accepted[0] > 100 && accepted[1] > 100 && accepted[2] > 100 && accepted[3] > 100)
    }

    // MARK: TENURE_LOG

    @Test func logSpecificationsParse() throws {
        let a = try LogSpecification.parse("gc-minor,gc-collect:/tmp/x-%d.log")
        #expect(a.categories == ["gc-minor", "gc-collect"])
        #expect(a.destination == "/tmp/x-%d.log")
        #expect(a.description == "gc-minor,gc-collect:/tmp/x-%d.log")

        let b = try LogSpecification.parse("gc:-")
        #expect(b.categories == ["gc"] && b.destination == "-")

        let c = try LogSpecification.parse("*:-")
        #expect(c.categories == ["*"] && c.destination == "-")

        // Spaces around the parts are dropped; a colon in the path stays in the path.
        let d = try LogSpecification.parse(" gc-minor , memory : /tmp/a:b.log ")
        #expect(d.categories == ["gc-minor", "memory"] && d.destination == "/tmp/a:b.log")

        // Another module's categories (TenureJIT's jit-mem) only when given.
        #expect(try LogSpecification.parse("jit:-", categories: LogSpecification.knownCategories + ["jit-mem"]).categories == ["jit"])
        #expect(refusal("jit:-", LogSpecification.parse)?.reason.contains("jit") == true)
        #expect(try LogSpecification.parse(a.description) == a)
    }

    @Test(arguments: ["gc-minor", "", ":x", ":", "gc:", "gc: ", "bogus:-", "gc,,jit:-", ",gc:-", "gc,:-",
                      "gc-minorx:-", "GC:-", "gc minor:-"])
    func badLogSpecificationsAreRefusedWithAReason(text: String) {
        let error = refusal(text, LogSpecification.parse)
        #expect(error != nil, "\"\(text)\" was accepted")
        #expect(error.map { !$0.reason.isEmpty } ?? true)
    }

    @Test func logReasonsNameTheProblem() {
        #expect(refusal("gc-minor", LogSpecification.parse)?.reason.contains(":") == true)
        #expect(refusal("bogus:-", LogSpecification.parse)?.reason.contains("bogus") == true)
        #expect(refusal("gc:", LogSpecification.parse)?.reason.contains("destination") == true)
        #expect(refusal(":x", LogSpecification.parse)?.reason.contains("categor") == true)
        #expect(refusal("gc,,jit:-", LogSpecification.parse)?.reason.contains("empty") == true)
    }

    @Test func logIncludesCategoriesByPrefix() throws {
        let gc = try LogSpecification.parse("gc:-")
        #expect(gc.includes("gc-minor") && gc.includes("gc-collect") && gc.includes("gc-pacing"))
        #expect(!gc.includes("jit-mem") && !gc.includes("phase"))

        let all = try LogSpecification.parse("*:-")
        for category in LogSpecification.knownCategories { #expect(all.includes(category)) }

        let some = try LogSpecification.parse("gc-minor,jit-mem:/tmp/x.log",
                                              categories: LogSpecification.knownCategories + ["jit-mem", "phase"])
        #expect(some.includes("gc-minor") && some.includes("jit-mem"))
        #expect(!some.includes("gc-collect") && !some.includes("gc-pacing") && !some.includes("phase"))
    }
}
