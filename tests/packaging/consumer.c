/* A program as a C or C++ user writes it against an installed hvapi (scripts/install.sh):
 * built by tests/packaging/c.sh with pkg-config (as C) and through find_package(hvapi) in
 * cmake/ (as C++). It checks the library's version, opens the demo, finds a session, logs it
 * off, and gets a typed fault for it afterwards. Exit 0 only when every check passes. */
#include <hvapi.h>
#include <stdio.h>
#include <string.h>

#ifndef HVAPI_EXPECTED_VERSION
#error "build with -DHVAPI_EXPECTED_VERSION=\"x.y.z\""
#endif

static int failures = 0;
#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "consumer: FAILED %s: ", #cond); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            failures++;                                    \
        }                                                  \
    } while (0)

static const char *const SESSION = "Session/pod-1-1-0000001";

/* Occurrences of `needle` in `haystack`. */
static int count(const char *haystack, const char *needle) {
    int n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle)) n++;
    return n;
}

int main(void) {
    CHECK(strcmp(hv_version(), HVAPI_EXPECTED_VERSION) == 0, "hv_version() is %s", hv_version());

    HvClient *client = NULL;
    char *out = NULL;
    HvStatus st = hv_client_open("{\"demo\":{}}", &client, &out);
    CHECK(st == HV_OK && client != NULL, "open: %d %s", (int)st, out ? out : "(null)");
    hv_string_free(out);
    if (client == NULL) return 1;

    const char *query = "{\"filter\":{\"type\":\"Equals\",\"memberName\":\"id\",\"value\":\"Session/pod-1-1-0000001\"}}";
    st = hv_session_query(client, query, &out);
    CHECK(st == HV_OK && count(out, SESSION) == 1, "query before: %d %s", (int)st, out);
    hv_string_free(out);

    st = hv_session_logoff(client, "{\"id\":\"Session/pod-1-1-0000001\"}", &out);
    CHECK(st == HV_OK && strcmp(out, "{\"result\":null}") == 0, "logoff: %d %s", (int)st, out);
    hv_string_free(out);

    st = hv_session_query(client, query, &out);
    CHECK(st == HV_OK && count(out, SESSION) == 0, "query after: %d %s", (int)st, out);
    hv_string_free(out);

    st = hv_session_logoff(client, "{\"id\":\"Session/pod-1-1-0000001\"}", &out);
    CHECK(st == HV_ENTITY_NOT_FOUND && strstr(out, "\"EntityNotFound\"") != NULL, "second logoff: %d %s", (int)st, out);
    hv_string_free(out);

    hv_client_close(client);
    if (failures == 0) printf("consumer: hvapi %s: demo opened, %s logged off, then EntityNotFound\n", hv_version(), SESSION);
    return failures == 0 ? 0 : 1;
}
