/*
 * abi_test.c — exercises hvapi's C ABI (contract sections 2, 3, 4, 6 and 7) from C.
 *
 * Every status a C caller can provoke is provoked here and checked against the contract:
 * the status code, that exactly one well-formed JSON document was written, that the status
 * equals the fault's "type", and the fault fields the contract names. Every string the
 * library returns is freed with hv_string_free and every client is closed, so a run under
 * valgrind doubles as the ownership check of the boundary.
 *
 * The file is valid C11 and C++17 (run.sh builds it both ways): casts on malloc, no
 * designated initializers, no implicit void * conversions.
 *
 * Output: one line per check ("ok N - ..." / "FAIL N - ..."), then "P passed, F failed".
 * Exit status 0 only when nothing failed.
 */
#include "hvapi.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------- */
/* Check bookkeeping                                                                     */
/* ------------------------------------------------------------------------------------- */

static int g_passed = 0;
static int g_failed = 0;
static int g_answers = 0;        /* answers whose status/type agreement was checked */
static int g_type_mismatch = 0;  /* answers whose status disagreed with the fault type */

/* Prints one check line; `detail` (may be NULL) is shown on failure, truncated. */
static int check(int ok, const char *detail, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        ++g_passed;
        printf("ok %d - ", g_passed + g_failed);
    } else {
        ++g_failed;
        printf("FAIL %d - ", g_passed + g_failed);
    }
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok && detail != NULL) {
        printf("  [got: %.400s%s]", detail, strlen(detail) > 400 ? "..." : "");
    }
    printf("\n");
    fflush(stdout);
    return ok;
}

static void info(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* ------------------------------------------------------------------------------------- */
/* A tiny JSON reader: validates a document and walks it by dotted paths                 */
/* ("fault.type", "result.results.0.id"). Values are returned as pointers into the text.  */
/* ------------------------------------------------------------------------------------- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        ++p;
    }
    return p;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* p at '"'; returns the character after the closing quote, NULL if malformed. */
static const char *skip_string(const char *p)
{
    if (*p != '"') {
        return NULL;
    }
    ++p;
    while (*p != '"') {
        if (*p == '\0' || (unsigned char)*p < 0x20) {
            return NULL;
        }
        if (*p == '\\') {
            ++p;
            if (*p == 'u') {
                int i;
                for (i = 1; i <= 4; ++i) {
                    if (!is_hex(p[i])) {
                        return NULL;
                    }
                }
                p += 4;
            } else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
                return NULL;
            }
        }
        ++p;
    }
    return p + 1;
}

static const char *skip_value(const char *p, int depth)
{
    if (depth > 64) {
        return NULL;
    }
    p = skip_ws(p);
    switch (*p) {
    case '"':
        return skip_string(p);
    case '{':
        p = skip_ws(p + 1);
        if (*p == '}') {
            return p + 1;
        }
        for (;;) {
            p = skip_string(p);
            if (p == NULL) {
                return NULL;
            }
            p = skip_ws(p);
            if (*p != ':') {
                return NULL;
            }
            p = skip_value(p + 1, depth + 1);
            if (p == NULL) {
                return NULL;
            }
            p = skip_ws(p);
            if (*p == '}') {
                return p + 1;
            }
            if (*p != ',') {
                return NULL;
            }
            p = skip_ws(p + 1);
        }
    case '[':
        p = skip_ws(p + 1);
        if (*p == ']') {
            return p + 1;
        }
        for (;;) {
            p = skip_value(p, depth + 1);
            if (p == NULL) {
                return NULL;
            }
            p = skip_ws(p);
            if (*p == ']') {
                return p + 1;
            }
            if (*p != ',') {
                return NULL;
            }
            ++p;
        }
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        if (*p == '-') {
            ++p;
        }
        if (!is_digit(*p)) {
            return NULL;
        }
        if (*p == '0') {
            ++p;
        } else {
            while (is_digit(*p)) {
                ++p;
            }
        }
        if (*p == '.') {
            ++p;
            if (!is_digit(*p)) {
                return NULL;
            }
            while (is_digit(*p)) {
                ++p;
            }
        }
        if (*p == 'e' || *p == 'E') {
            ++p;
            if (*p == '+' || *p == '-') {
                ++p;
            }
            if (!is_digit(*p)) {
                return NULL;
            }
            while (is_digit(*p)) {
                ++p;
            }
        }
        return p;
    }
}

/* 1 when `s` is exactly one JSON value surrounded by optional whitespace. */
static int json_valid(const char *s)
{
    const char *end;
    if (s == NULL) {
        return 0;
    }
    end = skip_value(s, 0);
    return end != NULL && *skip_ws(end) == '\0';
}

/* Compares the raw (unescaped-by-us) contents of the JSON string at v with s. */
static int str_eq(const char *v, const char *s)
{
    size_t n;
    if (v == NULL || *v != '"') {
        return 0;
    }
    n = strlen(s);
    return strncmp(v + 1, s, n) == 0 && v[1 + n] == '"';
}

/* Member `key` of the object at obj (already validated), or NULL. */
static const char *obj_member(const char *obj, const char *key, size_t keylen)
{
    const char *p = skip_ws(obj);
    if (*p != '{') {
        return NULL;
    }
    p = skip_ws(p + 1);
    while (*p == '"') {
        const char *kend = skip_string(p);
        const char *v;
        if (kend == NULL) {
            return NULL;
        }
        v = skip_ws(skip_ws(kend) + 1); /* past ':' */
        if ((size_t)(kend - p - 2) == keylen && strncmp(p + 1, key, keylen) == 0) {
            return v;
        }
        p = skip_value(v, 0);
        if (p == NULL) {
            return NULL;
        }
        p = skip_ws(p);
        if (*p != ',') {
            return NULL;
        }
        p = skip_ws(p + 1);
    }
    return NULL;
}

/* Element `idx` of the array at arr, or NULL. */
static const char *arr_elem(const char *arr, size_t idx)
{
    const char *p = skip_ws(arr);
    size_t i = 0;
    if (*p != '[') {
        return NULL;
    }
    p = skip_ws(p + 1);
    if (*p == ']') {
        return NULL;
    }
    for (;;) {
        if (i == idx) {
            return p;
        }
        p = skip_value(p, 0);
        if (p == NULL) {
            return NULL;
        }
        p = skip_ws(p);
        if (*p != ',') {
            return NULL;
        }
        p = skip_ws(p + 1);
        ++i;
    }
}

/* Number of elements of the array at arr, or -1 when it is not an array. */
static long arr_len(const char *arr)
{
    long n = 0;
    if (arr == NULL || *skip_ws(arr) != '[') {
        return -1;
    }
    while (arr_elem(arr, (size_t)n) != NULL) {
        ++n;
    }
    return n;
}

/* Number of members of the object at obj, or -1 when it is not an object. */
static long obj_len(const char *obj)
{
    const char *p;
    long n = 0;
    if (obj == NULL) {
        return -1;
    }
    p = skip_ws(obj);
    if (*p != '{') {
        return -1;
    }
    p = skip_ws(p + 1);
    while (*p == '"') {
        p = skip_value(skip_ws(skip_ws(skip_string(p)) + 1), 0);
        ++n;
        if (p == NULL) {
            return -1;
        }
        p = skip_ws(p);
        if (*p != ',') {
            break;
        }
        p = skip_ws(p + 1);
    }
    return n;
}

/* Walks a dotted path ("fault.results.1.type") from the document root. NULL if absent or
 * if the document is not valid JSON. */
static const char *jget(const char *doc, const char *path)
{
    const char *v = doc;
    const char *seg = path;
    if (!json_valid(doc)) {
        return NULL;
    }
    v = skip_ws(v);
    while (*seg != '\0') {
        const char *dot = strchr(seg, '.');
        size_t len = dot != NULL ? (size_t)(dot - seg) : strlen(seg);
        if (*v == '[') {
            char buf[32];
            if (len == 0 || len >= sizeof buf) {
                return NULL;
            }
            memcpy(buf, seg, len);
            buf[len] = '\0';
            v = arr_elem(v, (size_t)strtoul(buf, NULL, 10));
        } else {
            v = obj_member(v, seg, len);
        }
        if (v == NULL) {
            return NULL;
        }
        seg = dot != NULL ? dot + 1 : seg + len;
    }
    return v;
}

static int jis_null(const char *v)
{
    return v != NULL && strncmp(v, "null", 4) == 0;
}

static int jstr_eq(const char *doc, const char *path, const char *s)
{
    return str_eq(jget(doc, path), s);
}

static long jlong(const char *doc, const char *path, long dflt)
{
    const char *v = jget(doc, path);
    if (v == NULL || !(is_digit(*v) || *v == '-')) {
        return dflt;
    }
    return strtol(v, NULL, 10);
}

/* A malloc'd copy of the raw contents of the JSON string at v (escapes kept as they are,
 * so the copy can be pasted back into a JSON request). NULL if v is not a string. */
static char *str_dup_raw(const char *v)
{
    const char *end;
    char *s;
    size_t n;
    if (v == NULL || *v != '"') {
        return NULL;
    }
    end = skip_string(v);
    if (end == NULL) {
        return NULL;
    }
    n = (size_t)(end - v - 2);
    s = (char *)malloc(n + 1);
    if (s == NULL) {
        return NULL;
    }
    memcpy(s, v + 1, n);
    s[n] = '\0';
    return s;
}

/* The first value of "id":"Session/..." in text, malloc'd (strstr-based, as a C caller
 * without a JSON library would do it). */
static char *first_session_id(const char *text)
{
    const char *p = text != NULL ? strstr(text, "\"id\":\"Session/") : NULL;
    if (p == NULL) {
        return NULL;
    }
    return str_dup_raw(p + 5);
}

/* ------------------------------------------------------------------------------------- */
/* Status <-> fault type                                                                 */
/* ------------------------------------------------------------------------------------- */

static const char *status_name(int s)
{
    switch (s) {
    case HV_OK: return "HV_OK";
    case HV_ENTITY_NOT_FOUND: return "HV_ENTITY_NOT_FOUND";
    case HV_INSUFFICIENT_PERMISSION: return "HV_INSUFFICIENT_PERMISSION";
    case HV_INVALID_ARGUMENT: return "HV_INVALID_ARGUMENT";
    case HV_INVALID_STATE: return "HV_INVALID_STATE";
    case HV_INVALID_TYPE: return "HV_INVALID_TYPE";
    case HV_INVALID_REQUEST: return "HV_INVALID_REQUEST";
    case HV_PARTIAL_FAILURE: return "HV_PARTIAL_FAILURE";
    case HV_UNEXPECTED: return "HV_UNEXPECTED";
    case HV_INVALID_CREDENTIALS: return "HV_INVALID_CREDENTIALS";
    default: return "(unknown status)";
    }
}

/* The fault "type" the contract (2, 3.3) pairs with each non-OK status. */
static const char *fault_type_for(int s)
{
    switch (s) {
    case HV_ENTITY_NOT_FOUND: return "EntityNotFound";
    case HV_INSUFFICIENT_PERMISSION: return "InsufficientPermission";
    case HV_INVALID_ARGUMENT: return "InvalidArgument";
    case HV_INVALID_STATE: return "InvalidState";
    case HV_INVALID_TYPE: return "InvalidType";
    case HV_INVALID_REQUEST: return "InvalidRequest";
    case HV_PARTIAL_FAILURE: return "PartialFailureFault";
    case HV_UNEXPECTED: return "UnexpectedFault";
    case HV_INVALID_CREDENTIALS: return "InvalidCredentials";
    default: return NULL;
    }
}

/* Why `out` is not a well-formed answer for status `got`, or NULL when it is:
 * one JSON object with a single member, "result" on HV_OK, otherwise "fault" whose
 * "type" matches the status and whose "errorMessage" is a non-empty string. */
static const char *answer_problem(int got, const char *out)
{
    const char *tname;
    const char *msg;
    if (out == NULL) {
        return "no document written";
    }
    if (!json_valid(out)) {
        return "not valid JSON";
    }
    if (obj_len(out) != 1) {
        return "not an object with exactly one member";
    }
    if (got == HV_OK) {
        return jget(out, "result") != NULL ? NULL : "HV_OK without \"result\"";
    }
    if (jget(out, "fault") == NULL) {
        return "fault status without \"fault\"";
    }
    tname = fault_type_for(got);
    if (tname == NULL) {
        return "status is not one of the contract's values";
    }
    if (!jstr_eq(out, "fault.type", tname)) {
        ++g_type_mismatch;
        return "fault.type does not match the status";
    }
    msg = jget(out, "fault.errorMessage");
    if (msg == NULL || *msg != '"' || msg[1] == '"') {
        return "fault without a non-empty errorMessage";
    }
    return NULL;
}

/* One check: the call answered `want`, with one well-formed document matching it. */
static int expect(const char *what, HvStatus got, const char *out, HvStatus want)
{
    const char *problem;
    ++g_answers;
    problem = answer_problem((int)got, out);
    if ((int)got != (int)want) {
        return check(0, out, "%s -> %s (status was %s, %d)", what, status_name((int)want),
                     status_name((int)got), (int)got);
    }
    if (problem != NULL) {
        return check(0, out, "%s -> %s (%s)", what, status_name((int)want), problem);
    }
    return check(1, NULL, "%s -> %s", what, status_name((int)want));
}

/* ------------------------------------------------------------------------------------- */
/* Every method export, for the table-driven checks                                      */
/* ------------------------------------------------------------------------------------- */

typedef HvStatus (*method_fn)(HvClient *, const char *, char **);

struct method_entry {
    const char *name;
    method_fn fn;
};

static const struct method_entry METHODS[] = {
    {"Session_Disconnect", hv_session_disconnect},
    {"Session_DisconnectSessions", hv_session_disconnect_sessions},
    {"Session_GetLocalSummaryView", hv_session_get_local_summary_view},
    {"Session_Logoff", hv_session_logoff},
    {"Session_LogoffForced", hv_session_logoff_forced},
    {"Session_LogoffSessions", hv_session_logoff_sessions},
    {"Session_LogoffSessionsForced", hv_session_logoff_sessions_forced},
    {"Session_Reset", hv_session_reset},
    {"Session_ResetSessions", hv_session_reset_sessions},
    {"Session_Restart", hv_session_restart},
    {"Session_RestartSessions", hv_session_restart_sessions},
    {"Session_SendMessage", hv_session_send_message},
    {"Session_SendMessages", hv_session_send_messages},
    {"UserHomeSite_Create", hv_user_home_site_create},
    {"UserHomeSite_Delete", hv_user_home_site_delete},
    {"UserHomeSite_Get", hv_user_home_site_get},
    {"UserHomeSite_GetInfos", hv_user_home_site_get_infos},
    {"UserHomeSite_List", hv_user_home_site_list},
    {"UserHomeSite_Resolve", hv_user_home_site_resolve},
    {"UserHomeSite_ResolveForGAE", hv_user_home_site_resolve_for_gae},
    {"Session_Query", hv_session_query},
    {"Inventory_Query", hv_inventory_query},
    {"Event_Query", hv_event_query},
};

#define METHOD_COUNT (sizeof METHODS / sizeof METHODS[0])

/* ------------------------------------------------------------------------------------- */
/* Helpers around calls                                                                  */
/* ------------------------------------------------------------------------------------- */

static char *request_with_id(const char *key, const char *id)
{
    size_t n = strlen(key) + strlen(id) + 16;
    char *s = (char *)malloc(n);
    if (s != NULL) {
        snprintf(s, n, "{\"%s\":\"%s\"}", key, id);
    }
    return s;
}

/* Calls `fn` with {"id": id}, checks the status, and frees the answer. */
static int call_id(const char *what, method_fn fn, HvClient *client, const char *id,
                   HvStatus want)
{
    char *req = request_with_id("id", id);
    char *out = NULL;
    HvStatus st = fn(client, req, &out);
    int ok = expect(what, st, out, want);
    hv_string_free(out);
    free(req);
    return ok;
}

/* Opens a client; checks the status and that *out_client is set exactly on success. */
static HvClient *open_client(const char *what, const char *config, HvStatus want, char **out_keep)
{
    HvClient *client = NULL;
    char *out = NULL;
    HvStatus st = hv_client_open(config, &client, &out);
    expect(what, st, out, want);
    if ((int)want == HV_OK) {
        check(client != NULL, NULL, "%s: *out_client is set", what);
    } else {
        check(client == NULL, NULL, "%s: *out_client is left NULL", what);
    }
    if ((int)st != HV_OK && client != NULL) {
        hv_client_close(client); /* should not happen; do not leak it */
        client = NULL;
    }
    if (out_keep != NULL) {
        *out_keep = out;
    } else {
        hv_string_free(out);
    }
    return client;
}

/* ------------------------------------------------------------------------------------- */
/* Concurrency                                                                           */
/* ------------------------------------------------------------------------------------- */

#define THREADS 4
#define ITERATIONS 200

struct worker {
    HvClient *client;
    const char *get_request;
    int index;
    int calls;
    int failures;
    char first_failure[256];
};

static void worker_fail(struct worker *w, const char *what, HvStatus st, const char *out)
{
    if (w->failures++ == 0) {
        snprintf(w->first_failure, sizeof w->first_failure, "%s: status %d, %.150s", what,
                 (int)st, out != NULL ? out : "(no document)");
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = (struct worker *)arg;
    int i;
    for (i = 0; i < ITERATIONS; ++i) {
        char *out = NULL;
        HvStatus st = hv_session_query(w->client, "{\"limit\": 5}", &out);
        ++w->calls;
        if ((int)st != HV_OK || out == NULL || jget(out, "result.results") == NULL) {
            worker_fail(w, "Session_Query", st, out);
        }
        hv_string_free(out);

        out = NULL;
        st = hv_session_get_local_summary_view(w->client, w->get_request, &out);
        ++w->calls;
        if ((int)st != HV_OK || out == NULL || jget(out, "result.namesData") == NULL) {
            worker_fail(w, "Session_GetLocalSummaryView", st, out);
        }
        hv_string_free(out);
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------- */
/* Worlds (contract section 6)                                                           */
/* ------------------------------------------------------------------------------------- */

/* Two access groups, one session in each; a "Viewer" role with MACHINE_VIEW only, held by
 * CORP\viewer on AccessGroup/ag1. */
#define RESTRICTED_WORLD                                                                   \
    "\"world\":{"                                                                          \
    "\"sites\":[{\"id\":\"Site/s1\",\"name\":\"Site One\"}],"                              \
    "\"pods\":[{\"id\":\"Pod/p1\",\"name\":\"Pod One\",\"site\":\"Site/s1\"}],"            \
    "\"accessGroups\":[{\"id\":\"AccessGroup/ag1\",\"name\":\"Sales\"},"                   \
    "{\"id\":\"AccessGroup/ag2\",\"name\":\"Finance\"}],"                                  \
    "\"usersAndGroups\":[{\"id\":\"UserOrGroup/alice\",\"name\":\"alice\","                \
    "\"domain\":\"CORP\"},"                                                                \
    "{\"id\":\"UserOrGroup/bob\",\"name\":\"bob\",\"domain\":\"CORP\"}],"                  \
    "\"desktops\":[{\"id\":\"Desktop/d1\",\"name\":\"Sales Win11\",\"pod\":\"Pod/p1\","    \
    "\"accessGroup\":\"AccessGroup/ag1\",\"desktopType\":\"AUTOMATED\","                   \
    "\"desktopSource\":\"INSTANT_CLONE_ENGINE\"},"                                         \
    "{\"id\":\"Desktop/d2\",\"name\":\"Finance Win11\",\"pod\":\"Pod/p1\","                \
    "\"accessGroup\":\"AccessGroup/ag2\",\"desktopType\":\"MANUAL\","                      \
    "\"desktopSource\":\"UNMANAGED\"}],"                                                   \
    "\"sessions\":[{\"id\":\"Session/1\",\"user\":\"UserOrGroup/alice\","                  \
    "\"desktop\":\"Desktop/d1\",\"sessionType\":\"DESKTOP\","                              \
    "\"sessionState\":\"CONNECTED\",\"sessionProtocol\":\"BLAST\","                        \
    "\"startTime\":\"2026-11-22T08:15:00Z\"},"                                             \
    "{\"id\":\"Session/2\",\"user\":\"UserOrGroup/bob\",\"desktop\":\"Desktop/d2\","       \
    "\"sessionType\":\"DESKTOP\",\"sessionState\":\"CONNECTED\","                          \
    "\"sessionProtocol\":\"PCOIP\"}],"                                                     \
    "\"roles\":[{\"name\":\"Viewer\",\"privileges\":[\"MACHINE_VIEW\"]}],"                 \
    "\"admins\":[{\"name\":\"viewer\",\"domain\":\"CORP\",\"permissions\":"                \
    "[{\"role\":\"Viewer\",\"scope\":\"AccessGroup/ag1\"}]}]}"

static const char CONFIG_RESTRICTED_VIEWER[] =
    "{\"backend\":\"embedded\"," RESTRICTED_WORLD
    ",\"login\":{\"user\":\"viewer\",\"domain\":\"CORP\"}}";

static const char CONFIG_RESTRICTED_ADMIN[] = "{\"backend\":\"embedded\"," RESTRICTED_WORLD "}";

static const char CONFIG_DEMO[] = "{\"backend\":\"embedded\",\"demo\":{}}";

static const char CONFIG_DANGLING[] =
    "{\"backend\":\"embedded\",\"world\":{\"sites\":[{\"id\":\"Site/a\",\"name\":\"A\"}],"
    "\"pods\":[{\"id\":\"Pod/p\",\"name\":\"P\",\"site\":\"Site/nope\"}]}}";

/* ------------------------------------------------------------------------------------- */
/* The checks                                                                            */
/* ------------------------------------------------------------------------------------- */

static void test_version_and_noops(void)
{
    const char *v = hv_version();
    printf("# hv_version() = %s\n", v != NULL ? v : "(null)");
    check(v != NULL && v[0] != '\0', NULL, "hv_version() returns a non-empty string");
    check(v == hv_version(), NULL, "hv_version() is static (same pointer every call)");
    hv_string_free(NULL);
    check(1, NULL, "hv_string_free(NULL) is a no-op");
    hv_client_close(NULL);
    check(1, NULL, "hv_client_close(NULL) is a no-op");
}

static void test_open_faults(void)
{
    HvClient *client;
    char *out = NULL;
    HvStatus st;

    /* Login that matches no admin. */
    open_client("hv_client_open with an unknown login",
                "{\"backend\":\"embedded\",\"demo\":{},"
                "\"login\":{\"user\":\"nobody\",\"domain\":\"NOWHERE\"}}",
                HV_INVALID_CREDENTIALS, NULL);

    /* The library should also clear a caller's stale pointer on failure. */
    client = (HvClient *)&g_passed; /* a non-NULL sentinel, never dereferenced */
    st = hv_client_open("{\"backend\":\"embedded\",\"demo\":{},"
                        "\"login\":{\"user\":\"nobody\",\"domain\":\"NOWHERE\"}}",
                        &client, &out);
    expect("hv_client_open (unknown login, *out_client preset non-NULL)", st, out,
           HV_INVALID_CREDENTIALS);
    check(client == NULL, NULL, "failed hv_client_open sets a preset *out_client to NULL");
    if (client != NULL && client != (HvClient *)&g_passed) {
        hv_client_close(client);
    }
    hv_string_free(out);

    /* A world with a dangling reference. */
    client = open_client("hv_client_open with a dangling pods[0].site", CONFIG_DANGLING,
                         HV_INVALID_ARGUMENT, &out);
    check(out != NULL && strstr(out, "pods[0].site") != NULL, out,
          "dangling-reference fault names the path \"pods[0].site\"");
    if (out != NULL) {
        char *pn = str_dup_raw(jget(out, "fault.parameterName"));
        info("dangling reference: parameterName %s", pn != NULL ? pn : "(absent)");
        free(pn);
    }
    hv_string_free(out);
    hv_client_close(client);

    /* Malformed configurations. */
    out = NULL;
    client = NULL;
    st = hv_client_open(NULL, &client, &out);
    expect("hv_client_open(NULL config)", st, out, HV_INVALID_ARGUMENT);
    check(client == NULL, NULL, "hv_client_open(NULL config) leaves *out_client NULL");
    hv_string_free(out);
    hv_client_close(client);

    out = NULL;
    st = hv_client_open(CONFIG_DEMO, NULL, &out);
    expect("hv_client_open(NULL out_client)", st, out, HV_INVALID_ARGUMENT);
    hv_string_free(out);

    client = NULL;
    st = hv_client_open(CONFIG_DEMO, &client, NULL);
    check((int)st == HV_INVALID_ARGUMENT, NULL,
          "hv_client_open(NULL out_json) -> HV_INVALID_ARGUMENT (status was %d)", (int)st);
    check(client == NULL, NULL, "hv_client_open(NULL out_json) writes no client");
    if (client != NULL) {
        hv_client_close(client);
    }

    open_client("hv_client_open with unparsable config", "{\"backend\":", HV_INVALID_ARGUMENT,
                NULL);
    open_client("hv_client_open with an unknown config key",
                "{\"backend\":\"embedded\",\"demo\":{},\"bogus\":1}", HV_INVALID_ARGUMENT, NULL);
    open_client("hv_client_open with both demo and world",
                "{\"backend\":\"embedded\",\"demo\":{},\"world\":{}}", HV_INVALID_ARGUMENT, NULL);
}

/* One boundary case: the export `fn` (or, when it is NULL, hv_invoke with `invoke_method`)
 * called with `request`; the status it must answer and, when set, the fault's parameterName
 * and expectedType. */
struct boundary_case {
    const char *what;
    method_fn fn;
    const char *invoke_method;
    int null_client;
    const char *request;
    HvStatus want;
    const char *param;
    const char *expected_type;
};

static const struct boundary_case BOUNDARY_CASES[] = {
    {"NULL client", hv_session_get_local_summary_view, NULL, 1, "{\"id\":\"Session/x\"}", HV_INVALID_ARGUMENT, "client", NULL},
    {"NULL request_json", hv_session_get_local_summary_view, NULL, 0, NULL, HV_INVALID_ARGUMENT, "request_json", NULL},
    {"invalid UTF-8 request (\\xff\\xfe)", hv_session_get_local_summary_view, NULL, 0, "\xff\xfe", HV_INVALID_ARGUMENT, "request_json", NULL},
    {"invalid UTF-8 inside a JSON string", hv_session_get_local_summary_view, NULL, 0, "{\"id\":\"Session/\xc3\x28\"}", HV_INVALID_ARGUMENT, NULL, NULL},
    {"unparsable JSON", hv_session_get_local_summary_view, NULL, 0, "{\"id\":", HV_INVALID_ARGUMENT, "request_json", NULL},
    {"JSON array instead of an object", hv_session_get_local_summary_view, NULL, 0, "[\"Session/x\"]", HV_INVALID_ARGUMENT, NULL, NULL},
    {"unknown key \"bogus\"", hv_session_get_local_summary_view, NULL, 0, "{\"id\":\"Session/x\",\"bogus\":1}", HV_INVALID_ARGUMENT, "bogus", NULL},
    {"missing key \"id\"", hv_session_get_local_summary_view, NULL, 0, "{}", HV_INVALID_ARGUMENT, "id", NULL},
    {"hv_invoke with an unknown method", NULL, "Session_NoSuchMethod", 0, "{\"id\":\"Session/x\"}", HV_INVALID_ARGUMENT, "method", NULL},
    {"hv_invoke with a NULL method", NULL, NULL, 0, "{\"id\":\"Session/x\"}", HV_INVALID_ARGUMENT, "method", NULL},
    {"a Site id where a SessionId goes", hv_session_get_local_summary_view, NULL, 0, "{\"id\":\"Site/x\"}", HV_INVALID_TYPE, "id", "SessionId"},
    {"a number where a SessionId goes", hv_session_get_local_summary_view, NULL, 0, "{\"id\": 5}", HV_INVALID_TYPE, "id", "SessionId"},
    {"a string where SessionId[] goes", hv_session_logoff_sessions, NULL, 0, "{\"ids\":\"Session/x\"}", HV_INVALID_TYPE, "ids", "SessionId[]"},
    {"an empty ids array", hv_session_logoff_sessions, NULL, 0, "{\"ids\":[]}", HV_INVALID_ARGUMENT, "ids", NULL},
    {"an id with an unknown <Type>", hv_session_get_local_summary_view, NULL, 0, "{\"id\":\"Bogus/x\"}", HV_INVALID_ARGUMENT, "id", NULL},
    {"an empty id", hv_session_get_local_summary_view, NULL, 0, "{\"id\":\"\"}", HV_INVALID_ARGUMENT, "id", NULL},
    {"UserHomeSite_Create without base.userOrGroup", hv_user_home_site_create, NULL, 0, "{\"base\":{\"site\":\"Site/x\"}}", HV_INVALID_REQUEST, NULL, NULL},
};

/* The boundary faults of contract section 2 and the id rules of 3.1. */
static void test_boundary(HvClient *client)
{
    char *out = NULL;
    HvStatus st;
    size_t i;

    st = hv_session_get_local_summary_view(client, "{\"id\":\"Session/x\"}", NULL);
    check((int)st == HV_INVALID_ARGUMENT, NULL,
          "NULL out_json -> HV_INVALID_ARGUMENT and nothing written (status was %d)", (int)st);
    st = hv_invoke(client, "Session_GetLocalSummaryView", "{\"id\":\"Session/x\"}", NULL);
    check((int)st == HV_INVALID_ARGUMENT, NULL,
          "hv_invoke with NULL out_json -> HV_INVALID_ARGUMENT (status was %d)", (int)st);

    for (i = 0; i < sizeof BOUNDARY_CASES / sizeof BOUNDARY_CASES[0]; ++i) {
        const struct boundary_case *c = &BOUNDARY_CASES[i];
        HvClient *target = c->null_client ? NULL : client;
        out = NULL;
        st = c->fn != NULL ? c->fn(target, c->request, &out) : hv_invoke(target, c->invoke_method, c->request, &out);
        expect(c->what, st, out, c->want);
        if (c->param != NULL) {
            check(jstr_eq(out, "fault.parameterName", c->param), out, "%s: parameterName is \"%s\"", c->what, c->param);
        }
        if (c->expected_type != NULL) {
            check(jstr_eq(out, "fault.expectedType", c->expected_type), out, "%s: expectedType is \"%s\"", c->what,
                  c->expected_type);
        }
        hv_string_free(out);
    }
}

/* Every export exists, refuses a NULL client, and answers exactly like hv_invoke. */
static void test_method_table(HvClient *client)
{
    size_t i;
    for (i = 0; i < METHOD_COUNT; ++i) {
        char *a = NULL;
        char *b = NULL;
        HvStatus sa;
        HvStatus sb;
        char what[128];

        snprintf(what, sizeof what, "%s export with a NULL client", METHODS[i].name);
        sa = METHODS[i].fn(NULL, "{}", &a);
        expect(what, sa, a, HV_INVALID_ARGUMENT);
        hv_string_free(a);

        a = NULL;
        sa = METHODS[i].fn(client, "{\"bogus\":1}", &a);
        sb = hv_invoke(client, METHODS[i].name, "{\"bogus\":1}", &b);
        check((int)sa == HV_INVALID_ARGUMENT && (int)sa == (int)sb && a != NULL && b != NULL &&
                  strcmp(a, b) == 0,
              a, "%s: export and hv_invoke agree on {\"bogus\":1} (status %d / %d)",
              METHODS[i].name, (int)sa, (int)sb);
        if (a != NULL && b != NULL && strcmp(a, b) != 0) {
            info("hv_invoke answered %.300s", b);
        }
        hv_string_free(a);
        hv_string_free(b);
    }
}

static void test_demo(void)
{
    HvClient *client;
    char *out = NULL;
    char *all = NULL;
    char *via_invoke = NULL;
    char *s0 = NULL;
    char *s1 = NULL;
    char *s2 = NULL;
    char *stable = NULL;
    HvStatus st;
    long n, i;

    client = open_client("hv_client_open demo {}", CONFIG_DEMO, HV_OK, NULL);
    if (client == NULL) {
        return;
    }

    /* Session_Query with a limit, and the same through hv_invoke. */
    st = hv_session_query(client, "{\"limit\": 5}", &out);
    expect("hv_session_query {\"limit\": 5}", st, out, HV_OK);
    n = arr_len(jget(out, "result.results"));
    check(n >= 1 && n <= 5, out, "query page has 1..5 results (%ld)", n);
    check(jlong(out, "result.startingOffset", -1) == 0 &&
              jlong(out, "result.remainingCount", -1) >= 0,
          out, "query page has startingOffset 0 and a remainingCount");
    s0 = first_session_id(out);
    check(s0 != NULL, out, "a Session id is found in the query answer (%s)",
          s0 != NULL ? s0 : "none");

    st = hv_invoke(client, "Session_Query", "{\"limit\": 5}", &via_invoke);
    expect("hv_invoke(\"Session_Query\", {\"limit\": 5})", st, via_invoke, HV_OK);
    check(out != NULL && via_invoke != NULL && strcmp(out, via_invoke) == 0, via_invoke,
          "hv_invoke(\"Session_Query\") answers exactly like hv_session_query");
    hv_string_free(via_invoke);
    via_invoke = NULL;

    /* The whole list, to choose connected sessions for the state checks. */
    st = hv_session_query(client, "{}", &all);
    expect("hv_session_query {}", st, all, HV_OK);
    if (out != NULL && all != NULL) {
        long total = arr_len(jget(all, "result.results"));
        check(total == n + jlong(out, "result.remainingCount", -1000), NULL,
              "limit 5: results + remainingCount equals the full count (%ld)", total);
    }
    hv_string_free(out);
    out = NULL;

    n = arr_len(jget(all, "result.results"));
    info("demo has %ld local sessions", n);
    for (i = 0; i < n; ++i) {
        char path[64];
        char *id;
        snprintf(path, sizeof path, "result.results.%ld.id", i);
        id = str_dup_raw(jget(all, path));
        snprintf(path, sizeof path, "result.results.%ld.sessionData.sessionState", i);
        if (id == NULL || (s0 != NULL && strcmp(id, s0) == 0)) {
            free(id);
        } else if (s1 == NULL && jstr_eq(all, path, "CONNECTED")) {
            s1 = id;
        } else if (s2 == NULL) {
            s2 = id;
        } else if (stable == NULL) {
            stable = id;
        } else {
            free(id);
        }
    }
    hv_string_free(all);
    check(s0 != NULL && s1 != NULL && s2 != NULL && stable != NULL, NULL,
          "demo has four local sessions, one of them CONNECTED besides the first");

    if (s0 != NULL) {
        char *req = request_with_id("id", s0);

        /* GetLocalSummaryView, via export and hv_invoke. */
        out = NULL;
        st = hv_session_get_local_summary_view(client, req, &out);
        expect("hv_session_get_local_summary_view(first session)", st, out, HV_OK);
        check(jget(out, "result.namesData") != NULL && jstr_eq(out, "result.id", s0), out,
              "summary view has namesData and the requested id");
        check(jget(out, "result.sessionData") != NULL && jget(out, "result.referenceData") != NULL,
              out, "summary view has sessionData and referenceData");
        check(out != NULL && strstr(out, "namesData") != NULL, out,
              "summary view text contains \"namesData\"");
        via_invoke = NULL;
        st = hv_invoke(client, "Session_GetLocalSummaryView", req, &via_invoke);
        check((int)st == HV_OK && out != NULL && via_invoke != NULL &&
                  strcmp(out, via_invoke) == 0,
              via_invoke, "hv_invoke(\"Session_GetLocalSummaryView\") answers like the export");
        hv_string_free(via_invoke);
        hv_string_free(out);

        /* LogoffForced, then the session is gone. */
        out = NULL;
        st = hv_session_logoff_forced(client, req, &out);
        expect("hv_session_logoff_forced(first session)", st, out, HV_OK);
        check(out != NULL && jis_null(jget(out, "result")), out, "logoff answers {\"result\":null}");
        info("logoff answer text: %s", out != NULL ? out : "(none)");
        hv_string_free(out);

        out = NULL;
        st = hv_session_get_local_summary_view(client, req, &out);
        expect("get_local_summary_view after logoff", st, out, HV_ENTITY_NOT_FOUND);
        check(jstr_eq(out, "fault.type", "EntityNotFound") && jstr_eq(out, "fault.id", s0), out,
              "fault is {\"type\":\"EntityNotFound\", \"id\": <the session>}");
        hv_string_free(out);

        call_id("hv_session_logoff_forced on the ended session", hv_session_logoff_forced, client,
                s0, HV_ENTITY_NOT_FOUND);
        free(req);
    }

    call_id("get_local_summary_view of an unknown Session id",
            hv_session_get_local_summary_view, client, "Session/no-such-session",
            HV_ENTITY_NOT_FOUND);

    if (s1 != NULL) {
        call_id("hv_session_disconnect(connected session)", hv_session_disconnect, client, s1,
                HV_OK);
        out = NULL;
        {
            char *req = request_with_id("id", s1);
            st = hv_session_disconnect(client, req, &out);
            free(req);
        }
        expect("hv_session_disconnect(same session again)", st, out, HV_INVALID_STATE);
        {
            const char *id = jget(out, "fault.id");
            check(id == NULL || str_eq(id, s1), out,
                  "InvalidState fault's id, when present, is the session");
        }
        hv_string_free(out);

        out = NULL;
        {
            char *req = request_with_id("id", s1);
            st = hv_session_get_local_summary_view(client, req, &out);
            free(req);
        }
        expect("summary view of the disconnected session", st, out, HV_OK);
        check(jstr_eq(out, "result.sessionData.sessionState", "DISCONNECTED") &&
                  jget(out, "result.sessionData.sessionProtocol") == NULL,
              out, "disconnected: sessionState DISCONNECTED, sessionProtocol omitted");
        hv_string_free(out);
    }

    if (s2 != NULL) {
        size_t n2 = strlen(s2) + 64;
        char *req = (char *)malloc(n2);
        snprintf(req, n2, "{\"ids\":[\"%s\",\"Session/no-such-session\"]}", s2);
        out = NULL;
        st = hv_session_logoff_sessions_forced(client, req, &out);
        expect("batch logoff (forced) of one good and one unknown id", st, out,
               HV_PARTIAL_FAILURE);
        check(jlong(out, "fault.resultCount", -1) == 2 && jlong(out, "fault.successCount", -1) == 1,
              out, "PartialFailureFault has resultCount 2 and successCount 1");
        check(arr_len(jget(out, "fault.results")) == 2 && jis_null(jget(out, "fault.results.0")) &&
                  jstr_eq(out, "fault.results.1.type", "EntityNotFound") &&
                  jstr_eq(out, "fault.results.1.id", "Session/no-such-session"),
              out, "results are [null, {EntityNotFound, id}] in input order");
        hv_string_free(out);
        free(req);
        call_id("the batch's good item is gone", hv_session_get_local_summary_view, client, s2,
                HV_ENTITY_NOT_FOUND);
    }

    test_boundary(client);
    test_method_table(client);

    /* Four threads on the one client. */
    {
        pthread_t tids[THREADS];
        struct worker workers[THREADS];
        int started[THREADS];
        const char *target = stable != NULL ? stable : s1;
        char *get_request = request_with_id("id", target != NULL ? target : "Session/none");
        int t;
        for (t = 0; t < THREADS; ++t) {
            memset(&workers[t], 0, sizeof workers[t]);
            workers[t].client = client;
            workers[t].get_request = get_request;
            workers[t].index = t;
            started[t] = pthread_create(&tids[t], NULL, worker_main, &workers[t]) == 0;
        }
        for (t = 0; t < THREADS; ++t) {
            if (started[t]) {
                pthread_join(tids[t], NULL);
            }
            check(started[t] && workers[t].calls == 2 * ITERATIONS && workers[t].failures == 0,
                  workers[t].failures != 0 ? workers[t].first_failure : NULL,
                  "thread %d: %d concurrent query/summary calls, all HV_OK (%d failed)", t,
                  workers[t].calls, workers[t].failures);
        }
        free(get_request);
    }

    free(s0);
    free(s1);
    free(s2);
    free(stable);
    hv_client_close(client);
}

static void test_restricted_admin(void)
{
    HvClient *viewer;
    HvClient *admin;
    char *out = NULL;
    HvStatus st;

    viewer = open_client("hv_client_open as CORP\\viewer (MACHINE_VIEW on AccessGroup/ag1)",
                         CONFIG_RESTRICTED_VIEWER, HV_OK, NULL);
    if (viewer != NULL) {
        out = NULL;
        st = hv_session_get_local_summary_view(viewer, "{\"id\":\"Session/1\"}", &out);
        expect("viewer: summary view of a session in ag1", st, out, HV_OK);
        check(jstr_eq(out, "result.namesData.userName", "CORP\\\\alice") &&
                  jstr_eq(out, "result.namesData.desktopName", "Sales Win11"),
              out, "summary view: userName CORP\\alice, desktopName \"Sales Win11\"");
        hv_string_free(out);

        out = NULL;
        st = hv_session_logoff(viewer, "{\"id\":\"Session/1\"}", &out);
        expect("viewer: logoff without a logoff privilege", st, out, HV_INSUFFICIENT_PERMISSION);
        check(out != NULL && jget(out, "fault.privileges") != NULL &&
                  strstr(out, "MACHINE_MANAGE_VDI_SESSION") != NULL,
              out, "InsufficientPermission lists privileges incl. MACHINE_MANAGE_VDI_SESSION");
        hv_string_free(out);

        call_id("viewer: the session survived the refused logoff",
                hv_session_get_local_summary_view, viewer, "Session/1", HV_OK);
        call_id("viewer: summary view of a session in ag2 (no privilege there)",
                hv_session_get_local_summary_view, viewer, "Session/2",
                HV_INSUFFICIENT_PERMISSION);

        out = NULL;
        st = hv_session_query(viewer, "{}", &out);
        expect("viewer: Session_Query", st, out, HV_OK);
        check(arr_len(jget(out, "result.results")) == 1 &&
                  jstr_eq(out, "result.results.0.id", "Session/1"),
              out, "viewer's query is filtered to ag1: exactly Session/1");
        hv_string_free(out);
        hv_client_close(viewer);
    }

    /* The same world as the built-in administrator: the refusal above was the privilege. */
    admin = open_client("hv_client_open the same world as administrator",
                        CONFIG_RESTRICTED_ADMIN, HV_OK, NULL);
    if (admin != NULL) {
        out = NULL;
        st = hv_session_query(admin, "{}", &out);
        expect("administrator: Session_Query", st, out, HV_OK);
        check(arr_len(jget(out, "result.results")) == 2, out, "administrator sees both sessions");
        hv_string_free(out);
        call_id("administrator: logoff Session/1", hv_session_logoff, admin, "Session/1", HV_OK);
        call_id("administrator: Session/1 is gone", hv_session_get_local_summary_view, admin,
                "Session/1", HV_ENTITY_NOT_FOUND);
        hv_client_close(admin);
    }
}

int main(void)
{
    test_version_and_noops();
    test_open_faults();
    test_demo();
    test_restricted_admin();

    check(g_answers > 0 && g_type_mismatch == 0, NULL,
          "status equals fault type in all %d checked answers (%d mismatches)", g_answers,
          g_type_mismatch);

    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
