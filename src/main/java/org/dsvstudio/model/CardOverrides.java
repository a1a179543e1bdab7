package org.dsvstudio.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What a user says about a bare {@code .pt} on the command line or in the card dialog. Any field may be
 * null; together with a card beside the file (if any) they must make a complete card.
 */
public record CardOverrides(int[] inputShape, List<String> classNames, double[] mean, double[] std, String name) {

    public static final CardOverrides NONE = new CardOverrides(null, null, null, null, null);

    public boolean isEmpty() {
        return inputShape == null && classNames == null && mean == null && std == null && name == null;
    }

    /** Applies these overrides onto a base card (which may be null for a bare .pt). */
    public ModelCard applyTo(ModelCard base, String defaultName, String weightsFile) {
        List<String> missing = new ArrayList<>();
        int[] shape = inputShape != null ? inputShape : base != null ? base.inputShape() : null;
        List<String> classes = classNames != null ? classNames : base != null ? base.classNames() : null;
        double[] m = mean != null ? mean : base != null ? base.mean() : null;
        double[] s = std != null ? std : base != null ? base.std() : null;
        if (shape == null) {
            missing.add("--input-shape");
        }
        if (classes == null) {
            missing.add("--class-names");
        }
        if (m == null) {
            missing.add("--mean");
        }
        if (s == null) {
            missing.add("--std");
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("no model card beside " + weightsFile + ": give "
                    + String.join(", ", missing) + " (e.g. --input-shape 1,28,28 --class-names a,b,... --mean 0.5 --std 0.5)");
        }
        String n = name != null ? name : base != null && base.name() != null ? base.name() : defaultName;
        if (base == null) {
            return new ModelCard(n, "torchscript", null, weightsFile, shape, classes, m, s, null, null, null, null,
                    null, null).validate();
        }
        return new ModelCard(n, base.architecture(), base.width(), base.weightsFile() != null ? base.weightsFile()
                : weightsFile, shape, classes, m, s, base.dataset(), base.testAccuracy(), base.testSamples(),
                base.perClassAccuracy(), base.provenance(), base.extra()).validate();
    }
}
