// A model that rejects every point: a run must stop at the start with the model's reason.
parameters {
  real x;
}
model {
  reject("this model rejects every point");
}
