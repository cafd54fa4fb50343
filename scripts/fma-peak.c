/*
 * Sustained FP32 FMA throughput of this machine, for BENCH_PEAK_GFLOPS (harness/bench/peak.ts).
 * The detected peak uses a reported clock (on VMs /proc/cpuinfo's nominal one); cores run faster
 * under boost. Each thread runs 12 independent chains of 8-lane fused multiply-adds (enough to cover the
 * FMA latency on both units), so the loop is bound by FMA throughput alone.
 *
 *   gcc -O3 -mavx2 -mfma -pthread scripts/fma-peak.c -o /tmp/fma-peak && /tmp/fma-peak 2
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define ROUNDS 200000000L /* per thread: ROUNDS × CHAINS FMAs of 8 lanes, 2 FLOPs each */

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *chains(void *out) {
  __m256 acc[CHAINS];
  const __m256 mul = _mm256_set1_ps(0.9999999f), add = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
  for (long r = 0; r < ROUNDS; r++)
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], mul, add);
  float lanes[8], sum = 0;
  for (int i = 0; i < CHAINS; i++) {
    _mm256_storeu_ps(lanes, acc[i]);
    sum += lanes[0];
  }
  *(float *)out = sum; /* keeps the loop from being optimised away */
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256) {
    fprintf(stderr, "threads: expected 1-256, found %s\n", argv[1]);
    return 2;
  }
  pthread_t *ids = malloc(sizeof *ids * threads);
  float *sums = malloc(sizeof *sums * threads);
  double start = seconds();
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, chains, &sums[t]);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  double elapsed = seconds() - start;
  double flops = (double)threads * ROUNDS * CHAINS * 8 * 2;
  printf("%d thread%s: %.1f GFLOP/s FP32 (%.2f s)\n", threads, threads > 1 ? "s" : "", flops / elapsed / 1e9, elapsed);
  return 0;
}
