#!/usr/bin/env python3
"""The Mode for Swift benchmark scenarios, run on Python's Mode (PyPI: mode-streaming 0.7.1).

    python mode_peer.py tree|idle|restart|signals|queue|timers

Sizes come from the same environment variables the Swift targets read (MODE_BENCH_QUICK=1 for tiny ones,
MODE_BENCH_TREE_SIZES=1000,10000 and so on); each measurement is appended as a JSON line to the file named by
MODE_BENCH_RECORD (printed to stdout when unset). compare.py runs this in a virtual environment it makes.
"""

import asyncio
import gc
import json
import logging
import os
import resource
import statistics
import sys
import time

QUICK = os.environ.get("MODE_BENCH_QUICK") == "1"


def sizes(name, full, quick):
    raw = os.environ.get(name)
    if raw:
        values = [int(part) for part in raw.split(",") if part.strip()]
        values = [value for value in values if value > 0]
        if values:
            return values
    return quick if QUICK else full


def count(name, full, quick):
    return sizes(name, [full], [quick])[0]


def record(figure, size, value, unit):
    line = json.dumps({"figure": figure, "size": size, "value": value, "unit": unit})
    path = os.environ.get("MODE_BENCH_RECORD")
    if path:
        with open(path, "a") as sink:
            sink.write(line + "\n")
    else:
        print(line)


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def expect(condition, what):
    if not condition:
        raise SystemExit(f"mode_peer.py: check failed: {what}")


# tree: a complete tree with fan-out 10 (node i's parent is (i - 1) // 10), started and stopped at the root.
async def tree():
    from mode import Service

    class Node(Service):
        def __init__(self):
            self.kids = []
            super().__init__()

        def on_init_dependencies(self):
            return self.kids

    for n in sizes("MODE_BENCH_TREE_SIZES", [1_000, 10_000, 100_000], [10, 100]):
        runs = 1 if QUICK or n >= 100_000 else 3
        for _ in range(runs):
            nodes = [Node() for _ in range(n)]
            for index in range(1, n):
                nodes[(index - 1) // 10].kids.append(nodes[index])
            began = time.perf_counter()
            await nodes[0].start()
            started = time.perf_counter()
            await nodes[0].stop()
            stopped = time.perf_counter()
            expect(all(node.should_stop for node in nodes), "every node stopped")
            record("tree_start", n, (started - began) / n * 1e6, "us/service")
            record("tree_stop", n, (stopped - started) / n * 1e6, "us/service")
            del nodes
            gc.collect()


# idle: N started services, each with one task looping on Service.sleep(1.0); resident memory per service.
async def idle():
    from mode import Service

    class Idle(Service):
        @Service.task
        async def _idle(self):
            while not self.should_stop:
                await self.sleep(1.0)

    n = count("MODE_BENCH_IDLE_SERVICES", 10_000, 200)
    warm = Idle()
    await warm.start()
    await asyncio.sleep(0)
    await warm.stop()
    del warm
    gc.collect()
    before = resident_bytes()
    services = [Idle() for _ in range(n)]
    for service in services:
        await service.start()
    await asyncio.sleep(0.3 if QUICK else 2.5)
    gc.collect()
    after = resident_bytes()
    record("idle_memory_service_sleep", n, (after - before) / n, "B/service")
    await asyncio.gather(*(service.stop() for service in services))


# restart: a one-for-one supervisor restarting a child whose task raises on demand; crash -> next on_started.
class Boom(Exception):
    pass


async def restart():
    from mode import OneForOneSupervisor, Service

    loop = asyncio.get_running_loop()
    state = {"crashed_at": 0.0, "started": None}

    class Crashy(Service):
        async def on_start(self):
            self.trigger = loop.create_future()

        async def on_started(self):
            waiter = state["started"]
            if waiter is not None and not waiter.done():
                waiter.set_result(time.perf_counter())

        @Service.task
        async def _work(self):
            await self.trigger
            state["crashed_at"] = time.perf_counter()
            raise Boom()

    cycles = count("MODE_BENCH_RESTART_CYCLES", 1_000, 20)
    child = Crashy()
    supervisor = OneForOneSupervisor(max_restarts=1e9, over=1.0)
    supervisor.add(child)  # sets child.supervisor; passing it to the constructor does not
    await supervisor.start()
    await asyncio.sleep(0.01)
    samples = []
    for _ in range(cycles):
        state["started"] = loop.create_future()
        child.trigger.set_result(None)
        started_at = await asyncio.wait_for(state["started"], 10)
        samples.append((started_at - state["crashed_at"]) * 1e6)
    expect(child.restart_count == cycles, f"restarts {child.restart_count} == {cycles}")
    await supervisor.stop()
    record("restart_median", cycles, statistics.median(samples), "us")
    samples.sort()
    record("restart_p99", cycles, samples[min(len(samples) - 1, int(len(samples) * 0.99))], "us")


# signals: Signal (async receivers) and SyncSignal with R receivers; cost per receiver call.
async def signals():
    from mode import Signal, SyncSignal

    calls = count("MODE_BENCH_PYTHON_SIGNAL_CALLS", 100_000, 1_000)
    sender = object()
    for receivers in sizes("MODE_BENCH_SIGNAL_RECEIVERS", [1, 10, 1_000], [1, 10]):
        sends = max(calls // receivers, 1)
        hits = [0]

        def make_async():
            async def receiver(sender, value, **kwargs):
                hits[0] += 1

            return receiver

        def make_sync():
            def receiver(sender, value, **kwargs):
                hits[0] += 1

            return receiver

        async_signal = Signal(name="bench")
        async_receivers = [make_async() for _ in range(receivers)]  # distinct functions: receivers are a set
        for receiver in async_receivers:
            async_signal.connect(receiver)
        sync_signal = SyncSignal(name="bench_sync")
        sync_receivers = [make_sync() for _ in range(receivers)]
        for receiver in sync_receivers:
            sync_signal.connect(receiver)
        for _ in range(1 if QUICK else 3):
            hits[0] = 0
            began = time.perf_counter()
            for index in range(sends):
                await async_signal.send(sender, index)
            elapsed = time.perf_counter() - began
            expect(hits[0] == sends * receivers, "every async receiver called")
            record("signal_async", receivers, elapsed / (sends * receivers) * 1e9, "ns/receiver call")
            hits[0] = 0
            began = time.perf_counter()
            for index in range(sends):
                sync_signal.send(sender, index)
            elapsed = time.perf_counter() - began
            expect(hits[0] == sends * receivers, "every sync receiver called")
            record("signal_sync", receivers, elapsed / (sends * receivers) * 1e9, "ns/receiver call")


# queue: one producer task and one consumer task through FlowControlQueue, bounded (1000) and unbounded.
async def queue():
    from mode.utils.queues import FlowControlEvent, FlowControlQueue

    items = count("MODE_BENCH_QUEUE_ITEMS", 1_000_000, 10_000)

    async def transfer(q, n):
        async def produce():
            for value in range(n):
                await q.put(value)

        async def consume():
            total = 0
            for _ in range(n):
                total += await q.get()
            return total

        producer = asyncio.ensure_future(produce())
        total = await consume()
        await producer
        expect(total == n * (n - 1) // 2, "every item arrived")

    for figure, maxsize in (("queue_bounded", 1_000), ("queue_unbounded", 0)):
        for _ in range(1 if QUICK else 2):
            event = FlowControlEvent()
            event.resume()  # a FlowControlEvent starts suspended
            q = FlowControlQueue(maxsize=maxsize, flow_control=event)
            began = time.perf_counter()
            await transfer(q, items)
            record(figure, items, (time.perf_counter() - began) / items * 1e9, "ns/item")


# timers: N services with one timer each, N x rate = the same total ticks per second at every N.
async def timers():
    from mode import Service

    total_rate = count("MODE_BENCH_TIMER_TICKS_PER_SECOND", 100_000, 1_000)
    window = count("MODE_BENCH_TIMER_MILLISECONDS", 5_000, 300) / 1000
    for n in sizes("MODE_BENCH_TIMER_SERVICES", [100, 1_000, 10_000], [10, 100]):
        interval = n / total_rate

        class Ticker(Service):
            def __post_init__(self):
                self.ticks = 0

            @Service.timer(interval)
            async def _tick(self):
                self.ticks += 1

        services = [Ticker() for _ in range(n)]
        for service in services:
            await service.start()
        cpu_before = cpu_seconds()
        await asyncio.sleep(window)
        cpu_used = cpu_seconds() - cpu_before
        delivered = sum(service.ticks for service in services)
        await asyncio.gather(*(service.stop() for service in services))
        expected = int(window / interval + 1e-9) * n
        record("timers_cpu", n, cpu_used * 1e6 / max(delivered, 1), "us CPU/tick")
        record("timers_cores", n, cpu_used / window, "cores")
        record("timers_delivered", n, delivered * 100 / max(expected, 1), "% of ticks")
        del services
        gc.collect()


SCENARIOS = {
    "tree": tree,
    "idle": idle,
    "restart": restart,
    "signals": signals,
    "queue": queue,
    "timers": timers,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        raise SystemExit("usage: mode_peer.py " + "|".join(SCENARIOS))
    # As the Python baseline: records at WARNING and above are made but written nowhere.
    logging.basicConfig(level=logging.WARNING, handlers=[logging.NullHandler()])
    asyncio.run(SCENARIOS[sys.argv[1]]())
