// The functions of CMPICHShims are `static inline` in include/CMPICHShims.h. SwiftPM needs at
// least one source file to build a C target, so this file defines one function of its own.
#include "CMPICHShims.h"

int CMPICHShims_version(void) { return MPI_VERSION * 100 + MPI_SUBVERSION; }
