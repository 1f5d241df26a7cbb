// The umbrella module: `import Mode` brings every Mode module but ModeTesting (which belongs in test targets).
// It holds no code of its own; depend on single modules instead when you want less.
@_exported public import ModeAsyncSeq
@_exported public import ModeCollections
@_exported public import ModeCore
@_exported public import ModeErrors
@_exported public import ModeLogging
@_exported public import ModeQueues
@_exported public import ModeSignals
@_exported public import ModeSupervisors
@_exported public import ModeTime
@_exported public import ModeWorker

// `Service` means Mode's protocol in a file that imports Mode, even when the file also imports
// swift-service-lifecycle (whose protocol has the same name; name that one `ServiceLifecycle.Service`).
// A name imported on its own, as this scoped re-export does, takes precedence over the same name brought in
// by a whole-module import. See "Mode's Service and swift-service-lifecycle's Service" in
// Docs/MigratingFromPython.md.
@_exported public import protocol ModeCore.Service
