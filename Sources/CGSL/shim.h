#ifndef SAMPO_CGSL_SHIM_H
#define SAMPO_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_sf_log.h>

/* GSL's generator types are mutable C globals, which Swift 6 refuses to read
   directly; these accessors hand out the pointers instead. */
static inline const gsl_rng_type *sampo_rng_mt19937(void) { return gsl_rng_mt19937; }

/* Turn GSL's abort-on-error handler off; callers check return codes. */
static inline void sampo_gsl_errors_off(void) { (void)gsl_set_error_handler_off(); }

#endif
