private import CMemory

/// glibc's malloc makes up to eight arenas per core, and each keeps the memory it once held: a
/// large request handled on one thread and the next on another keep both peaks resident. Two
/// arenas bound that while threads rarely wait for one.
enum MallocArenas {
    static func limit(to arenas: Int32 = 2) {
        _ = cmemory_limit_arenas(arenas)
    }
}
