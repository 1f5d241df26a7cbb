/// A non-negative decimal number read from text exactly, as `digits × 10^exponent`, plus what follows it.
///
/// Internal to the duration and rate parsers. It accepts `12`, `1.5`, `.5`, `1.`, `1e3`, `2.5E-3`, with no
/// sign, no hex, no `inf`/`nan` and no digit separators; whatever follows the number is returned as
/// ``unit`` (leading spaces removed) for the caller to judge.
struct DecimalText: Sendable {
    /// The significant digits, capped at 36 of them (the rest only move ``exponent`` or are dropped).
    var digits: Int128
    /// The power of ten that `digits` is scaled by.
    var exponent: Int
    /// The text after the number, with leading spaces removed.
    var unit: Substring

    /// The outcome of reading a number.
    enum Failure: Error {
        case empty
        case negative
        case invalidNumber
        case notFinite
    }

    /// Reads a number at the start of `text` (after trimming surrounding whitespace).
    ///
    /// - Throws: ``Failure`` saying why the text is not a non-negative decimal number.
    static func read(_ text: String) throws(Failure) -> DecimalText {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty { throw .empty }
        var scalars = trimmed.unicodeScalars[...]
        if scalars.first == "-" { throw .negative }
        if scalars.first == "+" { scalars = scalars.dropFirst() }
        let lowered = String(scalars).lowercased()
        if lowered.hasPrefix("inf") || lowered.hasPrefix("nan") { throw .notFinite }

        var digits: Int128 = 0
        var exponent = 0
        var sawDigit = false
        var sawPoint = false
        let cap: Int128 = 100_000_000_000_000_000_000_000_000_000_000_000  // 10^35
        while let scalar = scalars.first {
            if let value = scalar.asciiDigit {
                sawDigit = true
                if digits < cap {
                    digits = digits * 10 + Int128(value)
                    if sawPoint { exponent -= 1 }
                } else if !sawPoint {
                    exponent += 1
                }
            } else if scalar == ".", !sawPoint {
                sawPoint = true
            } else {
                break
            }
            scalars = scalars.dropFirst()
        }
        guard sawDigit else { throw .invalidNumber }

        if let marker = scalars.first, marker == "e" || marker == "E" {
            var rest = scalars.dropFirst()
            var negativeExponent = false
            if rest.first == "-" || rest.first == "+" {
                negativeExponent = rest.first == "-"
                rest = rest.dropFirst()
            }
            var value = 0
            var sawExponentDigit = false
            while let scalar = rest.first, let digit = scalar.asciiDigit {
                sawExponentDigit = true
                value = min(value * 10 + digit, 100_000)
                rest = rest.dropFirst()
            }
            // "5e" or "5e-" is garbage; "5em" would be a unit starting with "e": none exists, so also garbage.
            guard sawExponentDigit else { throw .invalidNumber }
            exponent += negativeExponent ? -value : value
            scalars = rest
        }
        let unit = Substring(String(scalars)).drop { $0 == " " || $0 == "\t" }
        return DecimalText(digits: digits, exponent: exponent, unit: unit)
    }

    /// The number as a `Double` (rounded to the nearest one).
    var doubleValue: Double {
        // Both factors are exact or correctly rounded, so the product is within an ulp or two.
        let significand = Double(self.digits)
        if self.exponent >= 0 { return significand * Self.powerOfTen(self.exponent) }
        return significand / Self.powerOfTen(-self.exponent)
    }

    private static func powerOfTen(_ power: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var remaining = power
        while remaining > 0 {
            if remaining & 1 == 1 { result *= base }
            base *= base
            remaining >>= 1
        }
        return result
    }

    /// `digits × 10^(exponent + extraPowerOfTen) × factor`, truncated to an integer, or `nil` when it does not
    /// fit in `limit`.
    func scaled(byPowerOfTen extraPowerOfTen: Int, factor: Int128, limit: Int128) -> Int128? {
        if self.digits == 0 { return 0 }
        var value = self.digits
        let power = self.exponent + extraPowerOfTen
        if power < 0 {
            // Dividing by more than 10^38 leaves nothing of an Int128.
            if power < -38 { return 0 }
            for _ in 0 ..< -power { value /= 10 }
            // Multiplying after the division loses at most `factor` attoseconds: far below any clock's resolution.
        } else {
            if power > 38 { return nil }
            for _ in 0..<power {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow || next > limit { return nil }
                value = next
            }
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        if overflow || product > limit { return nil }
        return product
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Foundation-free).
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}

extension Unicode.Scalar {
    /// The value of an ASCII digit `0`–`9`, or `nil` for any other scalar.
    var asciiDigit: Int? {
        guard self.value >= 48 && self.value <= 57 else { return nil }
        return Int(self.value - 48)
    }
}
