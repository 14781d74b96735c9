import Foundation

/// What to publish: generated records, or exact records given by a test.
public struct PublishRequest: Sendable {
    public var tenant: String
    public var contentType: SimContentType
    /// Blobs to generate (ignored when `exactBlobs` is set).
    public var blobCount: Int
    /// Records per generated blob; nil draws from the settings' min ... max.
    public var recordsPerBlob: Int?
    /// One entry per blob, each a list of encoded records, used verbatim.
    public var exactBlobs: [[[UInt8]]]?
    /// How long ago the blobs became available (to test windows and expiry).
    public var ageSeconds: Double
    /// Whether to notify the webhook (the never-notify probability still applies).
    public var notify: Bool

    public init(tenant: String, contentType: SimContentType, blobCount: Int = 1, recordsPerBlob: Int? = nil,
                exactBlobs: [[[UInt8]]]? = nil, ageSeconds: Double = 0, notify: Bool = true) {
        self.tenant = tenant.lowercased()
        self.contentType = contentType
        self.blobCount = blobCount
        self.recordsPerBlob = recordsPerBlob
        self.exactBlobs = exactBlobs
        self.ageSeconds = ageSeconds
        self.notify = notify
    }
}

/// The listing fields of a blob (`/content` element, notification element).
struct BlobListing: Sendable {
    var tenant: String
    var contentType: SimContentType
    var contentId: String
    var created: Date
    var expiration: Date
    var recordCount: Int

    func contentUri(base: String) -> String { "\(base)/api/v1.0/\(self.tenant)/activity/feed/audit/\(self.contentId)" }

    /// `{contentType, contentId, contentUri, contentCreated, contentExpiration}` (§6.1).
    func fields(base: String) -> [(String, JSONOutput)] {
        [("contentType", .string(self.contentType.rawValue)), ("contentId", .string(self.contentId)),
         ("contentUri", .string(self.contentUri(base: base))), ("contentCreated", .string(SimTime.iso(self.created))),
         ("contentExpiration", .string(SimTime.iso(self.expiration)))]
    }
}

extension SimulatorState {
    /// Makes blobs available. Content for a subscription that is missing or stopped is lost, as
    /// the API loses what becomes available while stopped (§3.2); it is counted as dropped.
    func publish(_ request: PublishRequest) -> (published: [BlobListing], dropped: Int) {
        let key = SubscriptionKey(tenant: request.tenant, contentType: request.contentType)
        let count = request.exactBlobs?.count ?? request.blobCount
        let prepared = self.withStore { store -> (SimulatorSettings, UInt64, [[UInt8]])? in
            guard store.subscriptions[key]?.status == .enabled else {
                store.counters.blobsDropped += count
                return nil
            }
            return (store.settings, store.random.next(), store.recentRecords[key] ?? [])
        }
        guard let (settings, seed, initialRecent) = prepared else { return ([], count) }
        let now = self.clock.now.addingTimeInterval(-request.ageSeconds)
        var generator = ContentGenerator(settings: settings, tenant: request.tenant, random: SimRandom(seed: seed))
        var recent = initialRecent
        var made: [(body: [UInt8], records: Int, created: Date)] = []
        // Rendering happens outside the lock: a 100,000-record blob takes a while.
        for index in 0..<count {
            var created = now
            if generator.random.chance(settings.outOfOrderRate) {
                created = now.addingTimeInterval(-Double(generator.random.int(1...900)))
            }
            if let exact = request.exactBlobs?[index] {
                var body: [UInt8] = [UInt8(ascii: "[")]
                for (position, record) in exact.enumerated() {
                    if position > 0 { body.append(UInt8(ascii: ",")) }
                    body.append(contentsOf: record)
                }
                body.append(UInt8(ascii: "]"))
                made.append((body, exact.count, created))
            } else {
                let records = request.recordsPerBlob ?? generator.random.int(settings.minRecordsPerBlob...settings.maxRecordsPerBlob)
                let (body, sample) = generator.blob(request.contentType, count: max(1, records), availableAt: created, recent: recent)
                recent = Array((recent + sample).suffix(64))
                made.append((body, max(1, records), created))
            }
        }
        return self.withStore { store in
            var listings: [BlobListing] = []
            for item in made {
                store.nextSequence += 1
                let sequence = store.nextSequence
                let stamp = SimTime.stamp(item.created) + String(format: "%06d", sequence % 1_000_000)
                let ct = request.contentType
                let contentId = "\(stamp)$\(stamp)$\(ct.idPart)$\(ct.rawValue.replacingOccurrences(of: ".", with: "_"))$emea0014"
                let listing = BlobListing(tenant: request.tenant, contentType: ct, contentId: contentId, created: item.created,
                                          expiration: item.created.addingTimeInterval(settings.contentRetentionSeconds),
                                          recordCount: item.records)
                store.blobs[contentId] = Blob(listing: listing, body: item.body)
                store.blobOrder[key, default: []].append(contentId)
                listings.append(listing)
            }
            store.recentRecords[key] = recent
            store.counters.blobsPublished += listings.count
            return (listings, 0)
        }
    }

    /// The blob with `contentId`, if any.
    func blob(_ contentId: String) -> Blob? { self.withStore { $0.blobs[contentId] } }
}
