/**
 * Neural-network building blocks on the core engine: {@link org.sargan.nn.Module}s with named parameters whose
 * names follow PyTorch's state-dict keys, the layers SARGAN uses, PyTorch-default initialisation, Adam, the two
 * learning-rate schedules, and safetensors files for weights and checkpoints.
 */
package org.sargan.nn;
