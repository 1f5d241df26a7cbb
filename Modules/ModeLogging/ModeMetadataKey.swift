/// The metadata keys through which ModeCore tells ``ModeLogHandler`` which service wrote a line.
///
/// A service's logger carries both keys on every line. The handler turns them into the original's prefix
/// `[^--Webserver]: ` (one `-` per level below the root) and leaves them out of the trailing metadata.
///
/// ```swift
/// var logger = Logger(label: "app")
/// logger[metadataKey: ModeMetadataKey.service] = "Webserver"
/// logger[metadataKey: ModeMetadataKey.depth] = "3"
/// logger.info("Starting...")  // [2026-11-21 15:47:12,159: INFO]: [^--Webserver]: Starting...
/// ```
///
/// Not instantiable; its members are constants, safe to read from any task.
public enum ModeMetadataKey {
    /// The service's short label, as `.string("Webserver")`.
    public static let service = "mode.service"

    /// The service's depth in the service tree as a decimal string, the root being `"1"`.
    public static let depth = "mode.depth"
}
