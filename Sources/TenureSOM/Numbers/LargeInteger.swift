// The VM's arbitrary-precision integers.
//
// A LargeInteger is a sign and a magnitude of 64-bit limbs, least significant
// first, with no zero limb at the top (zero has none and is never negative):
// the same words a LargeInteger object holds in the heap after its sign word
// (Objects.swift). Small integers never get here on the interpreter's fast
// paths; this type serves results beyond 62 bits and the primitives' general
// case, so the algorithms are the simple ones: schoolbook multiplication,
// Knuth's long division (TAOCP vol. 2, 4.3.1, algorithm D) on 64-bit limbs,
// decimal text by 19 digits at a time.
//
// Bitwise operations act on the infinite two's complement representation
// (as on Int). Shifts act on the magnitude and keep the sign, and a negative
// value shifted right stops at -1: `-5 >> 1` is -2, `-1 >> 9` is -1.
// Conversion to Double rounds to nearest, ties to even, as Double(Int) does.

/// An integer of any size.
struct LargeInteger: Hashable, Comparable, CustomStringConvertible, Sendable {
    /// Whether the value is below zero (never for zero).
    private(set) var isNegative: Bool
    /// The magnitude: limbs least significant first, no zero limb at the top; empty for zero.
    private(set) var limbs: [UInt64]

    /// Zero.
    init() {
        isNegative = false
        limbs = []
    }

    /// The integer of magnitude `limbs` (least significant first; zero limbs at the top are
    /// dropped), negative if `negative` and not zero.
    init(negative: Bool, limbs: [UInt64]) {
        var limbs = limbs
        while limbs.last == 0 { limbs.removeLast() }
        self.limbs = limbs
        self.isNegative = negative && !limbs.isEmpty
    }

    init(_ value: Int) {
        isNegative = value < 0
        limbs = value == 0 ? [] : [UInt64(value.magnitude)]
    }

    init(_ value: UInt64) {
        isNegative = false
        limbs = value == 0 ? [] : [value]
    }

    /// The integer `value` rounded toward zero; nil for an infinity or a NaN.
    init?(truncating value: Double) {
        guard value.isFinite else { return nil }
        let whole = value.rounded(.towardZero)
        if whole.magnitude < 0x1p63 {
            self.init(Int(whole))
            return
        }
        // At least 2^63: the 53-bit significand times a power of two.
        let significand = whole.significandBitPattern | (1 << UInt64(Double.significandBitCount))
        let magnitude = LargeInteger(significand).shiftedLeft(by: Int(whole.exponent) - Double.significandBitCount)
        self.init(negative: whole < 0, limbs: magnitude.limbs)
    }

    /// The integer written in `text`: decimal digits, optionally after one `-` or `+`; nil for
    /// anything else (the empty text, a sign alone, any other character).
    init?<S: StringProtocol>(decimal text: S) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        var magnitude: [UInt64] = []
        // The first chunk takes what is left over from whole chunks of 19 digits.
        var chunkLength = bytes.count % Limbs.decimalChunkDigits
        if chunkLength == 0 { chunkLength = Limbs.decimalChunkDigits }
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let end = bytes.index(index, offsetBy: chunkLength)
            var chunk: UInt64 = 0
            var scale: UInt64 = 1
            for digit in bytes[index..<end] {
                chunk = chunk * 10 + UInt64(digit - UInt8(ascii: "0"))
                scale *= 10
            }
            Limbs.multiplyAdd(&magnitude, by: scale, adding: chunk)
            index = end
            chunkLength = Limbs.decimalChunkDigits
        }
        self.init(negative: negative, limbs: magnitude)
    }

    var isZero: Bool { limbs.isEmpty }

    /// The number of bits of the magnitude (0 for zero).
    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 64 - top.leadingZeroBitCount
    }

    /// The value as an Int, when it is one.
    var exactInt: Int? {
        switch limbs.count {
        case 0: return 0
        case 1:
            let m = limbs[0]
            if isNegative { return m <= 1 << 63 ? Int(truncatingIfNeeded: 0 &- m) : nil }
            return m <= UInt64(Int.max) ? Int(m) : nil
        default: return nil
        }
    }

    /// The low 64 bits of the two's complement representation.
    var truncatedWord: UInt64 {
        guard let low = limbs.first else { return 0 }
        return isNegative ? 0 &- low : low
    }

    /// The nearest Double (ties to even); an infinity beyond Double's range.
    var doubleValue: Double {
        guard let top = limbs.last else { return 0 }
        let magnitude: Double
        if limbs.count == 1 {
            magnitude = Double(top)
        } else {
            // The 64 leading bits, the lowest of them set when any bit below is: one rounding
            // of those to 53 bits is the rounding of the whole magnitude.
            let shift = bitWidth - 64
            var leading = Limbs.shiftedRight(limbs, by: shift)[0]
            if Limbs.hasBits(limbs, below: shift) { leading |= 1 }
            magnitude = Double(sign: .plus, exponent: shift, significand: Double(leading))
        }
        return isNegative ? -magnitude : magnitude
    }

    /// The decimal text: digits, `-` first if negative.
    var description: String {
        if limbs.isEmpty { return "0" }
        var chunks: [UInt64] = []
        var rest = limbs
        while !rest.isEmpty {
            let (quotient, remainder) = Limbs.divide(rest, by: Limbs.decimalChunk)
            chunks.append(remainder)
            rest = quotient
        }
        var text = isNegative ? "-" : ""
        text += String(chunks.last!)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: Limbs.decimalChunkDigits - digits.count) + digits
        }
        return text
    }

    // MARK: Arithmetic

    static prefix func - (x: LargeInteger) -> LargeInteger {
        LargeInteger(negative: !x.isNegative, limbs: x.limbs)
    }

    static func + (a: LargeInteger, b: LargeInteger) -> LargeInteger {
        if a.isNegative == b.isNegative {
            return LargeInteger(negative: a.isNegative, limbs: Limbs.add(a.limbs, b.limbs))
        }
        switch Limbs.compare(a.limbs, b.limbs) {
        case 0: return LargeInteger()
        case 1: return LargeInteger(negative: a.isNegative, limbs: Limbs.subtract(a.limbs, b.limbs))
        default: return LargeInteger(negative: b.isNegative, limbs: Limbs.subtract(b.limbs, a.limbs))
        }
    }

    static func - (a: LargeInteger, b: LargeInteger) -> LargeInteger { a + -b }

    static func * (a: LargeInteger, b: LargeInteger) -> LargeInteger {
        LargeInteger(negative: a.isNegative != b.isNegative, limbs: Limbs.multiply(a.limbs, b.limbs))
    }

    /// The quotient rounded toward zero and the remainder with the sign of `self`, as Int's
    /// `/` and `%`. `divisor` must not be zero.
    func quotientAndRemainder(dividingBy divisor: LargeInteger) -> (quotient: LargeInteger, remainder: LargeInteger) {
        precondition(!divisor.isZero, "LargeInteger division by zero")
        let (q, r) = Limbs.divide(limbs, divisor.limbs)
        return (LargeInteger(negative: isNegative != divisor.isNegative, limbs: q), LargeInteger(negative: isNegative, limbs: r))
    }

    /// The quotient rounded toward zero.
    static func / (a: LargeInteger, b: LargeInteger) -> LargeInteger { a.quotientAndRemainder(dividingBy: b).quotient }

    /// The remainder of `/`, with the sign of `a`.
    static func % (a: LargeInteger, b: LargeInteger) -> LargeInteger { a.quotientAndRemainder(dividingBy: b).remainder }

    /// floor(sqrt(self)); `self` must not be negative.
    func squareRoot() -> LargeInteger {
        precondition(!isNegative, "square root of a negative LargeInteger")
        if isZero { return self }
        // Newton's iteration from above: it decreases until it reaches floor(sqrt(self)).
        var x = LargeInteger(1).shiftedLeft(by: (bitWidth + 1) / 2)
        while true {
            let y = (x + self / x).shiftedRight(by: 1)
            if y >= x { return x }
            x = y
        }
    }

    static func < (a: LargeInteger, b: LargeInteger) -> Bool {
        if a.isNegative != b.isNegative { return a.isNegative }
        let order = Limbs.compare(a.limbs, b.limbs)
        return a.isNegative ? order > 0 : order < 0
    }

    // MARK: Bits

    static func & (a: LargeInteger, b: LargeInteger) -> LargeInteger { bitwise(a, b) { $0 & $1 } }
    static func | (a: LargeInteger, b: LargeInteger) -> LargeInteger { bitwise(a, b) { $0 | $1 } }
    static func ^ (a: LargeInteger, b: LargeInteger) -> LargeInteger { bitwise(a, b) { $0 ^ $1 } }

    /// `self` times 2^`count`, the sign kept; a negative count shifts right.
    func shiftedLeft(by count: Int) -> LargeInteger {
        if count < 0 { return shiftedRight(by: count == Int.min ? Int.max : -count) }
        return LargeInteger(negative: isNegative, limbs: Limbs.shiftedLeft(limbs, by: count))
    }

    /// The magnitude divided by 2^`count` (rounded toward zero), the sign kept; a negative
    /// value stops at -1. A negative count shifts left.
    func shiftedRight(by count: Int) -> LargeInteger {
        if count < 0 { return shiftedLeft(by: count == Int.min ? Int.max : -count) }
        let magnitude = Limbs.shiftedRight(limbs, by: count)
        return LargeInteger(negative: isNegative, limbs: isNegative && magnitude.isEmpty ? [1] : magnitude)
    }

    static func << (a: LargeInteger, count: Int) -> LargeInteger { a.shiftedLeft(by: count) }
    static func >> (a: LargeInteger, count: Int) -> LargeInteger { a.shiftedRight(by: count) }

    /// `count` limbs of the two's complement representation (sign-extended).
    private func twosComplement(count: Int) -> [UInt64] {
        var words = limbs + [UInt64](repeating: 0, count: count - limbs.count)
        if isNegative {
            var carry = true
            for i in words.indices {
                (words[i], carry) = (~words[i]).addingReportingOverflow(carry ? 1 : 0)
            }
        }
        return words
    }

    /// The integer whose two's complement representation is `words` (the top bit of the last
    /// is the sign).
    private init(twosComplement words: [UInt64]) {
        guard let top = words.last, top >> 63 == 1 else {
            self.init(negative: false, limbs: words)
            return
        }
        var magnitude = words
        var carry = true
        for i in magnitude.indices {
            (magnitude[i], carry) = (~magnitude[i]).addingReportingOverflow(carry ? 1 : 0)
        }
        self.init(negative: true, limbs: magnitude)
    }

    private static func bitwise(_ a: LargeInteger, _ b: LargeInteger, _ operation: (UInt64, UInt64) -> UInt64)
        -> LargeInteger {
        // One limb more than either magnitude leaves room for the sign.
        let count = max(a.limbs.count, b.limbs.count) + 1
        let x = a.twosComplement(count: count), y = b.twosComplement(count: count)
        return LargeInteger(twosComplement: (0..<count).map { operation(x[$0], y[$0]) })
    }
}

/// Arithmetic on magnitudes: arrays of 64-bit limbs, least significant first. Results have
/// no zero limb at the top.
private enum Limbs {
    /// The largest power of ten in a limb, and its number of zeros.
    static let decimalChunk: UInt64 = 10_000_000_000_000_000_000
    static let decimalChunkDigits = 19

    static func normalize(_ limbs: inout [UInt64]) {
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// -1, 0 or 1 as `a` is below, equal to or above `b`.
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in a.indices.reversed() where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return 0
    }

    static func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var sum = long
        var carry = false
        for i in short.indices {
            let (s, o1) = sum[i].addingReportingOverflow(short[i])
            let (t, o2) = s.addingReportingOverflow(carry ? 1 : 0)
            sum[i] = t
            carry = o1 || o2
        }
        var i = short.count
        while carry && i < sum.count {
            (sum[i], carry) = sum[i].addingReportingOverflow(1)
            i += 1
        }
        if carry { sum.append(1) }
        return sum
    }

    /// `a - b`, for `a >= b`.
    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var difference = a
        var borrow = false
        for i in b.indices {
            let (d, o1) = difference[i].subtractingReportingOverflow(b[i])
            let (e, o2) = d.subtractingReportingOverflow(borrow ? 1 : 0)
            difference[i] = e
            borrow = o1 || o2
        }
        var i = b.count
        while borrow {
            precondition(i < difference.count, "Limbs.subtract: the subtrahend is the larger")
            (difference[i], borrow) = difference[i].subtractingReportingOverflow(1)
            i += 1
        }
        normalize(&difference)
        return difference
    }

    static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if a.isEmpty || b.isEmpty { return [] }
        var product = [UInt64](repeating: 0, count: a.count + b.count)
        for i in a.indices where a[i] != 0 {
            let x = a[i]
            var carry: UInt64 = 0
            for j in b.indices {
                // x * b[j] + product[i + j] + carry < 2^128: no carry is lost.
                let (high, low) = x.multipliedFullWidth(by: b[j])
                let (s, o1) = low.addingReportingOverflow(product[i + j])
                let (t, o2) = s.addingReportingOverflow(carry)
                product[i + j] = t
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            product[i + b.count] = carry
        }
        normalize(&product)
        return product
    }

    /// `limbs * factor + addend`, in place.
    static func multiplyAdd(_ limbs: inout [UInt64], by factor: UInt64, adding addend: UInt64) {
        var carry = addend
        for i in limbs.indices {
            let (high, low) = limbs[i].multipliedFullWidth(by: factor)
            let (s, o) = low.addingReportingOverflow(carry)
            limbs[i] = s
            carry = high &+ (o ? 1 : 0)
        }
        if carry != 0 { limbs.append(carry) }
        normalize(&limbs)
    }

    /// The quotient and remainder of `a` divided by one nonzero limb.
    static func divide(_ a: [UInt64], by divisor: UInt64) -> (quotient: [UInt64], remainder: UInt64) {
        precondition(divisor != 0)
        var quotient = [UInt64](repeating: 0, count: a.count)
        var remainder: UInt64 = 0
        for i in a.indices.reversed() {
            (quotient[i], remainder) = divisor.dividingFullWidth((remainder, a[i]))
        }
        normalize(&quotient)
        return (quotient, remainder)
    }

    /// The quotient and remainder of `u` divided by `v` (not zero).
    static func divide(_ u: [UInt64], _ v: [UInt64]) -> (quotient: [UInt64], remainder: [UInt64]) {
        precondition(!v.isEmpty, "Limbs.divide by zero")
        if compare(u, v) < 0 { return ([], u) }
        if v.count == 1 {
            let (q, r) = divide(u, by: v[0])
            return (q, r == 0 ? [] : [r])
        }
        // Algorithm D: normalize so the divisor's top limb has its top bit set, then find
        // each quotient limb from the top two limbs of the running remainder, correct it by
        // the divisor's second limb, subtract, and add back in the rare case it was one too many.
        let n = v.count, m = u.count - n
        let s = v[n - 1].leadingZeroBitCount
        let vn = shiftedLeftBits(v, s, count: n)
        var un = shiftedLeftBits(u, s, count: u.count + 1)
        var quotient = [UInt64](repeating: 0, count: m + 1)
        let vTop = vn[n - 1], vNext = vn[n - 2]
        for j in stride(from: m, through: 0, by: -1) {
            var qhat: UInt64, rhat: UInt64
            var rhatOverflows = false
            if un[j + n] >= vTop {
                // The estimate would be 2^64 or more; take 2^64 - 1 and its remainder.
                qhat = UInt64.max
                (rhat, rhatOverflows) = un[j + n - 1].addingReportingOverflow(vTop)
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((un[j + n], un[j + n - 1]))
            }
            while !rhatOverflows {
                let (high, low) = qhat.multipliedFullWidth(by: vNext)
                guard high > rhat || (high == rhat && low > un[j + n - 2]) else { break }
                qhat -= 1
                (rhat, rhatOverflows) = rhat.addingReportingOverflow(vTop)
            }
            // un[j ... j + n] -= qhat * vn
            var carry: UInt64 = 0
            var borrow = false
            for i in 0..<n {
                let (high, low) = qhat.multipliedFullWidth(by: vn[i])
                let (product, o) = low.addingReportingOverflow(carry)
                carry = high &+ (o ? 1 : 0)
                let (d, b1) = un[i + j].subtractingReportingOverflow(product)
                let (e, b2) = d.subtractingReportingOverflow(borrow ? 1 : 0)
                un[i + j] = e
                borrow = b1 || b2
            }
            let (d, b1) = un[j + n].subtractingReportingOverflow(carry)
            let (e, b2) = d.subtractingReportingOverflow(borrow ? 1 : 0)
            un[j + n] = e
            if b1 || b2 {
                qhat -= 1
                var carry = false
                for i in 0..<n {
                    let (s1, o1) = un[i + j].addingReportingOverflow(vn[i])
                    let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
                    un[i + j] = s2
                    carry = o1 || o2
                }
                un[j + n] = un[j + n] &+ (carry ? 1 : 0)
            }
            quotient[j] = qhat
        }
        normalize(&quotient)
        var remainder = shiftedRight(Array(un[0..<n]), by: s)
        normalize(&remainder)
        return (quotient, remainder)
    }

    /// `limbs` shifted left by `bits` (0..<64) into `count` limbs (at least limbs.count, one
    /// more when the top bits would be lost); not normalized.
    private static func shiftedLeftBits(_ limbs: [UInt64], _ bits: Int, count: Int) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: count)
        var carry: UInt64 = 0
        for i in limbs.indices {
            result[i] = limbs[i] << UInt64(bits) | carry
            carry = bits == 0 ? 0 : limbs[i] >> UInt64(64 - bits)
        }
        if limbs.count < count { result[limbs.count] = carry }
        return result
    }

    static func shiftedLeft(_ limbs: [UInt64], by count: Int) -> [UInt64] {
        if limbs.isEmpty || count == 0 { return limbs }
        let words = count / 64, bits = count % 64
        var result = [UInt64](repeating: 0, count: words)
        result += shiftedLeftBits(limbs, bits, count: limbs.count + 1)
        normalize(&result)
        return result
    }

    static func shiftedRight(_ limbs: [UInt64], by count: Int) -> [UInt64] {
        let words = count / 64, bits = count % 64
        if words >= limbs.count { return [] }
        var result = [UInt64](repeating: 0, count: limbs.count - words)
        for i in result.indices {
            let low = limbs[i + words] >> UInt64(bits)
            let high = bits == 0 || i + words + 1 >= limbs.count ? 0 : limbs[i + words + 1] << UInt64(64 - bits)
            result[i] = low | high
        }
        normalize(&result)
        return result
    }

    /// Whether any of the `count` lowest bits is set.
    static func hasBits(_ limbs: [UInt64], below count: Int) -> Bool {
        let words = min(count / 64, limbs.count), bits = count % 64
        if limbs[0..<words].contains(where: { $0 != 0 }) { return true }
        return words < limbs.count && bits > 0 && limbs[words] & ((1 << UInt64(bits)) - 1) != 0
    }
}
