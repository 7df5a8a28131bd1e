// Finite-difference check of TrainingNet's analytic gradients.
#pragma once

#include "fashion_mnist.hpp"

namespace w1 {

/// Compares central differences of the training loss (same forward: fixed dropout mask,
/// batch statistics) with the backward pass for a few elements of every parameter and of
/// the input. Prints the worst errors; returns 0 if all are within tolerance, else 1.
int run_gradcheck(const Dataset &train);

} // namespace w1
