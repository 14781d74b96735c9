/// `body`'s result, or nil after `seconds` (a timeout for a test that would otherwise hang, not a sync sleep).
public func firstResult<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () async -> T?) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
