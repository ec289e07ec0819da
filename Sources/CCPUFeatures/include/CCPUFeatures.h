#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

/// 1 when this CPU and the operating system run the AVX-512 instructions (F, CD, BW, DQ, VL) that
/// code built for `-target-cpu skylake-avx512` uses; 0 otherwise (and on other architectures).
int CCPUFeatures_hasAVX512(void);

/// 1 when this CPU and the operating system run the instructions (AVX2, FMA, BMI1/2, F16C, MOVBE,
/// LZCNT) that code built for `-target-cpu haswell` uses; 0 otherwise (and on other architectures).
int CCPUFeatures_hasAVX2(void);

#endif
