// Compiles include/hvapi.h as C++ and links one call, proving the header is valid C++ and
// that its declarations have C linkage (a missing extern "C" would fail to link).
#include "hvapi.h"

#include <cstdio>

int main()
{
    HvStatus ok = HV_OK;
    std::printf("header_cxx: hv_version() = %s, HV_OK = %d\n", hv_version(), static_cast<int>(ok));
    return 0;
}
