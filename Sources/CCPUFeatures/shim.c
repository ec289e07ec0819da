#include "CCPUFeatures.h"

// __builtin_cpu_supports reads CPUID once and clears the AVX and AVX-512 features whose register
// state the operating system does not save (XGETBV), so a "yes" means the instructions run here.

int CCPUFeatures_hasAVX512(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl") && CCPUFeatures_hasAVX2();
#else
  return 0;
#endif
}

int CCPUFeatures_hasAVX2(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("movbe") &&
         __builtin_cpu_supports("lzcnt") && __builtin_cpu_supports("popcnt");
#else
  return 0;
#endif
}
