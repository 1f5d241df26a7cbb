#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines get their wall-clock time, and in which time zone they print it.
///
/// ``localTime`` (the default everywhere) reads the system's real-time clock and prints local time, as the
/// original does. Tests pass a fixed ``Instant`` and ``Zone/utc`` so golden strings do not depend on the
/// machine:
///
/// ```swift
/// let fixed = LogTimeSource(zone: .utc) { .init(secondsSinceEpoch: 1_795_276_032, nanoseconds: 159_000_000) }
/// fixed.timestamp(fixed.now())  // "2026-11-21 15:47:12,159"
/// ```
///
/// A value type; `Sendable`. Its closure is called from whichever task logs.
public struct LogTimeSource: Sendable {
    /// A wall-clock instant: seconds and nanoseconds since 1970-01-01 00:00:00 UTC.
    public struct Instant: Hashable, Sendable {
        /// Whole seconds since the Unix epoch.
        public var secondsSinceEpoch: Int

        /// The fraction of the second, `0..<1_000_000_000`.
        public var nanoseconds: Int

        /// Creates an instant.
        ///
        /// - Parameters:
        ///   - secondsSinceEpoch: Whole seconds since 1970-01-01 00:00:00 UTC.
        ///   - nanoseconds: The fraction of the second in nanoseconds.
        public init(secondsSinceEpoch: Int, nanoseconds: Int = 0) {
            self.secondsSinceEpoch = secondsSinceEpoch
            self.nanoseconds = nanoseconds
        }

        /// The system's real-time clock now (`clock_gettime(CLOCK_REALTIME)`).
        public static func now() -> Instant {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return Instant(secondsSinceEpoch: Int(spec.tv_sec), nanoseconds: Int(spec.tv_nsec))
        }
    }

    /// The time zone a time stamp is printed in.
    public struct Zone: Hashable, Sendable {
        private let isUTC: Bool

        private init(isUTC: Bool) {
            self.isUTC = isUTC
        }

        /// The process's local time zone (`localtime_r`, which honours `TZ`).
        public static let local = Zone(isUTC: false)
        /// Coordinated Universal Time (`gmtime_r`).
        public static let utc = Zone(isUTC: true)

        func brokenDown(_ seconds: Int) -> tm {
            var time = time_t(seconds)
            var parts = tm()
            if self.isUTC {
                gmtime_r(&time, &parts)
            } else {
                localtime_r(&time, &parts)
            }
            return parts
        }
    }

    /// The time zone time stamps print in.
    public let zone: Zone

    /// Returns the current instant.
    public let now: @Sendable () -> Instant

    /// Creates a time source.
    ///
    /// - Parameters:
    ///   - zone: The time zone to print in; local time by default.
    ///   - now: Returns the current instant; the system clock by default.
    public init(zone: Zone = .local, now: @escaping @Sendable () -> Instant = { Instant.now() }) {
        self.zone = zone
        self.now = now
    }

    /// The system clock, printed in local time: the default for every handler and recorder.
    public static let localTime = LogTimeSource()

    /// The system clock, printed in UTC.
    public static let utc = LogTimeSource(zone: .utc)

    /// Formats `instant` as a log line's time stamp, `YYYY-MM-DD HH:MM:SS,mmm` (Python's `asctime` in a
    /// log record).
    ///
    /// - Parameter instant: The instant to format.
    /// - Returns: A string such as `"2026-11-21 15:47:12,159"`.
    public func timestamp(_ instant: Instant) -> String {
        let parts = self.zone.brokenDown(instant.secondsSinceEpoch)
        let millis = instant.nanoseconds / 1_000_000
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2)) "
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)),"
            + pad(millis, 3)
    }

    /// Formats `instant` the way C's `asctime` does, as the flight recorder prints it:
    /// `Thu Apr 19 09:43:45 2018`.
    ///
    /// - Parameter instant: The instant to format.
    /// - Returns: A string such as `"Sat Nov 21 15:47:12 2026"`.
    public func asctime(_ instant: Instant) -> String {
        let parts = self.zone.brokenDown(instant.secondsSinceEpoch)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        let dayOfMonth = parts.tm_mday < 10 ? " \(parts.tm_mday)" : "\(parts.tm_mday)"
        return "\(day) \(month) \(dayOfMonth) \(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):"
            + "\(pad(Int(parts.tm_sec), 2)) \(Int(parts.tm_year) + 1900)"
    }
}

/// `value` in decimal, left-padded with zeros to `width` digits.
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
