// The test-double snippets of Docs/ModeTesting.md.
import ModeTesting
import Testing

struct Refused: Error {}

@Suite(.timeLimit(.minutes(1)))
struct DoublesTests {
    @Test func aMockScriptsEachCall() async throws {
        let fetch = AsyncMock<String, Int>(name: "fetch", returning: 0)
        fetch.enqueue(.value(200), .error(Refused()))
        #expect(try await fetch("/a") == 200)
        await #expect(throws: Refused.self) { try await fetch("/b") }
        #expect(fetch.calls == ["/a", "/b"])
    }
}
