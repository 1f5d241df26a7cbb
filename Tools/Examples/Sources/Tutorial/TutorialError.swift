/// An error of the tutorial program, with what went wrong.
struct TutorialError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
