package org.dsvstudio.train;

import java.util.List;

/**
 * Accuracy of a classifier on a labelled set.
 *
 * @param samples images evaluated
 * @param accuracy overall fraction correct
 * @param classNames class names, same order as the arrays
 * @param perClassAccuracy fraction correct per true class (NaN where a class has no image)
 * @param perClassCount images per true class
 * @param confusion confusion[true][predicted] counts
 */
public record EvalResult(int samples, double accuracy, List<String> classNames, double[] perClassAccuracy,
        int[] perClassCount, int[][] confusion) {
}
