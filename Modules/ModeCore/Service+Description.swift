extension Service {
    /// `<Label: state>`, as the original prints a service: `<Webserver: running>`.
    ///
    /// Every service reads this way in string interpolation, `print` and log lines. The default is
    /// `nonisolated` and reads the runtime's state under its lock, so it is safe from any task.
    public var description: String { "<\(self.label): \(self.state)>" }
}
