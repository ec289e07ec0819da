// CMPICHShims: prefixed functions for the MPICH macros that Swift cannot import.
//
// Not API. Only the Swift module `MPI` includes this header; see README.md.
// MPICH writes MPI_SUM, MPI_IN_PLACE, MPI_STATUS_IGNORE and others as casts without outer
// parentheses, so the Clang importer drops them (PLATFORM.md section 2). Each function below
// returns the macro's value; being `static inline`, it folds to a constant in optimized builds.
// Every symbol carries the module's prefix, as swift-nio's CNIOLinux_* shims do.

#ifndef CMPICHSHIMS_H
#define CMPICHSHIMS_H

#include <mpi.h>

// MARK: - Special buffers and status arguments

static inline void *CMPICHShims_MPI_IN_PLACE(void) { return MPI_IN_PLACE; }
static inline void *CMPICHShims_MPI_BOTTOM(void) { return MPI_BOTTOM; }
static inline MPI_Status *CMPICHShims_MPI_STATUS_IGNORE(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *CMPICHShims_MPI_STATUSES_IGNORE(void) { return MPI_STATUSES_IGNORE; }

// MARK: - Integer constants

static inline int CMPICHShims_MPI_SUCCESS(void) { return MPI_SUCCESS; }
static inline int CMPICHShims_MPI_UNDEFINED(void) { return MPI_UNDEFINED; }
static inline int CMPICHShims_MPI_ANY_SOURCE(void) { return MPI_ANY_SOURCE; }
static inline int CMPICHShims_MPI_ANY_TAG(void) { return MPI_ANY_TAG; }
static inline int CMPICHShims_MPI_PROC_NULL(void) { return MPI_PROC_NULL; }
static inline int CMPICHShims_MPI_COMM_TYPE_SHARED(void) { return MPI_COMM_TYPE_SHARED; }
static inline int CMPICHShims_MPI_MAX_PROCESSOR_NAME(void) { return MPI_MAX_PROCESSOR_NAME; }
static inline int CMPICHShims_MPI_MAX_ERROR_STRING(void) { return MPI_MAX_ERROR_STRING; }
static inline int CMPICHShims_MPI_MAX_LIBRARY_VERSION_STRING(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }
static inline int CMPICHShims_MPI_THREAD_SINGLE(void) { return MPI_THREAD_SINGLE; }
static inline int CMPICHShims_MPI_THREAD_FUNNELED(void) { return MPI_THREAD_FUNNELED; }
static inline int CMPICHShims_MPI_THREAD_SERIALIZED(void) { return MPI_THREAD_SERIALIZED; }
static inline int CMPICHShims_MPI_THREAD_MULTIPLE(void) { return MPI_THREAD_MULTIPLE; }

// MARK: - Error classes used by the Swift layer's own argument checks

static inline int CMPICHShims_MPI_ERR_BUFFER(void) { return MPI_ERR_BUFFER; }
static inline int CMPICHShims_MPI_ERR_COUNT(void) { return MPI_ERR_COUNT; }
static inline int CMPICHShims_MPI_ERR_TAG(void) { return MPI_ERR_TAG; }
static inline int CMPICHShims_MPI_ERR_RANK(void) { return MPI_ERR_RANK; }
static inline int CMPICHShims_MPI_ERR_ARG(void) { return MPI_ERR_ARG; }
static inline int CMPICHShims_MPI_ERR_OTHER(void) { return MPI_ERR_OTHER; }
static inline int CMPICHShims_MPI_ERR_IN_STATUS(void) { return MPI_ERR_IN_STATUS; }
static inline int CMPICHShims_MPI_ERR_PENDING(void) { return MPI_ERR_PENDING; }

// MARK: - Handles: communicators, requests, error handlers, info

static inline MPI_Comm CMPICHShims_MPI_COMM_WORLD(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm CMPICHShims_MPI_COMM_SELF(void) { return MPI_COMM_SELF; }
static inline MPI_Comm CMPICHShims_MPI_COMM_NULL(void) { return MPI_COMM_NULL; }
static inline MPI_Request CMPICHShims_MPI_REQUEST_NULL(void) { return MPI_REQUEST_NULL; }
static inline MPI_Errhandler CMPICHShims_MPI_ERRORS_RETURN(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Errhandler CMPICHShims_MPI_ERRORS_ARE_FATAL(void) { return MPI_ERRORS_ARE_FATAL; }
static inline MPI_Info CMPICHShims_MPI_INFO_NULL(void) { return MPI_INFO_NULL; }

// MARK: - Reduction operations

static inline MPI_Op CMPICHShims_MPI_MAX(void) { return MPI_MAX; }
static inline MPI_Op CMPICHShims_MPI_MIN(void) { return MPI_MIN; }
static inline MPI_Op CMPICHShims_MPI_SUM(void) { return MPI_SUM; }
static inline MPI_Op CMPICHShims_MPI_PROD(void) { return MPI_PROD; }
static inline MPI_Op CMPICHShims_MPI_LAND(void) { return MPI_LAND; }
static inline MPI_Op CMPICHShims_MPI_BAND(void) { return MPI_BAND; }
static inline MPI_Op CMPICHShims_MPI_LOR(void) { return MPI_LOR; }
static inline MPI_Op CMPICHShims_MPI_BOR(void) { return MPI_BOR; }
static inline MPI_Op CMPICHShims_MPI_LXOR(void) { return MPI_LXOR; }
static inline MPI_Op CMPICHShims_MPI_BXOR(void) { return MPI_BXOR; }
static inline MPI_Op CMPICHShims_MPI_MINLOC(void) { return MPI_MINLOC; }
static inline MPI_Op CMPICHShims_MPI_MAXLOC(void) { return MPI_MAXLOC; }
static inline MPI_Op CMPICHShims_MPI_REPLACE(void) { return MPI_REPLACE; }
static inline MPI_Op CMPICHShims_MPI_NO_OP(void) { return MPI_NO_OP; }
static inline MPI_Op CMPICHShims_MPI_OP_NULL(void) { return MPI_OP_NULL; }

// MARK: - Predefined datatypes

static inline MPI_Datatype CMPICHShims_MPI_CHAR(void) { return MPI_CHAR; }
static inline MPI_Datatype CMPICHShims_MPI_SIGNED_CHAR(void) { return MPI_SIGNED_CHAR; }
static inline MPI_Datatype CMPICHShims_MPI_UNSIGNED_CHAR(void) { return MPI_UNSIGNED_CHAR; }
static inline MPI_Datatype CMPICHShims_MPI_BYTE(void) { return MPI_BYTE; }
static inline MPI_Datatype CMPICHShims_MPI_SHORT(void) { return MPI_SHORT; }
static inline MPI_Datatype CMPICHShims_MPI_UNSIGNED_SHORT(void) { return MPI_UNSIGNED_SHORT; }
static inline MPI_Datatype CMPICHShims_MPI_INT(void) { return MPI_INT; }
static inline MPI_Datatype CMPICHShims_MPI_UNSIGNED(void) { return MPI_UNSIGNED; }
static inline MPI_Datatype CMPICHShims_MPI_LONG(void) { return MPI_LONG; }
static inline MPI_Datatype CMPICHShims_MPI_UNSIGNED_LONG(void) { return MPI_UNSIGNED_LONG; }
static inline MPI_Datatype CMPICHShims_MPI_LONG_LONG(void) { return MPI_LONG_LONG; }
static inline MPI_Datatype CMPICHShims_MPI_UNSIGNED_LONG_LONG(void) { return MPI_UNSIGNED_LONG_LONG; }
static inline MPI_Datatype CMPICHShims_MPI_FLOAT(void) { return MPI_FLOAT; }
static inline MPI_Datatype CMPICHShims_MPI_DOUBLE(void) { return MPI_DOUBLE; }
static inline MPI_Datatype CMPICHShims_MPI_LONG_DOUBLE(void) { return MPI_LONG_DOUBLE; }
static inline MPI_Datatype CMPICHShims_MPI_INT8_T(void) { return MPI_INT8_T; }
static inline MPI_Datatype CMPICHShims_MPI_INT16_T(void) { return MPI_INT16_T; }
static inline MPI_Datatype CMPICHShims_MPI_INT32_T(void) { return MPI_INT32_T; }
static inline MPI_Datatype CMPICHShims_MPI_INT64_T(void) { return MPI_INT64_T; }
static inline MPI_Datatype CMPICHShims_MPI_UINT8_T(void) { return MPI_UINT8_T; }
static inline MPI_Datatype CMPICHShims_MPI_UINT16_T(void) { return MPI_UINT16_T; }
static inline MPI_Datatype CMPICHShims_MPI_UINT32_T(void) { return MPI_UINT32_T; }
static inline MPI_Datatype CMPICHShims_MPI_UINT64_T(void) { return MPI_UINT64_T; }
static inline MPI_Datatype CMPICHShims_MPI_C_BOOL(void) { return MPI_C_BOOL; }
static inline MPI_Datatype CMPICHShims_MPI_FLOAT_INT(void) { return MPI_FLOAT_INT; }
static inline MPI_Datatype CMPICHShims_MPI_DOUBLE_INT(void) { return MPI_DOUBLE_INT; }
static inline MPI_Datatype CMPICHShims_MPI_LONG_INT(void) { return MPI_LONG_INT; }
static inline MPI_Datatype CMPICHShims_MPI_2INT(void) { return MPI_2INT; }
static inline MPI_Datatype CMPICHShims_MPI_DATATYPE_NULL(void) { return MPI_DATATYPE_NULL; }

// MARK: - Status fields (the struct layout differs between MPI libraries)

static inline int CMPICHShims_Status_source(const MPI_Status *status) { return status->MPI_SOURCE; }
static inline int CMPICHShims_Status_tag(const MPI_Status *status) { return status->MPI_TAG; }
static inline int CMPICHShims_Status_error(const MPI_Status *status) { return status->MPI_ERROR; }

// MARK: - CPU affinity (glibc declares sched_getaffinity only under _GNU_SOURCE, and
// CPU_COUNT is a macro; both are in shim.c)

// The number of CPUs this process may run on (sched_getaffinity + CPU_COUNT), or -1 when the
// call fails (for example on a machine with more CPUs than a cpu_set_t holds).
int CMPICHShims_sched_getaffinity_count(void);

// Exists so the C target has a symbol of its own (see shim.c).
int CMPICHShims_version(void);

#endif  // CMPICHSHIMS_H
