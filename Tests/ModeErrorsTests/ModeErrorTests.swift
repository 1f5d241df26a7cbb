import ModeErrors
import Testing

/// A module's error as Mode declares them: a struct with its codes in an extension of `ModeErrorCode`.
private struct SampleError: ModeError {
    typealias Code = ModeErrorCode<SampleError>
    let code: Code
    let message: String
}

extension ModeErrorCode where Domain == SampleError {
    static var first: Self { Self("first") }
    static var second: Self { Self("second") }
}

/// One that carries an underlying error, as ServiceError and SupervisorError do.
private struct WrappingError: ModeError {
    typealias Code = ModeErrorCode<WrappingError>
    let code: Code
    let message: String
    let underlying: (any Error)?
}

extension ModeErrorCode where Domain == WrappingError {
    static var crashed: Self { Self("crashed") }
}

private struct Cause: Error, CustomStringConvertible {
    var description: String { "disk full" }
}

struct ModeErrorTests {
    @Test func equalityAndHashingLookAtTheCodeOnly() {
        let one = SampleError(code: .first, message: "one")
        let other = SampleError(code: .first, message: "another message")
        let second = SampleError(code: .second, message: "one")
        #expect(one == other)
        #expect(one != second)
        #expect(Set([one, other, second]).count == 2)
        #expect(one.hashValue == other.hashValue)
    }

    @Test func aCodeIsItsName() {
        #expect(SampleError.Code.first.description == "first")
        #expect(SampleError.Code.second.name == "second")
        #expect(SampleError.Code.first != .second)
    }

    @Test func codesSwitchLikeCases() {
        func label(_ code: SampleError.Code) -> String {
            switch code {
            case .first: "1"
            case .second: "2"
            default: "?"
            }
        }
        #expect(label(.first) == "1")
        #expect(label(.second) == "2")
    }

    @Test func theDescriptionIsTheMessageWithTheUnderlyingError() {
        let plain = SampleError(code: .first, message: "the cache limit is 0; pass 1 or more")
        #expect(plain.description == "the cache limit is 0; pass 1 or more")
        #expect(plain.underlying == nil)
        let wrapped = WrappingError(code: .crashed, message: "db crashed", underlying: Cause())
        #expect(wrapped.description == "db crashed (underlying error: disk full)")
        let bare = WrappingError(code: .crashed, message: "db crashed", underlying: nil)
        #expect(bare.description == "db crashed")
    }

    @Test func theQualifiedDescriptionNamesTheTypeAndCode() {
        let error = SampleError(code: .second, message: "try again")
        #expect(error.qualifiedDescription == "SampleError.second: try again")
    }

    @Test func anyModeErrorCatchesEveryModule() {
        let errors: [any Error] = [
            SampleError(code: .first, message: "a"), WrappingError(code: .crashed, message: "b", underlying: nil),
        ]
        let messages = errors.compactMap { ($0 as? any ModeError)?.message }
        #expect(messages == ["a", "b"])
    }
}
