#ifndef TASKMASTER_CPROTOBUFC_SHIM_H
#define TASKMASTER_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
#endif
