/// Reader of `tenants:`.
extension ConfigSections {
    static func tenants(_ node: ConfigNode) -> [TenantConfig]? {
        let tenants = node.list(nonEmpty: true, emptyMessage: "at least one tenant is required") { element in
            element.mapping().flatMap(Self.tenant)
        }
        guard let tenants, let elements = node.list() else { return nil }
        // Ids and names identify a tenant in state, logs and sink filters, so both must be unique.
        let duplicateId = Self.reportDuplicates(tenants, at: elements, field: "tenantId", key: \.tenantId) { _, first in
            "duplicate tenant id (already used by \(first))"
        }
        let duplicateName = Self.reportDuplicates(tenants, at: elements, field: "name", key: \.name) { name, first in
            "duplicate tenant name \"\(name)\" (already used by \(first))"
        }
        guard !duplicateId, !duplicateName else { return nil }
        return tenants
    }

    static func tenant(_ m: ConfigMapping) -> TenantConfig? {
        let name = m.optional("name")?.string()
        let tenantId = m.required("tenantId")?.guid()
        let clientId = m.required("clientId")?.guid()
        let secretNode = m.optional("clientSecret")
        let certificateNode = m.optional("certificate")
        var credential: TenantCredential?
        switch (secretNode, certificateNode) {
        case (nil, nil):
            m.error("one of clientSecret or certificate is required")
        case (.some, .some):
            m.error("set either clientSecret or certificate, not both")
        case (let secretNode?, nil):
            credential = secretNode.secret().map(TenantCredential.clientSecret)
        case (nil, let certificateNode?):
            credential = certificateNode.mapping().map(Self.certificate).map(TenantCredential.certificate)
        }
        let contentTypes = m.required("contentTypes")?.contentTypeList()
        m.finish()
        guard let tenantId, let clientId, let credential, let contentTypes else { return nil }
        return TenantConfig(name: name, tenantId: tenantId, clientId: clientId, credential: credential,
                            contentTypes: contentTypes)
    }

    static func certificate(_ m: ConfigMapping) -> CertificateCredential {
        let certificate = m.required("certificate")?.existingFile() ?? ""
        let privateKey = m.required("privateKey")?.existingFile() ?? ""
        let algorithm = m.optional("algorithm")?.choice(
            "algorithm", accepted: SigningAlgorithm.allCases.map(\.rawValue),
            parse: { SigningAlgorithm(rawValue: $0.uppercased()) }
        ) ?? .ps256
        m.finish()
        return CertificateCredential(certificate: certificate, privateKey: privateKey, algorithm: algorithm)
    }
}
