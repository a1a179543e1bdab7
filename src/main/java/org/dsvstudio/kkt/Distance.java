package org.dsvstudio.kkt;

/**
 * How far the weights θ* are from −Σ λᵢ ∇_θ ℓᵢ (the stationarity condition). The first two are the paper's;
 * the others are scale-free choices added because the paper's L1 was measured inert with few candidates
 * (a handful of gradients span almost nothing of a 10⁵-dimensional θ*).
 */
public enum Distance {
    /** Paper (Eq. 8): mean over all selected parameters of |θ* + Σ λᵢ ∇ℓᵢ|. */
    L1_MEAN,
    /** Paper appendix pseudo-code: ‖θ* + Σ λᵢ ∇ℓᵢ‖², summed over selected parameters. */
    L2_SQUARED,
    /** 1 − cos(θ*, −Σ λᵢ ∇ℓᵢ) over the selected parameters as one vector: ignores the overall scale of λ. */
    COSINE,
    /** Mean over parameter tensors of mean|θ*ₗ + gₗ| / mean|θ*ₗ|: every layer counts the same. */
    LAYER_L1,
    /** Mean over parameter tensors of ‖θ*ₗ + gₗ‖² / ‖θ*ₗ‖². */
    LAYER_L2
}
