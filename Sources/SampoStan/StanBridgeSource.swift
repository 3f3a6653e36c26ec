/// Sampo's bridge to a Stan model, as C++ source: a C interface over `stan::model::model_base`,
/// compiled once per model together with stanc's output (see ``StanCompiler``). It lives in the
/// binary so that an installed `sampo` needs no file beside it; its text is part of each compiled
/// model's cache key.
enum StanBridgeSource {
    static let text = #"""
// Sampo's bridge to a Stan model: a C interface over stan::model::model_base, compiled once per
// model together with stanc's C++ (which defines `new_model`). Every call catches its exceptions:
// a std::domain_error (the model rejected the point) is status 1, anything else status 2, each with
// its message; nothing escapes into Swift.
#include <stan/io/json/json_data.hpp>
#include <stan/io/empty_var_context.hpp>
#include <stan/math.hpp>
#include <stan/model/model_base.hpp>
#include <stan/services/util/create_rng.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

stan::model::model_base& new_model(stan::io::var_context& data_context, unsigned int seed, std::ostream* msg_stream);

namespace {
char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

// Each thread that runs the model's reverse mode needs its own autodiff stack (STAN_THREADS makes
// the tape thread-local; this is the tape).
stan::math::ChainableStack& thread_stack() {
  static thread_local stan::math::ChainableStack stack;
  return stack;
}

struct Model {
  stan::model::model_base* model;
  std::vector<std::string> unconstrained_names, parameter_names, all_names;
};

void set_error(char** error, const std::string& what) {
  if (error) *error = copy_string(what);
}

// Runs `body`, turning its exceptions into a status with the message in `error`: 0 ok, 1 the model
// rejected the point (std::domain_error), 2 any other exception. The one catch ladder of the bridge.
template <class Body>
int guarded(char** error, Body&& body) {
  try {
    body();
    return 0;
  } catch (const std::domain_error& e) {
    set_error(error, e.what());
    return 1;
  } catch (const std::exception& e) {
    set_error(error, e.what());
    return 2;
  } catch (...) {
    set_error(error, "unknown C++ exception");
    return 2;
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) { if (i) out += '\n'; out += names[i]; }
  return out;
}
}  // namespace

extern "C" {

// The model with its data (JSON text; empty for a model without data). Null on failure, with the message in `error`.
void* sampo_stan_new(const char* data_json, unsigned int seed, char** error) {
  Model* out = nullptr;
  guarded(error, [&] {
    thread_stack();
    std::ostringstream messages;
    stan::model::model_base* m;
    if (data_json == nullptr || data_json[0] == 0) {
      stan::io::empty_var_context empty;
      m = &new_model(empty, seed, &messages);
    } else {
      std::istringstream in(data_json);
      stan::json::json_data data(in);
      m = &new_model(data, seed, &messages);
    }
    Model* made = new Model{m, {}, {}, {}};
    m->unconstrained_param_names(made->unconstrained_names, false, false);
    m->constrained_param_names(made->parameter_names, false, false);
    m->constrained_param_names(made->all_names, true, true);
    out = made;
  });
  return out;
}

void sampo_stan_free(void* handle) {
  Model* m = static_cast<Model*>(handle);
  if (!m) return;
  delete m->model;
  delete m;
}

void sampo_stan_free_string(char* s) { std::free(s); }

// 0: unconstrained dimension, 1: constrained parameters, 2: with transformed parameters and generated quantities.
int sampo_stan_size(void* handle, int which) {
  Model* m = static_cast<Model*>(handle);
  switch (which) {
    case 0: return static_cast<int>(m->unconstrained_names.size());
    case 1: return static_cast<int>(m->parameter_names.size());
    default: return static_cast<int>(m->all_names.size());
  }
}

// Names separated by newlines (Stan's dotted form, theta.1), for `sampo_stan_size(which)`; free with sampo_stan_free_string.
char* sampo_stan_names(void* handle, int which) {
  Model* m = static_cast<Model*>(handle);
  return copy_string(joined(which == 0 ? m->unconstrained_names : which == 1 ? m->parameter_names : m->all_names));
}

char* sampo_stan_model_name(void* handle) {
  return copy_string(static_cast<Model*>(handle)->model->model_name());
}

// log density on the unconstrained space (with the Jacobian, up to a constant, as Stan samples it),
// and its gradient when `gradient` is not null. 0 ok; 1 the model rejected the point (lp = -inf); 2 error.
int sampo_stan_log_density(void* handle, const double* x, double* lp, double* gradient, char** error) {
  Model* m = static_cast<Model*>(handle);
  thread_stack();
  const size_t d = m->unconstrained_names.size();
  const int status = guarded(error, [&] {
    Eigen::Matrix<stan::math::var, -1, 1> params(d);
    for (size_t i = 0; i < d; ++i) params(i) = x[i];
    stan::math::var target = m->model->log_prob_propto_jacobian(params, nullptr);
    *lp = target.val();
    if (gradient) {
      target.grad();
      for (size_t i = 0; i < d; ++i) gradient[i] = params(i).adj();
    }
  });
  if (status != 0) *lp = -std::numeric_limits<double>::infinity();
  stan::math::recover_memory();
  return status;
}

// The bare compiled call in a C++ loop, for `sampo bench --stan`: nanoseconds per log density and
// gradient at `x` over `n` calls of the function above.
double sampo_stan_time_gradient(void* handle, const double* x, long n) {
  Model* m = static_cast<Model*>(handle);
  std::vector<double> gradient(m->unconstrained_names.size());
  double lp = 0, sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < n; ++k) {
    char* error = nullptr;
    sampo_stan_log_density(handle, x, &lp, gradient.data(), &error);
    std::free(error);
    sink += lp;
  }
  const auto stop = std::chrono::steady_clock::now();
  volatile double keep = sink;
  (void)keep;
  return std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(n > 0 ? n : 1);
}

// A random number generator for generated quantities (Stan's own, seeded per chain).
void* sampo_stan_rng_new(unsigned int seed, unsigned int chain) {
  try { return new stan::rng_t(stan::services::util::create_rng(seed, chain)); } catch (...) { return nullptr; }
}

void sampo_stan_rng_free(void* rng) { delete static_cast<stan::rng_t*>(rng); }

// The constrained values of an unconstrained point: parameters, then (when asked) transformed
// parameters and generated quantities, written to `out` (sampo_stan_size(1) or (2) values).
int sampo_stan_constrain(void* handle, const double* x, int all, void* rng, double* out, char** error) {
  Model* m = static_cast<Model*>(handle);
  const size_t d = m->unconstrained_names.size();
  return guarded(error, [&] {
    Eigen::VectorXd params(d), values;
    for (size_t i = 0; i < d; ++i) params(i) = x[i];
    std::ostringstream messages;
    stan::rng_t fallback(0);
    stan::rng_t& r = rng ? *static_cast<stan::rng_t*>(rng) : fallback;
    m->model->write_array(r, params, values, all != 0, all != 0, &messages);
    const size_t n = all ? m->all_names.size() : m->parameter_names.size();
    for (size_t i = 0; i < n; ++i) out[i] = i < static_cast<size_t>(values.size()) ? values(i) : std::numeric_limits<double>::quiet_NaN();
  });
}

// Initial values given as Stan JSON on the constrained scale, mapped to the unconstrained space.
int sampo_stan_unconstrain_json(void* handle, const char* json, double* out, char** error) {
  Model* m = static_cast<Model*>(handle);
  return guarded(error, [&] {
    std::istringstream in(json);
    stan::json::json_data inits(in);
    Eigen::VectorXd params;
    std::ostringstream messages;
    m->model->transform_inits(inits, params, &messages);
    for (Eigen::Index i = 0; i < params.size(); ++i) out[i] = params(i);
  });
}
}
"""#
}
