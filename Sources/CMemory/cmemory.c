#include "cmemory.h"

#include <malloc.h>

int cmemory_limit_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}
