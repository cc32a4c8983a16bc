/*
 * 100k forced logoffs (Session_LogoffSessionsForced, one call) in a demo world of 1M sessions,
 * through the C ABI. Built for Linux (against libhvapi.so) and for Windows (against hvapi.dll,
 * run under wine) by scripts/bench-windows.sh, which prints the two side by side.
 *
 *   logoff_bench [ROUNDS]
 *
 * Each round opens a fresh world (not timed), then times only the one call. Prints one line:
 * "median_seconds items_per_second" of the rounds.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "hvapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
static double now(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
}
#else
#include <time.h>
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
#endif

#define SESSIONS 1000000
#define LOGOFFS 100000

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    double times[16];
    char *request;
    size_t n = 0, cap = (size_t)LOGOFFS * 32 + 64;
    int r, j;

    if (rounds < 1 || rounds > 16) {
        fprintf(stderr, "logoff_bench: ROUNDS is 1 to 16\n");
        return 2;
    }
    /* The first tenth of the sessions, as benches/federation.rs (f) takes them. */
    request = malloc(cap);
    if (request == NULL) {
        return 2;
    }
    n += (size_t)snprintf(request + n, cap - n, "{\"ids\":[");
    for (j = 1; j <= LOGOFFS; ++j) {
        n += (size_t)snprintf(request + n, cap - n, "%s\"Session/pod-1-1-%07d\"", j > 1 ? "," : "", j);
    }
    snprintf(request + n, cap - n, "]}");

    for (r = 0; r < rounds; ++r) {
        struct HvClient *client = NULL;
        char *out = NULL;
        double t0;
        HvStatus st = hv_client_open("{\"backend\":\"embedded\",\"demo\":{\"sites\":1,\"podsPerSite\":1,\"sessionsPerPod\":1000000}}",
                                     &client, &out);
        if (st != HV_OK) {
            fprintf(stderr, "logoff_bench: open failed: %s\n", out);
            return 1;
        }
        hv_string_free(out);
        out = NULL;
        t0 = now();
        st = hv_session_logoff_sessions_forced(client, request, &out);
        times[r] = now() - t0;
        if (st != HV_OK) {
            fprintf(stderr, "logoff_bench: the logoffs failed (%d): %.300s\n", (int)st, out);
            return 1;
        }
        hv_string_free(out);
        hv_client_close(client);
    }
    qsort(times, (size_t)rounds, sizeof times[0], by_value);
    printf("%.6f %.0f\n", times[rounds / 2], LOGOFFS / times[rounds / 2]);
    free(request);
    return 0;
}
