// Text for numbers: fixed-point decimals (Double>>asString for whole numbers,
// the --gc-statistics report) and the blanks around an Integer's text.
//
// Fixed-point text is C's printf `%.Nf` (vsnprintf), exactly rounded from the
// binary value; the VM does not use Foundation.
#if canImport(Glibc)
import Glibc
#endif

enum NumberText {
    /// `value` with `digits` digits after the point, as printf's `%.<digits>f`: `-0.0` for
    /// negative zero, `1234.0`, `0.12` for 0.125 (a tie goes to even).
    static func fixed(_ value: Double, digits: Int) -> String {
        let format = "%.\(digits)f"
        func printed(capacity: Int) -> (text: [UInt8], length: Int) {
            var buffer = [CChar](repeating: 0, count: capacity)
            let length = withVaList([value]) { arguments in
                buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, format, arguments) }
            }
            return (buffer.prefix(max(0, min(Int(length), capacity - 1))).map { UInt8(bitPattern: $0) }, Int(length))
        }
        var result = printed(capacity: 64)
        if result.length >= 64 { result = printed(capacity: result.length + 1) }
        return String(decoding: result.text, as: UTF8.self)
    }

    /// `text` without the blanks at either end: tabs and the space separators (Unicode's Zs:
    /// the space, the no-break space, ...); line breaks stay.
    static func trimmingBlanks(_ text: String) -> Substring {
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == "\t" || s.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return Substring(scalars[first...last])
    }
}
