internal import CGnuTLS
internal import CHookShim

/// Verifies a TLS client certificate through the GnuTLS session libmicrohttpd exposes.
///
/// libmicrohttpd asks for a client certificate when `MHD_OPTION.HTTPS_MEM_TRUST` is set but does not
/// verify it (its `MHD_CONNECTION_INFO_GNUTLS_CLIENT_CERT` was never implemented), so, as the
/// libmicrohttpd tutorial's client-certificate chapter does, the handler asks GnuTLS.
enum ClientCertificateCheck {
    /// True when the peer sent a certificate chain that verifies against the daemon's trust CA and, with
    /// `name`, carries that name (`gnutls_certificate_verify_peers3`: subjectAltName DNS entries, else the CN).
    static func verified(_ connection: OpaquePointer, name: String?) -> Bool {
        guard let raw = ahk_mhd_tls_session(connection) else { return false }
        let session = OpaquePointer(raw)
        var count: UInt32 = 0
        guard gnutls_certificate_get_peers(session, &count) != nil, count > 0 else { return false }
        var status: UInt32 = 0
        // 0 means the verification ran; `status` then holds the GNUTLS_CERT_* failure bits (0 = trusted).
        let ran = if let name { gnutls_certificate_verify_peers3(session, name, &status) }
                  else { gnutls_certificate_verify_peers2(session, &status) }
        guard ran == 0 else { return false }
        return status == 0
    }
}
