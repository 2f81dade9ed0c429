#ifndef TASKMASTER_CPOSTGRESQL_SHIM_H
#define TASKMASTER_CPOSTGRESQL_SHIM_H
#include <libpq-fe.h>
#endif
