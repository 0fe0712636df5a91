/// Facts about this build of the harness, recorded in every manifest and run.
public enum Harness {
    /// The harness version (semantic versioning).
    public static let version = "0.2.0"
}
