// Plain-Swift anchors: the same scenarios as the Mode benchmarks, written with nothing but the standard library's
// concurrency (actors, tasks, closures, a lock around a deque), so each Mode figure has a floor beside it.
// `PlainSwiftAnchors <scenario>` runs one scenario at the sizes BenchmarkSupport reads from the environment and
// appends its figures to MODE_BENCH_RECORD. Scenarios: tree, idle, signals, queue, timers, restart.
import BenchmarkSupport
import DequeModule

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex (the anchors' only lock).
final class PlainLock: @unchecked Sendable {
    // SAFETY: the mutex is allocated once, never moved, and only touched through pthread calls.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        self.mutex = .allocate(capacity: 1)
        self.mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(self.mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(self.mutex)
        self.mutex.deallocate()
    }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return try body()
    }
}

/// A one-shot gate: `wait()` returns once `open()` was called or the waiting task is cancelled.
final class Gate: @unchecked Sendable {
    // SAFETY: `opened` and `waiter` are only read and written under `lock`; the continuation is resumed after
    // the lock is released.
    private let lock = PlainLock()
    private var opened = false
    private var waiter: CheckedContinuation<Void, Never>?

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.lock.withLock { () -> Bool in
                    if self.opened { return true }
                    self.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.open()
        }
    }

    func open() {
        let waiter = self.lock.withLock { () -> CheckedContinuation<Void, Never>? in
            self.opened = true
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume()
    }
}

// MARK: - tree

/// A node of a bare actor tree: a start spawns one task per node (children first), a stop cancels and awaits
/// each node's task, children in reverse order after their parent (Mode's order).
actor PlainNode {
    let children: [PlainNode]
    private var task: Task<Void, Never>?

    init(children: [PlainNode]) { self.children = children }

    func start() async {
        for child in self.children { await child.start() }
        let gate = Gate()
        self.task = Task { await gate.wait() }
    }

    func stop() async {
        if let task = self.task {
            task.cancel()
            await task.value
            self.task = nil
        }
        for child in self.children.reversed() { await child.stop() }
    }
}

func makePlainTree(count: Int) -> PlainNode {
    var nodes = [PlainNode?](repeating: nil, count: count)
    for index in stride(from: count - 1, through: 0, by: -1) {
        let first = index * 10 + 1
        let children = first < count ? (first..<min(first + 10, count)).map { nodes[$0]! } : []
        nodes[index] = PlainNode(children: children)
        for child in first..<max(first, min(first + 10, count)) { nodes[child] = nil }
    }
    return nodes[0]!
}

func runTree() async {
    let clock = ContinuousClock()
    for count in BenchEnvironment.sizes("MODE_BENCH_TREE_SIZES", full: [1_000, 10_000, 100_000], quick: [10, 100]) {
        let iterations = BenchEnvironment.quick ? 1 : (count >= 100_000 ? 5 : 11)
        for _ in 0..<iterations {
            let root = makePlainTree(count: count)
            let began = clock.now
            await root.start()
            let started = clock.now
            await root.stop()
            let stopped = clock.now
            record("tree_start", size: count, value: began.duration(to: started).seconds * 1e6 / Double(count), unit: "us/service")
            record("tree_stop", size: count, value: started.duration(to: stopped).seconds * 1e6 / Double(count), unit: "us/service")
        }
    }
}

// MARK: - idle memory

/// An actor that owns one task waking every second.
actor IdleActor {
    private var task: Task<Void, Never>?
    private var wakeUps = 0

    func start() {
        self.task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                self.woke()
            }
        }
    }

    private func woke() { self.wakeUps += 1 }

    func stop() async {
        self.task?.cancel()
        await self.task?.value
    }
}

func runIdle() async {
    let count = BenchEnvironment.count("MODE_BENCH_IDLE_SERVICES", full: 10_000, quick: 200)
    let warmUp = IdleActor()
    await warmUp.start()
    await warmUp.stop()
    let before = residentBytes()
    let actors = (0..<count).map { _ in IdleActor() }
    for actor in actors { await actor.start() }
    try? await Task.sleep(for: .milliseconds(BenchEnvironment.quick ? 200 : 1500))
    let after = residentBytes()
    record("idle_memory_task_sleep", size: count, value: Double(after - before) / Double(count), unit: "B/service")
    for actor in actors { await actor.stop() }
}

// MARK: - signals

/// Keeps the optimizer from dropping a value.
@inline(never) func consume(_ value: Int) {
    if value == -1 { print("") }
}

func runSignals() async throws {
    let clock = ContinuousClock()
    let calls = BenchEnvironment.count("MODE_BENCH_SIGNAL_CALLS", full: 1_000_000, quick: 1_000)
    for receivers in BenchEnvironment.sizes("MODE_BENCH_SIGNAL_RECEIVERS", full: [1, 10, 1_000], quick: [1, 10]) {
        let sends = max(calls / receivers, 1)
        let asyncClosures: [@Sendable (AnyObject, Int) async throws -> Void] = (0..<receivers).map { _ in
            { _, value in consume(value) }
        }
        let syncClosures: [@Sendable (AnyObject, Int) throws -> Void] = (0..<receivers).map { _ in
            { _, value in consume(value) }
        }
        let sender = PlainLock()
        for _ in 0..<(BenchEnvironment.quick ? 1 : 5) {
            var began = clock.now
            for index in 0..<sends {
                for closure in asyncClosures { try await closure(sender, index) }
            }
            record("signal_async", size: receivers, value: began.duration(to: clock.now).seconds * 1e9 / Double(sends * receivers), unit: "ns/receiver call")
            began = clock.now
            for index in 0..<sends {
                for closure in syncClosures { try closure(sender, index) }
            }
            record("signal_sync", size: receivers, value: began.duration(to: clock.now).seconds * 1e9 / Double(sends * receivers), unit: "ns/receiver call")
        }
    }
}

// MARK: - queue

/// An unbounded single-consumer queue: a deque under a mutex, plus the waiting consumer's continuation.
final class PlainQueue: @unchecked Sendable {
    // SAFETY: `items` and `consumer` are only touched under `lock`; the continuation is resumed outside it.
    private let lock = PlainLock()
    private var items = Deque<Int>()
    private var consumer: CheckedContinuation<Int, Never>?

    func put(_ value: Int) {
        let waiting = self.lock.withLock { () -> CheckedContinuation<Int, Never>? in
            if let consumer = self.consumer {
                self.consumer = nil
                return consumer
            }
            self.items.append(value)
            return nil
        }
        waiting?.resume(returning: value)
    }

    func get() async -> Int {
        if let value = self.lock.withLock({ self.items.popFirst() }) { return value }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let value = self.lock.withLock { () -> Int? in
                if let value = self.items.popFirst() { return value }
                self.consumer = continuation
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}

func runQueue() async {
    let clock = ContinuousClock()
    let items = BenchEnvironment.count("MODE_BENCH_QUEUE_ITEMS", full: 1_000_000, quick: 10_000)
    for _ in 0..<(BenchEnvironment.quick ? 1 : 7) {
        let queue = PlainQueue()
        let began = clock.now
        let sum = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for value in 0..<items {
                    queue.put(value)
                    if value % 64 == 0 { await Task.yield() }
                }
                return 0
            }
            group.addTask {
                var sum = 0
                for _ in 0..<items { sum &+= await queue.get() }
                return sum
            }
            return await group.reduce(0, &+)
        }
        record("queue_unbounded", size: items, value: began.duration(to: clock.now).seconds * 1e9 / Double(items), unit: "ns/item")
        if sum != items * (items - 1) / 2 { fatalError("queue anchor lost items") }
    }
}

// MARK: - timers

func runTimers() async {
    let totalRate = BenchEnvironment.count("MODE_BENCH_TIMER_TICKS_PER_SECOND", full: 100_000, quick: 1_000)
    let window = Duration.milliseconds(BenchEnvironment.count("MODE_BENCH_TIMER_MILLISECONDS", full: 5_000, quick: 300))
    let clock = ContinuousClock()
    for count in BenchEnvironment.sizes("MODE_BENCH_TIMER_SERVICES", full: [100, 1_000, 10_000], quick: [10, 100]) {
        let interval = timerInterval(services: count, totalTicksPerSecond: totalRate)
        let origin = clock.now
        let end = origin + window
        let cpuBefore = cpuSeconds()
        // Each task: (ticks, total lateness in ns). Task j is offset by j/count of an interval (staggered).
        let results = await withTaskGroup(of: (Int, Int64).self) { group in
            for index in 0..<count {
                let offset = interval * index / count
                group.addTask {
                    var ticks = 0
                    var lateness: Int64 = 0
                    var deadline = origin + offset + interval
                    while deadline <= end {
                        try? await Task.sleep(until: deadline, tolerance: nil, clock: clock)
                        let late = deadline.duration(to: clock.now)
                        lateness += Int64(late.seconds * 1e9)
                        ticks += 1
                        deadline = deadline + interval
                    }
                    return (ticks, lateness)
                }
            }
            var ticks = 0
            var lateness: Int64 = 0
            for await (taskTicks, taskLateness) in group {
                ticks += taskTicks
                lateness += taskLateness
            }
            return (ticks, lateness)
        }
        let cpuUsed = cpuSeconds() - cpuBefore
        let expected = Int(window / interval) * count
        record("timers_cpu", size: count, value: cpuUsed * 1e6 / Double(max(results.0, 1)), unit: "us CPU/tick")
        record("timers_cores", size: count, value: cpuUsed / window.seconds, unit: "cores")
        record("timers_delivered", size: count, value: Double(results.0) * 100 / Double(max(expected, 1)), unit: "% of ticks")
        record("timers_mean_late", size: count, value: Double(results.1) / Double(max(results.0, 1)) / 1e6, unit: "ms")
    }
}

// MARK: - restart

/// What a crashing task throws: when it crashed.
struct Crashed: Error {
    let at: ContinuousClock.Instant
}

func runRestart() async {
    let cycles = BenchEnvironment.count("MODE_BENCH_RESTART_CYCLES", full: 1_000, quick: 20)
    let clock = ContinuousClock()
    let (starts, continuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
    var iterator = starts.makeAsyncIterator()
    func incarnation(_ gate: Gate) -> Task<Void, any Error> {
        Task {
            continuation.yield(clock.now)
            await gate.wait()
            throw Crashed(at: clock.now)
        }
    }
    for _ in 0..<(BenchEnvironment.quick ? 1 : 5) {
        var gate = Gate()
        var task = incarnation(gate)
        _ = await iterator.next()
        var samples: [Double] = []
        for _ in 0..<cycles {
            gate.open()
            do {
                try await task.value
            } catch let crash as Crashed {
                // The "supervisor": it sees the failure and starts a new incarnation.
                gate = Gate()
                task = incarnation(gate)
                guard let started = await iterator.next() else { break }
                samples.append(crash.at.duration(to: started).seconds * 1e6)
            } catch {}
        }
        task.cancel()
        _ = try? await task.value
        record("restart_median", size: cycles, value: median(samples), unit: "us")
    }
}

// MARK: - main

let scenario = CommandLine.arguments.dropFirst().first ?? ""
switch scenario {
case "tree": await runTree()
case "idle": await runIdle()
case "signals": try await runSignals()
case "queue": await runQueue()
case "timers": await runTimers()
case "restart": await runRestart()
default:
    print("usage: PlainSwiftAnchors tree|idle|signals|queue|timers|restart")
    exit(2)
}
