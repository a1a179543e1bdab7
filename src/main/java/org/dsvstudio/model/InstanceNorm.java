package org.dsvstudio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Instance normalization with a learned per-channel scale and shift (GroupNorm with one group per
 * channel), as in the dataset-distillation ConvNet. DJL has no such block. Each sample's channel is
 * normalized over its own H×W, so the block behaves the same in training and evaluation.
 */
public final class InstanceNorm extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float EPS = 1e-5f;

    private final Parameter gamma;
    private final Parameter beta;

    public InstanceNorm() {
        super(VERSION);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDArray flat = x.reshape(n, c, -1);
        NDArray mean = flat.mean(new int[] {2}, true);
        NDArray centred = flat.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(var.add(EPS).sqrt()).reshape(s);
        NDArray g = store.getValue(gamma, x.getDevice(), training).reshape(1, c, 1, 1);
        NDArray b = store.getValue(beta, x.getDevice(), training).reshape(1, c, 1, 1);
        // A view of a parameter is created in the parameter's (the model's) manager and would live as long as the
        // model: 12 arrays per DeepKKT step on the ConvNet (found by the soak). Hand the views to the input's.
        g.attach(x.getManager());
        b.attach(x.getManager());
        return new NDList(normed.mul(g).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long channels = inputShapes[0].get(1);
        gamma.setShape(new Shape(channels));
        beta.setShape(new Shape(channels));
    }
}
