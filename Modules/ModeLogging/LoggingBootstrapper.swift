public import Logging
import ModeConcurrencyHelpers

/// The one place ``setupLogging(level:file:output:colors:handlers:bootstrapper:)`` installs its handler:
/// it remembers whether it already did, and never replaces a bootstrap someone else made.
///
/// swift-log allows `LoggingSystem.bootstrap` once per process and traps on a second call, and (as of
/// 1.16) does not say publicly whether it was called. So the bootstrapper decides in two steps:
/// 1. It remembers, in its own state, whether ModeLogging installed a handler already.
/// 2. Otherwise it *probes*: it makes a `Logger` and looks at its handler. swift-log's unconfigured default
///    is a `StreamLogHandler` on a standard stream with no metadata provider; anything else (another
///    handler type, a metadata provider, a custom stream) means the application bootstrapped swift-log
///    itself, and the bootstrapper leaves it alone.
///
/// The one bootstrap the probe cannot tell from the default is an application's own
/// `LoggingSystem.bootstrap(StreamLogHandler.standardError)` (or `.standardOutput`) with no metadata
/// provider; calling `setupLogging` after that would trap inside swift-log. An application that bootstraps
/// swift-log itself should simply not call `setupLogging`, or tell a ModeWorker not to.
///
/// ``shared`` is the real one; tests make their own with ``init(probe:install:)`` so they never touch the
/// process-wide logging system.
///
/// Safe to use from any task: its state is behind a lock, and the probe and install closures run
/// outside the lock.
public final class LoggingBootstrapper: Sendable {
    private enum State: Sendable {
        case untouched
        case claimed
        case installed
        case keptExisting
    }

    private let state = Locked(State.untouched)
    private let probe: @Sendable () -> Bool
    private let install: @Sendable (@escaping @Sendable (String, Logger.MetadataProvider?) -> any LogHandler) -> Void

    /// Creates a bootstrapper over custom probe and install steps, for tests.
    ///
    /// - Parameters:
    ///   - probe: Returns `true` when the logging system was already bootstrapped by someone else.
    ///   - install: Installs a handler factory; called at most once.
    public init(
        probe: @escaping @Sendable () -> Bool,
        install:
            @escaping @Sendable (@escaping @Sendable (String, Logger.MetadataProvider?) -> any LogHandler) ->
            Void
    ) {
        self.probe = probe
        self.install = install
    }

    /// The bootstrapper over swift-log's process-wide `LoggingSystem`.
    public static let shared = LoggingBootstrapper(
        probe: { LoggingBootstrapper.swiftLogLooksBootstrapped() },
        install: { factory in LoggingSystem.bootstrap(factory, metadataProvider: nil) }
    )

    /// Installs `factory` unless a handler is already installed, by ModeLogging or by anyone else.
    ///
    /// - Parameter factory: Makes the handler for each logger label.
    /// - Returns: What happened.
    public func bootstrap(
        _ factory: @escaping @Sendable (String, Logger.MetadataProvider?) -> any LogHandler
    ) -> LoggingSetupOutcome {
        let previous: State = self.state.withLock { state in
            let previous = state
            if case .untouched = state { state = .claimed }
            return previous
        }
        switch previous {
        case .installed, .claimed: return .alreadySetUp
        case .keptExisting: return .keptExistingBootstrap
        case .untouched: break
        }
        if self.probe() {
            self.state.withLock { $0 = .keptExisting }
            return .keptExistingBootstrap
        }
        self.install(factory)
        self.state.withLock { $0 = .installed }
        return .installed
    }

    /// Whether swift-log's handler factory looks like something other than its unconfigured default.
    ///
    /// - Returns: `true` when an application bootstrapped swift-log (see the type's discussion for the one
    ///   case it cannot see).
    public static func swiftLogLooksBootstrapped() -> Bool {
        !self.isUnconfiguredDefault(
            Logger(label: "mode.logging.probe").handler,
            metadataProvider: LoggingSystem.metadataProvider
        )
    }

    /// Whether `handler` is what swift-log hands out before anyone bootstraps it.
    ///
    /// That is a `StreamLogHandler` on one of swift-log's standard streams (which flush after every write)
    /// and no metadata provider. Anything it cannot positively identify counts as configured, so the probe
    /// errs towards leaving the logging system alone.
    package static func isUnconfiguredDefault(
        _ handler: any LogHandler,
        metadataProvider: Logger.MetadataProvider?
    ) -> Bool {
        guard metadataProvider == nil, let stream = handler as? StreamLogHandler else { return false }
        for child in Mirror(reflecting: stream).children where child.label == "stream" {
            guard String(describing: type(of: child.value)) == "StdioOutputStream" else { return false }
            for field in Mirror(reflecting: child.value).children where field.label == "flushMode" {
                return "\(field.value)" == "always"
            }
        }
        return false
    }
}

/// What ``setupLogging(level:file:output:colors:handlers:bootstrapper:)`` did.
///
/// A value type; `Sendable`.
public enum LoggingSetupOutcome: Hashable, Sendable {
    /// ModeLogging's handler is now swift-log's handler for every new `Logger`.
    case installed
    /// An earlier `setupLogging` call already installed it; this call changed nothing.
    case alreadySetUp
    /// The application had bootstrapped swift-log itself; its choice stands and this call changed nothing.
    case keptExistingBootstrap
}
