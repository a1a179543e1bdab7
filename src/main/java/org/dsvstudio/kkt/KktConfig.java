package org.dsvstudio.kkt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * Every weight and rate of a DeepKKT run (Algorithm 1 of the paper, plus the options DSV Studio adds).
 * Loss: β₁·L_primal(X) + s·L_stat(X) + η·(β₁·L_primal(A(X)) + s·L_stat(A(X))) + β₂·L_tv(X) + β₃·L_norm(X).
 *
 * @param preset name of the preset these values came from (informational)
 * @param steps optimization steps
 * @param primalWeight β₁, weight of the hinge-like cross-entropy (paper: 2e-3 for distillation)
 * @param stationarityWeight s, weight of the stationarity term (paper: 1; 0 gives the primal-only baseline)
 * @param augmentWeight η, weight of the KKT loss on augmented copies (paper: 5; 0 = no copies)
 * @param tvWeight β₂, total-variation prior
 * @param normWeight β₃, image-norm prior (mean x²)
 * @param distance how stationarity is measured
 * @param parameters which weights stationarity is applied to: ["all"], ["last:N"] (last N tensors) or name
 *     prefixes
 * @param lambdaScale λ₀: λ = λ₀·ν with ν learned; 0 means auto = 1/(μ·n) with μ the model's weight decay
 *     and n the number of candidates (the premise θ* = −(1/(μN)) Σ ∇ℓ spread over n DSVs), 1/n if μ unknown
 * @param lambdaInitSpread ν starts uniform in [1 − spread, 1 + spread]
 * @param lrX Adam learning rate of the images (normalized units)
 * @param lrLambda Adam learning rate of ν
 * @param adamBeta1 Adam β₁
 * @param adamBeta2 Adam β₂
 * @param augmentation the transforms A
 * @param noiseStd std of the Gaussian initial images in normalized units
 * @param chunkSize candidates per forward/backward (memory); the stationarity sum still spans all
 * @param progressEvery emit a progress snapshot every this many steps
 * @param levers how images are updated between steps (legibility levers); null = {@link Levers#NONE}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KktConfig(
        String preset,
        int steps,
        double primalWeight,
        double stationarityWeight,
        double augmentWeight,
        double tvWeight,
        double normWeight,
        Distance distance,
        List<String> parameters,
        double lambdaScale,
        double lambdaInitSpread,
        double lrX,
        double lrLambda,
        double adamBeta1,
        double adamBeta2,
        Augmentation augmentation,
        double noiseStd,
        int chunkSize,
        int progressEvery,
        Levers levers) {

    public KktConfig {
        levers = levers == null ? Levers.NONE : levers; // configs saved before the levers existed
    }

    /** Without legibility levers (the paper's update). */
    public KktConfig(String preset, int steps, double primalWeight, double stationarityWeight, double augmentWeight,
            double tvWeight, double normWeight, Distance distance, List<String> parameters, double lambdaScale,
            double lambdaInitSpread, double lrX, double lrLambda, double adamBeta1, double adamBeta2,
            Augmentation augmentation, double noiseStd, int chunkSize, int progressEvery) {
        this(preset, steps, primalWeight, stationarityWeight, augmentWeight, tvWeight, normWeight, distance,
                parameters, lambdaScale, lambdaInitSpread, lrX, lrLambda, adamBeta1, adamBeta2, augmentation, noiseStd,
                chunkSize, progressEvery, null);
    }

    /** Rejects values that cannot work, with the field named. */
    public KktConfig validate() {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        nonNegative("primalWeight", primalWeight);
        nonNegative("stationarityWeight", stationarityWeight);
        nonNegative("augmentWeight", augmentWeight);
        nonNegative("tvWeight", tvWeight);
        nonNegative("normWeight", normWeight);
        nonNegative("lambdaInitSpread", lambdaInitSpread);
        positive("lrX", lrX);
        positive("lrLambda", lrLambda);
        positive("noiseStd", noiseStd);
        atMost("steps", steps, 1_000_000);
        atMost("lrX", lrX, 100);
        atMost("lrLambda", lrLambda, 100);
        atMost("noiseStd", noiseStd, 100);
        if (!(lambdaScale >= 0 && lambdaScale <= 1e12)) {
            throw new IllegalArgumentException("lambdaScale must be 0 (auto) or a positive number up to 1e12, got "
                    + lambdaScale);
        }
        if (!(adamBeta1 >= 0 && adamBeta1 < 1) || !(adamBeta2 >= 0 && adamBeta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1)");
        }
        if (distance == null) {
            throw new IllegalArgumentException("distance is required");
        }
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("parameters must name at least one selection (e.g. \"all\")");
        }
        if (chunkSize <= 0 || progressEvery <= 0) {
            throw new IllegalArgumentException("chunkSize and progressEvery must be at least 1");
        }
        if (primalWeight == 0 && stationarityWeight == 0) {
            throw new IllegalArgumentException("primalWeight and stationarityWeight cannot both be 0");
        }
        (augmentation == null ? Augmentation.NONE : augmentation).validate();
        leversOrNone().validate();
        return this;
    }

    public Levers leversOrNone() {
        return levers == null ? Levers.NONE : levers;
    }

    public Augmentation augmentationOrNone() {
        return augmentation == null ? Augmentation.NONE : augmentation;
    }

    /** True when augmented copies take part (η > 0 and some transform on). */
    public boolean usesAugmentation() {
        return augmentWeight > 0 && !augmentationOrNone().isNone();
    }

    public KktConfig withSteps(int newSteps) {
        return toBuilder().steps(newSteps).build();
    }

    public KktConfig withStationarityWeight(double weight) {
        return toBuilder().stationarityWeight(weight).build();
    }

    public KktConfig withTvWeight(double weight) {
        return toBuilder().tvWeight(weight).build();
    }

    public KktConfig withDistance(Distance d, List<String> params) {
        return toBuilder().distance(d).parameters(params).build();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from nothing: every field must be set (presets start from {@link #toBuilder()}). */
    public static Builder builder() {
        return new Builder(null);
    }

    /**
     * Builds a configuration field by field, by name: the record has 19 components, and positional calls with
     * a dozen doubles in a row are where a swapped weight hides.
     */
    public static final class Builder {
        private String preset;
        private int steps;
        private double primalWeight;
        private double stationarityWeight;
        private double augmentWeight;
        private double tvWeight;
        private double normWeight;
        private Distance distance;
        private List<String> parameters;
        private double lambdaScale;
        private double lambdaInitSpread;
        private double lrX;
        private double lrLambda;
        private double adamBeta1;
        private double adamBeta2;
        private Augmentation augmentation;
        private double noiseStd;
        private int chunkSize;
        private int progressEvery;
        private Levers levers;

        private Builder(KktConfig from) {
            if (from != null) {
                preset = from.preset;
                steps = from.steps;
                primalWeight = from.primalWeight;
                stationarityWeight = from.stationarityWeight;
                augmentWeight = from.augmentWeight;
                tvWeight = from.tvWeight;
                normWeight = from.normWeight;
                distance = from.distance;
                parameters = from.parameters;
                lambdaScale = from.lambdaScale;
                lambdaInitSpread = from.lambdaInitSpread;
                lrX = from.lrX;
                lrLambda = from.lrLambda;
                adamBeta1 = from.adamBeta1;
                adamBeta2 = from.adamBeta2;
                augmentation = from.augmentation;
                noiseStd = from.noiseStd;
                chunkSize = from.chunkSize;
                progressEvery = from.progressEvery;
                levers = from.levers;
            }
        }

        public Builder preset(String value) {
            preset = value;
            return this;
        }

        public Builder steps(int value) {
            steps = value;
            return this;
        }

        public Builder primalWeight(double value) {
            primalWeight = value;
            return this;
        }

        public Builder stationarityWeight(double value) {
            stationarityWeight = value;
            return this;
        }

        public Builder augmentWeight(double value) {
            augmentWeight = value;
            return this;
        }

        public Builder tvWeight(double value) {
            tvWeight = value;
            return this;
        }

        public Builder normWeight(double value) {
            normWeight = value;
            return this;
        }

        public Builder distance(Distance value) {
            distance = value;
            return this;
        }

        public Builder parameters(List<String> value) {
            parameters = value;
            return this;
        }

        public Builder lambdaScale(double value) {
            lambdaScale = value;
            return this;
        }

        public Builder lambdaInitSpread(double value) {
            lambdaInitSpread = value;
            return this;
        }

        public Builder lrX(double value) {
            lrX = value;
            return this;
        }

        public Builder lrLambda(double value) {
            lrLambda = value;
            return this;
        }

        public Builder adamBeta1(double value) {
            adamBeta1 = value;
            return this;
        }

        public Builder adamBeta2(double value) {
            adamBeta2 = value;
            return this;
        }

        public Builder augmentation(Augmentation value) {
            augmentation = value;
            return this;
        }

        public Builder noiseStd(double value) {
            noiseStd = value;
            return this;
        }

        public Builder chunkSize(int value) {
            chunkSize = value;
            return this;
        }

        public Builder progressEvery(int value) {
            progressEvery = value;
            return this;
        }

        public Builder levers(Levers value) {
            levers = value;
            return this;
        }

        public KktConfig build() {
            return new KktConfig(preset, steps, primalWeight, stationarityWeight, augmentWeight, tvWeight, normWeight,
                    distance, parameters, lambdaScale, lambdaInitSpread, lrX, lrLambda, adamBeta1, adamBeta2,
                    augmentation, noiseStd, chunkSize, progressEvery, levers);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number ≥ 0, got " + v);
        }
    }

    private static void atMost(String name, double v, double max) {
        if (v > max) {
            throw new IllegalArgumentException(name + " must be at most " + (max == Math.rint(max)
                    ? String.format(java.util.Locale.ROOT, "%,.0f", max) : Double.toString(max)) + ", got " + v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
    }
}
