/**
 * Neural-network building blocks on the core engine: modules with named parameters (following PyTorch state-dict
 * keys), layers, Adam, learning-rate schedules and safetensors checkpoints. The layers arrive with the SARGAN model;
 * the engine's functional ops in {@code org.sargan.core.ops} are usable directly meanwhile.
 */
package org.sargan.nn;
