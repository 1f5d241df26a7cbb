import ModeTime
import Testing

@Suite struct TimerJitterTests {
    @Test func defaultIsFivePercentCappedAtOneSecond() {
        #expect(TimerJitter.default.maximum(for: .milliseconds(10)) == .microseconds(500))
        #expect(TimerJitter.default.maximum(for: .seconds(10)) == .milliseconds(500))
        #expect(TimerJitter.default.maximum(for: .seconds(60)) == .seconds(1))
        #expect(TimerJitter.default.maximum(for: .zero) == .zero)
    }

    @Test func noneNeverDelays() {
        #expect(TimerJitter.none.delay(for: .seconds(10)) == .zero)
        #expect(TimerJitter.upTo(.seconds(-1)).delay(for: .seconds(10)) == .zero)
        #expect(TimerJitter.fraction(.nan, cap: .seconds(1)).maximum(for: .seconds(10)) == .zero)
    }

    @Test func seededDrawsAreReproducibleAndBounded() {
        let jitter = TimerJitter.upTo(.milliseconds(100), seed: 42)
        let first = jitter.delay(for: .seconds(1))
        #expect(first == jitter.delay(for: .seconds(1)))
        #expect(first >= .zero && first <= .milliseconds(100))
        let draws = Set((0..<20).map { TimerJitter.upTo(.milliseconds(100), seed: $0).delay(for: .seconds(1)) })
        #expect(draws.count > 10)
        #expect(draws.allSatisfy { $0 >= .zero && $0 <= .milliseconds(100) })
    }

    @Test func unseededDrawsStayWithinTheBound() {
        for _ in 0..<100 {
            let delay = TimerJitter.fraction(0.5, cap: .seconds(10)).delay(for: .seconds(2))
            #expect(delay >= .zero && delay <= .seconds(1))
        }
    }
}
