import ArgumentParser

/// What an option value should have been, thrown by the parsers of typed options (`StartChoice`,
/// `Toggle`, `Probabilities`): ArgumentParser's message names the flag and the value ("The value
/// 'x' is invalid for '--init <init>': …"), this says what was expected.
struct ExpectedValue: Error, CustomStringConvertible {
    let description: String
}
