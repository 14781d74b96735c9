import HookConfig

extension SinkFilter {
    /// This filter narrowed to `recordTypes`: the intersection with the filter's own `recordTypes` when
    /// both are set (possibly empty, which then accepts nothing), else `recordTypes` alone.
    /// - Parameter recordTypes: The record types the sink can handle at all.
    public func restricted(toRecordTypes recordTypes: [Int]) -> SinkFilter {
        var filter = self
        if let own = self.recordTypes {
            filter.recordTypes = own.filter { recordTypes.contains($0) }
        } else {
            filter.recordTypes = recordTypes
        }
        return filter
    }
}

extension SinkConfig {
    /// The filter the forwarder applies to this sink: the configured `filter`, and for an alert webhook
    /// also its `recordTypes`, so that only alert records reach it.
    public var effectiveFilter: SinkFilter {
        if case .alertWebhook(let alert) = self.kind {
            return self.filter.restricted(toRecordTypes: alert.recordTypes)
        }
        return self.filter
    }
}
