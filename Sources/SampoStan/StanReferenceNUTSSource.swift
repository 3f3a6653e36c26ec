/// Stan's own NUTS, as C++ source: compiled into a second library of a model (with the bridge) only
/// when `sampo bench --stan` asks for it, so that ordinary models do not pay for the sampler's
/// headers. Its text is part of that library's cache key.
enum StanReferenceNUTSSource {
    static let text = #"""
// Stan's NUTS on this model as `stan::services::sample::hmc_nuts_diag_e_adapt` runs it (CmdStan's
// defaults: diagonal metric, 1 000-style windowed warm-up, delta 0.8, max depth 10, inits uniform on
// (-2, 2)), with the iterations driven here so that every leapfrog step of warm-up and sampling is
// counted (services only report the sampler's statistics of the iterations they save). Draws are
// turned into constrained values as CmdStan's writer does; nothing is written.
#include <stan/services/sample/hmc_nuts_diag_e_adapt.hpp>
#include <stan/services/util/initialize.hpp>

extern "C" int sampo_stan_reference_nuts(void* handle, unsigned int seed, int warmup, int draws,
                                         double* seconds, double* leapfrogs, char** error) {
  Model* m = static_cast<Model*>(handle);
  thread_stack();
  return guarded(error, [&] {
    stan::model::model_base& model = *m->model;
    stan::callbacks::logger quiet;
    stan::callbacks::writer nowhere;
    stan::io::empty_var_context no_inits;
    std::ostringstream messages;
    const auto start = std::chrono::steady_clock::now();
    stan::rng_t rng = stan::services::util::create_rng(seed, 1);
    std::vector<double> q = stan::services::util::initialize(model, no_inits, rng, 2.0, false, quiet, nowhere);
    stan::mcmc::adapt_diag_e_nuts<stan::model::model_base, stan::rng_t> sampler(model, rng);
    const Eigen::VectorXd unit_metric = Eigen::VectorXd::Ones(model.num_params_r());
    sampler.set_metric(unit_metric);
    sampler.set_nominal_stepsize(1.0);
    sampler.set_stepsize_jitter(0.0);
    sampler.set_max_depth(10);
    sampler.get_stepsize_adaptation().set_mu(std::log(10.0));
    sampler.get_stepsize_adaptation().set_delta(0.8);
    sampler.get_stepsize_adaptation().set_gamma(0.05);
    sampler.get_stepsize_adaptation().set_kappa(0.75);
    sampler.get_stepsize_adaptation().set_t0(10);
    sampler.set_window_params(warmup, 75, 50, 25, quiet);
    sampler.engage_adaptation();
    Eigen::Map<Eigen::VectorXd> start_point(q.data(), q.size());
    sampler.z().q = start_point;
    sampler.init_stepsize(quiet);
    stan::mcmc::sample s(start_point, 0, 0);
    std::vector<double> stats;
    Eigen::VectorXd values;
    double total = 0;
    for (int i = 0; i < warmup + draws; ++i) {
      if (i == warmup) sampler.disengage_adaptation();
      s = sampler.transition(s, quiet);
      stats.clear();
      sampler.get_sampler_params(stats);  // stepsize__, treedepth__, n_leapfrog__, divergent__, energy__
      total += stats[2];
      if (i >= warmup) {
        Eigen::VectorXd point = s.cont_params();
        model.write_array(rng, point, values, true, true, &messages);
      }
    }
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    *leapfrogs = total;
  });
}
"""#
}
