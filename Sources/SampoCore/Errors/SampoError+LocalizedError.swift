import Foundation

// Foundation's routes (`localizedDescription`, `String(describing:)` of an `Error`) show the
// message, not "The operation could not be completed".
extension SampoError: LocalizedError {
    public var errorDescription: String? { description }
}
