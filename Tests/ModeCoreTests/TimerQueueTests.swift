import ModeCore
import Testing

/// The timer scheduler's queue: exact deadline order (then arrival) whatever bucket or heap an element sits in.
@Suite struct TimerQueueTests {
    typealias Entry = TimerScheduler.Entry

    /// Takes every element out, in order.
    private func drain(_ queue: inout TimerQueue) -> [Entry] {
        var taken: [Entry] = []
        while let entry = queue.removeFirst() { taken.append(entry) }
        return taken
    }

    @Test func emptyQueueHasNoFirst() {
        var queue = TimerQueue()
        #expect(queue.first() == nil)
        #expect(queue.removeFirst() == nil)
        #expect(queue.count == 0)
    }

    @Test(arguments: [
        // Within one bucket, across buckets, beyond the buckets (seconds to centuries), and the extremes.
        [Duration.zero, .nanoseconds(1), .nanoseconds(2), .microseconds(500)],
        [.milliseconds(3), .milliseconds(1), .milliseconds(2), .milliseconds(900), .seconds(4), .zero],
        [.seconds(60), .seconds(10), .seconds(3_600 * 24 * 365 * 100), .milliseconds(5), .seconds(5)],
        [.seconds(Int64.max), .seconds(-5), .zero, .seconds(Int64.min), .seconds(Int64.max) - .nanoseconds(1)],
    ])
    func takesElementsInDeadlineOrder(deadlines: [Duration]) {
        var queue = TimerQueue()
        for (index, deadline) in deadlines.enumerated() {
            queue.insert(Entry(deadline: deadline, generation: UInt64(index), slot: index))
        }
        #expect(queue.count == deadlines.count)
        #expect(self.drain(&queue).map(\.deadline) == deadlines.sorted())
        #expect(queue.count == 0)
    }

    @Test func equalDeadlinesComeInArrivalOrder() {
        var queue = TimerQueue()
        for generation in [UInt64(5), 1, 3, 2, 4] {
            queue.insert(Entry(deadline: .milliseconds(7), generation: generation, slot: 0))
        }
        #expect(self.drain(&queue).map(\.generation) == [1, 2, 3, 4, 5])
    }

    /// Elements inserted while others are taken (a timer re-arming), earlier than the bucket being taken from
    /// included, still come out in order.
    @Test func interleavedInsertsKeepTheOrder() {
        var queue = TimerQueue()
        var generator = SplitMix(seed: 42)
        var generation: UInt64 = 0
        var now = Duration.seconds(1_000)
        for slot in 0..<2_000 {
            generation += 1
            let offset = Duration.nanoseconds(Int64(generator.next() % 200_000_000))
            queue.insert(Entry(deadline: now + offset, generation: generation, slot: slot))
        }
        var last = Duration.zero
        var taken = 0
        for _ in 0..<500 {
            now += .milliseconds(1)
            while let first = queue.first(), first.deadline <= now {
                queue.removeFirst()
                #expect(first.deadline >= last)
                last = first.deadline
                taken += 1
                // Re-arm: mostly one interval ahead, sometimes already due (a late timer), sometimes far out.
                generation += 1
                let roll = generator.next() % 10
                let next =
                    roll == 0 ? now : roll == 1 ? now + .seconds(30) : first.deadline + .milliseconds(100)
                queue.insert(Entry(deadline: next, generation: generation, slot: first.slot))
            }
        }
        #expect(taken > 2_000)
        #expect(queue.count == 2_000)
    }

    /// Timers re-arming one interval ahead keep the heap of first elements to about one bucket's worth.
    @Test func theHeapOfFirstElementsStaysSmall() {
        var queue = TimerQueue()
        let interval = Duration.milliseconds(100)
        var generation: UInt64 = 0
        let start = Duration.seconds(1_000)
        for slot in 0..<10_000 {
            generation += 1
            queue.insert(Entry(deadline: start + interval * (Double(slot) / 10_000), generation: generation, slot: slot))
        }
        var now = start
        var largest = 0
        for _ in 0..<300 {
            now += .milliseconds(1)
            while let first = queue.first(), first.deadline <= now {
                queue.removeFirst()
                generation += 1
                queue.insert(Entry(deadline: first.deadline + interval, generation: generation, slot: first.slot))
            }
            largest = max(largest, queue.nearCount)
        }
        // 10,000 timers over 100 ms: about 113 per bucket of 1.13 ms.
        #expect(largest < 300)
        #expect(queue.count == 10_000)
    }

    @Test func filterKeepsTheRestInOrder() {
        var queue = TimerQueue()
        let deadlines: [Duration] = [.seconds(100), .milliseconds(1), .milliseconds(2), .seconds(1), .zero]
        for (index, deadline) in deadlines.enumerated() {
            queue.insert(Entry(deadline: deadline, generation: UInt64(index), slot: index))
        }
        _ = queue.first()  // moves a bucket into the heap of first elements
        queue.filter { $0.slot % 2 == 0 }
        #expect(queue.count == 3)
        #expect(self.drain(&queue).map(\.deadline) == [.zero, .milliseconds(2), .seconds(100)])
    }
}

/// A small deterministic generator for the tests above.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// What the driver prefetches for a sleeper: bounded whatever it is asked.
@Suite struct TimerSchedulerPrefetchTests {
    @Test func prefetchCountsLinesAndIgnoresWhatIsTooMuch() {
        let object = TimerMonitor()
        var prefetch = TimerScheduler.Prefetch()
        prefetch.add(object, bytes: 64)  // one line
        prefetch.add(object, bytes: 65)  // two
        prefetch.add(object, bytes: 0)  // none
        prefetch.add(object, bytes: -1)  // none: negative counts as zero
        prefetch.add(object, bytes: 640)  // a fifth stretch: ignored
        #expect(prefetch.lineCount == 3)

        var huge = TimerScheduler.Prefetch()
        huge.add(object, bytes: Int.max)  // capped, never billions of lines
        #expect(huge.lineCount == 64)
    }
}
