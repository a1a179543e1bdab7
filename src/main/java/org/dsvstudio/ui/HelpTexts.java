package org.dsvstudio.ui;

/** The Help menu's texts: what a user needs to read the app's numbers, in plain words. */
final class HelpTexts {

    private HelpTexts() {
    }

    static final String FIRST_STEPS = """
            1. A sample model is open (left). The Model tab says what it takes, what it answers and how good it is.
            2. Run tab: keep the quick preset and press Generate (Ctrl+G). DeepKKT starts from noise and looks for \
            the inputs the model's weights are built from — its Deep Support Vectors (DSVs). The run shows live.
            3. Gallery tab: the DSVs per class. Click one for its details: λ, the classes the model sees in it, its \
            distance to the nearest decision boundary.
            4. Boundaries, Explain, Compare: where the model's decisions change, which pixels decide, and whether \
            another model agrees.
            5. File → Save session keeps everything; File → Export report writes an HTML or PDF report.
            6. Teach tab: the same idea on 2-D points, beside a classical SVM — for a first look or a class.""";

    static final String NUMBERS = """
            λ (lambda): how much a DSV accounts for the model's weights. DeepKKT writes the weights as a \
            λ-weighted sum of gradients at the DSVs, as an SVM writes its weights as a sum over its support vectors.

            Kept / removed: a candidate whose λ fell below 0 cannot be a support vector and is removed (faded). \
            Kept ones have λ ≥ 0.

            Stationarity ratio: how much of the weights the λ-weighted gradients leave unexplained, relative to \
            λ = 0. 0 = fully explained, 1 = not at all. Below 0.5 the condition counts as approximately met; above, \
            the run says so in the gallery, the summary and dsvs.json.

            Confidence and entropy: the probability the model gives its predicted class, and the entropy of all its \
            probabilities in nats (0 = certain; ln 10 ≈ 2.3 for ten classes = no idea). High entropy means near a \
            decision boundary.

            Margin: the distance (pixel L2) to the nearest decision boundary, found along the gradient. Support \
            vectors lie near the boundary; real test images are usually farther.

            Legibility: independent models (judges) that did not make the DSVs are asked which class they show; \
            compare with their answers on real images.""";

    /** A tooltip that wraps (the short texts below are a sentence or three). */
    static javafx.scene.control.Tooltip tip(String text) {
        javafx.scene.control.Tooltip t = new javafx.scene.control.Tooltip(text);
        t.setWrapText(true);
        t.setMaxWidth(420);
        return t;
    }

    /** Short forms for tooltips where the numbers appear. */
    static final String LAMBDA_TIP = "λ: how much each candidate accounts for the model's weights (like an SVM's α)."
            + " λ < 0: removed, not a support vector. Help → What the numbers mean.";
    static final String LOSS_TIP = "Stationarity ÷ its λ = 0 value: the share of the weights the λ-weighted"
            + " gradients leave unexplained (0 = all explained; below 0.5 counts as met). Primal: candidates not yet"
            + " classified as their class.";
    static final String TEACH_TIP = "Median distance to the boundary: how far the DSVs (and the data) lie from where"
            + " the network changes its mind. Margin width: the SVM's street, half of it. Stationarity: 0 = the"
            + " network's weights fully explained by the DSVs.";

    static final String PRESETS = """
            quick: 200 steps, for a first look (seconds to a minute on a laptop CPU); a contrast floor keeps \
            images from noise visible.

            standard: 1 000 steps, smaller learning rates: closer to the KKT conditions, a few minutes.

            paper: the objective as the paper (Lee et al., NeurIPS 2024) writes it, for comparison; on the sample             models it barely moves the stationarity ratio (docs/results.md).

            Advanced settings on the Run tab show every field with a tooltip.""";
}
