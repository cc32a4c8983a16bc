/*
 * The REST backend of hvapi.dll through WinHTTP, run under wine by tests/windows/run.sh
 * against `hvapi serve` running natively on 127.0.0.1. Each check prints "ok N - ..." or
 * "FAIL N - ... [got: ...]"; the exit code is the number of failed checks.
 *
 *   rest_wine.exe PLAIN_URL RATE_URL DEAD_URL TLS_URL CA_FILE OTHER_CA_FILE TOKEN_TTL
 *
 * PLAIN_URL: http, demo of 2,500 sessions a pod, tokens living TOKEN_TTL seconds.
 * RATE_URL: http, demo, 2 requests a second a token. DEAD_URL: accepts, never answers.
 * TLS_URL: https://localhost:PORT, a certificate of the test CA (CA_FILE); OTHER_CA_FILE: another CA.
 */
#include "hvapi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static int g_passed = 0, g_failed = 0;

static int check(int ok, const char *detail, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        ++g_passed;
    } else {
        ++g_failed;
    }
    printf("%s %d - ", ok ? "ok" : "FAIL", g_passed + g_failed);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok && detail != NULL) {
        printf("  [got: %.600s%s]", detail, strlen(detail) > 600 ? "..." : "");
    }
    printf("\n");
    fflush(stdout);
    return ok;
}

/* The configuration of a REST client of `url` as HVDEMO\administrator, with `extra` members. */
static char *config(const char *url, const char *extra)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"backend\":\"rest\",\"url\":\"%s\",\"username\":\"administrator\","
             "\"password\":\"any\",\"domain\":\"HVDEMO\"%s}",
             url, extra);
    return buf;
}

/* `"caFile":"<path>"` with the path's backslashes escaped for JSON. */
static char *ca_member(const char *path)
{
    static char buf[2048];
    size_t n = 0;
    const char *p;
    n += (size_t)snprintf(buf, sizeof buf, ",\"caFile\":\"");
    for (p = path; *p != '\0' && n + 4 < sizeof buf; ++p) {
        if (*p == '\\' || *p == '"') {
            buf[n++] = '\\';
        }
        buf[n++] = *p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    const char *p = s;
    while ((p = strstr(p, needle)) != NULL) {
        ++n;
        p += strlen(needle);
    }
    return n;
}

static int has(const char *s, const char *needle)
{
    return s != NULL && strstr(s, needle) != NULL;
}

/* Whether `s` holds one of the '|'-separated `needles`. */
static int has_one_of(const char *s, const char *needles)
{
    char buf[256];
    char *tok, *next;
    snprintf(buf, sizeof buf, "%s", needles);
    for (tok = buf; tok != NULL; tok = next) {
        next = strchr(tok, '|');
        if (next != NULL) {
            *next++ = '\0';
        }
        if (has(s, tok)) {
            return 1;
        }
    }
    return 0;
}

/* Opens; the status, the client (NULL unless HV_OK), the answer in *out (caller frees). */
static HvStatus open_rest(const char *cfg, struct HvClient **client, char **out)
{
    *client = NULL;
    *out = NULL;
    return hv_client_open(cfg, client, out);
}

/* hv_client_open that must fail with `want`, its answer holding every one of `needles`
 * (NULL-terminated; each may list alternatives as "A|B"), within `max_ms`. */
static void refused(const char *what, const char *cfg, HvStatus want, DWORD max_ms, ...)
{
    struct HvClient *c;
    char *out;
    const char *needle;
    int all = 1;
    va_list ap;
    DWORD t0 = GetTickCount();
    HvStatus st = open_rest(cfg, &c, &out);
    DWORD ms = GetTickCount() - t0;
    va_start(ap, max_ms);
    while ((needle = va_arg(ap, const char *)) != NULL) {
        all = all && has_one_of(out, needle);
    }
    va_end(ap);
    check(st == want && c == NULL && all && ms <= max_ms, out, "%s: status %d (want %d) in %lu ms (at most %lu), the cause names it", what,
          (int)st, (int)want, (unsigned long)ms, (unsigned long)max_ms);
    if (c != NULL) {
        hv_client_close(c);
    }
    hv_string_free(out);
}

/* hv_client_open that must succeed, then a call on the connection that must succeed. */
static void accepted(const char *what, const char *cfg)
{
    struct HvClient *c;
    char *out;
    HvStatus st = open_rest(cfg, &c, &out);
    check(st == HV_OK && c != NULL, out, "%s: accepted", what);
    hv_string_free(out);
    if (c != NULL) {
        out = NULL;
        st = hv_session_get_local_summary_view(c, "{\"id\":\"Session/pod-1-1-0000004\"}", &out);
        check(st == HV_OK && has(out, "\"id\":\"Session/pod-1-1-0000004\""), out, "%s: a call succeeds", what);
        hv_string_free(out);
        hv_client_close(c);
    }
}

static HvStatus call(HvStatus (*fn)(struct HvClient *, const char *, char **), struct HvClient *c, const char *req, char **out)
{
    *out = NULL;
    return fn(c, req, out);
}

int main(int argc, char **argv)
{
    const char *plain, *rate, *dead, *tls, *ca, *other_ca;
    int ttl;
    struct HvClient *c = NULL;
    char *out = NULL;
    HvStatus st;
    char extra[4096];

    if (argc != 8) {
        fprintf(stderr, "usage: rest_wine PLAIN_URL RATE_URL DEAD_URL TLS_URL CA_FILE OTHER_CA_FILE TOKEN_TTL\n");
        return 100;
    }
    plain = argv[1];
    rate = argv[2];
    dead = argv[3];
    tls = argv[4];
    ca = argv[5];
    other_ca = argv[6];
    ttl = atoi(argv[7]);

    /* Login. */
    st = open_rest(config(plain, ""), &c, &out);
    check(st == HV_OK && c != NULL && has(out, "\"backend\":\"rest\"") && has(out, "\"localPod\":\"Pod/pod-1-1\"") &&
              has(out, "\"user\":\"HVDEMO\\\\administrator\""),
          out, "login over http: HV_OK, the connection described with its local pod");
    hv_string_free(out);
    if (c == NULL) {
        printf("# cannot go on without a client\n");
        return g_failed;
    }

    /* A query that pages: rows 1500..2499 of the local pod's 2,500 come from pages 2 and 3. */
    st = call(hv_session_query, c, "{\"startingOffset\":1500,\"limit\":1000}", &out);
    check(st == HV_OK && count(out, "\"id\":\"Session/pod-1-1-") == 1000 && has(out, "\"remainingCount\":0") &&
              has(out, "\"startingOffset\":1500"),
          out, "Session_Query offset 1500 limit 1000: 1,000 local sessions over two pages, none remaining (%zu rows)",
          count(out ? out : "", "\"id\":\"Session/pod-1-1-"));
    hv_string_free(out);
    st = call(hv_session_query, c, "{\"limit\":5}", &out);
    check(st == HV_OK && count(out, "\"id\":\"Session/pod-1-1-") == 5 && has(out, "\"remainingCount\":2495"), out,
          "Session_Query limit 5: 5 rows, 2,495 remaining");
    hv_string_free(out);

    /* A batch of a local, a remote and an unknown id: partial failure, per item. */
    st = call(hv_session_logoff_sessions_forced, c,
              "{\"ids\":[\"Session/pod-1-1-0000001\",\"Session/pod-2-1-0000001\",\"Session/no-such-session\"]}", &out);
    check(st == HV_PARTIAL_FAILURE && has(out, "\"results\":[null,null,{") && has(out, "\"type\":\"EntityNotFound\"") &&
              has(out, "\"id\":\"Session/no-such-session\"") && count(out, "\"type\":") == 2,
          out, "LogoffSessionsForced [local, remote, unknown]: PartialFailure, results [null, null, EntityNotFound]");
    hv_string_free(out);
    st = call(hv_session_logoff_forced, c, "{\"id\":\"Session/pod-2-1-0000001\"}", &out);
    check(st == HV_ENTITY_NOT_FOUND, out, "the remote session was logged off on its pod: logging it off again is EntityNotFound");
    hv_string_free(out);
    st = call(hv_session_get_local_summary_view, c, "{\"id\":\"Session/pod-1-1-0000001\"}", &out);
    check(st == HV_ENTITY_NOT_FOUND, out, "the local session was logged off: its summary view is EntityNotFound");
    hv_string_free(out);

    /* 401 then refresh: the access token has expired; the call still succeeds. */
    printf("# waiting %d s for the access token to expire\n", ttl + 1);
    fflush(stdout);
    Sleep((DWORD)(ttl + 1) * 1000);
    st = call(hv_session_get_local_summary_view, c, "{\"id\":\"Session/pod-1-1-0000002\"}", &out);
    check(st == HV_OK && has(out, "\"id\":\"Session/pod-1-1-0000002\""), out,
          "after the token expired (401), the backend refreshed and the call succeeded");
    hv_string_free(out);
    hv_client_close(c);
    c = NULL;

    /* 429 then retry: 2 requests a second; six calls in a row all succeed. */
    st = open_rest(config(rate, ""), &c, &out);
    check(st == HV_OK && c != NULL, out, "login to the rate-limited server");
    hv_string_free(out);
    if (c != NULL) {
        int i, ok = 0;
        char *last = NULL;
        for (i = 0; i < 6; ++i) {
            st = call(hv_session_get_local_summary_view, c, "{\"id\":\"Session/pod-1-1-0000003\"}", &out);
            if (st == HV_OK) {
                ++ok;
            }
            hv_string_free(last);
            last = out;
        }
        check(ok == 6, last, "6 calls at 2 requests a second: all HV_OK (429s waited out), %d of 6", ok);
        hv_string_free(last);
        hv_client_close(c);
        c = NULL;
    }

    /* Transport failures, each named with its WinHTTP error. */
    refused("a server that accepts and never answers, timeoutSeconds 2", config(dead, ",\"timeoutSeconds\":2"), HV_UNEXPECTED, 8000,
            "no answer within 2 s", "ERROR_WINHTTP_TIMEOUT|WSAETIMEDOUT", "in WinHttpReceiveResponse", "/rest/login", NULL);
    refused("nothing listening (port 1)", config("http://127.0.0.1:1", ",\"timeoutSeconds\":10"), HV_UNEXPECTED, 15000,
            "could not connect to the server", "ERROR_WINHTTP_CANNOT_CONNECT", "127.0.0.1:1", NULL);
    refused("a name that does not resolve", config("http://no-such-host.invalid", ",\"timeoutSeconds\":10"), HV_UNEXPECTED, 30000,
            "could not be resolved", "ERROR_WINHTTP_NAME_NOT_RESOLVED", NULL);

    /* TLS. */
    refused("https with a certificate of an untrusted CA, verifyTls by default", config(tls, ""), HV_UNEXPECTED, 15000,
            "the secure connection failed", "ERROR_WINHTTP_SECURE", "certificate", NULL);
    accepted("https with verifyTls false", config(tls, ",\"verifyTls\":false"));
    snprintf(extra, sizeof extra, "%s", ca_member(ca));
    accepted("https with caFile of the test CA", config(tls, extra));
    snprintf(extra, sizeof extra, "%s", ca_member(other_ca));
    refused("https with caFile of another CA", config(tls, extra), HV_UNEXPECTED, 15000, "the secure connection failed",
            "does not chain to a CA of caFile", NULL);
    snprintf(extra, sizeof extra, "%s", ca_member("Z:\\nonexistent\\ca.pem"));
    refused("caFile that does not exist", config(tls, extra), HV_INVALID_ARGUMENT, 5000, "\"parameterName\":\"caFile\"", NULL);

    printf("# rest_wine: %d passed, %d failed\n", g_passed, g_failed);
    return g_failed;
}
