//! The Windows transport: WinHTTP in synchronous mode. TLS is Schannel's, checked against the
//! Windows certificate store (a corporate CA already trusted there just works), through the
//! system's proxy settings.
//!
//! - `verifyTls: false`: WinHTTP is told to ignore every certificate error.
//! - `caFile`: WinHTTP is told to tolerate one error only, an unknown root; before the request
//!   is written to the connection (the `SENDING_REQUEST` notification, after the handshake),
//!   the server's certificate (`WINHTTP_OPTION_SERVER_CERT_CONTEXT`) is chained with CryptoAPI
//!   with the caFile's CAs as an additional store; the chain must end at one of them, have no
//!   other error, and pass the SSL policy for the host name. Otherwise the request handle is
//!   closed there, which cancels the request, and the exchange fails as a TLS failure.
//! - `timeoutSeconds`: every WinHTTP timeout (resolve, connect, send, receive) and the whole
//!   answer's deadline.
//!
//! WinHTTP's errors are sorted into the transport's [`Failure`]s, named (`ERROR_WINHTTP_…`).

use super::{Exchange, Failure, Response, Tls, Url, MAX_BODY};
use crate::fault::Fault;
use std::mem::{size_of, zeroed};
use std::ptr::{null, null_mut};
use std::time::Instant;
use winapi::shared::basetsd::DWORD_PTR;
use winapi::shared::minwindef::{BOOL, DWORD, LPVOID};
use winapi::shared::winerror::ERROR_INSUFFICIENT_BUFFER;
use winapi::um::errhandlingapi::GetLastError;
use winapi::um::wincrypt::*;
use winapi::um::winhttp::*;

// winhttp.h values winapi 0.3 does not carry.
const SECURITY_FLAG_IGNORE_UNKNOWN_CA: DWORD = 0x0000_0100;
const SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE: DWORD = 0x0000_0200;
const SECURITY_FLAG_IGNORE_CERT_CN_INVALID: DWORD = 0x0000_1000;
const SECURITY_FLAG_IGNORE_CERT_DATE_INVALID: DWORD = 0x0000_2000;
const WINHTTP_OPTION_REDIRECT_POLICY_NEVER: DWORD = 0;
// Winsock errors WinHTTP may pass on (wine does).
const WSAECONNRESET: DWORD = 10054;
const WSAETIMEDOUT: DWORD = 10060;
const WSAECONNREFUSED: DWORD = 10061;
/// `WINHTTP_CALLBACK_STATUS_SECURE_FAILURE`'s flags, with what each says.
const SECURE_FAILURES: &[(DWORD, &str)] = &[
    (0x0000_0001, "the certificate's revocation could not be checked"),
    (0x0000_0002, "the certificate is not valid"),
    (0x0000_0004, "the certificate was revoked"),
    (0x0000_0008, "the certificate's CA is not trusted (import the CA into the Windows certificate store, or give it as caFile)"),
    (0x0000_0010, "the certificate does not name the host"),
    (0x0000_0020, "the certificate has expired or is not yet valid"),
    (0x0000_0040, "the certificate is not for server authentication"),
    (0x8000_0000, "Schannel failed (the TLS versions or ciphers do not match)"),
];

/// A WinHTTP handle, closed when dropped (WinHTTP handles may be used from any thread).
struct Handle(HINTERNET);

unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    fn new(h: HINTERNET, what: &str) -> Result<Handle, Failure> {
        if h.is_null() {
            Err(failure(last_error(), what, None))
        } else {
            Ok(Handle(h))
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { WinHttpCloseHandle(self.0) };
        }
    }
}

/// caFile's CAs: their DER and a memory store holding them.
struct Roots {
    der: Vec<Vec<u8>>,
    store: HCERTSTORE,
}

unsafe impl Send for Roots {}
unsafe impl Sync for Roots {}

impl Drop for Roots {
    fn drop(&mut self) {
        unsafe { CertCloseStore(self.store, 0) };
    }
}

pub struct Http {
    session: Handle,
    verify: bool,
    roots: Option<Roots>,
}

impl Http {
    pub fn new(tls: &Tls) -> Result<Http, Fault> {
        let agent = wide(&format!("hvapi/{}", env!("CARGO_PKG_VERSION")));
        let open = |access| unsafe { WinHttpOpen(agent.as_ptr(), access, null(), null(), 0) };
        // The system's proxy settings (Windows 8.1 and later), else WinHTTP's own.
        let mut session = open(WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY);
        if session.is_null() {
            session = open(WINHTTP_ACCESS_TYPE_DEFAULT_PROXY);
        }
        let session =
            Handle::new(session, "WinHttpOpen").map_err(|f| Fault::unexpected(format!("WinHTTP cannot start: {}", f.describe(Default::default()))))?;
        let roots = match &tls.roots {
            Some(der) if tls.verify => Some(roots(der)?),
            _ => None,
        };
        Ok(Http { session, verify: tls.verify, roots })
    }

    pub fn exchange(&self, x: &Exchange) -> Result<Response, Failure> {
        let start = Instant::now();
        let url = Url::parse(x.url).map_err(Failure::Other)?;
        let host = wide(url.host);
        let connect = Handle::new(unsafe { WinHttpConnect(self.session.0, host.as_ptr(), url.port, 0) }, "WinHttpConnect")?;
        let flags = WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY | if url.https { WINHTTP_FLAG_SECURE } else { 0 };
        let (verb, path) = (wide(x.method), wide(url.path));
        let raw = unsafe { WinHttpOpenRequest(connect.0, verb.as_ptr(), path.as_ptr(), null(), null(), null_mut(), flags) };
        let mut watch = Watch { roots: self.roots.as_ref(), host: host.clone(), secure: 0, checked: false, refused: None, closed: false };
        let mut request = Handle::new(raw, "WinHttpOpenRequest")?;
        let h = request.0;

        let ms = x.timeout.as_millis().min(i32::MAX as u128) as i32;
        check(unsafe { WinHttpSetTimeouts(h, ms, ms, ms, ms) }, "WinHttpSetTimeouts", None)?;
        // The wait for the answer's headers has its own timeout (wine: none unless set).
        set_dword(h, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, ms as DWORD)?;
        set_dword(h, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER)?;
        if url.https && !self.verify {
            let all = SECURITY_FLAG_IGNORE_UNKNOWN_CA
                | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE
                | SECURITY_FLAG_IGNORE_CERT_CN_INVALID
                | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID;
            set_dword(h, WINHTTP_OPTION_SECURITY_FLAGS, all)?;
        } else if url.https && self.roots.is_some() {
            set_dword(h, WINHTTP_OPTION_SECURITY_FLAGS, SECURITY_FLAG_IGNORE_UNKNOWN_CA)?;
        }
        let notify = WINHTTP_CALLBACK_FLAG_SEND_REQUEST | WINHTTP_CALLBACK_FLAG_SECURE_FAILURE;
        unsafe { WinHttpSetStatusCallback(h, Some(status), notify, 0) };

        let mut headers = String::new();
        for (name, value) in x.headers {
            headers.push_str(&format!("{name}: {value}\r\n"));
        }
        let headers = wide(&headers);
        let body = x.body.unwrap_or_default();
        let body_len = DWORD::try_from(body.len()).map_err(|_| Failure::Other("the request is larger than WinHTTP sends".into()))?;
        let ctx = &mut watch as *mut Watch as DWORD_PTR;
        // The headers first; the body (credentials, refresh tokens) only once the server's
        // certificate has been accepted (below).
        let sent = unsafe { WinHttpSendRequest(h, headers.as_ptr(), (headers.len() - 1) as DWORD, null_mut(), 0, body_len, ctx) };
        let sent_error = if sent == 0 { Some(last_error()) } else { None };
        if watch.closed {
            // The notification closed the handle: it is not closed again.
            request.0 = null_mut();
        }
        if let Some(why) = watch.refused.take() {
            return Err(Failure::Tls(why));
        }
        if let Some(code) = sent_error {
            return Err(failure(code, "WinHttpSendRequest", Some(watch.secure)));
        }
        // Where the notification did not come, the certificate is checked before the answer is read.
        if let (Some(roots), false, true) = (self.roots.as_ref(), watch.checked, url.https) {
            unsafe { verify_chain(h, roots, &host) }.map_err(Failure::Tls)?;
        }
        let mut written = 0;
        while written < body.len() {
            let mut n: DWORD = 0;
            let rest = &body[written..];
            check(unsafe { WinHttpWriteData(h, rest.as_ptr() as LPVOID, rest.len() as DWORD, &mut n) }, "WinHttpWriteData", None)?;
            if n == 0 {
                return Err(Failure::Closed("WinHttpWriteData wrote nothing".into()));
            }
            written += n as usize;
        }
        check(unsafe { WinHttpReceiveResponse(h, null_mut()) }, "WinHttpReceiveResponse", Some(watch.secure))?;

        let status = unsafe { query_number(h, WINHTTP_QUERY_STATUS_CODE) }?;
        let raw_headers = unsafe { query_text(h, WINHTTP_QUERY_RAW_HEADERS_CRLF) }?;
        let headers = raw_headers.lines().skip(1).filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();

        let mut bytes = Vec::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            if start.elapsed() > x.timeout {
                return Err(Failure::Timeout(None));
            }
            let mut n: DWORD = 0;
            let ok = unsafe { WinHttpReadData(h, buf.as_mut_ptr() as LPVOID, buf.len() as DWORD, &mut n) };
            if ok == 0 {
                return Err(match failure(last_error(), "WinHttpReadData", None) {
                    Failure::Other(d) => Failure::Closed(d),
                    f => f,
                });
            }
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n as usize]);
            if bytes.len() > MAX_BODY {
                return Err(Failure::TooLarge);
            }
        }
        drop(request);
        Ok(Response { status: status as u16, headers, body: bytes })
    }
}

/// What the notifications of one exchange see and say.
struct Watch<'a> {
    roots: Option<&'a Roots>,
    /// The host name, NUL-terminated UTF-16.
    host: Vec<u16>,
    /// `WINHTTP_CALLBACK_STATUS_SECURE_FAILURE` flags.
    secure: DWORD,
    /// Whether the certificate was checked against caFile.
    checked: bool,
    /// Why the certificate was refused against caFile.
    refused: Option<String>,
    /// Whether the notification closed the request handle.
    closed: bool,
}

unsafe extern "system" fn status(h: HINTERNET, ctx: DWORD_PTR, code: DWORD, info: LPVOID, len: DWORD) {
    if ctx == 0 {
        return;
    }
    let watch = &mut *(ctx as *mut Watch);
    // No panic may leave this function (it is called by WinHTTP).
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match code {
        WINHTTP_CALLBACK_STATUS_SECURE_FAILURE if !info.is_null() && len as usize >= size_of::<DWORD>() => watch.secure |= *(info as *const DWORD),
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST => {
            if let Some(roots) = watch.roots {
                watch.checked = true;
                if let Err(why) = verify_chain(h, roots, &watch.host) {
                    watch.refused = Some(why);
                    if !watch.closed {
                        watch.closed = true;
                        WinHttpCloseHandle(h);
                    }
                }
            }
        }
        _ => {}
    }));
}

/// caFile's certificates in a memory store.
fn roots(der: &[Vec<u8>]) -> Result<Roots, Fault> {
    let store = unsafe { CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, null()) };
    if store.is_null() {
        return Err(Fault::unexpected(format!("CertOpenStore failed (Windows error {})", last_error())));
    }
    let roots = Roots { der: der.to_vec(), store };
    for c in der {
        let ok = unsafe {
            CertAddEncodedCertificateToStore(
                roots.store,
                X509_ASN_ENCODING | PKCS_7_ASN_ENCODING,
                c.as_ptr(),
                c.len() as DWORD,
                CERT_STORE_ADD_ALWAYS,
                null_mut(),
            )
        };
        if ok == 0 {
            return Err(Fault::invalid_argument("caFile", format!("caFile holds a certificate Windows cannot read (CryptoAPI error 0x{:08x}).", last_error())));
        }
    }
    Ok(roots)
}

/// The server's certificate of request `h` chained with CryptoAPI, caFile's CAs as an
/// additional store: it must end at one of them, with no other error, and pass the SSL policy
/// for `host` (NUL-terminated UTF-16). The reason otherwise.
unsafe fn verify_chain(h: HINTERNET, roots: &Roots, host: &[u16]) -> Result<(), String> {
    let mut cert: PCCERT_CONTEXT = null();
    let mut len = size_of::<PCCERT_CONTEXT>() as DWORD;
    if WinHttpQueryOption(h, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &mut cert as *mut PCCERT_CONTEXT as LPVOID, &mut len) == 0 || cert.is_null() {
        return Err(format!("WinHTTP gave no server certificate to check against caFile ({})", name(last_error())));
    }
    struct Cert(PCCERT_CONTEXT);
    impl Drop for Cert {
        fn drop(&mut self) {
            unsafe { CertFreeCertificateContext(self.0) };
        }
    }
    let cert = Cert(cert);
    let mut para: CERT_CHAIN_PARA = zeroed();
    para.cbSize = size_of::<CERT_CHAIN_PARA>() as DWORD;
    let mut chain: PCCERT_CHAIN_CONTEXT = null();
    if CertGetCertificateChain(null_mut(), cert.0, null_mut(), roots.store, &mut para, 0, null_mut(), &mut chain) == 0 || chain.is_null() {
        return Err(format!("the server's certificate chain could not be built (CryptoAPI error 0x{:08x})", last_error()));
    }
    struct Chain(PCCERT_CHAIN_CONTEXT);
    impl Drop for Chain {
        fn drop(&mut self) {
            unsafe { CertFreeCertificateChain(self.0) };
        }
    }
    let chain = Chain(chain);
    let c = &*chain.0;
    let top = if c.cChain == 0 || (**c.rgpChain).cElement == 0 {
        None
    } else {
        let simple = &**c.rgpChain;
        let element = &**simple.rgpElement.add(simple.cElement as usize - 1);
        let top = &*element.pCertContext;
        Some(std::slice::from_raw_parts(top.pbCertEncoded, top.cbCertEncoded as usize))
    };
    if !top.map_or(false, |top| roots.der.iter().any(|ca| ca.as_slice() == top)) {
        return Err("the server's certificate does not chain to a CA of caFile".into());
    }
    let tolerated = CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION;
    let errors = c.TrustStatus.dwErrorStatus & !tolerated;
    if errors != 0 {
        return Err(format!("the server's certificate chain to caFile's CA is not valid (CERT_TRUST error status 0x{errors:08x})"));
    }
    let mut ssl: HTTPSPolicyCallbackData = zeroed();
    *ssl.u.cbSize_mut() = size_of::<HTTPSPolicyCallbackData>() as DWORD;
    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.fdwChecks = SECURITY_FLAG_IGNORE_UNKNOWN_CA;
    ssl.pwszServerName = host.as_ptr() as *mut u16;
    let mut policy: CERT_CHAIN_POLICY_PARA = zeroed();
    policy.cbSize = size_of::<CERT_CHAIN_POLICY_PARA>() as DWORD;
    policy.pvExtraPolicyPara = &mut ssl as *mut HTTPSPolicyCallbackData as LPVOID;
    let mut verdict: CERT_CHAIN_POLICY_STATUS = zeroed();
    verdict.cbSize = size_of::<CERT_CHAIN_POLICY_STATUS>() as DWORD;
    if CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain.0, &mut policy, &mut verdict) == 0 {
        return Err(format!("the SSL policy could not check the server's certificate (CryptoAPI error 0x{:08x})", last_error()));
    }
    if verdict.dwError != 0 {
        return Err(format!("the server's certificate fails the SSL policy for this host (CryptoAPI error 0x{:08x})", verdict.dwError));
    }
    Ok(())
}

fn set_dword(h: HINTERNET, option: DWORD, value: DWORD) -> Result<(), Failure> {
    let mut v = value;
    check(unsafe { WinHttpSetOption(h, option, &mut v as *mut DWORD as LPVOID, size_of::<DWORD>() as DWORD) }, "WinHttpSetOption", None)
}

unsafe fn query_number(h: HINTERNET, what: DWORD) -> Result<DWORD, Failure> {
    let mut v: DWORD = 0;
    let mut len = size_of::<DWORD>() as DWORD;
    check(WinHttpQueryHeaders(h, what | WINHTTP_QUERY_FLAG_NUMBER, null(), &mut v as *mut DWORD as LPVOID, &mut len, null_mut()), "WinHttpQueryHeaders", None)?;
    Ok(v)
}

unsafe fn query_text(h: HINTERNET, what: DWORD) -> Result<String, Failure> {
    let mut len: DWORD = 0;
    if WinHttpQueryHeaders(h, what, null(), null_mut(), &mut len, null_mut()) == 0 && last_error() != ERROR_INSUFFICIENT_BUFFER {
        return Err(failure(last_error(), "WinHttpQueryHeaders", None));
    }
    let mut buf = vec![0u16; len as usize / 2 + 1];
    let mut len = (buf.len() * 2) as DWORD;
    check(WinHttpQueryHeaders(h, what, null(), buf.as_mut_ptr() as LPVOID, &mut len, null_mut()), "WinHttpQueryHeaders", None)?;
    buf.truncate(len as usize / 2);
    Ok(String::from_utf16_lossy(&buf))
}

fn check(ok: BOOL, what: &str, secure: Option<DWORD>) -> Result<(), Failure> {
    if ok == 0 {
        Err(failure(last_error(), what, secure))
    } else {
        Ok(())
    }
}

fn last_error() -> DWORD {
    unsafe { GetLastError() }
}

/// A WinHTTP error as a transport failure, the error named (and, for TLS, what Schannel said).
fn failure(code: DWORD, what: &str, secure: Option<DWORD>) -> Failure {
    let named = format!("{} in {what}", name(code));
    match code {
        ERROR_WINHTTP_NAME_NOT_RESOLVED => Failure::Resolve(named),
        ERROR_WINHTTP_CANNOT_CONNECT | WSAECONNREFUSED => Failure::Connect(named),
        ERROR_WINHTTP_TIMEOUT | WSAETIMEDOUT => Failure::Timeout(Some(named)),
        ERROR_WINHTTP_SECURE_FAILURE
        | ERROR_WINHTTP_SECURE_CERT_DATE_INVALID
        | ERROR_WINHTTP_SECURE_CERT_CN_INVALID
        | ERROR_WINHTTP_SECURE_INVALID_CA
        | ERROR_WINHTTP_SECURE_CERT_REV_FAILED
        | ERROR_WINHTTP_SECURE_CHANNEL_ERROR
        | ERROR_WINHTTP_SECURE_INVALID_CERT
        | ERROR_WINHTTP_SECURE_CERT_REVOKED
        | ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE
        | ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED => {
            let said: Vec<&str> = SECURE_FAILURES.iter().filter(|(bit, _)| secure.unwrap_or(0) & bit != 0).map(|(_, s)| *s).collect();
            if said.is_empty() {
                Failure::Tls(format!("{named}: the server's certificate was not accepted"))
            } else {
                Failure::Tls(format!("{named}: {}", said.join("; ")))
            }
        }
        ERROR_WINHTTP_CONNECTION_ERROR | ERROR_WINHTTP_INVALID_SERVER_RESPONSE | WSAECONNRESET => Failure::Closed(named),
        _ => Failure::Other(named),
    }
}

/// `ERROR_WINHTTP_… (code)`, or the Windows error number.
fn name(code: DWORD) -> String {
    let known = [
        (ERROR_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT"),
        (ERROR_WINHTTP_INTERNAL_ERROR, "ERROR_WINHTTP_INTERNAL_ERROR"),
        (ERROR_WINHTTP_INVALID_URL, "ERROR_WINHTTP_INVALID_URL"),
        (ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME"),
        (ERROR_WINHTTP_NAME_NOT_RESOLVED, "ERROR_WINHTTP_NAME_NOT_RESOLVED"),
        (ERROR_WINHTTP_OPERATION_CANCELLED, "ERROR_WINHTTP_OPERATION_CANCELLED"),
        (ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT"),
        (ERROR_WINHTTP_CONNECTION_ERROR, "ERROR_WINHTTP_CONNECTION_ERROR"),
        (ERROR_WINHTTP_RESEND_REQUEST, "ERROR_WINHTTP_RESEND_REQUEST"),
        (ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED"),
        (ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE"),
        (ERROR_WINHTTP_SECURE_FAILURE, "ERROR_WINHTTP_SECURE_FAILURE"),
        (ERROR_WINHTTP_SECURE_CERT_DATE_INVALID, "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID"),
        (ERROR_WINHTTP_SECURE_CERT_CN_INVALID, "ERROR_WINHTTP_SECURE_CERT_CN_INVALID"),
        (ERROR_WINHTTP_SECURE_INVALID_CA, "ERROR_WINHTTP_SECURE_INVALID_CA"),
        (ERROR_WINHTTP_SECURE_CERT_REV_FAILED, "ERROR_WINHTTP_SECURE_CERT_REV_FAILED"),
        (ERROR_WINHTTP_SECURE_CHANNEL_ERROR, "ERROR_WINHTTP_SECURE_CHANNEL_ERROR"),
        (ERROR_WINHTTP_SECURE_INVALID_CERT, "ERROR_WINHTTP_SECURE_INVALID_CERT"),
        (ERROR_WINHTTP_SECURE_CERT_REVOKED, "ERROR_WINHTTP_SECURE_CERT_REVOKED"),
        (ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE, "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE"),
        (WSAECONNRESET, "WSAECONNRESET"),
        (WSAETIMEDOUT, "WSAETIMEDOUT"),
        (WSAECONNREFUSED, "WSAECONNREFUSED"),
    ];
    match known.iter().find(|(c, _)| *c == code) {
        Some((_, n)) => format!("{n} ({code})"),
        None => format!("Windows error {code}"),
    }
}

/// NUL-terminated UTF-16.
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}
