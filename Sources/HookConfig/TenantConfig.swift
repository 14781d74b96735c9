/// One customer tenant to collect audit records from (`tenants[i]`).
public struct TenantConfig: Sendable {
    /// Optional human label used in logs and metrics (`name`).
    public var name: String?
    /// Entra ID tenant id, lowercase GUID (`tenantId`).
    public var tenantId: String
    /// Application (client) id of the app registration, lowercase GUID (`clientId`).
    public var clientId: String
    /// How the app authenticates: `clientSecret` or `certificate` (exactly one).
    public var credential: TenantCredential
    /// Content types to subscribe to, unique, in config order (`contentTypes`).
    public var contentTypes: [ContentType]

    /// Creates a tenant.
    public init(
        name: String? = nil,
        tenantId: String,
        clientId: String,
        credential: TenantCredential,
        contentTypes: [ContentType] = [.auditGeneral]
    ) {
        self.name = name
        self.tenantId = tenantId
        self.clientId = clientId
        self.credential = credential
        self.contentTypes = contentTypes
    }

    /// ``name`` if set, else ``tenantId``: what logs show.
    public var label: String { self.name ?? self.tenantId }
}

/// The client credential of an app registration.
public enum TenantCredential: Sendable {
    /// A client secret (`clientSecret`).
    case clientSecret(Secret)
    /// A certificate used to sign a JWT client assertion (`certificate:`).
    case certificate(CertificateCredential)
}

/// A certificate credential (`tenants[i].certificate`). Paths are absolute PEM files.
public struct CertificateCredential: Sendable {
    /// The certificate uploaded to the app registration; its thumbprint goes in the JWT header (`certificate`).
    public var certificate: String
    /// The matching private key (`privateKey`).
    public var privateKey: String
    /// JWT signing algorithm (`algorithm`, default PS256).
    public var algorithm: SigningAlgorithm

    /// Creates the credential.
    public init(certificate: String, privateKey: String, algorithm: SigningAlgorithm = .ps256) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.algorithm = algorithm
    }
}

/// Signing algorithm of the client-assertion JWT.
public enum SigningAlgorithm: String, Sendable, CaseIterable {
    /// RSASSA-PSS with SHA-256 (Entra ID's recommendation; the default).
    case ps256 = "PS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
}
