#ifndef CMEMORY_H
#define CMEMORY_H

/// Sets how many malloc arenas glibc may create (mallopt(M_ARENA_MAX, n)); returns 1 on success.
int cmemory_limit_arenas(int arenas);

#endif
