#ifndef TASKMASTER_CNGHTTP2_SHIM_H
#define TASKMASTER_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
