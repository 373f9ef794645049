// The VM's own arbitrary-precision integers (Numbers/LargeInteger.swift):
// arithmetic checked against Int where Int holds the result, known products,
// quotients and remainders of multi-limb numbers with every sign, decimal
// text of numbers beyond 100 digits both ways, conversions from and to
// Double (rounding included), bitwise operations and shifts, square roots;
// then the primitives that use them, and the number text helpers, through
// a SOM program.
import SeededRandom
import Testing
@testable import TenureSOM

/// The same operands on every run: the project's seeded generator.
private struct Operands {
    var random: SplitMix64
    init(state: UInt64) { random = SplitMix64(seed: state) }
    mutating func next() -> UInt64 { random.next() }
    /// An Int of a random width (so small and large magnitudes both come up), of either sign.
    mutating func int() -> Int {
        let width = Int(next() % 64)
        let magnitude = Int(truncatingIfNeeded: next() >> UInt64(64 - width)) & Int.max
        return next() & 1 == 0 ? magnitude : -magnitude
    }
}

private func big(_ text: String) -> LargeInteger {
    guard let value = LargeInteger(decimal: text) else { fatalError("not a decimal integer: \(text)") }
    return value
}

@Suite struct LargeIntegerTests {
    @Test func arithmeticAgreesWithInt() {
        var operands = Operands(state: 42)
        for _ in 0..<20_000 {
            let a = operands.int(), b = operands.int()
            let x = LargeInteger(a), y = LargeInteger(b)
            #expect(x.exactInt == a && x.description == String(a))
            #expect(LargeInteger(decimal: String(a)) == x)
            let (sum, o1) = a.addingReportingOverflow(b)
            if !o1 { #expect((x + y).exactInt == sum, "\(a) + \(b)") }
            let (difference, o2) = a.subtractingReportingOverflow(b)
            if !o2 { #expect((x - y).exactInt == difference, "\(a) - \(b)") }
            let (product, o3) = a.multipliedReportingOverflow(by: b)
            if !o3 { #expect((x * y).exactInt == product, "\(a) * \(b)") }
            if b != 0 {
                let (q, r) = x.quotientAndRemainder(dividingBy: y)
                #expect(q.exactInt == a / b && r.exactInt == a % b, "\(a) /% \(b)")
            }
            #expect((x < y) == (a < b) && (x == y) == (a == b))
            #expect((x & y).exactInt == a & b && (x ^ y).exactInt == a ^ b && (x | y).exactInt == a | b, "\(a) bits \(b)")
            #expect(x.truncatedWord == UInt64(bitPattern: Int64(a)))
            #expect(x.doubleValue == Double(a), "\(a) as a Double")
            let shift = Int(operands.next() % 64)
            if a >= 0 { #expect((x >> shift).exactInt == a >> shift) }
            if a.magnitude >> (63 - shift) == 0 { #expect((x << shift).exactInt == a << shift) }
            if a >= 0 {
                let root = x.squareRoot().exactInt!
                #expect(root * root <= a && (root + 1).multipliedReportingOverflow(by: root + 1).partialValue > a)
            }
        }
    }

    @Test func productsQuotientsAndRemaindersOfEverySign() {
        let a = big("123456789012345678901234567890123456789")
        let b = big("987654321098765432109876543210")
        let product = big("121932631137021795226185032733744855963362292333223746380111126352690")
        let quotient = big("124999998"), remainder = big("850308642085030864208626543209")
        for (x, y, sign) in [(a, b, 1), (a, -b, -1), (-a, b, -1), (-a, -b, 1)] {
            #expect(x * y == (sign < 0 ? -product : product))
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            #expect(q == (sign < 0 ? -quotient : quotient), "\(x) / \(y)")
            #expect(r == (x.isNegative ? -remainder : remainder), "\(x) % \(y): the remainder has the dividend's sign")
            #expect(q * y + r == x)
        }
        // A multi-limb divisor and quotient: 7^200 and 3^150.
        var p7 = LargeInteger(1), p3 = LargeInteger(1)
        for _ in 0..<200 { p7 = p7 * LargeInteger(7) }
        for _ in 0..<150 { p3 = p3 * LargeInteger(3) }
        #expect(p7 / p3 == big("28276118621154122463562592037631854387824572599348519289519682514916339900980074444971168620922175"))
        #expect(p7 % p3 == big("221304768524560530272165256680971289176076452529580254051006751384598426"))
        // Sums and differences that carry or borrow across every limb.
        let twoTo192 = LargeInteger(1) << 192
        #expect(twoTo192 - LargeInteger(1) + LargeInteger(1) == twoTo192)
        #expect((twoTo192 - LargeInteger(1)).limbs == [UInt64.max, UInt64.max, UInt64.max])
        #expect(LargeInteger(5) - twoTo192 == -(twoTo192 - LargeInteger(5)))
        #expect((a - a).isZero && !(a - a).isNegative && -LargeInteger() == LargeInteger())
    }

    @Test func decimalTextOfHundredsOfDigitsRoundTrips() {
        var power = LargeInteger(1)
        for _ in 0..<300 { power = power * LargeInteger(3) }
        let text = "136891479058588375991326027382088315966463695625337436471480190078368997177499076593800206155688941388250484440597994042813512732765695774566001"
        #expect(text.count == 144)
        #expect(power.description == text)
        #expect(big(text) == power)
        let negative = "-2582249878086908589655919172003011874329705792829223512830659356540647622016841194629645353280137831435903171972747493376"
        #expect(big(negative) == -(LargeInteger(1) << 400))
        #expect(big(negative).description == negative)
        // Chunks of 19 digits with inner zeros, and the numbers either side of a power of ten.
        let nines = String(repeating: "9", count: 150)
        let tenTo150 = big("1" + String(repeating: "0", count: 150))
        #expect(big(nines) + LargeInteger(1) == tenTo150)
        #expect((tenTo150 - LargeInteger(1)).description == nines)
        #expect((tenTo150 + LargeInteger(7)).description == "1" + String(repeating: "0", count: 149) + "7")
        #expect(big("+00012").exactInt == 12 && big("-0").description == "0" && !big("-0").isNegative)
        for bad in ["", "-", "+", "12a", " 1", "1 ", "--1", "+-1", "1_000", "٣"] {
            #expect(LargeInteger(decimal: bad) == nil, "\(bad)")
        }
    }

    @Test func doubleConversionRoundsToNearestEven() {
        let twoTo64 = LargeInteger(1) << 64
        #expect(twoTo64.doubleValue == 0x1p64)
        #expect((-twoTo64).doubleValue == -0x1p64)
        // 2^64 + 2^11 lies halfway between 2^64 and the next Double, 2^64 + 2^12: ties to even.
        #expect((twoTo64 + LargeInteger(1 << 11)).doubleValue == 0x1p64)
        #expect((twoTo64 + LargeInteger(1 << 11) + LargeInteger(1)).doubleValue == 0x1p64 + 0x1p12)
        #expect((twoTo64 + LargeInteger(3 << 11)).doubleValue == 0x1p64 + 0x1p13)
        // A sticky bit far below the leading 64.
        #expect(((LargeInteger(1) << 200) + (LargeInteger(1) << 147) + LargeInteger(1)).doubleValue == 0x1p200 + 0x1p148)
        #expect(((LargeInteger(1) << 200) + (LargeInteger(1) << 147)).doubleValue == 0x1p200)
        #expect(big("123456789012345678901234567890").doubleValue == 123456789012345678901234567890.0)
        #expect((LargeInteger(1) << 1023).doubleValue == 0x1p1023)
        #expect((LargeInteger(1) << 1024).doubleValue == .infinity)
        #expect((-(LargeInteger(1) << 1100)).doubleValue == -.infinity)
        // From a Double: rounded toward zero, exact beyond 64 bits, nil when not finite.
        #expect(LargeInteger(truncating: 1e20) == big("100000000000000000000"))
        #expect(LargeInteger(truncating: -0x1p100) == -(LargeInteger(1) << 100))
        #expect(LargeInteger(truncating: -2.75) == LargeInteger(-2))
        #expect(LargeInteger(truncating: 0x1p63) == LargeInteger(1) << 63)
        #expect(LargeInteger(truncating: 1.7976931348623157e308)?.doubleValue == 1.7976931348623157e308)
        #expect(LargeInteger(truncating: .infinity) == nil && LargeInteger(truncating: .nan) == nil)
    }

    @Test func bitsAndShifts() {
        let twoTo64 = LargeInteger(1) << 64
        // Two's complement, as on Int, across the 64-bit boundary.
        #expect(-(twoTo64 - LargeInteger(1)) & LargeInteger(-2) == -twoTo64)
        #expect(LargeInteger(-1) ^ (twoTo64 - LargeInteger(1)) == -twoTo64)
        #expect((LargeInteger(1) << 100) ^ LargeInteger(-1) == -(LargeInteger(1) << 100) - LargeInteger(1))
        #expect((LargeInteger(1) << 100) & LargeInteger(-1) == LargeInteger(1) << 100)
        #expect(-(LargeInteger(1) << 100) & ((LargeInteger(1) << 101) - LargeInteger(1)) == LargeInteger(1) << 100)
        // Shifts keep the sign and shift the magnitude; a negative value stops at -1.
        #expect((LargeInteger(3) << 130).limbs == [0, 0, 12])
        #expect(LargeInteger(-5) >> 1 == LargeInteger(-2))
        #expect(-(LargeInteger(1) << 70) >> 80 == LargeInteger(-1))
        #expect((LargeInteger(1) << 70) >> 80 == LargeInteger())
        #expect((LargeInteger(1) << 70) << -6 == LargeInteger(1) << 64)
        #expect(LargeInteger(7) >> -64 == LargeInteger(7) << 64)
        #expect(((LargeInteger(1) << 130) + LargeInteger(5)) >> 129 == LargeInteger(2))
        // Square roots, floor included.
        let tenTo50 = big("1" + String(repeating: "0", count: 50))
        #expect((tenTo50 * tenTo50).squareRoot() == tenTo50)
        #expect((tenTo50 * tenTo50 - LargeInteger(1)).squareRoot() == tenTo50 - LargeInteger(1))
        #expect(twoTo64.squareRoot() == LargeInteger(1 << 32))
        #expect(LargeInteger().squareRoot().isZero)
        #expect((twoTo64 + LargeInteger(5)).truncatedWord == 5 && (-twoTo64 - LargeInteger(5)).truncatedWord == 0 &- 5)
    }

    @Test func numberText() {
        #expect(NumberText.fixed(-0.0, digits: 1) == "-0.0")
        #expect(NumberText.fixed(1234, digits: 1) == "1234.0")
        #expect(NumberText.fixed(0.125, digits: 2) == "0.12")
        #expect(NumberText.fixed(2.675, digits: 2) == "2.67")   // 2.67499999999999982236431605997495353221893310546875
        #expect(NumberText.fixed(1e300, digits: 2).count == 304)
        #expect(Universe.format(-0.0) == "-0.0" && Universe.format(1e15) == "1000000000000000.0")
        #expect(Universe.format(1e16) == "1e+16" && Universe.format(0.1) == "0.1" && Universe.format(-5) == "-5.0")
        #expect(NumberText.trimmingBlanks(" \t 12 \u{00A0}") == "12")
        #expect(NumberText.trimmingBlanks("\n12\n") == "\n12\n")
        #expect(NumberText.trimmingBlanks("   ") == "")
    }

    @Test func filesAreReadWhole() throws {
        #expect(throws: FileInput.Failure.self) { try FileInput.read("/nonexistent/Missing.som") }
        do { _ = try FileInput.read("/nonexistent/Missing.som") } catch { #expect(error.description == "No such file or directory") }
        guard SOMMaterial.isPresent else { return }
        let text = try FileInput.read(SOMMaterial.smalltalk + "/Object.som")
        #expect(text.contains("\nObject = nil ("), "\(text.prefix(80))")
    }

    /// The primitives on LargeIntegers, as a SOM program prints them: SOM's `/` rounds toward
    /// negative infinity, `%` has the divisor's sign, `rem:` the dividend's.
    @Test func primitivesFollowSOMsConventions() throws {
        guard SOMMaterial.isPresent else { print(SOMMaterial.skipMessage); return }
        let program = """
            Big = (
              run = (
                | a b |
                a := 123456789012345678901234567890123456789.
                b := 987654321098765432109876543210.
                (a * b negated) println.
                (a negated / b) println. (a negated % b) println. (a negated rem: b) println.
                (a / b negated) println. (a % b negated) println. (a rem: b negated) println.
                (a * b / b = a) println. (a + 1 - a) println. (a > b) println.
                (1 << 100) println. ((1 << 100) >>> 98) println. (-5 >>> 1) println. (a negated >>> 200) println.
                (a * a) sqrt = a ifTrue: [ 'exact' println ].
                (1 << 64) asDouble println. (1 << 64) negated asString println.
                (Integer fromString: '  -100000000000000000000000000000 ') println.
                100000000000000000000.0 asInteger println. -2.5 round println.
                ((1 << 64) - 1) as32BitSignedValue println. (1 << 64) as32BitUnsignedValue println.
                -0.0 println. 3.0 println.
              )
            )
            """
        let run = try SOMRunner.source("Big", program)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output == """
            -121932631137021795226185032733744855963362292333223746380111126352690
            -124999999
            137345679013734567901250000001
            -850308642085030864208626543209
            -124999999
            -137345679013734567901250000001
            850308642085030864208626543209
            true
            1
            true
            1267650600228229401496703205376
            4
            9223372036854775805
            -1
            exact
            1.8446744073709552e+19
            -18446744073709551616
            -100000000000000000000000000000
            100000000000000000000
            -3
            -1
            0
            -0.0
            3.0

            """)
    }
}
