// ModeAsyncSeq builds on swift-async-algorithms and returns its types (`AsyncSyncSequence`,
// `AsyncChunksOfCountSequence`). Re-exporting it means `import ModeAsyncSeq` also brings `.async` (Python
// Mode's `aiter` over a synchronous iterable), `chunks(ofCount:)`, `Array(_:)` and the rest into scope.
@_exported public import AsyncAlgorithms
