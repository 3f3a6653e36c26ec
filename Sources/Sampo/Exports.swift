// `import Sampo` brings in the whole library, as `import Numerics` does for swift-numerics.
@_exported import SampoCore
@_exported import SampoDiagnostics
@_exported import SampoFiles
@_exported import SampoRuns
@_exported import SampoStan
