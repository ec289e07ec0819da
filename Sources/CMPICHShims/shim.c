// Most functions of CMPICHShims are `static inline` in include/CMPICHShims.h. SwiftPM needs at
// least one source file to build a C target; this file also holds the functions that need
// _GNU_SOURCE, which must be defined before the first system header.
#define _GNU_SOURCE
#include <sched.h>

#include "CMPICHShims.h"

int CMPICHShims_version(void) { return MPI_VERSION * 100 + MPI_SUBVERSION; }

int CMPICHShims_sched_getaffinity_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  return CPU_COUNT(&set);
}
