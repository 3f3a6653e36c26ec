// Constrained parameters, a transformed parameter and a generated quantity, for Sampo's tests:
// w's posterior is its Dirichlet(2, 3, 5) prior exactly (the data do not involve it).
data {
  int<lower=1> N;
  vector[N] y;
}
parameters {
  real mu;
  real<lower=0> sigma;
  simplex[3] w;
}
transformed parameters {
  real log_sigma = log(sigma);
}
model {
  mu ~ normal(0, 10);
  sigma ~ lognormal(0, 1);
  w ~ dirichlet([2, 3, 5]');
  y ~ normal(mu, sigma);
}
generated quantities {
  real y_rep = normal_rng(mu, sigma);
}
