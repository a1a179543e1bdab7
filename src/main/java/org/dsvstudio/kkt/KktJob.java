package org.dsvstudio.kkt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ProcMemory;
import org.dsvstudio.engine.Uploads;
import org.dsvstudio.model.Probabilities;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One DeepKKT optimization (Algorithm 1): Adam on the candidate images and their multipliers, candidates
 * whose λ turns negative removed, progress snapshots every few steps, cancellation between steps with a
 * consistent partial result. Runs on the compute thread. Deterministic for a seed on the CPU: every random
 * draw comes from one java.util.Random, and the optimizer state lives in Java arrays.
 */
public final class KktJob {

    private static final double ADAM_EPS = 1e-8;

    private final Classifier model;
    private final AutogradBridge bridge;
    private final KktRequest request;
    private final KktConfig config;
    /** Candidates per chunk: the configured size, or smaller when the memory plan says so. */
    private int chunk;

    public KktJob(Classifier model, AutogradBridge bridge, KktRequest request) {
        this.model = model;
        this.bridge = bridge;
        this.request = request;
        this.config = request.config();
        this.chunk = config.chunkSize();
        int k = model.card().numClasses();
        if (request.targets()[0].length != k) {
            throw new IllegalArgumentException("targets have " + request.targets()[0].length + " entries but the model has "
                    + k + " classes");
        }
    }

    /** λ₀ actually used: the configured scale, or 1/(μ·n) from the model's recorded weight decay μ. */
    public static double lambdaScale(KktConfig config, ModelCard card, int candidates) {
        if (config.lambdaScale() > 0) {
            return config.lambdaScale();
        }
        Double mu = card.provenance() == null ? null : card.provenance().weightDecay();
        return mu != null && mu > 0 ? 1.0 / (mu * candidates) : 1.0 / candidates;
    }

    public KktResult run(Consumer<KktProgress> listener, BooleanSupplier cancelled) {
        ModelCard card = model.card();
        int n = request.size();
        int c = card.channels();
        int h = card.height();
        int w = card.imageWidth();
        int size = c * h * w;
        int numClasses = card.numClasses();
        DataType type = model.dataType();
        Random random = new Random(request.seed());

        // State (Java arrays: cheap to snapshot, always consistent between steps).
        float[] x = initialImages(random, size);
        double[] nu = new double[n];
        for (int i = 0; i < n; i++) {
            nu[i] = 1 + config.lambdaInitSpread() * (2 * random.nextDouble() - 1);
        }
        boolean[] removed = new boolean[n];
        int[] removedAt = new int[n];
        java.util.Arrays.fill(removedAt, -1);
        float[] mx = new float[x.length];
        float[] vx = new float[x.length];
        double[] mnu = new double[n];
        double[] vnu = new double[n];
        double lambda0 = lambdaScale(config, card, n);
        boolean[] hard = new boolean[n];
        for (int i = 0; i < n; i++) {
            hard[i] = KktRequest.isHard(request.targets()[i]);
        }

        List<Pair<String, NDArray>> selected = ParameterSelection.select(model.namedParameters(), config.parameters());
        List<NDArray> theta = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Augmenter augmenter = config.usesAugmentation() ? new Augmenter(config.augmentationOrNone()) : null;
        List<LossTerms> history = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int recomputes = 0;
        String stopReason = null;
        KktResult.Stop stop = null;
        int step = 0;
        double initialEntropy = Double.NaN;
        float[] lastLogits = new float[n * numClasses];
        LossTerms lastTerms = null;
        int lastReported = 0;
        long t0 = System.nanoTime();
        Engine engine = Engine.getEngine("PyTorch");

        try (NDManager jobManager = model.manager().newSubManager()) {
            List<NDArray> thetaStar = new ArrayList<>();
            for (Pair<String, NDArray> p : selected) {
                p.getValue().setRequiresGradient(true);
                theta.add(p.getValue());
                names.add(p.getKey());
                NDArray constant = p.getValue().stopGradient();
                constant.attach(jobManager);
                thetaStar.add(constant);
            }
            KktLoss loss = new KktLoss(model, bridge, theta, thetaStar, config);
            double statZero = loss.stationarityAtZero();
            MemoryGuard.Plan plan = planMemory(loss, x, nu, removed, hard, lambda0, jobManager, engine, type, size);
            if (plan.note() != null) {
                notes.add(plan.note());
            }
            boolean refused = plan.refusal() != null;
            if (refused) {
                stopReason = plan.refusal(); // no step runs; the result holds the untouched start
                stop = KktResult.Stop.REFUSED;
            }
            chunk = Math.max(1, plan.chunk());
            int chunks = (n + chunk - 1) / chunk;

            for (step = 0; !refused && step < config.steps(); step++) {
                if (cancelled.getAsBoolean()) {
                    stopReason = "cancelled";
                    stop = KktResult.Stop.CANCELLED;
                    break;
                }
                int activeCount = 0;
                for (boolean r : removed) {
                    activeCount += r ? 0 : 1;
                }
                if (activeCount == 0) {
                    stopReason = "every candidate was removed (all λ < 0) at step " + step;
                    stop = KktResult.Stop.ALL_REMOVED;
                    break;
                }
                Augmenter.Draw[] draws = new Augmenter.Draw[chunks];
                try (NDManager scope = jobManager.newSubManager()) {
                    for (int k = 0; k < chunks; k++) {
                        int m = chunkEnd(k, n) - k * chunk;
                        draws[k] = augmenter == null ? null : augmenter.draw(m, c, h, w, random, scope, type);
                    }
                    StepOutcome outcome = null;
                    for (int attempt = 0; attempt < 2; attempt++) {
                        try (NDManager attemptScope = scope.newSubManager()) {
                            outcome = computeStep(loss, x, nu, removed, hard, lambda0, draws, chunks, activeCount,
                                    statZero, attemptScope, engine, type, size);
                        }
                        if (outcome.nonFinite == null) {
                            break;
                        }
                        if (attempt == 0) {
                            recomputes++; // counts the steps computed again, not the failures
                        }
                    }
                    if (outcome.nonFinite != null) {
                        stop = KktResult.Stop.NON_FINITE;
                        stopReason = "stopped at step " + step + ": " + outcome.nonFinite
                                + " was not finite twice in a row (the last finite state is kept)";
                        break;
                    }
                    System.arraycopy(outcome.logits, 0, lastLogits, 0, lastLogits.length);
                    lastTerms = outcome.terms;
                    if (step == 0) {
                        initialEntropy = meanEntropy(outcome.logits, removed, numClasses);
                    }
                    Levers levers = config.leversOrNone();
                    if (levers.gradientBlur() > 0) {
                        ImageLevers.blur(outcome.gradX, c, h, w, levers.gradientBlur());
                    }
                    if (levers.l2Step()) {
                        ImageLevers.l2Step(x, outcome.gradX, removed, card, config.lrX());
                    } else {
                        adamImages(x, outcome.gradX, mx, vx, removed, step + 1, size);
                    }
                    clampToPixelRange(x, card, size);
                    if (levers.contrastFloor() > 0) {
                        ImageLevers.keepContrast(x, removed, card, levers.contrastFloor());
                    }
                    if (config.stationarityWeight() > 0) {
                        adamMultipliers(nu, outcome.gradNu, mnu, vnu, removed, step + 1);
                        for (int i = 0; i < n; i++) {
                            if (!removed[i] && nu[i] < 0) {
                                removed[i] = true;
                                removedAt[i] = step + 1;
                            }
                        }
                    }
                    boolean report = (step + 1) % config.progressEvery() == 0 || step + 1 == config.steps();
                    if (report) {
                        lastReported = step + 1;
                        history.add(outcome.terms);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        listener.accept(snapshot(step + 1, outcome.terms, x, nu, lambda0, removed, outcome.logits,
                                numClasses, size, (step + 1) / seconds, recomputes));
                    }
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (lastTerms != null && lastReported != step) {
            // stopped between reports: the last completed step still goes into the history and to the listener
            history.add(lastTerms);
            listener.accept(snapshot(step, lastTerms, x, nu, lambda0, removed, lastLogits, numClasses, size,
                    step / wall, recomputes));
        }
        List<Candidate> candidates = finalCandidates(x, nu, lambda0, removed, removedAt, size, numClasses, type,
                lastTerms == null ? null : lastLogits);
        double finalEntropy = candidates.stream().filter(cd -> !cd.removed()).mapToDouble(Candidate::entropy)
                .average().orElse(Double.NaN);
        return new KktResult(config, request.seed(), request.initLabel(), candidates, history, step, stopReason, stop,
                recomputes, wall, initialEntropy, finalEntropy, theta.stream().mapToLong(NDArray::size).sum(), names,
                notes);
    }

    /**
     * Measures what one candidate's step needs (a throwaway evaluation of candidate 0 alone, peak RSS around it)
     * and plans the chunk size from it and the memory available. Nothing is measured for a one-candidate run or
     * where the memory available is unknown.
     */
    private MemoryGuard.Plan planMemory(KktLoss loss, float[] x, double[] nu, boolean[] removed, boolean[] hard,
            double lambda0, NDManager jobManager, Engine engine, DataType type, int size) {
        int n = nu.length;
        long available = MemoryGuard.availableBytes();
        if (n == 1 || available < 0) {
            return MemoryGuard.plan(0, available, config.chunkSize(), n);
        }
        int configured = chunk;
        chunk = 1;
        boolean peakReset = ProcMemory.resetPeak();
        long before = MemoryGuard.rssBytes();
        try (NDManager scope = jobManager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            ChunkArrays a = chunkArrays(0, x, nu, removed, lambda0, scope, type, size, true);
            Augmenter.Draw draw = config.usesAugmentation()
                    ? new Augmenter(config.augmentationOrNone()).draw(1, model.card().channels(), model.card().height(),
                            model.card().imageWidth(), new Random(0), scope, type) : null;
            loss.evaluate(a.x, a.nu, a.lambdaScale, a.targets, hard[0], draw, null, null, 1, size);
        } finally {
            chunk = configured;
        }
        long after = peakReset ? MemoryGuard.peakBytes() : MemoryGuard.rssBytes();
        return MemoryGuard.plan(Math.max(0, after - before), available, configured, n);
    }

    private int chunkEnd(int k, int n) {
        return Math.min(n, (k + 1) * chunk);
    }

    private record StepOutcome(LossTerms terms, float[] gradX, double[] gradNu, float[] logits, String nonFinite) {
    }

    private StepOutcome computeStep(KktLoss loss, float[] x, double[] nu, boolean[] removed, boolean[] hard,
            double lambda0, Augmenter.Draw[] draws, int chunks, int activeCount, double statZero, NDManager scope,
            Engine engine, DataType type, int size) {
        int n = nu.length;
        ModelCard card = model.card();
        int numClasses = card.numClasses();
        float[] gradX = new float[x.length];
        double[] gradNu = new double[n];
        float[] logits = new float[n * numClasses];
        double primal = 0;
        double primalAug = 0;
        double tv = 0;
        double norm = 0;
        double stat = 0;
        double statAug = 0;
        boolean stationarity = config.stationarityWeight() > 0;
        try (GradientCollector collector = engine.newGradientCollector()) {
            List<NDArray> totalX = null;
            List<NDArray> totalA = null;
            List<List<List<NDArray>>> own = new ArrayList<>();
            if (stationarity && chunks > 1) {
                // Pass 1: every chunk's Σλ∇ℓ (first order, detached); the stationarity residual spans all chunks.
                for (int k = 0; k < chunks; k++) {
                    ChunkArrays a = chunkArrays(k, x, nu, removed, lambda0, scope, type, size, false);
                    List<List<NDArray>> g = loss.weightedGradients(a.x, a.nu.mul(a.lambdaScale), a.targets, draws[k]);
                    own.add(g);
                    totalX = add(totalX, g.get(0));
                    totalA = g.get(1) == null ? null : add(totalA, g.get(1));
                }
            }
            for (int k = 0; k < chunks; k++) {
                ChunkArrays a = chunkArrays(k, x, nu, removed, lambda0, scope, type, size, true);
                List<NDArray> restX = totalX == null ? null : minus(totalX, own.get(k).get(0));
                List<NDArray> restA = totalA == null ? null : minus(totalA, own.get(k).get(1));
                int from = k * chunk;
                boolean allHard = true;
                for (int i = from; i < chunkEnd(k, n); i++) {
                    allHard &= hard[i];
                }
                KktLoss.ChunkResult r = loss.evaluate(a.x, a.nu, a.lambdaScale, a.targets, allHard, draws[k], restX,
                        restA, activeCount, (double) activeCount * size);
                System.arraycopy(r.gradX(), 0, gradX, from * size, r.gradX().length);
                for (int i = 0; i < r.gradNu().length; i++) {
                    gradNu[from + i] = r.gradNu()[i];
                }
                System.arraycopy(r.logits(), 0, logits, from * numClasses, r.logits().length);
                primal += r.primal();
                primalAug += r.primalAug();
                tv += r.tv();
                norm += r.norm();
                if (k == 0) {
                    stat = r.stationarity();
                    statAug = r.stationarityAug();
                }
            }
        }
        double s = config.stationarityWeight();
        double eta = config.augmentWeight();
        double total = config.primalWeight() * (primal + eta * primalAug) + s * (stat + eta * statAug)
                + config.tvWeight() * tv + config.normWeight() * norm;
        LossTerms terms = new LossTerms(total, primal, stat, primalAug, statAug, tv, norm, statZero);
        String bad = terms.firstNonFinite();
        if (bad == null && !allFinite(gradX)) {
            bad = "the image gradient";
        }
        if (bad == null && !allFinite(gradNu)) {
            bad = "the multiplier gradient";
        }
        return new StepOutcome(terms, gradX, gradNu, logits, bad);
    }

    private record ChunkArrays(NDArray x, NDArray nu, NDArray lambdaScale, NDArray targets) {
    }

    private ChunkArrays chunkArrays(int k, float[] x, double[] nu, boolean[] removed, double lambda0, NDManager scope,
            DataType type, int size, boolean leaves) {
        ModelCard card = model.card();
        int from = k * chunk;
        int to = chunkEnd(k, nu.length);
        int m = to - from;
        float[] xs = new float[m * size];
        System.arraycopy(x, from * size, xs, 0, xs.length);
        float[] nus = new float[m];
        float[] scale = new float[m];
        float[] targets = new float[m * card.numClasses()];
        for (int i = 0; i < m; i++) {
            nus[i] = (float) nu[from + i];
            scale[i] = removed[from + i] ? 0f : (float) lambda0;
            System.arraycopy(request.targets()[from + i], 0, targets, i * card.numClasses(), card.numClasses());
        }
        NDArray xa = Uploads.floats(scope, xs, new Shape(m, card.channels(), card.height(), card.imageWidth()))
                .toType(type, false);
        NDArray nua = Uploads.floats(scope, nus).toType(type, false);
        if (leaves) {
            xa.setRequiresGradient(true);
            nua.setRequiresGradient(true);
        }
        return new ChunkArrays(xa, nua, Uploads.floats(scope, scale).toType(type, false),
                Uploads.floats(scope, targets, new Shape(m, card.numClasses())).toType(type, false));
    }

    private static List<NDArray> add(List<NDArray> acc, List<NDArray> g) {
        if (acc == null) {
            return new ArrayList<>(g);
        }
        List<NDArray> out = new ArrayList<>(g.size());
        for (int l = 0; l < g.size(); l++) {
            out.add(acc.get(l).add(g.get(l)));
        }
        return out;
    }

    private static List<NDArray> minus(List<NDArray> total, List<NDArray> own) {
        List<NDArray> out = new ArrayList<>(own.size());
        for (int l = 0; l < own.size(); l++) {
            out.add(total.get(l).sub(own.get(l)));
        }
        return out;
    }

    private float[] initialImages(Random random, int size) {
        ModelCard card = model.card();
        int n = request.size();
        float[] x = new float[n * size];
        int plane = card.height() * card.imageWidth();
        for (int i = 0; i < n; i++) {
            float[] start = request.initImages01() == null ? null : request.initImages01()[i];
            if (start != null && start.length != size) {
                throw new IllegalArgumentException("start image " + i + " has " + start.length + " values, the model"
                        + " takes " + size);
            }
            for (int j = 0; j < size; j++) {
                int ch = j / plane;
                x[i * size + j] = start != null ? (float) ((start[j] - card.meanOf(ch)) / card.stdOf(ch))
                        : (float) (config.noiseStd() * random.nextGaussian());
            }
        }
        clampToPixelRange(x, card, size);
        return x;
    }

    /** Keeps every pixel inside [0,1] once denormalized (a valid image for the model's normalization). */
    private static void clampToPixelRange(float[] x, ModelCard card, int size) {
        int plane = card.height() * card.imageWidth();
        for (int j = 0; j < x.length; j++) {
            int ch = (j % size) / plane;
            float lo = (float) ((0 - card.meanOf(ch)) / card.stdOf(ch));
            float hi = (float) ((1 - card.meanOf(ch)) / card.stdOf(ch));
            x[j] = Math.max(lo, Math.min(hi, x[j]));
        }
    }

    private void adamImages(float[] x, float[] g, float[] m, float[] v, boolean[] removed, int t, int size) {
        double b1 = config.adamBeta1();
        double b2 = config.adamBeta2();
        double c1 = 1 - Math.pow(b1, t);
        double c2 = 1 - Math.pow(b2, t);
        for (int j = 0; j < x.length; j++) {
            if (removed[j / size]) {
                continue;
            }
            m[j] = (float) (b1 * m[j] + (1 - b1) * g[j]);
            v[j] = (float) (b2 * v[j] + (1 - b2) * g[j] * g[j]);
            x[j] -= (float) (config.lrX() * (m[j] / c1) / (Math.sqrt(v[j] / c2) + ADAM_EPS));
        }
    }

    private void adamMultipliers(double[] nu, double[] g, double[] m, double[] v, boolean[] removed, int t) {
        double b1 = config.adamBeta1();
        double b2 = config.adamBeta2();
        double c1 = 1 - Math.pow(b1, t);
        double c2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < nu.length; i++) {
            if (removed[i]) {
                continue;
            }
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            nu[i] -= config.lrLambda() * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
        }
    }

    private KktProgress snapshot(int step, LossTerms terms, float[] x, double[] nu, double lambda0, boolean[] removed,
            float[] logits, int numClasses, int size, double stepsPerSecond, int recomputes) {
        int n = nu.length;
        double[] lambda = new double[n];
        int[] predicted = new int[n];
        double[] confidence = new double[n];
        double[] entropy = new double[n];
        float[][] images = new float[n][];
        for (int i = 0; i < n; i++) {
            lambda[i] = lambda0 * nu[i];
            float[] p = Probabilities.softmax(logits, i * numClasses, numClasses);
            predicted[i] = Probabilities.argMax(p);
            confidence[i] = p[predicted[i]];
            entropy[i] = Probabilities.entropy(p);
            images[i] = toPixels(x, i, size);
        }
        return new KktProgress(step, config.steps(), terms, lambda, removed.clone(), predicted, confidence, entropy,
                images, stepsPerSecond, recomputes);
    }

    /**
     * The candidates at the end. Their logits are evaluated once more on the final images; where the model
     * gives non-finite values there (a run stopped by NaN), the last finite step's logits stand in.
     */
    private List<Candidate> finalCandidates(float[] x, double[] nu, double lambda0, boolean[] removed, int[] removedAt,
            int size, int numClasses, DataType type, float[] lastFiniteLogits) {
        ModelCard card = model.card();
        int n = nu.length;
        float[] logits = new float[n * numClasses];
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            try (NDManager scope = model.manager().newSubManager()) {
                float[] xs = new float[(to - from) * size];
                System.arraycopy(x, from * size, xs, 0, xs.length);
                NDArray batch = scope.create(xs, new Shape(to - from, card.channels(), card.height(),
                        card.imageWidth())).toType(type, false);
                float[] out = model.logits(batch, false).toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(out, 0, logits, from * numClasses, out.length);
            }
        }
        List<Candidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (lastFiniteLogits != null && !allFinite(logits, i * numClasses, numClasses)) {
                System.arraycopy(lastFiniteLogits, i * numClasses, logits, i * numClasses, numClasses);
            }
            float[] l = java.util.Arrays.copyOfRange(logits, i * numClasses, (i + 1) * numClasses);
            float[] p = Probabilities.softmax(logits, i * numClasses, numClasses);
            float[] target = request.targets()[i];
            out.add(new Candidate(i, KktRequest.targetClass(target), target.clone(), lambda0 * nu[i], removed[i],
                    removedAt[i], Probabilities.argMax(p), l, p, Probabilities.entropy(p), toPixels(x, i, size)));
        }
        return out;
    }

    private static boolean allFinite(float[] values, int from, int count) {
        for (int j = from; j < from + count; j++) {
            if (!Float.isFinite(values[j])) {
                return false;
            }
        }
        return true;
    }

    private float[] toPixels(float[] x, int i, int size) {
        ModelCard card = model.card();
        int plane = card.height() * card.imageWidth();
        float[] img = new float[size];
        for (int j = 0; j < size; j++) {
            int ch = j / plane;
            img[j] = (float) Math.max(0, Math.min(1, x[i * size + j] * card.stdOf(ch) + card.meanOf(ch)));
        }
        return img;
    }

    private static double meanEntropy(float[] logits, boolean[] removed, int k) {
        double s = 0;
        int count = 0;
        for (int i = 0; i < removed.length; i++) {
            if (!removed[i]) {
                s += Probabilities.entropy(Probabilities.softmax(logits, i * k, k));
                count++;
            }
        }
        return count == 0 ? Double.NaN : s / count;
    }

    private static boolean allFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
